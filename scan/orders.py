"""What the scans say, per member: order lines, returned forms, missing pages, pages to review.

Only one scan counts for each printed page: the first one that was not rejected. Later scans
of the same page are conflicts, kept for review, and never add to an order.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Collection
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, cast

import sqlalchemy as sa

from cagettes.core.members import member_number
from cagettes.core.model import Member, Product
from cagettes.core.month import FormSlot, MonthData
from cagettes.core.private import private_dir, private_file
from cagettes.core.records import OrderRow, PageLineRow, ScannedPageRow
from cagettes.scan.decide import Line
from cagettes.scan.recognise import ACCEPTED, NEEDS_IDENTITY, REVIEW, doubt_reasons
from cagettes.storage import db
from cagettes.storage.months import decode

UNKNOWN_MEMBER = "unknown_member"  # doubt: a number ticked on a walk-in form that is no member's
ORDER_COLUMNS = ("formulaire", "site", "membre", "nom", "produit", "ref", "quantite", "plus_un", "statut", "raison")


def effective_pages(conn, month: str) -> list[ScannedPageRow]:
    t = db.scanned_pages.c
    query = sa.select(db.scanned_pages).where(t.month == month, t.outcome != "rejected", t.conflict_of.is_(None))
    return [cast(ScannedPageRow, dict(row)) for row in conn.execute(query.order_by(t.form, t.page)).mappings()]


def lines_of(conn, page_ids: list[int]) -> dict[int, list[PageLineRow]]:
    if not page_ids:
        return {}
    rows = conn.execute(sa.select(db.page_lines).where(db.page_lines.c.scanned_page.in_(page_ids))).mappings()
    grouped: dict[int, list[PageLineRow]] = defaultdict(list)
    for row in rows:
        grouped[row["scanned_page"]].append(cast(PageLineRow, dict(row)))
    return grouped


def order_rows(engine: sa.Engine, month: MonthData) -> list[OrderRow]:
    """One row per product ordered (or in doubt) per returned form, in form order."""
    forms = {f.number: f for f in month.forms}
    products = {p.ref: p for p in month.products}
    with engine.connect() as conn:
        pages = effective_pages(conn, month.month)
        lines = lines_of(conn, [p["id"] for p in pages])
        assigned = assigned_members(conn, month.month)
    numbers = numbers_read(pages, lines, {member_number(f.member.number) for f in month.forms if f.member})
    rows = []
    for page in pages:
        if page["form"] is None:  # effective pages are identified; the column allows NULL for rejected ones
            continue
        page_lines = lines.get(page["id"], [])
        tolerance = {l["product"]: l for l in page_lines if l["kind"] == "tolerance"}
        form = forms[page["form"]]
        for line in (l for l in page_lines if l["kind"] == "quantity"):
            rows.append(order_row(form, numbers.get(form.number, ""), products[line["product"] or ""], line, tolerance,
                                  assigned.get(form.number)))
    return rows


def numbers_read(pages: list[ScannedPageRow], lines: dict[int, list[PageLineRow]],
                 members: Collection[str]) -> dict[int, str]:
    """The member number ticked on a walk-in form (its first page), for the products of all its pages.

    Only a confirmed one, and a member's: a number in doubt (a digit missing) waits for a
    volunteer, and one that is nobody's (a page stored before it could be checked) never counts."""
    numbers: dict[int, str] = {}
    for page in pages:
        for line in lines.get(page["id"], []):
            if line["kind"] == "member_number" and line["value"] and line["status"] == "confirmed" \
                    and page["form"] is not None:
                number = member_number(line["value"])
                if number in members:
                    numbers.setdefault(page["form"], number)
    return numbers


def snapshot_members(conn, month: str) -> dict[str, Member]:
    """The month's members as frozen at opening, by number as ``member_number`` writes it."""
    snapshot = conn.execute(sa.select(db.months.c.snapshot).where(db.months.c.month == month)).scalar()
    return {member_number(m["number"]): decode(Member, m) for m in (snapshot or {}).get("members", [])}


def roster(conn, month: str) -> set[str] | None:
    """The month's member numbers; None when the month is not in this database (a manifest
    scanned on its own, as benchmarks do), where no number can be checked."""
    known = conn.execute(sa.select(db.months.c.month).where(db.months.c.month == month)).first()
    return set(snapshot_members(conn, month)) if known else None


def known_members(lines: list[Line], members: Collection[str] | None) -> list[Line]:
    """The walk-in grid's number written as every member number is; one that is no member's
    becomes a doubt for a volunteer, never an order, a payment or a credit for nobody."""
    if members is None:
        return lines
    checked = []
    for line in lines:
        if line.kind == "member_number" and line.status == "confirmed" and line.value is not None:
            line = replace(line, value=member_number(str(line.value)))
            if line.value not in members:
                line = replace(line, status="doubtful", reason=UNKNOWN_MEMBER)
        checked.append(line)
    return checked


def check_walkin_number(conn, month: str, report: Any) -> None:
    """A scanned page's report (``pipeline.PageReport``), before it is stored: its walk-in number
    checked against the month's members; a number that is nobody's sends the page to review."""
    lines = known_members([Line(**line) for line in report.lines], roster(conn, month))
    doubts = [reason for reason in doubt_reasons(lines) if reason not in report.review_reasons]
    report.lines = [asdict(line) for line in lines]
    if doubts and report.outcome in (ACCEPTED, REVIEW):
        if report.outcome == ACCEPTED:
            report.outcome, report.reason = REVIEW, doubts[0]
        report.review_reasons = report.review_reasons + doubts


