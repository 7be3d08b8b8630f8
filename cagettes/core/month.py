"""What the printing stage needs to know about an open month, gathered in one frozen record.

It is built from the month's snapshot in the database (prices frozen at opening), never from
the live spreadsheets, so reprinting a month always prints the same thing.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from cagettes.core.calendar import Delivery
from cagettes.core.members import MEMBER_DIGITS
from cagettes.core.model import Member, Product, Site, Supplier

__all__ = ["PAYMENT_METHODS", "Association", "Delivery", "FormSlot", "MonthData"]

# How a member pays: the boxes of the form's volunteers' block, and `cagettes payment --mode`.
PAYMENT_METHODS = ("especes", "cheque", "cheque_alimentaire", "avoir")


@dataclass(frozen=True)
class Association:
    name: str
    contact: str
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class FormSlot:
    """One printed form: a member's, or a numbered walk-in form (member is None)."""

    number: int
    site: str
    member: Member | None = None

    @property
    def lang(self) -> str:
        return self.member.language if self.member else "fr"

    @property
    def large(self) -> bool:
        return bool(self.member and self.member.large_print)


@dataclass(frozen=True)
class MonthData:
    month: str  # "YYYY-MM"
    association: Association
    forms_date: dt.date
    deadline: dt.date
    supplier_order_date: dt.date
    deliveries: Mapping[str, Delivery]  # site code -> delivery
    sites: tuple[Site, ...]
    products: tuple[Product, ...]  # on the forms this month, prices frozen
    forms: tuple[FormSlot, ...]
    secret: str
    site_url: str = ""
    member_digits: int = MEMBER_DIGITS
    last_month: Mapping[str, frozenset[str]] = field(default_factory=dict)  # member -> refs
    credits: Mapping[str, Decimal] = field(default_factory=dict)  # member -> euros
    suppliers: tuple[Supplier, ...] = ()
    voucher_scheme: str = ""  # who funds the food vouchers ticked on forms (config)

    @property
    def year_month(self) -> tuple[int, int]:
        year, month = self.month.split("-")
        return int(year), int(month)

    def site(self, code: str) -> Site:
        return next(s for s in self.sites if s.code == code)

    def forms_of(self, site: str) -> list[FormSlot]:
        return [f for f in self.forms if f.site == site]
