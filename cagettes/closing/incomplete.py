"""What a closed month leaves incomplete, said at `month close` and `documents` and on the
dashboard, so that nobody finds out at the pickup: forms with pages that never came back, pages
rejected and not scanned again, pages still waiting for a volunteer, walk-in forms that name
no member."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from cagettes.closing.accounts import MonthAccounts
from cagettes.core.paths import MonthPaths
from cagettes.core.records import ScannedPageRow
from cagettes.forms import manifest
from cagettes.scan.orders import effective_pages, month_status


@dataclass(frozen=True)
class Incomplete:
    missing_pages: list[tuple[int, str, list[int]]] = field(default_factory=list)  # (form, who, page numbers)
    rejected: list[ScannedPageRow] = field(default_factory=list)  # rejected, and no good scan of that page since
    awaiting_review: int = 0  # pages a volunteer has not settled: their doubtful lines are not ordered
    walkins_without_member: list[int] = field(default_factory=list)  # walk-in forms back, naming no member

    @property
    def nothing(self) -> bool:
        return not (self.missing_pages or self.rejected or self.awaiting_review or self.walkins_without_member)


def incomplete(engine: sa.Engine, accounts: MonthAccounts, month_dir) -> Incomplete:
    month = accounts.month
    status = month_status(engine, month, manifest.pages_per_form(MonthPaths(month_dir).manifest))
    with engine.connect() as conn:
        counted = {p["page_id"] for p in effective_pages(conn, month.month) if p["page_id"]}
    rejected = [r for r in status.rejected if not (r["page_id"] and r["page_id"] in counted)]
    walkins = [a.slot.number for a in accounts.accounts if not a.member]  # a named form's member is its slot's
    return Incomplete(status.incomplete, rejected, len(status.review), walkins)
