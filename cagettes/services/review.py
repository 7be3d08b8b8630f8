"""The review page's use cases: what a volunteer sees and settles on the month's scanned pages.

The decisions themselves (a box, a page accepted or rejected, a walk-in form given to a member,
one of two scans kept, an undo) are the review stage's (``cagettes.review.decisions``); they
are offered here under the same names, beside the queries the page shows, so that the web page
(``cagettes/web/app.py``) calls this module only and keeps nothing but words and addresses.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cagettes.closing.state import closed_at
from cagettes.core.members import member_number, name_key
from cagettes.core.model import Member
from cagettes.core.month import MonthData
from cagettes.core.records import ManifestBox, ManifestPage, OrderRow, ScannedPageRow
from cagettes.forms.texts import texts as printed_words
from cagettes.review.decisions import (
    BOX,
    NAME_MAX,
    REJECTED,
    BoxItem,
    Review,
    accept,
    assign,
    decide_box,
    history,
    identify,
    keep_scan,
    page_items,
    page_row,
    pages_to_review,
    queue,
    reject,
    same_printed_page,
    stored_page,
    undo,
    walkin_forms,
)
from cagettes.scan import pipeline
from cagettes.scan.crops import box_jpeg, read_grey
from cagettes.scan.doubts import doubt_in_words, why
from cagettes.scan.orders import effective_pages, order_rows, snapshot_members
from cagettes.scan.pipeline import is_awaiting_identity, registered_path
from cagettes.services.months import load_month
from cagettes.services.scanning import scan_job
from cagettes.storage.workspace import Workspace

__all__ = [  # the decisions, as the review stage takes them; the form's words; a box's picture
    "BOX", "NAME_MAX", "BoxItem", "Review", "accept", "assign", "decide_box", "history", "identify", "keep_scan", "queue",
    "reject", "undo", "walkin_forms", "printed_words", "box_jpeg", "read_grey", "doubt_in_words", "why",
]


@dataclass(frozen=True)
class ReviewSession:
    review: Review
    data: MonthData
    pictures_dir: Path  # the month's private scans folder: the only pictures the page may send


@dataclass(frozen=True)
class PageView:
    """One scanned page as the page view shows it."""

    row: ScannedPageRow
    printed: ManifestPage
    items: list[BoxItem]  # its boxes still to decide
    scans: list[ScannedPageRow]  # every scan of the same printed page (two or more: a conflict)


def open_review(workspace: Workspace, month: str | None = None, lang: str | None = None) -> ReviewSession:
    data = load_month(workspace, month)
    job = scan_job(workspace, data)
    review = Review.open(workspace.engine(), job.manifest_path, lang or workspace.config.lang)
    return ReviewSession(review, data, Path(job.pictures_dir))


def month_page(review: Review, page: int) -> ScannedPageRow | None:
    """A scanned page of this month (any outcome), or None."""
    with review.engine.connect() as conn:
        row = page_row(conn, page)
    return row if row is not None and row["month"] == review.month else None


def page_view(review: Review, page: int) -> PageView | None:
    """A page of this month's printed forms, with what is left to decide on it; None otherwise."""
    with review.engine.connect() as conn:
        row = page_row(conn, page)
        if row is None or row["month"] != review.month or row["page_id"] not in review.printed:
            return None
        items = [] if row["outcome"] == REJECTED else page_items(review, conn, row)
        scans = [stored_page(review, conn, other) for other in same_printed_page(conn, row)]
    return PageView(row, review.printed_page(row["page_id"]), items, scans)


@dataclass(frozen=True)
class IdentityView:
    """A scanned page that names no printed page of this month: its row, and when it waits for
    a volunteer to name it, the printed pages it may be (those not back yet)."""

    row: ScannedPageRow
    awaiting: bool
    choices: list[ManifestPage]


def identity_view(review: Review, page: int) -> IdentityView | None:
    """A page of this month whose codes named no printed page of it (none could be read, or a
    volunteer rejected it before naming it); None for any other page."""
    row = month_page(review, page)
    if row is None or (row["page_id"] and row["page_id"] in review.printed):
        return None
    awaiting = is_awaiting_identity(row)
    return IdentityView(row, awaiting, pages_not_back(review) if awaiting else [])


