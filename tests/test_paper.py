"""Paper (issue 13): pages per form, type size and the cover's counts, measured on the PDFs.

The sample month (24 products) is the session's printed month; a 40-product month is printed
here for one site, a normal and a large-print member and one walk-in form, from the sample
catalog grown with openpyxl.
"""
from __future__ import annotations

import dataclasses
import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from cagettes.catalog import load_catalog
from cagettes.core.config import CONFIG_FILE
from cagettes.forms.ids import decode
from cagettes.forms.texts import texts
from cagettes.forms.variants import Variant
from cagettes.services.workspace import init_workspace
from cagettes.storage import months
from cagettes.storage.workspace import open_workspace
from tests.conftest import MONTH
from tests.test_closing import pdf_pages as page_texts
from tests.test_forms import font_sizes

# Most pages a form may take (issue 13), by number of products and variant; a walk-in form may
# take one page more than the normal one.
PAGE_TARGETS = {24: {"fr": 2, "en": 2, "fr-large": 4, "en-large": 4}, 40: {"fr": 4, "en": 4, "fr-large": 6, "en-large": 6}}
WALKIN_EXTRA_PAGES = 1
SMALLEST_PT = 13.95  # 14 pt, less the rounding of the PDF's text matrices
IDENTIFIER = re.compile(r"EC\d-\d{6}-[A-Z2-7]{4}-\d{5}-\d{1,2}-[A-Z2-7]{10}")
# (ref, name, unit, price, supplier, max per member, case size, picto, English name, English unit)
MORE_PRODUCTS = [
    ("RIZ", "Riz complet", "le sachet de 1 kg", 2.90, "LEGUMINEUSES", 4, 10, "1F35A", "Brown rice", "1 kg bag"),
    ("PATES", "Pâtes de blé dur", "le paquet de 500 g", 1.70, "MOULIN", 6, 10, "1F35D", "Durum wheat pasta", "500 g pack"),
    ("FLOCONS", "Flocons d'avoine", "le sachet de 500 g", 1.90, "MOULIN", 4, 10, "1F33E", "Rolled oats", "500 g bag"),
    ("CREME", "Crème fraîche épaisse", "le pot de 20 cl", 1.60, "FROMAGERIE", 3, None, "1F95B", "Thick crème fraîche", "20 cl pot"),
    ("FROMBLANC", "Fromage blanc", "le pot de 500 g", 2.40, "FROMAGERIE", 4, 12, "1F963", "Fromage blanc", "500 g pot"),
    ("MIMOLETTE", "Mimolette vieille", "le morceau de 250 g", 4.60, "FROMAGERIE", 2, None, "1F9C0", "Aged mimolette", "250 g piece"),
    ("DINDE", "Escalopes de dinde", "la barquette de 500 g", 7.20, "VOLAILLE", 2, None, "1F357", "Turkey escalopes", "500 g tray"),
    ("ENDIVES", "Endives de pleine terre", "le sac de 1 kg", 2.80, "MARAICHER", 3, None, "1F96C", "Field-grown chicory", "1 kg bag"),
    ("BETTERAVES", "Betteraves cuites", "le lot de 500 g", 1.50, "MARAICHER", 4, None, "1F955", "Cooked beetroot", "500 g pack"),
    ("NAVETS", "Navets", "la botte", 1.90, "MARAICHER", 3, None, "1F954", "Turnips", "one bunch"),
    ("SALADE", "Salade batavia", "la pièce", 1.20, "MARAICHER", 3, None, "1F96C", "Batavia lettuce", "one head"),
    ("ECHALOTES", "Échalotes", "le filet de 500 g", 2.10, "MARAICHER", 2, None, "1F9C5", "Shallots", "500 g net"),
    ("AIL", "Ail rose", "la tresse de 250 g", 3.50, "MARAICHER", 2, None, "1F9C5", "Pink garlic", "250 g braid"),
    ("COMPOTE", "Compote pomme-rhubarbe", "le bocal de 700 g", 3.90, "VERGER", 4, 6, "1F36F", "Apple-rhubarb compote", "700 g jar"),
    ("CIDRE", "Cidre doux", "la bouteille de 75 cl", 3.80, "VERGER", 2, 6, "1F9C3", "Sweet cider", "75 cl bottle"),
    ("CITRONS", "Citrons", "la pièce", 0.90, "VERGER", 9, None, "1F34E", "Lemons", "one lemon"),
]
NINE_CHOICES = "CITRONS"  # allowed up to 9, cheap enough for its 9 prices to fit one line


