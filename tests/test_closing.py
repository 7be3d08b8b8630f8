"""Closing a month, end to end: `cagettes demo` prints, simulates returned scans, scans, closes
and writes every document; the tests check each document's numbers against the accounts."""
from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pypdfium2 as pdfium
import pytest

from cagettes import closing as distribution
from cagettes.catalog import load_catalog
from cagettes.cli import main
from cagettes.closing import carry, summaries
from cagettes.closing.documents import SHEET_SIZES
from cagettes.closing.spreadsheets import DATE, EUROS
from cagettes.core.errors import MonthError
from cagettes.core.money import euros
from cagettes.core.paths import slug
from cagettes.storage import months
from cagettes.storage import workspace as ws

pytestmark = pytest.mark.xdist_group("demo")  # one worker builds the demo month once
MONTH = "2026-12"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo") / "asso"
    assert main(["demo", str(root), "--mois", MONTH]) == 0
    workspace = ws.open_workspace(root)
    data = carry.load_month(workspace.engine(), workspace.config, MONTH)
    return workspace, data, distribution.month_accounts(workspace.engine(), data)


def pdf_pages(path: Path) -> list[str]:
    document = pdfium.PdfDocument(str(path))
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def flat(text: str) -> str:
    """PDF text with its line breaks and no-break spaces made plain."""
    return re.sub(r"\s+", " ", text.replace("\u202f", " ").replace("\xa0", " "))


def money(amount, lang: str = "fr") -> str:
    return flat(euros(amount, lang))


def test_the_demo_writes_every_document(demo):
    workspace, data, accounts = demo
    out = workspace.month_dir(MONTH)
    private = out / "private" / "distribution"
    for site in data.sites:
        for size in SHEET_SIZES:
            assert (private / f"emargement-{slug(site.code)}-{size}.pdf").stat().st_size > 5000
        assert (private / f"recus-{slug(site.code)}.pdf").is_file()
        assert (private / f"sans-bon-{slug(site.code)}.pdf").is_file()
    assert (private / "tableau-de-bord.html").is_file() and (private / f"distribution-{MONTH}.xlsx").is_file()
    assert len(list((out / "fournisseurs").glob("bon-de-commande-*.pdf"))) == len(summaries.supplier_orders(accounts))
    assert len(list((out / "site" / "graphiques").glob("*.svg"))) == 4
    assert accounts.closing.forms and sum(a.delivered_value for a in accounts.accounts) > 0


def test_allocation_of_the_real_month_keeps_its_invariants(demo):
    _, data, accounts = demo
    products = {p.ref: p for p in data.products}
    given = defaultdict(int)
    for account in accounts.accounts:
        for line in account.lines:
            assert line.given <= line.asked + (1 if line.tolerance and products[line.product.ref].case_size else 0)
            given[line.product.ref] += line.given
    for ref, allocation in accounts.allocation.products.items():
        assert given[ref] == allocation.units
        if products[ref].case_size:
            assert allocation.units % products[ref].case_size == 0


def test_supplier_orders_total_the_allocations(demo):
    workspace, _, accounts = demo
    for order in summaries.supplier_orders(accounts):
        expected = sum(accounts.allocation.products[l.product.ref].units * l.product.price for l in order.lines)
        assert order.total == expected
        for line in order.lines:
            assert sum(line.per_site.values()) == line.allocation.units
        text = flat(" ".join(pdf_pages(workspace.month_dir(MONTH) / "fournisseurs"
                                       / f"bon-de-commande-{slug(order.supplier.code)}.pdf")))
        assert money(order.total) in text and order.supplier.name in text
        assert all(line.product.ref in text for line in order.lines)


def test_site_spreadsheet_adds_up_to_the_supplier_orders(demo):
    workspace, data, accounts = demo
    book = openpyxl.load_workbook(workspace.month_dir(MONTH) / "private" / "distribution" / f"distribution-{MONTH}.xlsx")
    units = defaultdict(int)
    for site in data.sites:
        sheet = book[site.code]
        headers = [c.value for c in sheet[1]]
        rows = list(sheet.iter_rows(min_row=2, values_only=True))
        assert len(rows) == len(accounts.of_site(site.code))
        for product in summaries.products_of_site(accounts, site.code):
            units[product.ref] += sum(r[headers.index(summaries.product_label(product))] for r in rows)
        delivered = sum(a.delivered_value for a in accounts.of_site(site.code))
        assert sum(r[headers.index("Valeur livrée")] for r in rows) == pytest.approx(float(delivered))
        assert sheet.cell(2, headers.index("Reste à payer") + 1).number_format == EUROS
    for ref, allocation in accounts.allocation.products.items():
        assert units[ref] == allocation.units, ref


def test_supplier_spreadsheet_has_french_formats(demo):
    workspace, _, accounts = demo
    book = openpyxl.load_workbook(workspace.month_dir(MONTH) / "fournisseurs" / f"commandes-fournisseurs-{MONTH}.xlsx")
    summary = book["Résumé"]
    assert summary.cell(2, 2).number_format == DATE and summary.cell(2, 4).number_format == EUROS
    totals = {row[0]: row[3] for row in summary.iter_rows(min_row=2, values_only=True)}
    for order in summaries.supplier_orders(accounts):
        assert totals[order.supplier.name] == pytest.approx(float(order.total))