def awaiting_identity(review: Review) -> list[ScannedPageRow]:
    """Pages on which no code could be read, waiting for a volunteer to name them."""
    with review.engine.connect() as conn:
        return [row for row in pages_to_review(conn, review.month) if is_awaiting_identity(row)]


def pages_not_back(review: Review) -> list[ManifestPage]:
    """This month's printed pages that no scan counts for yet, in form and page order."""
    with review.engine.connect() as conn:
        back = {row["page_id"] for row in effective_pages(conn, review.month)}
    return [page for page in review.manifest["pages"] if page["id"] not in back]


def identify_page(session: ReviewSession, page: int, typed: str, who: str) -> int:
    """A volunteer names a page without a readable code (the identifier typed, or a page of the
    list): it is then read as that page."""
    review = session.review
    job = pipeline.Job(review.month, review.manifest_path, session.data.secret, str(session.pictures_dir))
    return identify(review, job, page, typed, who)


def conflicts(review: Review) -> list[list[ScannedPageRow]]:
    """Printed pages scanned twice or more, each with all its scans: a volunteer keeps one."""
    groups: dict[str, list[ScannedPageRow]] = {}
    with review.engine.connect() as conn:
        for row in pages_to_review(conn, review.month, conflicts=True):
            if row["page_id"] and row["page_id"] not in groups:
                groups[row["page_id"]] = [stored_page(review, conn, p) for p in same_printed_page(conn, row)]
    return list(groups.values())


def pages_to_finish(review: Review, busy: set[int]) -> list[ScannedPageRow]:
    """Pages still in doubt with no box left to decide (``busy``: pages that have some)."""
    with review.engine.connect() as conn:
        return [row for row in pages_to_review(conn, review.month) if row["id"] not in busy and not is_awaiting_identity(row)]


def box_of(review: Review, row: ScannedPageRow | None, box: str) -> ManifestBox | None:
    """A box of a scanned page (``month_page``'s row), by its id."""
    return next((b for b in review.boxes_of(row) if b["id"] == box), None) if row else None


def form_order(session: ReviewSession, form: int | None) -> list[OrderRow]:
    """What the month's orders hold for one form today (confirmed and doubtful lines)."""
    return [row for row in order_rows(session.review.engine, session.data) if row["formulaire"] == form]


def members(review: Review) -> list[Member]:
    """The month's members, by name: whom a walk-in form can be given to."""
    with review.engine.connect() as conn:
        found = snapshot_members(conn, review.month).values()
    return sorted(found, key=lambda m: name_key(m.display_name))


def member(review: Review, number: str) -> Member | None:
    with review.engine.connect() as conn:
        return snapshot_members(conn, review.month).get(member_number(number))  # "20" is member 0020


def scan_picture(session: ReviewSession, row: ScannedPageRow) -> Path | None:
    """The picture of a whole page a volunteer looks at: its overlay, or the scan itself when it
    has none (a page without identity); only inside the month's private scans folder."""
    path = row["overlay"] or row["kept_image"]
    return Path(path) if path and is_private_picture(session, path) and Path(path).is_file() else None


def picture_paths(session: ReviewSession, row: ScannedPageRow) -> list[Path]:
    """Where a page's picture may be, best first (the registered grey page, then its overlay),
    and only inside the month's private scans folder."""
    found = [registered_path(session.pictures_dir, row["sha256"])] + ([Path(row["overlay"])] if row["overlay"] else [])
    return [path for path in found if is_private_picture(session, path)]


def is_private_picture(session: ReviewSession, path: str | Path) -> bool:
    """Only pictures of this month's private scans folder are ever sent."""
    return Path(path).resolve().is_relative_to(session.pictures_dir.resolve())


def closed_since(review: Review):
    """When the month was closed (a datetime), or None."""
    return closed_at(review.engine, review.month)