def grow_catalog(path: Path) -> None:
    """The sample workbook with MORE_PRODUCTS, one site (FIVES), a normal and a large-print member."""
    book = openpyxl.load_workbook(path)
    products = book["produits"]
    for ref, name, unit, price, supplier, most, case, picto, name_en, unit_en in MORE_PRODUCTS:
        products.append([ref, name, unit, price, supplier, most, case, "local", "Labo Fives", "regulier",
                         picto, name_en, unit_en])
    for sheet, keep in (("sites", lambda row: row[0] == "FIVES"), ("membres", lambda row: row[0] in ("0001", "0002"))):
        rows = list(book[sheet].iter_rows(min_row=2))
        for index in reversed([n for n, row in enumerate(rows, start=2) if not keep([c.value for c in row])]):
            book[sheet].delete_rows(index)
    book.save(path)


@pytest.fixture(scope="module")
def forty(tmp_path_factory):
    """(month data, print result) of a 40-product month, printed as bundles."""
    from cagettes.forms import bundles

    root = tmp_path_factory.mktemp("forty") / "ws"
    config = init_workspace(root).root / CONFIG_FILE
    config.write_text(re.sub(r"bons_libres_par_site = \d+", "bons_libres_par_site = 1",
                             config.read_text(encoding="utf-8")), encoding="utf-8")
    workspace = open_workspace(root)
    grow_catalog(workspace.config.catalog_path)
    catalog = load_catalog(workspace.config.catalog_path)
    data = months.open_month(workspace.engine(), workspace.config, catalog, MONTH)
    assert len(data.products) == 40
    result = bundles.print_month(data, workspace.month_dir(MONTH), {"jobs": 2, "template_dir": workspace.templates_dir})
    return data, result


@pytest.fixture(params=[24, 40], ids=["24-products", "40-products"])
def month_printed(request, printed):
    """(month data, print result) of the sample month or of the 40-product one."""
    if request.param == 24:
        return printed[1], printed[2]
    return request.getfixturevalue("forty")


def pages_of_forms(data, result) -> dict[int, list[tuple[Path, int]]]:
    """Form number -> its pages in the bundles, found by the identifier printed on each page."""
    found: dict[int, list[tuple[Path, int]]] = {}
    for bundle in result.bundles:
        for index, text in enumerate(page_texts(bundle.path)):
            for code in set(IDENTIFIER.findall(text)):
                found.setdefault(decode(code, data.secret, data.month).form, []).append((bundle.path, index))
    return found


def pages_per_variant(data, result) -> dict[str, int]:
    """Variant key -> the most pages one of its forms takes in the printed PDFs."""
    pages = pages_of_forms(data, result)
    counts: dict[str, int] = {}
    for form in data.forms:
        key = Variant.of(form).key
        counts[key] = max(counts.get(key, 0), len(pages[form.number]))
    return counts


def test_forms_fit_their_page_targets(month_printed):
    data, result = month_printed
    counts = pages_per_variant(data, result)
    targets = PAGE_TARGETS[len(data.products)]
    over = {key: (pages, targets[key]) for key, pages in counts.items() if key in targets and pages > targets[key]}
    assert not over, f"{len(data.products)} products: pages per form (printed, at most): {over}"
    assert counts["fr-walkin"] <= counts["fr"] + WALKIN_EXTRA_PAGES, counts


def test_every_character_of_every_variant_is_at_least_14_pt(month_printed):
    data, result = month_printed
    pages = pages_of_forms(data, result)
    seen: set[str] = set()
    for form in data.forms:
        if Variant.of(form).key in seen:
            continue
        seen.add(Variant.of(form).key)
        for path, index in pages[form.number]:
            sizes = font_sizes(path, index)
            small = sorted({(c, round(s, 1)) for c, s in sizes if s < SMALLEST_PT})
            assert sizes and not small, (Variant.of(form).key, index, small[:10])


def test_the_payment_block_follows_the_last_product_on_its_page(month_printed):
    """No page holds the comment and payment block alone: it shares the last product's page."""
    data, result = month_printed
    layouts = json.loads(result.manifest_path.read_text(encoding="utf-8"))["layouts"]
    last = len(data.products) - 1
    for key, layout in layouts.items():
        if "comment" in layout["zones"]:
            products = {b["product"] for b in layout["boxes"] if b["kind"] == "quantity"}
            assert data.products[last].ref in products, f"{key}: the payment block is on a page of its own"


def test_quantity_boxes_use_the_row_up_to_9_on_one_line(month_printed):
    """Normal print: each product's quantity boxes on one line, the 9 of a cheap product too."""
    data, result = month_printed
    layouts = json.loads(result.manifest_path.read_text(encoding="utf-8"))["layouts"]
    lines: dict[str, set[float]] = {}
    for key, layout in layouts.items():
        if key.split("/")[0] == "fr":
            for box in (b for b in layout["boxes"] if b["kind"] == "quantity"):
                lines.setdefault(box["product"], set()).add(round(box["rect"][1], 1))
    wrapped = {ref: sorted(ys) for ref, ys in lines.items() if len(ys) > 1}
    assert not wrapped, f"quantity boxes on more than one line (product: tops in mm): {wrapped}"
    if len(data.products) == 40:
        assert next(p for p in data.products if p.ref == NINE_CHOICES).max_per_member == 9


