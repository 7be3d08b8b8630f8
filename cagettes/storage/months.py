"""Opening a month: freeze the catalog and the calendar, number the forms.

Everything the printing stage needs is copied into the database at opening, so later edits to
the spreadsheets (a new price, a member who moved site) never change a month already open.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from cagettes.core.calendar import Delivery, month_calendar, parse_month
from cagettes.core.config import Config
from cagettes.core.errors import MonthError
from cagettes.core.i18n import N_
from cagettes.core.members import MEMBER_DIGITS
from cagettes.core.model import Catalog, Member, Product, Site, Supplier
from cagettes.core.month import Association, FormSlot, MonthData
from cagettes.storage import db

_DECODERS: dict[str, Callable[[Any], object]] = {"Decimal": Decimal, "dt.time": dt.time.fromisoformat, "dt.date": dt.date.fromisoformat,
             "tuple[str, ...]": tuple}


def open_month(engine: sa.Engine, config: Config, catalog: Catalog, month_text: str) -> MonthData:
    year, month = parse_month(month_text, config.lang)
    month_key = f"{year:04d}-{month:02d}"
    try:
        with engine.begin() as conn:
            if conn.execute(sa.select(db.months.c.month).where(db.months.c.month == month_key)).first():
                raise already_open(month_key)
            calendar = month_calendar(year, month, catalog.sites, config.calendar)
            snapshot = build_snapshot(config, catalog, calendar.deliveries)
            conn.execute(db.months.insert().values(
                month=month_key, status="open", opened_at=dt.datetime.now(dt.timezone.utc),
                forms_date=calendar.forms_date, deadline=calendar.deadline,
                supplier_order_date=calendar.supplier_order_date, snapshot=snapshot))
            conn.execute(db.forms.insert(), number_forms(month_key, catalog, config.free_forms_per_site))
    except sa.exc.IntegrityError:  # another station opened it between our check and our insert
        raise already_open(month_key) from None
    return load_month(engine, config, month_key)


def already_open(month: str) -> MonthError:
    return MonthError(N_("Le mois {month} est déjà ouvert : ses prix et ses bons sont figés. "
                         "Utilisez « cagettes print bundles {month} » pour réimprimer."), params={"month": month})


def number_forms(month: str, catalog: Catalog, walkins_per_site: int) -> list[dict]:
    """Members of each site by name, then that site's walk-in forms; numbers never reused."""
    rows: list[dict] = []
    for site in catalog.sites:
        members = [m.number for m in catalog.members_of(site.code)]
        for member in members + [None] * walkins_per_site:
            rows.append({"month": month, "number": len(rows) + 1, "site": site.code, "member": member})
    return rows


def build_snapshot(config: Config, catalog: Catalog, deliveries: dict[str, Delivery]) -> dict:
    return {
        "association": {"name": config.association_name, "contact": config.association_contact,
                        "email": config.association_email, "address": config.association_address},
        "sites": [encode(s) for s in catalog.sites],
        "suppliers": [encode(s) for s in catalog.suppliers],
        "products": [encode(p) for p in catalog.products_on_forms()],
        "members": [encode(m) for m in catalog.members],
        "deliveries": {code: encode(d) for code, d in deliveries.items()},
    }


def load_month(engine: sa.Engine, config: Config, month: str | None = None) -> MonthData:
    """The month as printed: from the database snapshot, never from the live spreadsheets.

    Last month's credits and purchases are not in it: they come from the closing stage
    (:func:`cagettes.closing.carry.load_month`), which every use case goes through."""
    with engine.connect() as conn:
        row = conn.execute(month_query(month)).mappings().first()
        if row is None:
            raise no_month(month)
        form_rows = conn.execute(sa.select(db.forms).where(db.forms.c.month == row["month"])
                                 .order_by(db.forms.c.number)).mappings().all()
    return month_data(row, form_rows, config)


def previous_month(month: str) -> str:
    year, number = map(int, month.split("-"))
    return f"{year - (number == 1):04d}-{(number - 2) % 12 + 1:02d}"


def month_query(month: str | None) -> sa.Select:
    query = sa.select(db.months)
    if month:
        return query.where(db.months.c.month == month)
    return query.order_by(db.months.c.month.desc()).limit(1)


def no_month(month: str | None) -> MonthError:
    if month:
        return MonthError(N_("Le mois {month} n'est pas ouvert. Ouvrez-le d'abord : cagettes month open {month}"),
                          params={"month": month})
    return MonthError(N_("Aucun mois n'est ouvert. Ouvrez-en un : cagettes month open AAAA-MM (par exemple 2026-12)"),
                      params={})


