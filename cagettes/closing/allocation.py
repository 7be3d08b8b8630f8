"""Whole cases, fairly: how many cases of each product to buy and who gets how many units.

The rule, as written in the README and on the coordinators' sheet:

1. For a product sold by the case (``case_size`` units), buy as many whole cases as the
   members' quantities plus their "+1 if the case isn't full" ticks allow, never more:
   ``cases = (ordered + ticks) // case_size``.
2. If those cases hold more than was ordered, the extra units go one each to the members who
   ticked "+1", in the month's draw order (below), until the cases are full.
3. If they hold less, units are handed out **one at a time, round-robin**, in the month's draw
   order, to members who still want more, until the cases are empty. So the biggest orders
   are cut first, and nobody is cut by more than one unit more than anybody else.
4. A supplier whose order (after rounding) is below its minimum gets no order this month:
   every unit of its products is cut, and members get it back as credit.
5. The draw order is the SHA-256 of "month:product:form number", sorted: written down,
   reproducible by anybody, and different for each product and month so nobody is always last.

Products sold by the unit are bought as ordered. Nothing here knows about members or money:
requests come in, allocations go out.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from cagettes.core.i18n import N_

# The rule as printed on the coordinators' signing sheet (and in the README), in French; its
# translations are in the catalogs.
FAIR_RULE = (
    N_("On commande autant de cartons entiers que le permettent les quantités des membres plus leurs "
       "cases « +1 », jamais plus."),
    N_("S'il reste de la place dans le dernier carton, une unité de plus va à chaque membre qui a coché "
       "« +1 », dans l'ordre du tirage, jusqu'à remplir le carton."),
    N_("S'il manque des unités, on les distribue une par une, à tour de rôle, dans l'ordre du tirage, aux "
       "membres qui en veulent encore : les plus grosses commandes sont réduites les premières, et "
       "personne n'est réduit de plus d'une unité de plus qu'un autre."),
    N_("Si la commande d'un fournisseur n'atteint pas son minimum, rien n'est commandé chez lui ce mois-ci."),
    N_("Ce qui n'est pas livré n'est pas payé : la différence devient un avoir pour le mois suivant."),
    N_("Ordre du tirage : les bons sont classés selon l'empreinte SHA-256 du texte « mois:produit:numéro "
       "du bon » ; il change à chaque produit et chaque mois, et chacun peut le refaire."),
)

CUT_CASE = "carton"  # the last case could not be filled
CUT_MINIMUM = "minimum"  # the supplier's minimum order was not reached


@dataclass(frozen=True)
class Request:
    """What one form asks of one product."""

    form: int
    quantity: int
    tolerance: bool = False  # ticked "+1 if the case isn't full"


@dataclass(frozen=True)
class ProductAllocation:
    ref: str
    case_size: int | None
    ordered: int  # sum of quantities
    tolerance: int  # number of "+1" ticks
    units: int  # bought: a whole number of cases for a case product
    given: Mapping[int, int]  # form -> units handed over
    cut_reason: str = ""  # CUT_CASE or CUT_MINIMUM when someone gets less than ordered

    @property
    def cases(self) -> int | None:
        return self.units // self.case_size if self.case_size else None

    def cut(self, form: int, asked: int) -> int:
        return max(asked - self.given.get(form, 0), 0)

    @property
    def fill(self) -> float | None:
        """How full the cases would have been with the quantities alone (1.0 = exactly)."""
        if not self.case_size or not self.ordered:
            return None
        cases = max(-(-self.ordered // self.case_size), 1)
        return self.ordered / (cases * self.case_size)


@dataclass(frozen=True)
class Allocation:
    month: str
    products: Mapping[str, ProductAllocation]
    below_minimum: Mapping[str, Decimal] = field(default_factory=dict)  # supplier -> value it reached

    def given(self, form: int, ref: str) -> int:
        product = self.products.get(ref)
        return product.given.get(form, 0) if product else 0


def draw_order(month: str, ref: str, forms: Iterable[int]) -> list[int]:
    def key(form: int) -> tuple[str, int]:
        return hashlib.sha256(f"{month}:{ref}:{form}".encode()).hexdigest(), form
    return sorted(set(forms), key=key)


def allocate_product(month: str, ref: str, case_size: int | None, requests: Iterable[Request]) -> ProductAllocation:
    wanted = {r.form: r for r in requests if r.quantity > 0 or r.tolerance}
    ordered = sum(r.quantity for r in wanted.values())
    ticks = sum(1 for r in wanted.values() if r.tolerance and r.quantity > 0)
    if not case_size:
        given = {f: r.quantity for f, r in wanted.items() if r.quantity > 0}
        return ProductAllocation(ref, None, ordered, 0, ordered, given)
    units = (ordered + ticks) // case_size * case_size
    order = draw_order(month, ref, wanted)
    if units >= ordered:
        given = give_extra(order, wanted, units - ordered)
        return ProductAllocation(ref, case_size, ordered, ticks, units, given)
    given = round_robin(order, {f: r.quantity for f, r in wanted.items()}, units)
    return ProductAllocation(ref, case_size, ordered, ticks, units, given, CUT_CASE)


def give_extra(order: list[int], wanted: Mapping[int, Request], extra: int) -> dict[int, int]:
    """Everyone gets their quantity; ``extra`` units go one each to "+1" tickers, in draw order."""
    given = {f: r.quantity for f, r in wanted.items() if r.quantity > 0}
    for form in (f for f in order if wanted[f].tolerance and wanted[f].quantity > 0):
        if extra == 0:
            break
        given[form] += 1
        extra -= 1
    return given


def round_robin(order: list[int], asked: Mapping[int, int], supply: int) -> dict[int, int]:
    """One unit at a time to each member who still wants more, in draw order, until none is left."""
    given = dict.fromkeys((f for f in order if asked[f] > 0), 0)
    supply = min(supply, sum(asked[f] for f in given))
    while supply > 0:
        for form in (f for f in given if given[f] < asked[f]):
            if supply == 0:
                break
            given[form] += 1
            supply -= 1
    return {f: n for f, n in given.items() if n > 0}


def allocate(month: str, products: Iterable, suppliers: Iterable, requests: Mapping[str, list[Request]]) -> Allocation:
    """``products`` and ``suppliers`` are catalog records (ref/case_size/price/supplier; code/minimum_order)."""
    catalog = {p.ref: p for p in products}
    allocations = {ref: allocate_product(month, ref, catalog[ref].case_size, reqs)
                   for ref, reqs in sorted(requests.items())}
    below = below_minimum(catalog, suppliers, allocations)
    for ref, product in allocations.items():
        if catalog[ref].supplier in below and product.ordered:
            allocations[ref] = ProductAllocation(ref, product.case_size, product.ordered, product.tolerance,
                                                 0, {}, CUT_MINIMUM)
    return Allocation(month, allocations, below)


def below_minimum(catalog: Mapping, suppliers: Iterable, allocations: Mapping[str, ProductAllocation]) -> dict:
    totals: dict[str, Decimal] = {}
    for ref, product in allocations.items():
        supplier = catalog[ref].supplier
        totals[supplier] = totals.get(supplier, Decimal(0)) + catalog[ref].price * product.units
    return {s.code: totals[s.code] for s in suppliers
            if s.code in totals and totals[s.code] > 0 and totals[s.code] < s.minimum_order}
