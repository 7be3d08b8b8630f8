"""The numbers every closing document shows, computed once from the month's accounts.

The PDFs, the spreadsheets and the dashboards all read these records, so a supplier's total on
its purchase order, on the spreadsheet and in the tests is the same sum of allocations.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from cagettes.closing.accounts import Account, MonthAccounts
from cagettes.closing.allocation import ProductAllocation
from cagettes.core.model import Member, Product, Site, Supplier

MATRIX_COLUMNS = 8  # products per sorting-matrix table: their names stay horizontal and readable


@dataclass(frozen=True)
class OrderLine:
    product: Product
    allocation: ProductAllocation
    per_site: dict[str, int]  # site code -> units to drop there

    @property
    def total(self) -> Decimal:
        return self.product.price * self.allocation.units


@dataclass(frozen=True)
class SupplierOrder:
    supplier: Supplier
    lines: tuple[OrderLine, ...]
    sites: tuple[Site, ...]  # the sites it delivers this month, in catalog order

    @property
    def total(self) -> Decimal:
        return sum((line.total for line in self.lines), Decimal(0))

    def site_total(self, site: str) -> int:
        return sum(line.per_site.get(site, 0) for line in self.lines)


def product_label(product: Product) -> str:
    """Name and unit: two products may share a name ("eggs", by 6 or by 12)."""
    return f"{product.name} ({product.unit})"


def short_labels(products) -> dict[str, str]:
    """ref -> the name alone, or with its unit when another product of the month has that name."""
    names: dict[str, int] = defaultdict(int)
    for product in products:
        names[product.name] += 1
    return {p.ref: product_label(p) if names[p.name] > 1 else p.name for p in products}


def units_per_site(accounts: MonthAccounts) -> dict[str, dict[str, int]]:
    """ref -> site -> units handed over there."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for account in accounts.accounts:
        for line in account.lines:
            if line.given:
                out[line.product.ref][account.slot.site] += line.given
    return out


def supplier_orders(accounts: MonthAccounts) -> list[SupplierOrder]:
    """One purchase order per supplier that has something to deliver this month."""
    per_site = units_per_site(accounts)
    month = accounts.month
    orders = []
    for supplier in month.suppliers:
        lines = tuple(OrderLine(p, accounts.allocation.products[p.ref], dict(per_site.get(p.ref, {})))
                      for p in month.products
                      if p.supplier == supplier.code and p.ref in accounts.allocation.products
                      and accounts.allocation.products[p.ref].units)
        if lines:
            sites = tuple(s for s in month.sites if any(l.per_site.get(s.code) for l in lines))
            orders.append(SupplierOrder(supplier, lines, sites))
    return orders


def products_of_site(accounts: MonthAccounts, site: str) -> list[Product]:
    refs = {l.product.ref for a in accounts.of_site(site) for l in a.lines if l.given or l.asked}
    return [p for p in accounts.month.products if p.ref in refs]


def matrix_chunks(products: list[Product], size: int = MATRIX_COLUMNS) -> list[list[Product]]:
    return [products[i:i + size] for i in range(0, len(products), size)] or [[]]


def given_of(account: Account) -> dict[str, int]:
    return {l.product.ref: l.given for l in account.lines if l.given}


def site_column_totals(accounts: list[Account], products: list[Product]) -> dict[str, int]:
    return {p.ref: sum(given_of(a).get(p.ref, 0) for a in accounts) for p in products}


@dataclass(frozen=True)
class Absent:
    """A member whose form did not come back: what they paid for it anyway stays theirs."""

    member: Member
    form: int
    paid: Decimal  # typed in by a volunteer although the form never came back
    credit: Decimal  # carried to next month's form

    @property
    def number(self) -> str:
        return self.member.number

    @property
    def display_name(self) -> str:
        return self.member.display_name


def not_returned(accounts: MonthAccounts, site: str) -> list[Absent]:
    """Members of the site whose form did not come back in time, nor a walk-in form in their
    name (walk-in forms are not owed)."""
    back = accounts.returned_forms
    served = {a.member_number for a in accounts.accounts if a.member_number}
    paid = {a.slot.number: a.paid for a in accounts.unreturned}
    credits = accounts.credits()
    return [Absent(f.member, f.number, paid.get(f.number, Decimal(0)), credits.get(f.member.number, Decimal(0)))
            for f in accounts.month.forms_of(site) if f.member and f.number not in back and f.member.number not in served]
