"""Site posters: one page, A4 or A3, key facts readable from afar, a QR code that scans."""
from __future__ import annotations

import ctypes
import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
import zxingcpp

from cagettes.core.model import Member, Product, Site
from cagettes.core.month import Association, Delivery, FormSlot, MonthData
from cagettes.core.paths import poster_filename, slug
from cagettes.forms.posters import keep_units, render_poster, title_text
from cagettes.forms.templating import make_env

MM_PER_PT = 25.4 / 72
PAGE_MM = {"A4": (210, 297), "A3": (297, 420)}
URL = "https://cagettes.example.org/2026-12/sites/RBX.html"

# 25 products, like a real month: long names and units included, so the grid is really tested.
PRODUCTS = [
    ("Œufs de plein air", "la boîte de 6", "2.40", "1F95A"),
    ("Œufs de plein air", "la boîte de 12", "4.50", "1F95A"),
    ("Poulet fermier entier", "la pièce (environ 1,8 kg)", "14.90", "1F414"),
    ("Cuisses de poulet", "la barquette de 1 kg", "8.50", "1F357"),
    ("Lentilles vertes", "le sachet de 500 g", "2.10", "1FAD8"),
    ("Pois chiches", "le sachet de 500 g", "2.30", "1FAD8"),
    ("Pois cassés", "le sachet de 500 g", "1.90", "1FADB"),
    ("Maroilles AOP", "la pièce de 750 g", "9.80", "1F9C0"),
    ("Tomme de Thiérache", "le morceau de 300 g", "5.20", "1F9C0"),
    ("Yaourts nature au lait entier", "le lot de 4 pots", "1.80", "1F963"),
    ("Lait entier", "la bouteille d'1 L", "1.15", "1F95B"),
    ("Beurre doux", "la plaquette de 250 g", "2.90", "1F9C8"),
    ("Farine de blé T65", "le sac de 1 kg", "1.60", "1F33E"),
    ("Farine de sarrasin", "le sac de 1 kg", "2.80", "1F33E"),
    ("Poireaux", "la botte de 1 kg", "2.20", "1F96C"),
    ("Carottes", "le kg", "1.40", "1F955"),
    ("Pommes de terre", "le sac de 2,5 kg", "3.20", "1F954"),
    ("Chou vert", "la pièce", "1.80", "1F966"),
    ("Oignons jaunes", "le filet de 1 kg", "1.50", "1F9C5"),
    ("Potimarron", "la pièce (environ 1,2 kg)", "2.60", "1F383"),
    ("Pommes Reinette", "le kg", "2.20", "1F34E"),
    ("Poires Conférence", "le kg", "2.60", "1F350"),
    ("Jus de pomme", "la bouteille d'1 L", "2.90", "1F9C3"),
    ("Miel de fleurs des Weppes", "le pot de 500 g", "7.50", "1F36F"),
    ("Compote de pommes sans sucre ajouté", "le bocal de 700 g", "3.10", ""),
]


def make_month(products: int = len(PRODUCTS)) -> MonthData:
    sites = (
        Site("RBX", "Maison des solidarités de Roubaix-Est", "maison des solidarités",
             "45 boulevard des Tisserands, 59100 Roubaix", 2, dt.time(14), dt.time(17)),
        Site("FIVES", "Centre social Fives-Lauriers", "centre social",
             "12 rue des Lauriers, 59800 Lille", 1, dt.time(16, 30), dt.time(18, 30)),
    )
    catalog = tuple(
        Product(f"P{n:02d}", name, unit, Decimal(price), "SUP", 3, picto=picto, tags=("local",))
        for n, (name, unit, price, picto) in enumerate((PRODUCTS * 3)[:products])
    )
    member = Member("9876", "Zorglub", "Quatremains", "RBX")
    return MonthData(
        month="2026-12",
        association=Association("Emplettes et Cagettes", "03 20 00 00 00", "contact@emplettes.example.org"),
        forms_date=dt.date(2026, 12, 4),
        deadline=dt.date(2026, 12, 16),  # mercredi 16 décembre 2026: one of the widest dates
        supplier_order_date=dt.date(2026, 12, 17),
        deliveries={"RBX": Delivery(dt.date(2026, 12, 23), dt.time(14), dt.time(17)),
                    "FIVES": Delivery(dt.date(2026, 12, 22), dt.time(16, 30), dt.time(18, 30))},
        sites=sites,
        products=catalog,
        forms=(FormSlot(1, "RBX", member), FormSlot(2, "RBX")),
        secret="s" * 32,
        site_url="https://cagettes.example.org",
    )


