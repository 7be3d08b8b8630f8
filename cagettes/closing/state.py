"""Closing a month at the deadline: the orders are frozen, late forms are kept apart.

Closing copies each returned form's confirmed order lines into the ``closings`` table. From then
on every document (supplier orders, distribution sheets, receipts) is made from that frozen
copy, so a page scanned late never changes an order already sent. Late pages stay in the
database and are listed; reopening the month (recorded, with who and why) and closing it again
is the only way to take them in.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from cagettes.core.errors import MonthError
from cagettes.core.i18n import N_
from cagettes.core.month import FormSlot, MonthData
from cagettes.core.records import OrderRow
from cagettes.scan.orders import effective_pages, order_rows
from cagettes.storage import db


@dataclass(frozen=True)
class FrozenLine:
    ref: str
    quantity: int
    tolerance: bool


@dataclass(frozen=True)
class FrozenForm:
    form: int
    site: str
    member: str  # member number: printed on the form, or written on a walk-in form ("" if none)
    lines: tuple[FrozenLine, ...]


@dataclass(frozen=True)
class Closing:
    month: str
    closed_at: dt.datetime
    closed_by: str
    forced: bool
    pending: tuple[str, ...]  # what was still in review when a coordinator forced the close
    forms: tuple[FrozenForm, ...]


def pending_review(engine: sa.Engine, month: str) -> list[str]:
    """Pages a volunteer must still look at, as short labels for the coordinator."""
    t = db.scanned_pages.c
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.id, t.source, t.page_id, t.review_reasons)
                            .where(t.month == month, t.outcome == "needs_review").order_by(t.id)).all()
    return [f"{row.page_id or row.source} ({', '.join(row.review_reasons or [])})" for row in rows]


def close_month(engine: sa.Engine, month: MonthData, by: str, force: bool = False) -> Closing:
    if current_closing(engine, month.month):
        raise MonthError(N_("Le mois {month} est déjà clos. Pour y revenir : cagettes month reopen {month} --raison \"...\""),
                         params={"month": month.month})
    pending = pending_review(engine, month.month)
    if pending and not force:
        raise MonthError(N_("Le mois {month} ne peut pas être clos : {count} page(s) attendent une vérification "
                            "(cagettes review). Pour clore quand même, ajoutez --force : les lignes douteuses ne "
                            "seront pas commandées.\n  - {pages}"),
                         params={"month": month.month, "count": len(pending), "pages": "\n  - ".join(pending)})
    forms = freeze(month, order_rows(engine, month), returned_forms(engine, month.month))
    now = dt.datetime.now(dt.timezone.utc)
    with engine.begin() as conn:
        conn.execute(db.closings.insert().values(
            month=month.month, closed_at=now, closed_by=by, forced=bool(pending), pending=pending,
            orders=[encode_form(f) for f in forms]))
        conn.execute(db.months.update().where(db.months.c.month == month.month).values(status="closed"))
    return Closing(month.month, now, by, bool(pending), tuple(pending), forms)


def returned_forms(engine: sa.Engine, month: str) -> set[int]:
    with engine.connect() as conn:
        return {page["form"] for page in effective_pages(conn, month) if page["form"] is not None}


def freeze(month: MonthData, rows: list[OrderRow], returned: set[int]) -> tuple[FrozenForm, ...]:
    """Every returned form, even with nothing ticked (its payment and credit still count).

    Confirmed lines only: a doubtful line is never ordered on a guess.
    """
    lines: dict[int, list[FrozenLine]] = defaultdict(list)
    numbers: dict[int, str] = {}
    for row in rows:
        numbers.setdefault(row["formulaire"], str(row["membre"] or ""))
        if row["statut"] == "confirmé" and row["quantite"]:
            lines[row["formulaire"]].append(FrozenLine(row["ref"], int(row["quantite"]), row["plus_un"] == "oui"))
    slots = {f.number: f for f in month.forms}
    return tuple(FrozenForm(n, slots[n].site, numbers.get(n) or member_number(slots[n]), tuple(lines[n]))
                 for n in sorted(returned | set(numbers)))


def member_number(slot: FormSlot) -> str:
    return slot.member.number if slot.member else ""


def reopen_month(engine: sa.Engine, month: str, by: str, reason: str) -> None:
    if not reason.strip():
        raise MonthError(N_("Dites pourquoi vous rouvrez le mois : --raison \"...\" (c'est enregistré)."), params={})
    c = db.closings.c
    with engine.begin() as conn:
        done = conn.execute(db.closings.update().where(c.month == month, c.reopened_at.is_(None)).values(
            reopened_at=dt.datetime.now(dt.timezone.utc), reopened_by=by, reopen_reason=reason.strip()))
        if done.rowcount == 0:
            raise MonthError(N_("Le mois {month} n'est pas clos : il n'y a rien à rouvrir."), params={"month": month})
        conn.execute(db.months.update().where(db.months.c.month == month).values(status="open"))


def current_closing(engine: sa.Engine, month: str) -> Closing | None:
    with engine.connect() as conn:
        row = conn.execute(_current(month, db.closings)).mappings().first()
    if row is None:
        return None
    return Closing(row["month"], aware(row["closed_at"]), row["closed_by"], row["forced"],
                   tuple(row["pending"]), tuple(decode_form(f) for f in row["orders"]))


def closed_at(engine: sa.Engine, month: str) -> dt.datetime | None:
    """When the month was closed, without decoding its frozen orders (asked at every review page)."""
    with engine.connect() as conn:
        moment = conn.execute(_current(month, db.closings.c.closed_at)).scalar()
    return aware(moment) if moment else None


def _current(month: str, *columns) -> sa.Select:
    c = db.closings.c
    return sa.select(*columns).where(c.month == month, c.reopened_at.is_(None)).order_by(c.id.desc())


def require_closing(engine: sa.Engine, month: str) -> Closing:
    closing = current_closing(engine, month)
    if closing is None:
        raise MonthError(N_("Le mois {month} n'est pas encore clos. Clôturez-le d'abord : cagettes month close {month}"),
                         params={"month": month})
    return closing


def closing_history(engine: sa.Engine, month: str) -> list[dict]:
    c = db.closings.c
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(c.closed_at, c.closed_by, c.forced, c.reopened_at,
                                                        c.reopened_by, c.reopen_reason)
                                              .where(c.month == month).order_by(c.id)).mappings()]


def late_pages(engine: sa.Engine, closing: Closing) -> list[dict]:
    """Pages scanned after the close: kept and reported, never added to the frozen orders."""
    t = db.scanned_pages.c
    with engine.connect() as conn:
        rows = conn.execute(sa.select(t.id, t.source, t.page_id, t.form, t.page, t.outcome, t.scanned_at)
                            .where(t.month == closing.month, t.outcome != "rejected")
                            .order_by(t.scanned_at)).mappings().all()
    return [dict(r) for r in rows if aware(r["scanned_at"]) > closing.closed_at]


def aware(moment: dt.datetime) -> dt.datetime:
    """SQLite gives naive datetimes back; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def encode_form(form: FrozenForm) -> dict:
    return {"form": form.form, "site": form.site, "member": form.member,
            "lines": [[l.ref, l.quantity, l.tolerance] for l in form.lines]}


def decode_form(data: dict) -> FrozenForm:
    return FrozenForm(data["form"], data["site"], data["member"],
                      tuple(FrozenLine(ref, qty, tol) for ref, qty, tol in data["lines"]))
