"""Closing documents fit their use (issue 13, point 3), measured on the PDFs themselves.

Two closed months, the sample catalog (24 products) and one grown to 40, with a few forms back
per site as in a small month: the first form of each site orders every product (the longest
receipt), the others a third of them. Their orders go straight into the database, as the
scanner leaves them (bench/close_month.py does the same for 1,000 members).
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import openpyxl
import pypdfium2
import pypdfium2.raw as pdfium
import pytest

from cagettes import closing as distribution
from cagettes.catalog import load_catalog
from cagettes.closing import documents
from cagettes.closing.documents import SHEET_SIZES
from cagettes.closing.texts import receipt_texts
from cagettes.forms.templating import make_env
from cagettes.services.workspace import init_workspace
from cagettes.storage import db, months
from tests.conftest import MONTH
from tests.test_closing import flat, pdf_pages
from tests.test_paper import MORE_PRODUCTS
from tests.test_print_overlap import colliding_glyphs, glyph_boxes

FORMS_BACK_PER_SITE = 3  # "8 pages for 3 forms" (issue 13)
RULE_MAX_WIDTH_PT = 2.5  # a ruling: a path narrower than this (its stroke and bounds), three times as tall
CROSSING_PT = 0.5  # a character drawn this far over a ruling has left its column
MATRIX_TITLE = "Matrice de tri"


def add_products(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    for ref, name, unit, price, supplier, most, case, picto, name_en, unit_en in MORE_PRODUCTS:
        book["produits"].append([ref, name, unit, price, supplier, most, case, "local", "Labo Fives", "regulier",
                                 picto, name_en, unit_en])
    book.save(path)


def order_lines(page: int, data, rank: int) -> list[dict]:
    """Every product for the first form of a site (rank 0), a third of them for the others."""
    line = {"scanned_page": page, "status": "confirmed", "reason": "", "boxes": []}
    lines = [{**line, "kind": "payment", "product": None, "value": "especes"},
             {**line, "kind": "amount", "product": None, "value": f"{10 + 7 * rank:.2f}"}]
    for n, product in enumerate(data.products):
        if rank == 0 or (n + rank) % 3 == 0:
            lines.append({**line, "kind": "quantity", "product": product.ref,
                          "value": str(1 + (n + rank) % product.max_per_member)})
    return lines


def scan_returns(engine, data) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    with engine.begin() as conn:
        for site in data.sites:
            for rank, form in enumerate([f for f in data.forms_of(site.code) if f.member][:FORMS_BACK_PER_SITE]):
                page = conn.execute(db.scanned_pages.insert().values(
                    month=data.month, sha256=f"{form.number:064d}", source="test", scanned_at=now,
                    outcome="accepted", reason="", detail="", page_id=f"test-{form.number}", form=form.number,
                    page=1, review_reasons=[]))
                conn.execute(db.page_lines.insert(), order_lines(page.inserted_primary_key[0], data, rank))


def close_and_write(root: Path, products: int):
    workspace = init_workspace(root)
    if products > 24:
        add_products(workspace.config.catalog_path)
    data = months.open_month(workspace.engine(), workspace.config, load_catalog(workspace.config.catalog_path), MONTH)
    assert len(data.products) == products
    scan_returns(workspace.engine(), data)
    distribution.close_month(workspace.engine(), data, "test")
    accounts = distribution.month_accounts(workspace.engine(), data)
    written = documents.write_documents(accounts, workspace.month_dir(MONTH), make_env(workspace.templates_dir))
    return accounts, written


@pytest.fixture(scope="module", params=[24, 40], ids=["24-products", "40-products"])
def closed(request, tmp_path_factory):
    """(accounts, written documents) of a closed month of the sample or the 40-product catalog."""
    return close_and_write(tmp_path_factory.mktemp(f"closed{request.param}") / "ws", request.param)


def test_the_sorting_matrix_lists_only_products_delivered_at_its_site(closed):
    accounts, written = closed
    cut_everywhere = [ref for ref, a in accounts.allocation.products.items() if a.ordered and not a.units]
    assert cut_everywhere, "the month should hold a product ordered but not delivered (a supplier's minimum)"
    for site in accounts.month.sites:
        delivered = {l.product.ref for a in accounts.of_site(site.code) for l in a.lines if l.given}
        for size in SHEET_SIZES:
            matrices = documents.sorting_matrices(accounts, site.code, size)
            shown = [p.ref for m in matrices for p in m["products"]]
            assert set(shown) == delivered and len(shown) == len(delivered), (site.code, size)
            assert all(total for m in matrices for total in m["totals"].values()), (site.code, size)
            assert all(any(given.get(p.ref) for p in m["products"]) for m in matrices for _, given in m["rows"])


def test_several_sorting_tables_share_a_page(closed):
    """A few forms back: two tables a page at least, the first one maybe after the sharing rule."""
    accounts, written = closed
    for path in written.sheets:
        site, size = path.stem.removeprefix("emargement-").rsplit("-", 1)
        tables = len(documents.sorting_matrices(accounts, site, size))
        holding = sum(1 for text in pdf_pages(path) if MATRIX_TITLE in text)
        assert holding <= math.ceil(tables / 2) + 1, f"{path.name}: {tables} sorting tables on {holding} pages"


def test_the_sharing_rule_is_never_split_from_its_title(closed):
    accounts, written = closed
    for path in written.sheets:
        texts = [flat(t) for t in pdf_pages(path)]
        with_rule = [n for n, t in enumerate(texts) if "Règle de partage" in t]
        assert len(with_rule) == 1, path.name
        last_words = flat(documents.common_context(accounts, make_env())["fair_rule"][-1])[-40:]
        assert last_words in texts[with_rule[0]], f"{path.name}: the sharing rule runs over to the next page"


def test_every_page_of_a_receipt_names_its_member_and_form(closed):
    accounts, written = closed
    longest = 0
    for path in written.receipts:
        site = path.stem.removeprefix("recus-")
        texts = [flat(t) for t in pdf_pages(path)]
        longest = max(longest, len(texts) - len(accounts.of_site(site)))
        for n, text in enumerate(texts):
            named = [a for a in accounts.of_site(site) if documents.who(a) in text]
            assert len(named) == 1, f"{path.name}, page {n + 1}: {len(named)} names"
            number = f"{receipt_texts(named[0].slot.lang)['number']} {named[0].slot.number}"
            assert number in text, f"{path.name}, page {n + 1}: no {number!r}"
    assert longest > 0, "one receipt at least should take two pages (every product ordered)"


def ruling(path: Path, index: int) -> list[tuple[float, float, float]]:
    """The vertical lines drawn on a page (x, bottom, top, in PDF points): the tables' columns."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        lines = []
        for obj in document[index].get_objects(max_depth=4):
            if obj.type != pdfium.FPDF_PAGEOBJ_PATH:
                continue
            left, bottom, right, top = obj.get_bounds()
            if right - left < RULE_MAX_WIDTH_PT and top - bottom > 3 * RULE_MAX_WIDTH_PT:
                lines.append(((left + right) / 2, bottom, top))
        return lines
    finally:
        document.close()