@pytest.fixture(scope="module")
def month() -> MonthData:
    return make_month()


@pytest.fixture(scope="module")
def posters(month: MonthData) -> dict[str, bytes]:
    env = make_env()
    return {size: render_poster(month, "RBX", size, env, URL) for size in ("A4", "A3")}


def flat(text: str) -> str:
    """Extracted text with line breaks and no-break spaces as plain single spaces."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def page_text(pdf_bytes: bytes) -> str:
    page = pdfium.PdfDocument(pdf_bytes)[0]
    textpage = page.get_textpage()
    return flat(textpage.get_text_range())


def text_runs(pdf_bytes: bytes) -> list[tuple[float, str]]:
    """(size in points, text) of every text object on the first page.

    pdfium's per-character font size ignores the page's transformation matrix (WeasyPrint
    draws in CSS pixels, scaled by 0.75), so the size is taken from each text object's
    font size times its full matrix, which includes that scaling.
    """
    page = pdfium.PdfDocument(pdf_bytes)[0]
    textpage = page.get_textpage()
    runs = []
    for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_TEXT], max_depth=8):
        size = ctypes.c_float()
        pdfium_raw.FPDFTextObj_GetFontSize(obj.raw, size)
        length = pdfium_raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
        buffer = ctypes.create_string_buffer(length * 2)
        pdfium_raw.FPDFTextObj_GetText(obj.raw, textpage.raw, ctypes.cast(buffer, ctypes.POINTER(ctypes.c_ushort)), length)
        text = buffer.raw.decode("utf-16-le", errors="ignore").rstrip("\x00")
        runs.append((round(size.value * abs(obj.get_matrix().d), 2), flat(text)))
    return runs


@pytest.mark.parametrize("size", ["A4", "A3"])
def test_poster_is_one_page_of_its_size(posters: dict[str, bytes], size: str) -> None:
    document = pdfium.PdfDocument(posters[size])
    assert len(document) == 1
    width, height = (v * MM_PER_PT for v in document[0].get_size())
    assert (round(width), round(height)) == PAGE_MM[size]


def test_poster_text_has_key_facts_in_full(posters: dict[str, bytes]) -> None:
    text = page_text(posters["A4"])
    assert "Commandes de" in text and "décembre 2026" in text
    assert "mercredi 16 décembre 2026" in text  # deadline
    assert "mercredi 23 décembre 2026" in text  # pickup
    assert "14 h – 17 h" in text
    assert "Maison des solidarités de Roubaix-Est" in text
    assert "45 boulevard des Tisserands, 59100 Roubaix" in text
    assert "Yaourts nature au lait entier" in text
    assert "Compote de pommes sans sucre ajouté" in text  # the last product: nothing cut off
    assert "03 20 00 00 00" in text
    assert "OpenMoji" in text
    assert URL in text


def test_poster_has_no_member_data(posters: dict[str, bytes]) -> None:
    text = page_text(posters["A4"])
    assert "Zorglub" not in text and "Quatremains" not in text and "9876" not in text


def test_key_facts_are_readable_from_two_metres(posters: dict[str, bytes]) -> None:
    runs = text_runs(posters["A4"])
    assert max(size for size, _ in runs) >= 40
    big = " ".join(text for size, text in runs if size >= 40)
    assert "16 décembre 2026" in big and "23 décembre 2026" in big and "14 h – 17 h" in big
    title = max(runs)
    assert title[0] > 40 and "décembre 2026" in title[1]


def test_product_names_are_at_least_14_pt_on_a4(posters: dict[str, bytes]) -> None:
    runs = text_runs(posters["A4"])
    names = [size for size, text in runs if text in ("Lait entier", "Pois chiches", "Carottes")]
    assert len(names) == 3 and min(names) >= 14


@pytest.mark.parametrize("size", ["A4", "A3"])
def test_qr_code_scans_to_the_site_page(posters: dict[str, bytes], size: str) -> None:
    dpi = 150
    image = pdfium.PdfDocument(posters[size])[0].render(scale=dpi / 72).to_pil()
    codes = [c for c in zxingcpp.read_barcodes(image) if c.format == zxingcpp.BarcodeFormat.QRCode]
    assert [c.text for c in codes] == [URL]
    corners = codes[0].position
    width_mm = (corners.top_right.x - corners.top_left.x) / dpi * 25.4
    assert width_mm >= 30


def test_26_products_still_fit_on_one_page() -> None:
    """26 is the most that fits with every text at 14 pt or more (a limit in the README)."""
    pdf = render_poster(make_month(products=26), "RBX", "A4", make_env(), URL)
    assert len(pdfium.PdfDocument(pdf)) == 1


def test_too_many_products_overflow_rather_than_fail() -> None:
    """Beyond what one page holds, the key facts stay on page one and products continue."""
    pdf = render_poster(make_month(products=45), "FIVES", "A4", make_env(), URL)
    document = pdfium.PdfDocument(pdf)
    assert len(document) == 2
    first = flat(document[0].get_textpage().get_text_range())
    assert "mercredi 16 décembre 2026" in first and "mardi 22 décembre 2026" in first
    assert "Centre social Fives-Lauriers" in first and "03 20 00 00 00" in first  # the place, whom to ask


@pytest.mark.parametrize("url", ["", "sites/FIVES.html"])
def test_poster_without_published_site_has_no_qr_code(month: MonthData, url: str) -> None:
    pdf = render_poster(month, "FIVES", "A4", make_env(), url)
    assert len(pdfium.PdfDocument(pdf)) == 1
    image = pdfium.PdfDocument(pdf)[0].render(scale=100 / 72).to_pil()
    assert zxingcpp.read_barcodes(image) == []
    assert "Sur internet" not in page_text(pdf)


def test_unknown_size_is_refused(month: MonthData) -> None:
    with pytest.raises(ValueError):
        render_poster(month, "FIVES", "A5", make_env(), URL)


def test_file_names_and_titles() -> None:
    assert poster_filename("FIVES", "A4") == "affiche-FIVES-A4.pdf"
    assert poster_filename("Épicerie Campus", "A3") == "affiche-Epicerie-Campus-A3.pdf"
    assert slug("../../etc") == "etc"
    assert title_text(replace(make_month(), month="2027-04")) == "Commandes d'avril 2027"
    assert title_text(make_month()) == "Commandes de décembre 2026"


def test_numbers_stay_with_their_units() -> None:
    assert keep_units("le sachet de 500 g") == "le sachet de\u00a0500\u00a0g"
    assert keep_units("la pièce") == "la pièce"


def test_no_text_on_the_poster_is_under_14_pt(tmp_path, month: MonthData) -> None:
    from tests.test_forms import font_sizes

    path = tmp_path / "poster.pdf"
    path.write_bytes(render_poster(month, "RBX", "A4", make_env(), URL))
    sizes = font_sizes(path, 0)
    assert sizes and min(size for _, size in sizes) >= 13.95


# --- The sample association's posters, as `cagettes print` makes them (issue 13, point 4) ---

# The smallest type each size may print: 14 pt is the FALC floor on A4; an A3 poster is read from
# further away, on a wall, so its smallest words are larger.
MIN_PT = {"A4": 14, "A3": 18}
FACTS_MIN_PT = {"A4": 40, "A3": 56}  # the deadline, the pickup date and hours
PT_SLACK = 0.05  # rounding of sizes read back from the PDF
A3_ONLY_PRODUCTS = 30  # too many for an A4 poster, not for an A3 one
# Two products more than the sample's 24 make the 26 a poster must hold on one page, at every size.
EXTRA_PRODUCTS = [
    ("SOUPE", "Soupe de légumes de saison", "la brique d'1 L", "2,70", "MARAICHER", "1F372"),
    ("CONFFRAISE", "Confiture de fraises du Pévèle", "le pot de 350 g", "3,60", "VERGER", "1F353"),
]


def sample_month(root, extra: list[tuple[str, ...]]) -> tuple[MonthData, str]:
    """The sample workspace's December 2026 with ``extra`` products added to its workbook, and
    its public site address."""
    import openpyxl

    from cagettes.catalog import load_catalog
    from cagettes.services.workspace import init_workspace
    from cagettes.storage import months

    workspace = init_workspace(root)
    book = openpyxl.load_workbook(workspace.config.catalog_path)
    sheet = book["produits"]
    header = [cell.value for cell in sheet[1]]
    for ref, name, unit, price, supplier, picto in extra:
        row = {"ref": ref, "nom": name, "unite": unit, "prix": price, "fournisseur": supplier,
               "max_par_membre": 2, "statut": "regulier", "picto": picto, "categories": "local"}
        sheet.append([row.get(column) for column in header])
    book.save(workspace.config.catalog_path)
    catalog = load_catalog(workspace.config.catalog_path)
    data = months.open_month(workspace.engine(), workspace.config, catalog, "2026-12")
    return data, workspace.config.public_site_url


@pytest.fixture(scope="module")
def sample_posters(tmp_path_factory) -> dict[tuple[int, str, str], Path]:
    """(products, site, size) -> the poster's PDF file, for the sample month and for 26 products."""
    from cagettes.forms.bundles import site_page_url

    folder = tmp_path_factory.mktemp("posters")
    found = {}
    for extra in ([], EXTRA_PRODUCTS):
        data, base_url = sample_month(folder / f"ws{len(extra)}", extra)
        # At 26, the two tightest sites: the longest place (CAMPUS) and the widest weekday (ROUBAIX).
        for site in data.sites if not extra else [data.site("CAMPUS"), data.site("ROUBAIX")]:
            for size in ("A4", "A3"):
                url = site_page_url(base_url, data.month, site.code)
                path = folder / f"{len(data.products)}-{site.code}-{size}.pdf"
                path.write_bytes(render_poster(data, site.code, size, make_env(), url))
                found[(len(data.products), site.code, size)] = path
    return found


