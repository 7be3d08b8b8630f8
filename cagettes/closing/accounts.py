"""Money per form once the month is closed: ordered, delivered, paid, and the credit carried over.

For each returned form::

    balance = credit from last month + paid (cash, cheque, food vouchers) - value delivered

A positive balance is the member's credit (avoir), printed on next month's form; a negative one
is still to pay at the pickup. Units cut by case rounding are simply not in "value delivered",
so their money comes back as credit without any special case. Paying "avoir" (from the credit)
moves no money: it only records that the member meant to use it.

Payments come from the form's volunteers' box (method ticked, amount in digits). A coordinator
can correct them by the CLI: a form with any typed-in payment is settled by those alone.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa

from cagettes.closing.allocation import Allocation, Request, allocate
from cagettes.closing.state import Closing, FrozenForm, require_closing
from cagettes.core.errors import MonthError
from cagettes.core.i18n import N_
from cagettes.core.members import member_number
from cagettes.core.model import Member, Product
from cagettes.core.month import PAYMENT_METHODS, FormSlot, MonthData
from cagettes.scan.orders import effective_pages, lines_of
from cagettes.storage import db

FROM_CREDIT = "avoir"
SCANNED, TYPED = "scan", "saisie"
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Payment:
    method: str
    amount: Decimal
    scheme: str = ""
    source: str = SCANNED


@dataclass(frozen=True)
class AccountLine:
    product: Product
    asked: int
    tolerance: bool
    given: int

    @property
    def cut(self) -> int:
        return max(self.asked - self.given, 0)

    @property
    def extra(self) -> int:
        return max(self.given - self.asked, 0)


@dataclass(frozen=True)
class Account:
    slot: FormSlot
    member_number: str  # "" for a walk-in form with no number: its credit cannot be carried
    lines: tuple[AccountLine, ...]
    payments: tuple[Payment, ...]
    previous_credit: Decimal
    member: Member | None = None  # the slot's member, or the one a walk-in form was given to
    returned: bool = True  # False: paid by a volunteer, but the form never came back by closing

    @property
    def ordered_value(self) -> Decimal:
        return sum((l.product.price * l.asked for l in self.lines), Decimal(0))

    @property
    def delivered_value(self) -> Decimal:
        return sum((l.product.price * l.given for l in self.lines), Decimal(0))

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments if p.method != FROM_CREDIT), Decimal(0))

    @property
    def balance(self) -> Decimal:
        return self.previous_credit + self.paid - self.delivered_value

    @property
    def credit_next(self) -> Decimal:
        return max(self.balance, Decimal(0))

    @property
    def still_due(self) -> Decimal:
        return max(-self.balance, Decimal(0))


@dataclass(frozen=True)
class MonthAccounts:
    month: MonthData
    closing: Closing
    allocation: Allocation
    accounts: tuple[Account, ...]  # the forms that came back
    unreturned: tuple[Account, ...] = ()  # forms paid for that never came back: their money is credit

    def credits(self) -> dict[str, Decimal]:
        """Next month's credits: a member whose form did not come back keeps the one they had,
        plus what they paid for it."""
        credits = {m: c for m, c in self.month.credits.items() if c > 0}
        for account in (a for a in self.accounts + self.unreturned if a.member_number):
            credits.pop(account.member_number, None)
            if account.credit_next > 0:
                credits[account.member_number] = account.credit_next
        return credits

    @property
    def returned_forms(self) -> set[int]:
        return {a.slot.number for a in self.accounts}

    @property
    def paid_total(self) -> Decimal:
        """Every euro recorded for the month, whether or not its form came back."""
        return sum((a.paid for a in self.accounts + self.unreturned), Decimal(0))

    def delivered_refs(self) -> dict[str, frozenset[str]]:
        return {a.member_number: frozenset(l.product.ref for l in a.lines if l.given)
                for a in self.accounts if a.member_number}

    def of_site(self, site: str) -> list[Account]:
        return [a for a in self.accounts if a.slot.site == site]

    def unreturned_of_site(self, site: str) -> list[Account]:
        return [a for a in self.unreturned if a.slot.site == site]


def month_accounts(engine: sa.Engine, month: MonthData) -> MonthAccounts:
    closing = require_closing(engine, month.month)
    requests = requests_of(closing.forms)
    allocation = allocate(month.month, month.products, month.suppliers, requests)
    payments = payments_by_form(engine, month.month, month.voucher_scheme)
    slots = {f.number: f for f in month.forms}
    products = {p.ref: p for p in month.products}
    members = members_of(month)
    accounts = tuple(account(f, slots[f.form], products, allocation, payments.get(f.form, ()), month.credits, members)
                     for f in closing.forms)
    back = {f.form for f in closing.forms}
    unreturned = tuple(unreturned_account(slots[n], paid, month.credits)
                       for n, paid in sorted(payments.items()) if n not in back and n in slots)
    return MonthAccounts(month, closing, allocation, accounts, unreturned)


def members_of(month: MonthData) -> dict[str, Member]:
    return {f.member.number: f.member for f in month.forms if f.member}


def requests_of(forms: tuple[FrozenForm, ...]) -> dict[str, list[Request]]:
    requests = defaultdict(list)
    for form in forms:
        for line in form.lines:
            requests[line.ref].append(Request(form.form, line.quantity, line.tolerance))
    return dict(requests)


def account(form: FrozenForm, slot: FormSlot, products: Mapping[str, Product], allocation: Allocation,
            payments, credits: Mapping[str, Decimal], members: Mapping[str, Member]) -> Account:
    lines = tuple(AccountLine(products[l.ref], l.quantity, l.tolerance, allocation.given(form.form, l.ref))
                  for l in form.lines)
    number = slot.member.number if slot.member else form.member
    return Account(slot, number, lines, tuple(payments), credits.get(number, Decimal(0)) if number else Decimal(0),
                   slot.member or members.get(number))


def unreturned_account(slot: FormSlot, payments, credits: Mapping[str, Decimal]) -> Account:
    """A form paid for (typed in by a volunteer) that never came back: no goods, all of it credit."""
    number = slot.member.number if slot.member else ""
    return Account(slot, number, (), tuple(payments), credits.get(number, Decimal(0)) if number else Decimal(0),
                   slot.member, returned=False)


def payments_by_form(engine: sa.Engine, month: str, voucher_scheme: str = "") -> dict[int, tuple[Payment, ...]]:
    typed = typed_payments(engine, month)
    scanned = scanned_payments(engine, month, voucher_scheme)
    return {form: typed.get(form) or scanned.get(form, ()) for form in set(typed) | set(scanned)}


def typed_payments(engine: sa.Engine, month: str) -> dict[int, tuple[Payment, ...]]:
    c = db.payments.c
    with engine.connect() as conn:
        rows = conn.execute(sa.select(db.payments).where(c.month == month, c.cancelled.is_(False))
                            .order_by(c.id)).mappings().all()
    out = defaultdict(list)
    for row in rows:
        out[row["form"]].append(Payment(row["method"], Decimal(row["amount"]).quantize(CENT), row["scheme"], TYPED))
    return {form: tuple(p) for form, p in out.items()}


def scanned_payments(engine: sa.Engine, month: str, voucher_scheme: str = "") -> dict[int, tuple[Payment, ...]]:
    """The volunteers' box: one method ticked and a confirmed amount; anything doubtful is left out."""
    with engine.connect() as conn:
        pages = effective_pages(conn, month)
        lines = lines_of(conn, [p["id"] for p in pages])
    out: dict[int, tuple[Payment, ...]] = {}
    for page in pages:
        found = {l["kind"]: l for l in lines.get(page["id"], []) if l["status"] == "confirmed" and l["value"]}
        method, amount = (found[kind]["value"] if kind in found else None for kind in ("payment", "amount"))
        if method and amount and page["form"] is not None:
            scheme = voucher_scheme if method == "cheque_alimentaire" else ""
            out[page["form"]] = (Payment(method, parse_amount(amount), scheme),)
    return out


