"""The month's public static site: what is on order, by when, and where to collect it.

``output/<month>/site/`` holds plain HTML pages, one stylesheet, the font, the pictograms and
the downloadable PDFs, linked by relative paths only: the folder works opened from a USB stick
(file://) or copied to any static host, without JavaScript and without fetching anything from
elsewhere (members may be on a pay-as-you-go phone plan).

Privacy: the month's record also holds the members (their forms); this module reads only the
association, the sites, the deliveries, the dates and the products, never ``month.forms``,
``month.credits`` or ``month.last_month``.
"""
from __future__ import annotations

import re
import shutil
import unicodedata
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import fontpkg_atkinson_hyperlegible as atkinson
import jinja2

from cagettes.core import dates
from cagettes.core.model import Product, Site
from cagettes.core.month import MonthData
from cagettes.core.paths import FONT_FILES, poster_filename, site_page_path, slug
from cagettes.core.paths import POSTER_SIZES as SIZES
from cagettes.forms import pictos
from cagettes.forms.posters import keep_units, title_text, unbreakable_date
from cagettes.forms.site_texts import site_texts
from cagettes.forms.templating import render_template, template_file

LANG = "fr"
DOWNLOADS_DIR = "telechargements"
PICTOS_DIR = "pictos"
FONTS_DIR = "polices"
ICONS = {"deadline": "1F4DD", "pickup": "1F9FA", "date": "1F4C5", "hours": "1F552",
         "address": "1F4CD", "download": "1F4C4", "products": "1F6D2"}
BLANK_FORM = "blank-form"
DASHBOARD_PAGE = "chiffres-du-mois.html"
ELIDED = "…"  # in a chart's label, for letters its fonts cannot draw; the page's table has the name whole


def build_site(month: MonthData, dest: Path, env: jinja2.Environment, downloads: dict[str, Path],
               *, suppliers: Mapping[str, str] | None = None, dashboard=None) -> list[Path]:
    """Write the site into ``dest`` and return every file written.

    ``downloads`` maps ``poster-<site code>-A4``/``-A3``, ``blank-form`` (or a site's own
    ``blank-form-<site code>``) to the PDF to publish. ``suppliers`` maps supplier codes to
    the names shown in the catalog; without it the catalog shows the codes.
    """
    if dest.exists():  # a site removed from the catalog must not keep a stale page online
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    written = copy_assets(env, dest) + copy_pictos(month, dest)
    published = copy_downloads(downloads, dest)
    written += [dest / info["path"] for info in published.values()]
    common = {**common_context(month), "has_dashboard": dashboard is not None, "dashboard_page": DASHBOARD_PAGE}
    written.append(write_page(env, "site/index.html", dest / "index.html",
                              {**common, "root": "", "sites": site_rows(month)}))
    for site in month.sites:
        context = {**common, **site_context(month, site, published)}
        written.append(write_page(env, "site/site.html", dest / site_page_path(site.code), context))
    catalog = {**common, "root": "", "products": catalog_rows(month, suppliers or {s.code: s.name for s in month.suppliers})}
    written.append(write_page(env, "site/catalogue.html", dest / "catalogue.html", catalog))
    if dashboard is not None:
        written += write_dashboard(env, dest, common, dashboard)
    return written


def write_dashboard(env: jinja2.Environment, dest: Path, common: dict, stats) -> list[Path]:
    from cagettes.closing.dashboards import CHARTS_DIR, write_charts

    charts = write_charts(drawable(stats), dest / CHARTS_DIR)
    page = write_page(env, "site/dashboard.html", dest / DASHBOARD_PAGE,
                      {**common, "root": "", "stats": stats, "charts": charts})
    return [dest / chart["file"] for chart in charts] + [page]


def drawable(stats):
    """The statistics with names the charts' fonts can draw: matplotlib would warn about any
    other character and draw it as an empty box."""
    glyphs = chart_glyphs()
    return replace(stats, products=tuple(replace(p, name=chart_label(p.name, glyphs)) for p in stats.products),
                   sites=tuple(replace(s, name=chart_label(s.name, glyphs)) for s in stats.sites))


def chart_glyphs() -> frozenset[int]:
    """Every character the charts' fonts (each one a fallback for the one before) can draw."""
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from cagettes.closing.dashboards import CHART_FONTS, use_form_font

    use_form_font()
    paths = {font_manager.findfont(font_manager.FontProperties(family=family)) for family in CHART_FONTS}
    return frozenset(code for path in paths for code in FT2Font(path).get_charmap())


def chart_label(name: str, glyphs: frozenset[int]) -> str:
    """``name`` as a chart can show it: a symbol no font has (an emoji) left out, a run of
    letters none has shown as "…", a "$" kept as itself rather than starting a formula."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFC", name):
        if ord(char) in glyphs or char.isspace():
            kept.append("\\$" if char == "$" else char)
        elif unicodedata.category(char)[0] not in "SMC" and kept[-1:] != [ELIDED]:  # symbols, marks, controls
            kept.append(ELIDED)
    return " ".join("".join(kept).split()) or ELIDED


def write_page(env: jinja2.Environment, template: str, path: Path, context: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_template(env, template, **context), encoding="utf-8")
    return path


def common_context(month: MonthData) -> dict:
    """What every page shows: titles, deadline, the association's contact, the credit."""
    icons = {key: pictos.picto_path(code) for key, code in ICONS.items()}
    return {
        "t": site_texts(LANG),
        "lang": LANG,
        "title": title_text(month, LANG),
        "association": month.association,
        "deadline_text": dates.long_date(month.deadline, LANG),
        "icons": {key: f"{PICTOS_DIR}/{path.name}" for key, path in icons.items() if path},
        "picto_credit": pictos.CREDIT,
    }