def test_the_sample_and_a_26_product_month_are_what_is_measured(sample_posters) -> None:
    assert {products for products, _, _ in sample_posters} == {24, 26}
    assert {site for products, site, _ in sample_posters if products == 24} == {"FIVES", "ROUBAIX", "CAMPUS"}


@pytest.mark.parametrize("size", ["A4", "A3"])
def test_every_sample_poster_is_one_page_of_its_size(sample_posters, size: str) -> None:
    pages = {key: len(pdfium.PdfDocument(path)) for key, path in sample_posters.items() if key[2] == size}
    assert all(count == 1 for count in pages.values()), pages
    for key, path in sample_posters.items():
        width, height = (v * MM_PER_PT for v in pdfium.PdfDocument(path)[0].get_size())
        assert (round(width), round(height)) == PAGE_MM[key[2]], key


def test_dates_place_and_contact_are_on_page_1(sample_posters) -> None:
    contact = "03 20 00 00 00 (Samia, coordinatrice)"
    expected = {"FIVES": ("mardi 29 décembre 2026", "16 h 30 – 18 h 30", "Centre social Fives-Lauriers"),
                "ROUBAIX": ("mercredi 23 décembre 2026", "14 h – 17 h", "45 boulevard des Tisserands"),
                "CAMPUS": ("jeudi 24 décembre 2026", "12 h – 14 h 30", "avenue des Sciences, 59650")}
    for (_, site, _), path in sample_posters.items():
        first = flat(pdfium.PdfDocument(path)[0].get_textpage().get_text_range())
        for words in ("mardi 15 décembre 2026", contact, *expected[site]):
            assert words in first, (path.name, words)