def month_data(row, form_rows, config: Config) -> MonthData:
    snap = row["snapshot"]
    members = {m.number: m for m in (decode(Member, m) for m in snap["members"])}
    sites = tuple(decode(Site, s) for s in snap["sites"])
    return MonthData(
        month=row["month"], association=Association(**snap["association"]),
        forms_date=row["forms_date"], deadline=row["deadline"], supplier_order_date=row["supplier_order_date"],
        deliveries={code: decode(Delivery, d) for code, d in snap["deliveries"].items()},
        sites=sites, products=tuple(decode(Product, p) for p in snap["products"]),
        forms=tuple(FormSlot(f["number"], f["site"], members.get(f["member"])) for f in form_rows),
        secret=config.secret, site_url=config.public_site_url, voucher_scheme=config.voucher_scheme,
        member_digits=max([len(n) for n in members] + [MEMBER_DIGITS]),  # the walk-in grid's columns
        suppliers=tuple(decode(Supplier, s) for s in snap["suppliers"]),
    )


def encode(record) -> dict:
    return {f.name: _encode_value(getattr(record, f.name)) for f in dataclasses.fields(record) if f.compare}


def _encode_value(value):
    if isinstance(value, (Decimal, dt.date, dt.time)):
        return value.isoformat() if not isinstance(value, Decimal) else str(value)
    return list(value) if isinstance(value, tuple) else value


def decode(cls, data: dict):
    kwargs = {}
    for f in dataclasses.fields(cls):
        if f.name in data:
            value, decoder = data[f.name], _DECODERS.get(str(f.type).replace(" | None", ""))
            kwargs[f.name] = decoder(value) if decoder and value is not None else value
    return cls(**kwargs)


def exists(engine: sa.Engine, month: str) -> bool:
    """Whether ``month`` was opened (open or closed)."""
    with engine.connect() as conn:
        return conn.execute(sa.select(db.months.c.month).where(db.months.c.month == month)).first() is not None


def cancel_month(engine: sa.Engine, month: str) -> int:
    """Forget an open month that nothing came back for: its forms, prints and snapshot; returns
    how many forms it had. Refused once it was closed, or has a scan or a payment."""
    with engine.begin() as conn:
        if conn.execute(sa.select(db.months.c.month).where(db.months.c.month == month)).first() is None:
            raise no_month(month)
        refuse_cancel(conn, month)
        forms = conn.execute(sa.select(sa.func.count()).select_from(db.forms).where(db.forms.c.month == month)).scalar()
        for table in (db.prints, db.forms, db.months):
            conn.execute(table.delete().where(table.c.month == month))
    return int(forms or 0)


def refuse_cancel(conn: sa.Connection, month: str) -> None:
    """What a month holds that cancelling would lose: closings, scanned pages, typed payments."""
    def count(table: sa.Table) -> int:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table).where(table.c.month == month)).scalar() or 0)

    if count(db.closings):
        raise MonthError(N_("Le mois {month} a été clos : ses commandes et ses documents sont gardés, il ne peut pas "
                            "être annulé."), params={"month": month})
    if scans := count(db.scanned_pages):
        raise MonthError(N_("Le mois {month} ne peut pas être annulé : {count} page(s) scannée(s) y sont déjà "
                            "enregistrées, les bons rendus seraient perdus. Gardez-le ouvert (cagettes status "
                            "--mois {month})."), params={"month": month, "count": scans})
    if payments := count(db.payments):
        raise MonthError(N_("Le mois {month} ne peut pas être annulé : {count} paiement(s) y sont déjà "
                            "enregistrés. Gardez-le ouvert."), params={"month": month, "count": payments})


def add_member_form(engine: sa.Engine, month: str, member: Member) -> int:
    """A personal form for a member who joined after the month opened: the next free number,
    the member added to the month's snapshot. Returns the form's number."""
    try:
        with engine.begin() as conn:
            row = conn.execute(sa.select(db.months).where(db.months.c.month == month)).mappings().first()
            if row is None:
                raise no_month(month)
            taken = conn.execute(sa.select(db.forms.c.number, db.forms.c.member)
                                 .where(db.forms.c.month == month)).all()
            already = next((n for n, m in taken if m == member.number), None)
            if already is not None:  # another station gave it a moment ago
                raise has_form(month, member, already)
            number = max((n for n, _ in taken), default=0) + 1
            snapshot = dict(row["snapshot"])
            snapshot["members"] = [m for m in snapshot["members"] if m["number"] != member.number] + [encode(member)]
            conn.execute(db.months.update().where(db.months.c.month == month).values(snapshot=snapshot))
            conn.execute(db.forms.insert().values(month=month, number=number, site=member.site, member=member.number))
    except sa.exc.IntegrityError:  # another station took the same number between our read and our insert
        raise MonthError(N_("Un autre poste vient d'ajouter un bon au mois {month} : relancez la commande."),
                         params={"month": month}) from None
    return number


def has_form(month: str, member: Member, form: int) -> MonthError:
    return MonthError(N_("{name} (n° {number}) a déjà le bon n° {form} ce mois-ci ({month}) : rien n'est imprimé."),
                      params={"name": member.display_name, "number": member.number, "form": form, "month": month})
