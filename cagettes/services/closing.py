"""Closing a month, writing its documents, recording payments, exporting its orders."""
from __future__ import annotations

import getpass
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from cagettes import closing
from cagettes.closing.accounts import parse_amount
from cagettes.closing.documents import forget_documents, record_documents
from cagettes.closing.documents import missing_documents as documents_missing
from cagettes.closing.incomplete import Incomplete, incomplete
from cagettes.closing.state import Closing, returned_forms
from cagettes.closing.summaries import SupplierOrder, supplier_orders
from cagettes.core.model import Member
from cagettes.core.month import FormSlot, MonthData
from cagettes.forms.templating import make_env
from cagettes.scan import orders
from cagettes.storage.workspace import Workspace


def who_acts(name: str | None) -> str:
    """Who is recorded as acting: the name given, or the computer's user."""
    return (name or "").strip() or getpass.getuser()


def close_month(workspace: Workspace, data: MonthData, by: str | None = None, force: bool = False) -> Closing:
    """Freeze the month's orders (refused while pages await review, unless ``force``).

    A month is closed once its documents are written too: a close whose documents were not all
    written (a crash, a broken template) is taken up where it stopped, its frozen orders kept,
    and the caller writes the documents again (``write_documents``)."""
    current = closing.current_closing(workspace.engine(), data.month)
    if current is not None and missing_documents(workspace, data, current):
        return current
    return closing.close_month(workspace.engine(), data, who_acts(by), force)


def missing_documents(workspace: Workspace, data: MonthData, current: Closing | None = None) -> list[Path]:
    """The closed month's documents not written (or the record of them): run ``write_documents``."""
    current = current or closing.current_closing(workspace.engine(), data.month)
    return documents_missing(workspace.month_dir(data.month), current) if current else []


def reopen_month(workspace: Workspace, month: str, reason: str, by: str | None = None) -> None:
    closing.reopen_month(workspace.engine(), month, who_acts(by), reason)


@dataclass(frozen=True)
class Documents:
    month: str
    written: list[Path]
    suppliers_dir: Path
    private_dir: Path
    orders: list[SupplierOrder]
    below_minimum: dict[str, Decimal]  # supplier code -> total ordered, under its minimum
    late_pages: int
    incomplete: Incomplete  # what the month leaves undone: pages missing, rejected, unreviewed...


def write_documents(workspace: Workspace, data: MonthData) -> Documents:
    """Supplier orders, signing sheets, receipts, the absentees' list and the dashboards."""
    engine = workspace.engine()
    accounts = closing.month_accounts(engine, data)
    paths = workspace.paths(data.month)
    forget_documents(paths.root)
    written = closing.write_all(engine, accounts, paths.root, make_env(workspace.templates_dir))
    record_documents(paths.root, accounts.closing, written)
    late = closing.late_pages(engine, accounts.closing)
    return Documents(data.month, written, paths.suppliers, paths.distribution, supplier_orders(accounts),
                     dict(accounts.allocation.below_minimum), len(late), incomplete(engine, accounts, paths.root))


@dataclass(frozen=True)
class PaymentRecorded:
    """What a volunteer is told back: which form and member the money went to, and whether the
    form has come back yet (members pay when they hand it in; its scan may come later)."""

    form: FormSlot
    member: Member | None
    payment: closing.Payment
    returned: bool
    closed: bool  # the month is closed: its documents show the payment once written again


def record_payment(workspace: Workspace, data: MonthData, form: int | None, method: str, amount: str,
                   scheme: str = "", note: str = "", add: bool = False, by: str | None = None,
                   member: str | None = None) -> PaymentRecorded:
    """A payment typed by a volunteer for form n° ``form``, or for the form of member ``member``;
    it replaces what the scan read, or adds to it (``add``). ``method`` may be written as
    people write it (espèces, Chèque alimentaire)."""
    slot = closing.payment_form(data, form, member)
    payment = closing.Payment(closing.payment_method(method), parse_amount(amount), scheme, "saisie")
    engine = workspace.engine()
    closing.record_payment(engine, data, slot.number, payment, who_acts(by), note, add)
    return PaymentRecorded(slot, slot.member or orders.walkin_member(engine, data, slot.number), payment,
                           slot.number in returned_forms(engine, data.month),
                           closing.current_closing(engine, data.month) is not None)


def export_orders(workspace: Workspace, data: MonthData, output: Path | None = None) -> tuple[int, Path]:
    """The order lines as CSV (private: names and orders); returns (lines, path)."""
    path = output or workspace.paths(data.month).orders_csv
    return orders.export_orders(workspace.engine(), data, path), path