def characters_across_columns(path: Path, index: int) -> list[str]:
    """Characters drawn over a column's ruling: text that ran out of its cell."""
    lines = np.array(ruling(path, index)).reshape(-1, 3)
    boxes, _, chars = glyph_boxes(path, index)
    if not len(boxes) or not len(lines):
        return []
    x, bottom, top = (lines[:, None, k] for k in range(3))
    left, right, low, high = (boxes[None, :, k] for k in range(4))
    across = (left + CROSSING_PT < x) & (x < right - CROSSING_PT) & (low < top) & (high > bottom)
    return [f"{chars[j]!r} at x={lines[i, 0]:.0f} pt" for i, j in zip(*np.nonzero(across), strict=True)]


def test_no_text_crosses_a_column_or_other_text_at_any_size(closed):
    _, written = closed
    assert {p.stem.rsplit("-", 1)[1] for p in written.sheets} == set(SHEET_SIZES)
    found = {}
    for path in written.all:
        for index in range(len(pdf_pages(path))):
            faults = characters_across_columns(path, index) + colliding_glyphs(path, index)
            if faults:
                found[f"{path.name} page {index + 1}"] = faults[:6]
    assert not found, f"text out of its column or over other text: {found}"


def test_a_supplier_order_for_a_few_sites_fits_one_page(closed):
    accounts, written = closed
    assert len(accounts.month.sites) == 3
    pages = {path.name: len(pdf_pages(path)) for path in written.suppliers}
    assert all(n == 1 for n in pages.values()), pages