def plain(text: str) -> str:
    """The PDF's text with no-break spaces as spaces; line breaks stay \\r\\n."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def broken_pairs(text: str, words: str) -> list[str]:
    """Numbers of ``words`` printed apart from the word that follows them (a line between)."""
    return [f"{number} / {word}" for number, word in re.findall(r"(\d[\d,.]*)\s+(\S+)", words)
            if re.search(rf"(?<![\d,.]){re.escape(number)}\r\n{re.escape(word)}(?!\w)", text)]


def test_units_and_labels_never_break_inside(month_printed):
    """"la plaquette de 250 / g", "Chèque / alimentaire" (issue 13): never."""
    data, result = month_printed
    pages = pages_of_forms(data, result)
    for form in {Variant.of(f).key: f for f in data.forms}.values():
        text = plain("\r\n".join(page_texts(pages[form.number][0][0])[i] for _, i in pages[form.number]))
        lang = Variant.of(form).lang
        broken = [pair for product in data.products for words in (product.label(lang), product.unit_label(lang))
                  for pair in broken_pairs(text, words)]
        assert not broken, (Variant.of(form).key, broken)
        labels = [plain(label) for label in texts(lang)["payment_methods"].values()]
        assert all(label in text for label in labels), (Variant.of(form).key, labels)


@pytest.fixture(scope="module")
def second_month(printed, tmp_path_factory):
    """Two members' forms stamped in a month that follows another: the first member has a
    credit and bought product 1 last month, the second neither; no product comes by the case.
    (month, member form, other form, pages' text by form number)."""
    from cagettes.forms.bundles import _stamp_job, ordered_forms
    from cagettes.forms.templating import make_env
    from cagettes.forms.variants import render_variant

    data = printed[1]
    forms = [f for f in ordered_forms(data, data.sites[0].code) if f.member and Variant.of(f) == Variant()][:2]
    month = dataclasses.replace(
        data, last_month={forms[0].member.number: frozenset([data.products[1].ref])},
        credits={forms[0].member.number: Decimal("3.50")},
        products=[dataclasses.replace(p, case_size=None) for p in data.products])
    variant = render_variant(month, Variant(), make_env())
    chunk = _stamp_job(month, forms, {variant.variant.key: variant}, None)
    path = tmp_path_factory.mktemp("second") / "chunk.pdf"
    path.write_bytes(chunk.pdf)
    texts_of: dict[int, list[str]] = {}
    for page, text in zip(chunk.pages, page_texts(path), strict=True):
        if page is not None:
            texts_of.setdefault(page.form.number, []).append(plain(text))
    return month, forms[0], forms[1], texts_of, chunk


def test_column_headers_only_with_their_boxes(printed, second_month):
    t = texts("fr")
    for bundle in printed[2].bundles:  # the first month: nobody has like/dislike boxes
        assert not [i for i, text in enumerate(page_texts(bundle.path)) if plain(t["col_feedback"]) in plain(text)]
    month, member, other, texts_of, chunk = second_month
    header = " ".join(plain(t["col_feedback"]).split())  # the header may take several lines
    words = {n: [" ".join(text.split()) for text in pages] for n, pages in texts_of.items()}
    assert header in words[member.number][0], "the like/dislike boxes are not explained"
    assert not [n for n, text in enumerate(words[member.number][1:]) if header in text]
    assert not [n for n, text in enumerate(words[other.number]) if header in text]
    no_case = [n for text in texts_of.values() for n, page in enumerate(text) if plain(t["col_tolerance"]) in page]
    assert not no_case, "a '+1' column without a box under it"


def test_last_month_s_credit_is_on_page_1(second_month):
    month, member, other, texts_of, chunk = second_month
    first = texts_of[member.number][0]
    assert plain(texts("fr")["credit"]) in first and "3,50 €" in first
    assert not [text for text in texts_of[other.number] if plain(texts("fr")["credit"]) in text]


def cover_count(text: str, label: str) -> int:
    match = re.search(re.escape(label) + r"\s+(\d+)", plain(text))
    assert match, (label, text)
    return int(match.group(1))


def test_the_cover_s_counts_match_the_pdf(month_printed):
    data, result = month_printed
    for bundle in result.bundles:
        texts_of = page_texts(bundle.path)
        pages = cover_count(texts_of[0], "Pages (cette page comprise)")
        sheets = cover_count(texts_of[0], "Feuilles en recto verso")
        assert (pages, sheets) == (len(texts_of), (len(texts_of) + 1) // 2), bundle.path.name
        assert (bundle.pages, bundle.sheets) == (pages, sheets)
