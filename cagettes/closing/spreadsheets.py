"""The closing numbers as XLSX, for coordinators who prefer a spreadsheet to a PDF.

Money cells are real numbers with a euro format and dates are real dates with a day/month/year
format, so LibreOffice and Excel in French show "12,50 €" and "16/12/2026" and can add them up.
Text that a spreadsheet would run as a formula (=, +, -, @, a tab or a carriage return first) is
written with a leading apostrophe (``scan.orders.neutralise``): every text cell of every workbook,
headers and titles too, goes through ``save``, the one door to disk.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from cagettes.closing import summaries
from cagettes.closing.accounts import MonthAccounts
from cagettes.closing.documents import sort_key, who
from cagettes.core.i18n import _
from cagettes.core.paths import MonthPaths, inside, make_dirs
from cagettes.core.private import private_dir, private_file
from cagettes.scan.orders import neutralise

EUROS = '#,##0.00\\ "€"'
DATE = "DD/MM/YYYY"
SHEET_NAME_MAX = 31  # Excel refuses longer sheet names


def write_spreadsheets(accounts: MonthAccounts, month_dir: Path) -> list[Path]:
    month, paths = accounts.month.month, MonthPaths(month_dir)
    make_dirs(paths.suppliers)
    suppliers = save(supplier_workbook(accounts), inside(paths.suppliers, f"commandes-fournisseurs-{month}.xlsx"))
    private_dir(paths.distribution)
    distribution = save(distribution_workbook(accounts), inside(paths.distribution, f"distribution-{month}.xlsx"))
    private_file(distribution)
    return [suppliers, distribution]


def save(book: Workbook, path: Path) -> Path:
    """Every text cell neutralised, whoever wrote it and however (headers, ``append``, titles),
    then the workbook written: no cell reaches the file as a formula."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cell.value = neutralise(cell.value)
    book.save(path)
    return path


def cell_value(value):
    """Money as a number a spreadsheet adds up; text is neutralised by ``save``."""
    return float(value) if isinstance(value, Decimal) else value


def write_table(sheet, headers: Sequence[str], rows: Iterable[Sequence], money: Sequence[int] = (),
                dates: Sequence[int] = (), start_row: int = 1) -> int:
    """Headers in bold, then rows; ``money``/``dates`` are 0-based column indexes. Returns the next row."""
    for col, header in enumerate(headers, start=1):
        cell = sheet.cell(start_row, col, header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    row_number = start_row
    for row_number, row in enumerate(rows, start=start_row + 1):
        for col, value in enumerate(row, start=1):
            cell = sheet.cell(row_number, col, cell_value(value))
            if col - 1 in money:
                cell.number_format = EUROS
            elif col - 1 in dates:
                cell.number_format = DATE
    widen(sheet, headers, formatted={*money, *dates})
    return row_number + 1


FORMATTED_WIDTH = 14  # "12 345,67 €" and "16/12/2026" need more room than their raw values


def widen(sheet, headers: Sequence[str], formatted=frozenset()) -> None:
    for col, header in enumerate(headers, start=1):
        letter = get_column_letter(col)
        longest = max([len(str(c.value or "")) for c in sheet[letter]] + [len(header)])
        least = FORMATTED_WIDTH if col - 1 in formatted else 8
        sheet.column_dimensions[letter].width = min(max(longest + 2, least), 45)


def sheet_title(text: str) -> str:
    # Excel also refuses a title that starts or ends with an apostrophe.
    return "".join(c for c in text if c not in "[]:*?/\\")[:SHEET_NAME_MAX].strip("'") or "feuille"


def supplier_workbook(accounts: MonthAccounts) -> Workbook:
    book = Workbook()
    summary = book.active
    summary.title = _("Résumé")
    orders = summaries.supplier_orders(accounts)
    date = accounts.month.supplier_order_date
    write_table(summary, (_("Fournisseur"), _("Date de commande"), _("Lignes"), _("Total")),
                [(o.supplier.name, date, len(o.lines), o.total) for o in orders], money=(3,), dates=(1,))
    for order in orders:
        supplier_sheet(book.create_sheet(sheet_title(order.supplier.code)), order, date)
    return book


def supplier_sheet(sheet, order: summaries.SupplierOrder, date: dt.date) -> None:
    sheet.append([cell_value(order.supplier.name)])
    sheet.append([_("Date de commande"), date])
    sheet.cell(2, 2).number_format = DATE
    sites = [s.code for s in order.sites]
    headers = (_("Réf."), _("Cartons"), _("Unités"), _("Unité"), _("Produit"), _("Prix unitaire"), _("Total"), *sites)
    rows = [(l.product.ref, l.allocation.cases, l.allocation.units, l.product.unit, l.product.name,
             l.product.price, l.total, *(l.per_site.get(s, 0) for s in sites)) for l in order.lines]
    rows.append((_("Total"), None, sum(l.allocation.units for l in order.lines), None, None, None, order.total,
                 *(order.site_total(s) for s in sites)))
    write_table(sheet, headers, rows, money=(5, 6), start_row=4)


def distribution_workbook(accounts: MonthAccounts) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for site in accounts.month.sites:
        site_sheet(book.create_sheet(sheet_title(site.code)), accounts, site.code)
    payments_sheet(book.create_sheet(_("Paiements")), accounts)
    return book


def site_sheet(sheet, accounts: MonthAccounts, site: str) -> None:
    products = summaries.products_of_site(accounts, site)
    site_accounts = sorted(accounts.of_site(site), key=sort_key)
    headers = (_("Bon"), _("N° membre"), _("Nom"), *(summaries.product_label(p) for p in products),
               _("Valeur livrée"), _("Payé"), _("Avoir précédent"), _("Reste à payer"), _("Nouvel avoir"))
    rows = [(a.slot.number, a.member_number, who(a), *(summaries.given_of(a).get(p.ref, 0) for p in products),
             a.delivered_value, a.paid, a.previous_credit, a.still_due, a.credit_next) for a in site_accounts]
    first_money = 3 + len(products)
    write_table(sheet, headers, rows, money=range(first_money, first_money + 5))


def payments_sheet(sheet, accounts: MonthAccounts) -> None:
    rows = [(a.slot.number, a.slot.site, a.member_number, who(a), p.method, p.scheme, p.amount, p.source,
             _("oui") if a.returned else _("non : gardé en avoir") if a.member_number else _("non"))
            for a in accounts.accounts + accounts.unreturned for p in a.payments]
    write_table(sheet, (_("Bon"), _("Site"), _("N° membre"), _("Nom"), _("Mode"), _("Dispositif / financeur"), _("Montant"),
                        _("Source"), _("Bon revenu")), rows, money=(6,))
