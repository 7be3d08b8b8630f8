"""One poster per pickup site: this month's products, the last day to order, where and when to collect.

Posters hang on a door or a notice board and are read from a couple of metres away, so the
deadline and the pickup date and hours are the largest words after the title. They are in
French: a poster belongs to a site, not to a member.

A4 and A3 share one template, and each size has its own table of type and picture sizes in
the stylesheet: an A3 is not the A4 enlarged (it would hold no more products), its key facts
grow with the page and its products get the extra room. Whatever a passer-by needs besides the
products (the dates, the place, whom to ask) comes before them, so it stays on page 1.
A poster must stay on one page: when a month's products do not fit, the template is laid out
again denser (smaller pictograms, title and labels; never smaller product names).
"""
from __future__ import annotations

import re

import jinja2
import segno
from markupsafe import Markup

from cagettes.core import dates
from cagettes.core.month import MonthData
from cagettes.core.paths import POSTER_SIZES as SIZES
from cagettes.forms import layout, pictos
from cagettes.forms.site_texts import site_texts
from cagettes.forms.templating import render_template, template_file
from cagettes.forms.variants import font_urls

LANG = "fr"
# Tried in turn until the poster fits on one page. An A3 first tries larger product names: on a
# wall, bigger is better while the page has room.
DENSITIES = {"A4": ("", "dense", "dense denser"), "A3": ("roomy", "", "dense", "dense denser")}
ICONS = {"deadline": "1F4DD", "pickup": "1F9FA", "contact": "1F4DE"}  # memo, basket, phone
_VOWELS = "aeiouyàâéèêëîïôöûüœ"


def title_parts(month: MonthData, lang: str = LANG) -> tuple[str, str]:
    """("Commandes de", "décembre 2026"), elided before a vowel: ("Commandes d'", "avril 2026")."""
    t = site_texts(lang)
    label = dates.month_name(*month.year_month, lang)
    elide = label[:1].casefold() in _VOWELS
    return str(t["orders_of_elided"] if elide else t["orders_of"]), label


def title_text(month: MonthData, lang: str = LANG) -> str:
    kicker, label = title_parts(month, lang)
    return kicker + ("" if kicker.endswith("'") else " ") + label


def render_poster(month: MonthData, site_code: str, size: str, env: jinja2.Environment,
                  site_page_url: str) -> bytes:
    """The site's poster as a one-page PDF, "A4" or "A3"; the QR code links to ``site_page_url``."""
    if size not in SIZES:
        raise ValueError(f"poster size must be one of {SIZES}, not {size!r}")
    context = poster_context(month, site_code, size, env, site_page_url)
    base_url = template_file(env, "poster.html").parent
    for density in DENSITIES[size]:
        document = layout.render(render_template(env, "poster.html", density=density, **context), base_url)
        if len(document.pages) == 1:
            break
    # Still more than one page at the densest: printing two pages beats printing none.
    return document.write_pdf()


def poster_context(month: MonthData, site_code: str, size: str, env: jinja2.Environment,
                   site_page_url: str) -> dict:
    delivery = month.deliveries[site_code]
    kicker, month_label = title_parts(month)
    return {
        "t": site_texts(LANG),
        "lang": LANG,
        "size": size.lower(),
        "association": month.association,
        "title": title_text(month),
        "kicker": kicker,
        "month_label": month_label,
        "site": month.site(site_code),
        "address": keep_units(month.site(site_code).address),
        "deadline_text": unbreakable_date(dates.long_date(month.deadline, LANG)),
        "pickup_date": unbreakable_date(dates.long_date(delivery.date, LANG)),
        "pickup_hours": dates.hours(delivery.opens, delivery.closes, LANG).replace(" ", "\u00a0"),
        "products": poster_products(month),
        "icons": {key: pictos.picto_url(code) for key, code in ICONS.items()},
        "qr_svg": qr_svg(site_page_url),
        "site_page_url": site_page_url,
        "picto_credit": pictos.CREDIT,
        "fonts": font_urls(),
        "stylesheet": template_file(env, "poster.css").as_uri(),
    }


def unbreakable_date(text: str) -> str:
    """"mercredi 23 décembre 2026": if the line must break, only after the weekday."""
    weekday, _, rest = text.partition(" ")
    return f"{weekday} {rest.replace(' ', chr(0xA0))}" if rest else text


def poster_products(month: MonthData) -> list[dict]:
    return [
        {
            "name": product.label(LANG),
            "unit": keep_units(product.unit_label(LANG)),
            "price": product.price,
            "picto_url": pictos.picto_url(product.picto),
        }
        for product in month.products
    ]


def keep_units(text: str) -> str:
    """"le sachet de 500 g": a number stays on the line of the words around it ("500" / "g" reads badly)."""
    text = re.sub(r"(?<=\w) (?=\d)", "\u00a0", text)
    return re.sub(r"(?<=\d) (?=[^\W\d])", "\u00a0", text)


def qr_svg(url: str) -> Markup:
    """Inline SVG (no size: the stylesheet sets it); empty when the site is not published yet.

    Only a full web address is worth a QR code: a phone cannot open a relative path.
    """
    if not url.startswith(("https://", "http://")):
        return Markup("")
    # Error level M survives a smudge or a pin hole; a two-module margin is enough on white paper.
    code = segno.make(url, error="m", micro=False)
    return Markup(code.svg_inline(omitsize=True, border=2, svgclass="qr", lineclass=None))
