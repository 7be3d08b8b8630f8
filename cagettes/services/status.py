"""Where a month stands: forms back per site, missing pages, pages to review or rejected,
whether the month is closed, and whether its documents were all written."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cagettes.closing.state import Closing, current_closing, late_pages
from cagettes.core.month import MonthData
from cagettes.forms import manifest
from cagettes.scan.notices import page_notice
from cagettes.scan.orders import MonthStatus
from cagettes.scan.orders import month_status as scan_status
from cagettes.services.closing import missing_documents
from cagettes.services.scanning import scan_job
from cagettes.storage.workspace import Workspace

__all__ = ["Status", "month_status", "page_notice"]  # page_notice: a rejected page's sentence


@dataclass(frozen=True)
class Status:
    scans: MonthStatus
    closing: Closing | None
    late_pages: int  # read after the closing: kept, not ordered
    missing_documents: list[Path] = field(default_factory=list)  # closed, documents not all written


def month_status(workspace: Workspace, data: MonthData) -> Status:
    engine = workspace.engine()
    scan_job(workspace, data)  # the month was printed, and its manifest is whole
    pages_per_form = manifest.pages_per_form(workspace.paths(data.month).manifest)
    closing = current_closing(engine, data.month)
    late = len(late_pages(engine, closing)) if closing else 0
    return Status(scan_status(engine, data, pages_per_form), closing, late,
                  missing_documents(workspace, data, closing))
