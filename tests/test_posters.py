"""Site posters: one page, A4 or A3, key facts readable from afar, a QR code that scans."""
from __future__ import annotations

import ctypes
import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal

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


def test_a3_is_a4_enlarged(posters: dict[str, bytes]) -> None:
    biggest = {size: max(size_pt for size_pt, _ in text_runs(pdf)) for size, pdf in posters.items()}
    assert biggest["A3"] == pytest.approx(biggest["A4"] * 2 ** 0.5, rel=0.01)


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
