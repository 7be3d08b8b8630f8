"""What the scans say, per member: order lines, returned forms, missing pages, pages to review.

Only one scan counts for each printed page: the first one that was not rejected. Later scans
of the same page are conflicts, kept for review, and never add to an order.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import sqlalchemy as sa

from cagettes.core.model import Member, Product
from cagettes.core.month import FormSlot, MonthData
from cagettes.core.private import private_dir, private_file
from cagettes.core.records import OrderRow, PageLineRow, ScannedPageRow
from cagettes.scan.recognise import NEEDS_IDENTITY
from cagettes.storage import db
from cagettes.storage.months import decode

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
    numbers = numbers_read(pages, lines)
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


def numbers_read(pages: list[ScannedPageRow], lines: dict[int, list[PageLineRow]]) -> dict[int, str]:
    """The member number ticked on a walk-in form (its first page), for the products of all its pages."""
    numbers: dict[int, str] = {}
    for page in pages:
        for line in lines.get(page["id"], []):
            if line["kind"] == "member_number" and line["value"] and page["form"] is not None:
                numbers.setdefault(page["form"], line["value"])
    return numbers


def snapshot_members(conn, month: str) -> dict[str, Member]:
    """The month's members as frozen at opening, by number."""
    snapshot = conn.execute(sa.select(db.months.c.snapshot).where(db.months.c.month == month)).scalar()
    return {m["number"]: decode(Member, m) for m in (snapshot or {}).get("members", [])}


def assigned_members(conn, month: str) -> dict[int, Member]:
    """Walk-in forms a volunteer gave to a member on the review page, by form number."""
    rows = conn.execute(sa.select(db.walkin_members).where(db.walkin_members.c.month == month)).mappings().all()
    if not rows:
        return {}
    members = snapshot_members(conn, month)
    return {r["form"]: members[r["member"]] for r in rows if r["member"] in members}


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
