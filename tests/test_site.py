"""The month's static site: self-contained, relative links, accessible basics, no personal data."""
from __future__ import annotations

import datetime as dt
import filecmp
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import fontpkg_atkinson_hyperlegible as atkinson
import pypdfium2 as pdfium
import pytest
import weasyprint

from cagettes.core.i18n import check_complete
from cagettes.core.model import Member, Product, Site
from cagettes.core.month import Association, Delivery, FormSlot, MonthData
from cagettes.core.paths import poster_filename, site_page_path
from cagettes.forms import pictos
from cagettes.forms.posters import render_poster
from cagettes.forms.site_texts import SITE_TEXTS, site_texts
from cagettes.forms.templating import make_env
from cagettes.site.build import build_site, download_name, file_size

# Distinctive personal data: none of it may reach the public site.
MEMBERS = (
    Member("9876", "Zorglub", "Quatremains", "RBX", phone="06 98 76 54 32"),
    Member("5432", "Bérénice", "Wrzesniewski", "FIVES", language="en", large_print=True),
)
PERSONAL = ["Zorglub", "Quatremains", "9876", "06 98 76 54 32", "Bérénice", "Wrzesniewski", "5432"]


def make_month() -> MonthData:
    sites = (
        Site("RBX", "Maison des solidarités de Roubaix-Est", "maison des solidarités",
             "45 boulevard des Tisserands, 59100 Roubaix", 2, dt.time(14), dt.time(17)),
        Site("FIVES", "Centre social Fives-Lauriers", "centre social",
             "12 rue des Lauriers, 59800 Lille", 1, dt.time(16, 30), dt.time(18, 30)),
        Site("CAMPUS", "Épicerie solidaire des étudiants", "association étudiante",
             "Bâtiment B7, avenue des Sciences, 59650 Villeneuve-d'Ascq", 3, dt.time(12), dt.time(14)),
    )
    products = (
        Product("OEUF6", "Œufs de plein air", "la boîte de 6", Decimal("2.40"), "VOLAILLE", 4,
                tags=("proteine", "local"), lab="Labo Fives", picto="1F95A"),
        Product("LENT", "Lentilles vertes", "le sachet de 500 g", Decimal("2.10"), "LEGUM", 6, 10,
                tags=("proteine", "bio"), lab="Labo étudiant", lab_status="essai", picto="1FAD8"),
        Product("MIEL", "Miel de fleurs", "le pot de 500 g", Decimal("7.50"), "VERGER", 1,
                tags=("local",), lab="Labo Roubaix-Est", picto="1F36F"),
        Product("SANS", "Savon de Marseille", "le pain de 300 g", Decimal("3.00"), "AUTRE", 2),
    )
    return MonthData(
        month="2026-12",
        association=Association("Emplettes et Cagettes", "03 20 00 00 00", "contact@emplettes.example.org"),
        forms_date=dt.date(2026, 12, 4),
        deadline=dt.date(2026, 12, 16),
        supplier_order_date=dt.date(2026, 12, 17),
        # CAMPUS has no delivery this month.
        deliveries={"RBX": Delivery(dt.date(2026, 12, 23), dt.time(14), dt.time(17)),
                    "FIVES": Delivery(dt.date(2026, 12, 22), dt.time(16, 30), dt.time(18, 30))},
        sites=sites,
        products=products,
        forms=(FormSlot(1, "RBX", MEMBERS[0]), FormSlot(2, "FIVES", MEMBERS[1]), FormSlot(3, "RBX")),
        secret="s" * 32,
        site_url="https://cagettes.example.org",
        last_month={"9876": frozenset({"MIEL"})},
        credits={"9876": Decimal("1.50")},
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """The site built once, with real WeasyPrint posters and a real (stand-in) blank form."""
    month = make_month()
    env = make_env()
    sources = tmp_path_factory.mktemp("pdf")
    downloads = {}
    for code in ("RBX", "FIVES"):
        for size in ("A4", "A3"):
            path = sources / poster_filename(code, size)
            path.write_bytes(render_poster(month, code, size, env, f"{month.site_url}/{site_page_path(code)}"))
            downloads[f"poster-{code}-{size}"] = path
    blank = sources / "blank.pdf"
    blank.write_bytes(weasyprint.HTML(string="<p>Bon de commande — bon libre</p>").write_pdf())
    downloads["blank-form"] = blank
    dest = tmp_path_factory.mktemp("output") / "2026-12" / "site"
    written = build_site(month, dest, env, downloads,
                         suppliers={"VOLAILLE": "Ferme avicole du Pévèle", "LEGUM": "Les Légumineuses de Flandre"})
    return dest, written


class PageParser(HTMLParser):
    """Collects what the tests look at: tags with their attributes, ids, text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    def links(self) -> list[str]:
        return [attrs[key] or "" for _, attrs in self.tags for key in ("href", "src") if key in attrs]


def parse(path: Path) -> PageParser:
    parser = PageParser()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def pages(dest: Path) -> list[Path]:
    return sorted(dest.rglob("*.html"))


def page_text(path: Path) -> str:
    return re.sub(r"\s+", " ", " ".join(parse(path).text).replace("\u00a0", " "))


def test_expected_files_exist_and_are_all_returned(built: tuple[Path, list[Path]]) -> None:
    dest, written = built
    expected = [
        "index.html", "catalogue.html", "site.css", "sites/RBX.html", "sites/FIVES.html", "sites/CAMPUS.html",
        "telechargements/affiche-RBX-A4.pdf", "telechargements/affiche-RBX-A3.pdf",
        "telechargements/affiche-FIVES-A4.pdf", "telechargements/affiche-FIVES-A3.pdf",
        "telechargements/bon-de-commande-vierge.pdf",
        "pictos/1F95A.svg", "pictos/1FAD8.svg", "pictos/1F36F.svg",
        "polices/AtkinsonHyperlegible-Regular.ttf", "polices/AtkinsonHyperlegible-Bold.ttf", "polices/OFL.txt",
    ]
    for name in expected:
        assert (dest / name).is_file(), name
    on_disk = {p for p in dest.rglob("*") if p.is_file()}
    assert set(written) == on_disk
    assert len(written) == len(set(written))


def test_every_internal_link_resolves(built: tuple[Path, list[Path]]) -> None:
    dest, _ = built
    for page in pages(dest):
        parser = parse(page)
        ids = {attrs.get("id") for _, attrs in parser.tags}
        for link in parser.links():
            parts = urlsplit(link)
            if parts.scheme == "mailto":
                continue
            assert not parts.scheme and not parts.netloc and not link.startswith("/"), f"{page.name}: {link}"
            if not parts.path:
                assert parts.fragment in ids, f"{page.name}: {link}"
                continue
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.relative_to(dest)}: {link}"
            assert dest.resolve() in target.parents, f"{page.name}: {link} leaves the site"


def test_stylesheet_urls_resolve_and_nothing_is_fetched_from_elsewhere(built: tuple[Path, list[Path]]) -> None:
    dest, _ = built
    css = (dest / "site.css").read_text(encoding="utf-8")
    assert "http" not in css and "@import" not in css
    for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", css):
        assert (dest / url).is_file(), url
    for page in pages(dest):
        parser = parse(page)
        assert not parser.all("script"), page.name
        for tag in ("img", "link", "script", "iframe", "source"):
            for attrs in parser.all(tag):
                for key in ("src", "href"):
                    assert not (attrs.get(key) or "").startswith(("http:", "https:", "//")), (page.name, attrs)


def test_accessibility_basics(built: tuple[Path, list[Path]]) -> None:
    dest, _ = built
    for page in pages(dest):
        parser = parse(page)
        name = page.relative_to(dest)
        assert parser.all("html")[0].get("lang") == "fr", name
        assert len(parser.all("h1")) == 1, name
        for landmark in ("header", "nav", "main", "footer"):
            assert len(parser.all(landmark)) == 1, (name, landmark)
        assert all("alt" in img for img in parser.all("img")), name
        first_link = parser.all("a")[0]
        assert first_link.get("href") == "#contenu" and parser.all("main")[0].get("id") == "contenu", name
        assert len(parser.all("caption")) == len(parser.all("table")), name
        assert all(th.get("scope") in ("col", "row") for th in parser.all("th")), name


def test_stylesheet_keeps_text_large_and_focus_visible(built: tuple[Path, list[Path]]) -> None:
    css = (built[0] / "site.css").read_text(encoding="utf-8")
    sizes = [float(v) for v in re.findall(r"font-size:\s*([\d.]+)rem", css)]
    assert sizes and min(sizes) >= 1.125
    assert "font-size: 1.25rem" in css.split("body {", 1)[1].split("}", 1)[0]
    assert ":focus-visible" in css and "outline" in css


def test_home_page_lists_sites_dates_and_catalog(built: tuple[Path, list[Path]]) -> None:
    dest, _ = built
    text = page_text(dest / "index.html")
    assert "Commandes de décembre 2026" in text
    assert "mercredi 16 décembre 2026" in text
    assert "mercredi 23 décembre 2026" in text and "14 h – 17 h" in text
    assert "mardi 22 décembre 2026" in text and "16 h 30 – 18 h 30" in text
    assert "Pas de retrait ce mois-ci." in text  # CAMPUS
    links = parse(dest / "index.html").links()
    assert {"sites/RBX.html", "sites/FIVES.html", "sites/CAMPUS.html", "catalogue.html"} <= set(links)


def test_site_page_has_pickup_products_and_downloads(built: tuple[Path, list[Path]]) -> None:
    dest, _ = built
    page = dest / site_page_path("RBX")
    text = page_text(page)
    for words in ("Maison des solidarités de Roubaix-Est", "45 boulevard des Tisserands, 59100 Roubaix",
                  "mercredi 23 décembre 2026", "14 h – 17 h", "mercredi 16 décembre 2026",
                  "Œufs de plein air", "le sachet de 500 g", "7,50 €", "Savon de Marseille"):
        assert words in text, words
    links = parse(page).links()
    for download in ("affiche-RBX-A4.pdf", "affiche-RBX-A3.pdf", "bon-de-commande-vierge.pdf"):
        assert f"../telechargements/{download}" in links
    assert not any("FIVES" in link for link in links)  # another site's posters


def test_catalog_shows_supplier_tags_lab_and_status(built: tuple[Path, list[Path]]) -> None:
    text = page_text(built[0] / "catalogue.html")
    for words in ("Ferme avicole du Pévèle", "Les Légumineuses de Flandre", "protéines", "bio",
                  "Labo étudiant", "à l'essai", "régulier", "VERGER"):  # unknown supplier: its code
        assert words in text, words


def test_no_personal_data_in_any_file(built: tuple[Path, list[Path]]) -> None:
    dest, _ = built
    copies = third_party_copies(dest)
    for path in (p for p in dest.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for secret in ("Zorglub", "Quatremains", "Wrzesniewski", "Bérénice"):
            assert secret.encode() not in data, (path, secret)
        if path.suffix == ".pdf":
            data = pdf_text(path).encode()
        elif path in copies:  # OpenMoji's coordinates may hold "9876": a verbatim copy is no leak
            continue
        for secret in PERSONAL:
            assert secret.encode() not in data, (path, secret)


def third_party_copies(dest: Path) -> set[Path]:
    """Pictograms and fonts, checked to be byte-for-byte the packaged files."""
    copies = set()
    for path in (dest / "pictos").iterdir():
        assert filecmp.cmp(path, pictos.svg_dir() / path.name, shallow=False)
        copies.add(path)
    for path in (dest / "polices").glob("*.ttf"):
        assert filecmp.cmp(path, atkinson.ROOT / "files" / path.name, shallow=False)
        copies.add(path)
    return copies


def pdf_text(path: Path) -> str:
    document = pdfium.PdfDocument(path)
    return " ".join(page.get_textpage().get_text_range() for page in document)


def test_downloads_and_sizes_are_named_for_people() -> None:
    assert download_name("poster-RBX-A3", Path("x.pdf")) == "affiche-RBX-A3.pdf"
    assert download_name("blank-form", Path("x.PDF")) == "bon-de-commande-vierge.pdf"
    assert download_name("blank-form-RBX", Path("x.pdf")) == "bon-de-commande-vierge-RBX.pdf"
    assert file_size(245_300) == "PDF, 245 ko"
    assert file_size(1_500_000) == "PDF, 1,5 Mo"


def test_site_texts_are_complete_in_both_languages() -> None:
    english = site_texts("en")
    assert english.keys() == SITE_TEXTS.keys()
    assert english["poster_products"] == "This month's products" and english["index_steps"][0] != SITE_TEXTS["index_steps"][0]
    flat = {f"{key}.{i}": text for key, value in SITE_TEXTS.items()
            for i, text in enumerate(value if isinstance(value, list) else [value]) if isinstance(text, str)}
    assert check_complete(flat) == []