@pytest.mark.parametrize("size", ["A4", "A3"])
def test_no_type_on_a_sample_poster_is_under_the_size_s_minimum(sample_posters, size: str) -> None:
    from tests.test_forms import font_sizes

    for key, path in sample_posters.items():
        if key[2] == size:
            smallest = min(points for char, points in font_sizes(path, 0))
            assert smallest >= MIN_PT[size] - PT_SLACK, (path.name, round(smallest, 2))


def test_a3_is_laid_out_for_a3_not_enlarged_from_a4(sample_posters) -> None:
    """The key facts grow with the page; the products use the A3's room instead of just growing."""
    for key, path in sample_posters.items():
        runs = text_runs(path.read_bytes())
        facts = " ".join(text for points, text in runs if points >= FACTS_MIN_PT[key[2]] - PT_SLACK)
        assert "15 décembre 2026" in facts and " h" in facts, (path.name, facts)
    # Enlarged from A4, an A3 holds exactly the products an A4 holds: a layout of its own holds more.
    crowded = make_month(products=A3_ONLY_PRODUCTS)
    a4, a3 = (render_poster(crowded, "RBX", size, make_env(), URL) for size in ("A4", "A3"))
    assert len(pdfium.PdfDocument(a4)) == 2 and len(pdfium.PdfDocument(a3)) == 1


def test_no_text_runs_over_other_text_on_a_sample_poster(sample_posters) -> None:
    from tests.test_print_overlap import colliding_glyphs

    found = {path.name: collisions[:5] for path in sample_posters.values()
             if (collisions := colliding_glyphs(path, 0))}
    assert not found, found
