"""The four sheets of the catalog, as data: French column names, parsers, model fields.

The spreadsheet's vocabulary (French headers, sheet names) lives only here; validation walks
these specs without knowing any particular column, so adding a column means adding one line.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cagettes.catalog import parsers as p
from cagettes.core.model import Member, Product, Site, Supplier

TEXT, MONEY, WHOLE = "@", "0.00", "0"  # spreadsheet number formats


@dataclass(frozen=True)
class Column:
    name: str  # canonical French header; headers match it whatever their case, accents, spaces
    field: str  # attribute of the model record it fills
    parse: p.Parser = p.text
    required: bool = False
    default: object = ""  # value when an optional cell is empty
    cell_format: str = TEXT  # number format when writing a workbook; "@" keeps text as typed

    @property
    def numeric(self) -> bool:
        return self.cell_format != TEXT


@dataclass(frozen=True)
class Reference:
    """Values of ``column`` must be keys of sheet ``sheet`` (a product's supplier code...)."""

    column: str
    sheet: str
    message: str  # message key when the value is unknown


@dataclass(frozen=True)
class Ordering:
    """On one row, ``column`` must be strictly greater than ``before`` (closing after opening)."""

    column: str
    before: str
    message: str


@dataclass(frozen=True)
class Sheet:
    name: str  # sheet name in a workbook; file stem for a CSV folder
    record: type
    columns: tuple[Column, ...]
    key: str  # column whose values must be unique, and which references point to
    duplicate_message: str
    references: tuple[Reference, ...] = ()
    # message key when two keys are one once parsed but were typed apart (41 and 0041)
    respelled_message: str = ""
    orderings: tuple[Ordering, ...] = ()
    may_be_empty: bool = False  # a sheet of titles only is a valid catalog

    def column_for(self, header: str) -> Column | None:
        """The column a hand-written header stands for, whatever its case, accents or spaces."""
        return next((c for c in self.columns if p.fold(c.name) == p.fold(header)), None)


SITES = Sheet(
    name="sites",
    record=Site,
    key="code",
    duplicate_message="duplicate_site",
    columns=(
        Column("code", "code", p.code, required=True),
        Column("nom", "name", required=True),
        Column("type", "kind", required=True),
        Column("adresse", "address", required=True),
        Column("jour", "weekday", p.weekday, required=True),
        Column("ouverture", "opens", p.time_of_day, required=True),
        Column("fermeture", "closes", p.time_of_day, required=True),
        Column("contact", "contact"),
    ),
    orderings=(Ordering("fermeture", before="ouverture", message="closes_before_opens"),),
)

SUPPLIERS = Sheet(
    name="fournisseurs",
    record=Supplier,
    key="code",
    duplicate_message="duplicate_supplier",
    columns=(
        Column("code", "code", p.code, required=True),
        Column("nom", "name", required=True),
        Column("contact", "contact"),
        Column("telephone", "phone"),
        Column("email", "email", p.email),
        Column("adresse", "address"),
        Column("minimum_commande", "minimum_order", p.euros("amount"), default=Decimal(0),
               cell_format=MONEY),
    ),
)

PRODUCTS = Sheet(
    name="produits",
    record=Product,
    key="ref",
    duplicate_message="duplicate_product",
    columns=(
        Column("ref", "ref", p.code, required=True),
        Column("nom", "name", required=True),
        Column("unite", "unit", required=True),
        Column("prix", "price", p.euros("price"), required=True, cell_format=MONEY),
        Column("fournisseur", "supplier", required=True),
        Column("max_par_membre", "max_per_member", p.integer(1, 9), required=True,
               cell_format=WHOLE),
        Column("carton", "case_size", p.integer(2), default=None, cell_format=WHOLE),
        Column("categories", "tags", p.tags, default=()),
        Column("labo", "lab"),
        Column("statut", "lab_status", p.lab_status, default="regulier"),
        Column("picto", "picto", p.picto),
        Column("nom_en", "name_en"),
        Column("unite_en", "unit_en"),
    ),
    references=(Reference("fournisseur", sheet="fournisseurs", message="unknown_supplier"),),
)

MEMBERS = Sheet(
    name="membres",
    record=Member,
    key="numero",
    duplicate_message="duplicate_member",
    respelled_message="duplicate_member_zeros",
    columns=(
        Column("numero", "number", p.member_number, required=True),
        Column("prenom", "first_name", required=True),
        Column("nom", "last_name", required=True),
        Column("site", "site", required=True),
        Column("langue", "language", p.language, default="fr"),
        Column("gros_caracteres", "large_print", p.yes_no, default=False),
        Column("telephone", "phone"),
    ),
    references=(Reference("site", sheet="sites", message="unknown_site"),),
    may_be_empty=True,  # an association may start with walk-in forms only
)

# Referenced sheets come first so their keys are known when references are checked.
SHEETS: tuple[Sheet, ...] = (SITES, SUPPLIERS, PRODUCTS, MEMBERS)
SHEET_NAMES: tuple[str, ...] = tuple(s.name for s in SHEETS)


def sheet(name: str) -> Sheet:
    return next(s for s in SHEETS if s.name == name)