def assigned_members(conn, month: str) -> dict[int, Member]:
    """Walk-in forms a volunteer gave to a member on the review page, by form number."""
    rows = conn.execute(sa.select(db.walkin_members).where(db.walkin_members.c.month == month)).mappings().all()
    if not rows:
        return {}
    members = snapshot_members(conn, month)
    return {r["form"]: members[member_number(r["member"])] for r in rows if member_number(r["member"]) in members}


def walkin_member(engine: sa.Engine, month: MonthData, form: int) -> Member | None:
    """The member a walk-in form was given to on the review page, or whose number its grid
    shows; None while it has not come back or names no member."""
    with engine.connect() as conn:
        assigned = assigned_members(conn, month.month)
        if form in assigned:
            return assigned[form]
        pages = [p for p in effective_pages(conn, month.month) if p["form"] == form]
        lines = lines_of(conn, [p["id"] for p in pages])
        members = snapshot_members(conn, month.month)
    return members.get(numbers_read(pages, lines, set(members)).get(form, ""))


def order_row(form: FormSlot, walkin_number: str, product: Product, line: PageLineRow, tolerance: dict[str | None, PageLineRow],
              assigned: Member | None = None) -> OrderRow:
    member = form.member or assigned
    tol = tolerance.get(product.ref)
    doubtful = line["status"] == "doubtful" or (tol is not None and tol["status"] == "doubtful")
    return {
        "formulaire": form.number, "site": form.site,
        "membre": member.number if member else walkin_number,
        "nom": member.display_name if member else "",
        "produit": product.name, "ref": product.ref,
        "quantite": line["value"] or "", "plus_un": "oui" if tol and tol["value"] == "True" else "",
        "statut": "douteux" if doubtful else "confirmé",
        "raison": line["reason"] if line["status"] == "doubtful" else (tol["reason"] if doubtful and tol else ""),
    }


def export_orders(engine: sa.Engine, month: MonthData, path: Path) -> int:
    rows = order_rows(engine, month)
    private_dir(path.parent)
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # BOM: Excel then reads UTF-8
        writer = csv.DictWriter(handle, fieldnames=ORDER_COLUMNS, delimiter=";")
        writer.writeheader()
        writer.writerows({key: neutralise(value) for key, value in row.items()} for row in rows)
    private_file(path)  # names and orders
    return len(rows)


def neutralise(value):
    """A cell a spreadsheet would run as a formula (=, +, -, @) is written as text instead."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


@dataclass
class SiteStatus:
    site: str
    issued: int = 0
    returned: int = 0
    walkins_returned: int = 0
    not_returned: list[str] = field(default_factory=list)  # member display names


@dataclass
class MonthStatus:
    sites: list[SiteStatus]
    review: list[ScannedPageRow]  # scanned pages waiting for a volunteer
    rejected: list[ScannedPageRow]
    incomplete: list[tuple[int, str, list[int]]]  # (form, who, missing page numbers)

    @property
    def unidentified(self) -> list[ScannedPageRow]:
        """Pages to review on which no code could be read: a volunteer names them on the review page."""
        return [page for page in self.review if page["reason"] == NEEDS_IDENTITY and not page["page_id"]]


def month_status(engine: sa.Engine, month: MonthData, pages_per_form: dict[int, int]) -> MonthStatus:
    t = db.scanned_pages.c
    with engine.connect() as conn:
        effective = effective_pages(conn, month.month)
        review = [cast(ScannedPageRow, dict(r)) for r in conn.execute(sa.select(db.scanned_pages).where(
            t.month == month.month, t.outcome == "needs_review")).mappings()]
        rejected = [cast(ScannedPageRow, dict(r)) for r in conn.execute(sa.select(db.scanned_pages).where(
            t.month == month.month, t.outcome == "rejected")).mappings()]
    seen: dict[int, set[int]] = defaultdict(set)
    for page in effective:
        if page["form"] is not None and page["page"] is not None:
            seen[page["form"]].add(page["page"])
    return MonthStatus(site_statuses(month, seen), review, rejected, incomplete_forms(month, seen, pages_per_form))


def site_statuses(month: MonthData, seen: dict[int, set]) -> list[SiteStatus]:
    statuses = []
    for site in month.sites:
        status = SiteStatus(site.name)
        status.walkins_returned = sum(1 for f in month.forms_of(site.code) if not f.member and f.number in seen)
        for form, member in ((f, f.member) for f in month.forms_of(site.code) if f.member):
            status.issued += 1
            if form.number in seen:
                status.returned += 1
            else:
                status.not_returned.append(f"{member.display_name} ({member.number})")
        statuses.append(status)
    return statuses


def incomplete_forms(month: MonthData, seen: dict[int, set], pages_per_form: dict[int, int]) -> list:
    forms = {f.number: f for f in month.forms}
    out = []
    for number, pages in sorted(seen.items()):
        missing = [p for p in range(1, pages_per_form.get(number, 0) + 1) if p not in pages]
        if missing:
            form = forms[number]
            who = f"{form.member.display_name} ({form.member.number})" if form.member else f"bon libre {number}"
            out.append((number, who, missing))
    return out
