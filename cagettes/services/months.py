"""Opening a month and finding it again."""
from __future__ import annotations

from cagettes.closing import carry
from cagettes.core.errors import MonthError
from cagettes.core.model import Catalog
from cagettes.core.month import MonthData
from cagettes.storage import months
from cagettes.storage.workspace import Workspace


def open_month(workspace: Workspace, catalog: Catalog, month: str) -> MonthData:
    """Freeze the catalog's prices and the calendar for ``month`` (AAAA-MM), number its forms."""
    opened = months.open_month(workspace.engine(), workspace.config, catalog, month)
    return load_month(workspace, opened.month)  # again, with what last month carried over


def load_month(workspace: Workspace, month: str | None = None) -> MonthData:
    """The month as printed (the last one opened if ``month`` is None), with last month's credits."""
    return carry.load_month(workspace.engine(), workspace.config, month)


def open_or_reuse(workspace: Workspace, catalog: Catalog, month: str) -> tuple[MonthData, bool]:
    """``month`` opened now (True), or as it was already opened (False)."""
    try:
        return open_month(workspace, catalog, month), True
    except MonthError:
        return load_month(workspace, month), False