def parse_amount(text: str) -> Decimal:
    """Euros with at most two decimals, as typed (12,50) or read from a form's digit boxes (12.50)."""
    try:
        amount = Decimal(str(text).replace(",", ".").replace("€", "").strip())
        if amount.is_finite() and amount == amount.quantize(CENT):  # 12,505 is a typo, not half a cent
            return amount.quantize(CENT)
    except InvalidOperation:
        pass
    raise MonthError(N_("Montant illisible : « {text} ». Écrivez-le comme 12,50."), params={"text": text})


def record_payment(engine: sa.Engine, month: MonthData, form: int, payment: Payment, by: str,
                   note: str = "", add: bool = False) -> None:
    """A coordinator's correction. Without ``add`` it replaces whatever was known for that form."""
    check_payment(month, form, payment)
    c = db.payments.c
    with engine.begin() as conn:
        if not add:
            conn.execute(db.payments.update().where(c.month == month.month, c.form == form).values(cancelled=True))
        conn.execute(db.payments.insert().values(
            month=month.month, form=form, method=payment.method, scheme=payment.scheme, amount=payment.amount,
            recorded_at=dt.datetime.now(dt.timezone.utc), recorded_by=by, note=note, cancelled=False))


def payment_form(month: MonthData, form: int | None, member: str | None) -> FormSlot:
    """The form a payment is for: given by its number (« Bon n° », printed at the top of every
    page) or by the member number of its member."""
    if (form is None) == (member is None):
        raise MonthError(N_("Dites pour quel bon est ce paiement : --bon N (le numéro « Bon n° » imprimé en haut "
                            "du bon) ou --membre N (le numéro du membre)."), params={})
    if member is not None:
        number = member_number(member)
        slot = next((f for f in month.forms if f.member and f.member.number == number), None)
        if slot is None:
            raise MonthError(N_("Aucun bon de {month} pour le membre n° {member}. Vérifiez le numéro, ou donnez "
                                "celui du bon : --bon N."), params={"month": month.month, "member": member})
        return slot
    slot = next((f for f in month.forms if f.number == form), None)
    if slot is None:
        raise MonthError(N_("Le bon n° {form} n'existe pas en {month}. Son numéro est imprimé en haut du bon, "
                            "après « Bon n° »."), params={"form": form, "month": month.month})
    return slot


def payment_method(text: str) -> str:
    """A payment mode as people type it: espèces, Chèque, chèque alimentaire, cheque-alimentaire."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().strip().lower()
    return re.sub(r"[\s-]+", "_", plain)


def check_payment(month: MonthData, form: int, payment: Payment) -> None:
    payment_form(month, form, None)
    if payment.method not in PAYMENT_METHODS:
        raise MonthError(N_("Mode de paiement inconnu : « {method} ». Choisissez : {methods}."),
                         params={"method": payment.method, "methods": ", ".join(PAYMENT_METHODS)})
    if payment.amount < 0:
        raise MonthError(N_("Un paiement ne peut pas être négatif. Pour annuler, enregistrez le bon montant (0 si rien)."),
                         params={})
    if payment.method == "cheque_alimentaire" and not payment.scheme.strip():
        raise MonthError(N_("Pour un chèque alimentaire, dites quel dispositif ou financeur : --financeur \"...\"."),
                         params={})
