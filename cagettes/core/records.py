"""The shapes of the records that cross modules as plain dicts: the layout manifest (printing
writes it, the scanner and the review page read it) and the database rows that the scanner
writes and closing, status and the review page read.

They are ``TypedDict``s, not classes, because they are JSON and SQL rows on the way in and
out: the manifest is read back with ``json.loads`` (docs/manifest.md describes the same
fields), and a row is ``dict(row)`` of a SQLAlchemy mapping. The type checker holds every
reader to these names.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, NotRequired, TypedDict

Rect = list[float]  # [x, y, width, height] in mm from the page's top-left corner


class ManifestBox(TypedDict):
    """A tick box. ``id`` follows the grammar of ``forms/layout.py`` (q-3-2, t-3, p-cheque…)."""

    id: str
    kind: str  # quantity | tolerance | payment | amount_digit | member_digit | feedback
    rect: Rect
    product: NotRequired[str]  # the product's ref, for quantity, tolerance and feedback boxes
    value: NotRequired[int | str]  # the quantity or digit, the payment method, like/dislike
    column: NotRequired[int]  # the digit's column, for amount and member-number boxes


class ManifestLayout(TypedDict):
    """The geometry of one page of one form variant, shared by every printed copy of it."""

    width: float
    height: float
    marks: dict[str, Rect]  # the four corner marks: tl, tr, bl, br
    qr: list[Rect]  # the two QR codes
    zones: dict[str, Rect]  # free areas, such as the comment zone
    boxes: list[ManifestBox]


class ManifestPage(TypedDict):
    """One printed page: whose form it is, and where it is in which PDF."""

    id: str  # the signed identifier printed in the QR codes
    form: int
    page: int  # 1-based, within the form
    pages: int
    member: str | None  # member number; None on a walk-in form
    walkin: bool
    site: str
    lang: str
    layout: str  # key into Manifest.layouts
    pdf: str  # relative to the month's output folder
    pdf_page: int  # 0-based
    extra_boxes: list[ManifestBox]  # stamped for this member only (last month's products to rate)


class ManifestProduct(TypedDict):
    index: int
    ref: str
    name: str
    unit: str
    price: str  # a decimal, as text
    max: int
    case_size: int | None


class Manifest(TypedDict):
    format: str
    version: int
    month: str
    generated: str
    units: str
    products: list[ManifestProduct]
    layouts: dict[str, ManifestLayout]
    pages: list[ManifestPage]


class ScannedPageRow(TypedDict):
    """A row of ``scanned_pages`` (cagettes/storage/db.py): one image read, whatever came of it."""

    id: int
    month: str
    sha256: str
    source: str
    source_index: int | None
    scanned_at: dt.datetime
    outcome: str  # accepted | needs_review | rejected
    reason: str
    detail: str
    page_id: str | None
    form: int | None
    page: int | None
    conflict_of: int | None
    fit_error_mm: float | None
    review_reasons: list[str]
    overlay: str | None
    comment: str | None
    kept_image: str | None


class PageLineRow(TypedDict):
    """A row of ``page_lines``: what a page says about one product, payment or number."""

    id: int
    scanned_page: int
    kind: str  # quantity | tolerance | payment | amount | member_number | feedback
    product: str | None
    value: str | None
    status: str  # confirmed | doubtful
    reason: str
    boxes: list[str]


class OrderRow(TypedDict):
    """A line of the orders export (``cagettes export orders``), which closing freezes."""

    formulaire: int
    site: str
    membre: str
    nom: str
    produit: str
    ref: str
    quantite: str
    plus_un: str  # "oui" or ""
    statut: str  # "confirmé" or "douteux"
    raison: str


class ReviewDecisionRow(TypedDict):
    """A row of ``review_decisions``: one thing a volunteer settled, undoable while nothing
    later changed the same page or form."""

    id: int
    month: str
    scanned_page: int
    action: str  # box | accept | reject | assign | keep_scan
    box: str | None
    value: str | None  # the box's state, the reason, the member number, the kept scan
    before: dict[str, Any]  # what it changed, to put back on undo: {"pages": {...}} or the form's assignment
    reviewer: str
    decided_at: dt.datetime
    undone_at: dt.datetime | None
    undone_by: str | None


class HistoryEntry(ReviewDecisionRow):
    """A decision as the review page lists it."""

    undoable: bool  # nothing later blocks undoing it


class WalkinForm(TypedDict):
    """A walk-in form back this month, as the review page lists it."""

    form: int
    page: int  # its first scanned page
    read: str | None  # the member number ticked on it, when one was read
    assigned: str | None  # the member a volunteer gave it to