def test_signing_sheets_and_receipts_show_each_members_numbers(demo):
    workspace, data, accounts = demo
    private = workspace.month_dir(MONTH) / "private" / "distribution"
    for site in data.sites:
        sheet = flat(" ".join(pdf_pages(private / f"emargement-{slug(site.code)}-M.pdf")))
        whole = flat(" ".join(pdf_pages(private / f"recus-{slug(site.code)}.pdf")))
        receipts = re.split(r"(?=Votre commande — |Your order — )", whole)  # a receipt may take two pages
        for account in accounts.of_site(site.code):
            name = account.slot.member.display_name if account.slot.member else f"Bon libre n° {account.slot.number}"
            assert name in sheet
            page, lang = next(t for t in receipts if name in t), account.slot.lang
            assert money(account.delivered_value, lang) in page and money(account.paid, lang) in page
            if account.still_due:
                assert money(account.still_due, lang) in page and money(account.still_due) in sheet
            elif account.credit_next:
                assert money(account.credit_next, lang) in page


def test_members_without_a_form_are_listed_per_site(demo):
    workspace, data, accounts = demo
    for site in data.sites:
        text = flat(" ".join(pdf_pages(workspace.month_dir(MONTH) / "private" / "distribution"
                                       / f"sans-bon-{slug(site.code)}.pdf")))
        for form in data.forms_of(site.code):
            if form.member and form.number not in accounts.returned_forms:
                assert form.member.display_name in text
            elif form.member:
                assert form.member.display_name not in text


def test_the_public_site_and_charts_hold_no_personal_data(demo):
    workspace, data, _ = demo
    site = workspace.month_dir(MONTH) / "site"
    assert (site / "chiffres-du-mois.html").is_file()
    members = [f.member for f in data.forms if f.member]
    words = {w for m in members for w in (m.first_name, m.last_name, m.display_name) if len(w) >= 3}
    for path in (p for p in site.rglob("*") if p.is_file()):
        if path.suffix == ".pdf":
            text = " ".join(pdf_pages(path))
        elif path.suffix in (".html", ".svg", ".css", ".txt"):
            text = path.read_text(encoding="utf-8")
        else:
            continue
        assert not [w for w in words if w in text], path
        tokens = set(re.findall(r"(?<![\w.,])\d{4}(?![\w.,])", text))
        assert not tokens & {m.number for m in members} - {"2026", "2027"}, path


def test_credits_are_carried_to_next_months_form(demo, tmp_path):
    workspace, data, _ = demo
    accounts = distribution.month_accounts(workspace.engine(), data)
    credits = accounts.credits()
    assert credits, "the demo month should leave some members a credit"
    opened = months.open_month(workspace.engine(), workspace.config, load_catalog(workspace.config.catalog_path),
                               "2027-01")
    january = carry.load_month(workspace.engine(), workspace.config, opened.month)
    assert dict(january.credits) == credits
    assert january.last_month == accounts.delivered_refs()
    from cagettes.forms import bundles

    result = bundles.print_month(january, tmp_path, {"jobs": 1, "what": "forms"})
    member, credit = next(iter(credits.items()))
    text = flat(" ".join(" ".join(pdf_pages(b.path)) for b in result.bundles))
    assert "Avoir du mois dernier" in text and money(credit) in text


def test_a_payment_correction_replaces_the_scanned_one(demo):
    workspace, data, accounts = demo
    account = accounts.accounts[0]
    form = account.slot.number
    assert main(["-w", str(workspace.root), "payment", "--bon", str(form), "--mois", MONTH, "--mode", "cheque_alimentaire",
                 "--montant", "12,50", "--financeur", "CCAS de Lille", "--par", "Samia"]) == 0
    again = distribution.month_accounts(workspace.engine(), data)
    corrected = next(a for a in again.accounts if a.slot.number == form)
    assert corrected.payments == (distribution.Payment("cheque_alimentaire", Decimal("12.50"), "CCAS de Lille", "saisie"),)
    assert corrected.balance == corrected.previous_credit + Decimal("12.50") - corrected.delivered_value
    with pytest.raises(MonthError, match="financeur"):
        distribution.record_payment(workspace.engine(), data, form,
                                    distribution.Payment("cheque_alimentaire", Decimal(5)), "Samia")
    with pytest.raises(MonthError, match="n'existe pas"):
        distribution.record_payment(workspace.engine(), data, 9999, distribution.Payment("especes", Decimal(5)), "Samia")


def test_the_demo_run_again_keeps_its_closed_month(demo, capsys):
    workspace, data, accounts = demo
    scanned = scanned_pages(workspace)
    capsys.readouterr()
    assert main(["demo", str(workspace.root), "--mois", MONTH]) == 0
    said = capsys.readouterr().out
    assert "déjà clos" in said and "pas rescannés" in said
    assert scanned_pages(workspace) == scanned
    again = distribution.month_accounts(workspace.engine(), data)
    assert [o.total for o in summaries.supplier_orders(again)] == [o.total for o in summaries.supplier_orders(accounts)]


def scanned_pages(workspace) -> int:
    with workspace.engine().connect() as conn:
        return conn.exec_driver_sql("SELECT count(*) FROM scanned_pages").scalar()