def site_rows(month: MonthData) -> list[dict]:
    return [{"site": site, "href": site_page_path(site.code), **pickup(month, site)}
            for site in month.sites]


def pickup(month: MonthData, site: Site) -> dict:
    """The site's delivery written out; None values when the site has no delivery this month."""
    delivery = month.deliveries.get(site.code)
    if delivery is None:
        return {"pickup_date": None, "pickup_hours": None}
    return {
        "pickup_date": unbreakable_date(dates.long_date(delivery.date, LANG)),
        "pickup_hours": dates.hours(delivery.opens, delivery.closes, LANG),
    }


def site_context(month: MonthData, site: Site, published: dict[str, dict]) -> dict:
    return {
        "root": "../",
        "site": site,
        "address": keep_units(site.address),
        **pickup(month, site),
        "products": [product_row(p) for p in month.products],
        "downloads": site_downloads(site.code, published),
    }


def product_row(product: Product) -> dict:
    path = pictos.picto_path(product.picto)
    return {
        "name": product.label(LANG),
        "unit": keep_units(product.unit_label(LANG)),
        "price": product.price,
        "picto": f"{PICTOS_DIR}/{path.name}" if path else "",
    }


def catalog_rows(month: MonthData, suppliers: Mapping[str, str]) -> list[dict]:
    t = site_texts(LANG)
    tags, statuses = t["tags"], t["statuses"]
    return [
        {
            **product_row(product),
            "supplier": suppliers.get(product.supplier, product.supplier),
            "tags": [tags.get(tag, tag) for tag in product.tags],
            "lab": product.lab,
            "status": statuses.get(product.lab_status, product.lab_status),
            "trial": product.lab_status == "essai",
        }
        for product in month.products
    ]


def site_downloads(site_code: str, published: dict[str, dict]) -> list[dict]:
    """The blank form first (what a member needs), then the site's posters.

    A site's own ``blank-form-<site code>`` wins over the shared ``blank-form``.
    """
    t = site_texts(LANG)
    blank = f"{BLANK_FORM}-{site_code}" if f"{BLANK_FORM}-{site_code}" in published else BLANK_FORM
    keys = [(blank, str(t["download_blank_form"]))]
    keys += [(f"poster-{site_code}-{size}", str(t["download_poster"]).format(size=size)) for size in SIZES]
    return [{"label": label, **published[key]} for key, label in keys if key in published]


def copy_downloads(downloads: Mapping[str, Path], dest: Path) -> dict[str, dict]:
    """Copy each file under ``telechargements/``; key → its relative path and a size to show."""
    folder = dest / DOWNLOADS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    published = {}
    for key, source in downloads.items():
        source = Path(source)
        name = download_name(key, source)
        shutil.copyfile(source, folder / name)
        published[key] = {"path": f"{DOWNLOADS_DIR}/{name}", "size": file_size(source.stat().st_size)}
    return published


def download_name(key: str, source: Path) -> str:
    """French, predictable names: "affiche-fives-A4.pdf", "bon-de-commande-vierge.pdf"."""
    suffix = source.suffix.lower() or ".pdf"
    poster = re.fullmatch(rf"poster-(.+)-({'|'.join(SIZES)})", key)
    if poster:
        return poster_filename(poster[1], poster[2])
    if key == BLANK_FORM:
        return f"bon-de-commande-vierge{suffix}"
    if key.startswith(f"{BLANK_FORM}-"):
        return f"bon-de-commande-vierge-{slug(key[len(BLANK_FORM) + 1:])}{suffix}"
    return f"{slug(key)}{suffix}"


def file_size(size: int) -> str:
    """"PDF, 245 ko": members on a small data plan decide before downloading."""
    t = site_texts(LANG)
    units = t["units"]
    if size < 1_000_000:
        amount = f"{max(1, round(size / 1000))} {units['kB']}"
    else:
        amount = f"{size / 1_000_000:.1f} {units['MB']}"
        amount = amount.replace(".", ",") if LANG == "fr" else amount
    return str(t["download_kind"]).format(size=amount)


def copy_assets(env: jinja2.Environment, dest: Path) -> list[Path]:
    """The stylesheet (overridable like the templates) and the font with its licence."""
    fonts = dest / FONTS_DIR
    fonts.mkdir(parents=True, exist_ok=True)
    copies = {template_file(env, "site/site.css"): dest / "site.css",
              atkinson.ROOT / "LICENSE": fonts / "OFL.txt"}
    copies.update({atkinson.ROOT / "files" / name: fonts / name for name in FONT_FILES})
    for source, target in copies.items():
        shutil.copyfile(source, target)
    return list(copies.values())


def copy_pictos(month: MonthData, dest: Path) -> list[Path]:
    """Only the pictograms the pages show, not OpenMoji's 4,000."""
    codes = {p.picto for p in month.products if p.picto} | set(ICONS.values())
    sources = sorted(path for path in map(pictos.picto_path, codes) if path)
    folder = dest / PICTOS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for source in sources:
        shutil.copyfile(source, folder / source.name)
    return [folder / source.name for source in sources]
