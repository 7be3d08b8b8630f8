"""The association's catalog once read and validated: plain frozen records.

Everything downstream (month opening, forms, posters, site) works on these records, never on
spreadsheet rows, so that the spreadsheet's French column names stay in ``catalog.schema``.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from cagettes.core.errors import Problem
from cagettes.core.members import name_key

LAB_STATUSES = ("essai", "regulier", "retire")


@dataclass(frozen=True)
class Site:
    """A pickup site (point de retrait) that members know."""

    code: str
    name: str
    kind: str  # centre social, maison des solidarités, association étudiante...
    address: str
    weekday: int  # 0 = Monday ... 6 = Sunday: the day deliveries happen there
    opens: dt.time
    closes: dt.time
    contact: str = ""


@dataclass(frozen=True)
class Supplier:
    code: str
    name: str
    contact: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    minimum_order: Decimal = Decimal(0)  # euros, before tax as agreed with the supplier


@dataclass(frozen=True)
class Product:
    ref: str
    name: str
    unit: str
    price: Decimal  # euros per unit, fixed for the agreed period
    supplier: str  # Supplier.code
    max_per_member: int
    case_size: int | None = None  # None when the supplier sells by the unit
    tags: tuple[str, ...] = ()  # e.g. ("proteine", "local")
    lab: str = ""  # the living lab (labo d'usage) that chose it
    lab_status: str = "regulier"  # one of LAB_STATUSES
    picto: str = ""  # OpenMoji code point(s), e.g. "1F95A" for an egg
    name_en: str = ""
    unit_en: str = ""

    @property
    def on_forms(self) -> bool:
        return self.lab_status != "retire"

    def label(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name

    def unit_label(self, lang: str) -> str:
        return self.unit_en if lang == "en" and self.unit_en else self.unit


@dataclass(frozen=True)
class Member:
    """A member of the buyers' collective. Personal data: never in public output."""

    number: str  # member number as printed, digits only, e.g. "0042"
    first_name: str
    last_name: str
    site: str  # Site.code
    language: str = "fr"  # one of cagettes.core.i18n.LANGS
    large_print: bool = False
    phone: str = ""

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def sort_key(self) -> tuple[tuple, tuple]:
        """Their place in every list of names: by last name, then first name, in French order."""
        return (name_key(self.last_name), name_key(self.first_name))


@dataclass(frozen=True)
class Catalog:
    sites: tuple[Site, ...]
    suppliers: tuple[Supplier, ...]
    products: tuple[Product, ...]
    members: tuple[Member, ...]
    sources: dict[str, str] = field(default_factory=dict, compare=False)  # sheet -> file read
    # what check says without refusing (a product without pictogram...), located like problems
    warnings: tuple[Problem, ...] = field(default=(), compare=False)

    def site(self, code: str) -> Site:
        return next(s for s in self.sites if s.code == code)

    def supplier(self, code: str) -> Supplier:
        return next(s for s in self.suppliers if s.code == code)

    def products_on_forms(self) -> tuple[Product, ...]:
        return tuple(p for p in self.products if p.on_forms)

    def members_of(self, site_code: str) -> list[Member]:
        return sorted((m for m in self.members if m.site == site_code), key=lambda m: m.sort_key)
