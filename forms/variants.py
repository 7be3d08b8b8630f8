"""Lay out each form variant once: the expensive WeasyPrint step.

A variant is what differs between forms apart from identity: language, large print, and
member versus walk-in. Members' names, numbers, sites and codes are stamped onto copies of the
variant's pages afterwards (``forms.stamp``), which is what makes a 1,000-member month fast.
"""
from __future__ import annotations

from dataclasses import dataclass

import fontpkg_atkinson_hyperlegible as atkinson
import jinja2

from cagettes.core import dates
from cagettes.core.month import PAYMENT_METHODS, FormSlot, MonthData
from cagettes.forms import layout, pictos
from cagettes.forms.templating import render_template, template_file
from cagettes.forms.texts import keep_together, texts


@dataclass(frozen=True)
class Variant:
    lang: str = "fr"
    large: bool = False
    walkin: bool = False

    @property
    def key(self) -> str:
        return "-".join([self.lang] + (["large"] if self.large else []) + (["walkin"] if self.walkin else []))

    @classmethod
    def of(cls, form: FormSlot) -> "Variant":
        return cls(form.lang, form.large, form.member is None)


@dataclass
class RenderedVariant:
    variant: Variant
    pdf: bytes
    pages: list[layout.PageLayout]


def render_variant(month: MonthData, variant: Variant, env: jinja2.Environment) -> RenderedVariant:
    html = render_template(env, "form.html", **variant_context(month, variant, env))
    document = layout.render(html, template_file(env, "form.html").parent)
    pages = [layout.page_layout(page) for page in document.pages]
    return RenderedVariant(variant, document.write_pdf(), pages)


def variant_context(month: MonthData, variant: Variant, env: jinja2.Environment) -> dict:
    t = texts(variant.lang)
    year, number = month.year_month
    products = product_rows(month, variant.lang)
    return {
        "lang": variant.lang,
        "large": variant.large,
        "walkin": variant.walkin,
        "t": t,
        "month_label": dates.month_name(year, number, variant.lang),
        "deadline_text": dates.long_date(month.deadline, variant.lang),
        "products": products,
        # A column is printed only when some row has a box in it: no "+1" header over nothing.
        "tolerance": any(p["case_size"] for p in products),
        "feedback": any(p["feedback"] for p in products),
        "payment_methods": [(key, t["payment_methods"][key]) for key in PAYMENT_METHODS],
        "member_digits": month.member_digits,
        "association": month.association,
        "picto_credit": pictos.CREDIT_EN if variant.lang == "en" else pictos.CREDIT,
        "fonts": font_urls(),
        "stylesheet": template_file(env, "form.css").as_uri(),
    }


def product_rows(month: MonthData, lang: str) -> list[dict]:
    """The products as the form prints them; ``feedback``: someone bought it last month, so
    a member may find like/dislike boxes on its row (stamped, forms.stamp)."""
    bought = frozenset().union(*month.last_month.values())
    return [
        {
            "index": index,
            "ref": product.ref,
            "name": keep_together(product.label(lang)),
            "unit": keep_together(product.unit_label(lang)),
            "price": product.price,
            "max": product.max_per_member,
            "case_size": product.case_size,
            "picto_url": pictos.picto_url(product.picto),
            "feedback": product.ref in bought,
        }
        for index, product in enumerate(month.products)
    ]


def font_urls() -> dict[str, str]:
    files = atkinson.ROOT / "files"
    return {
        "regular": (files / "AtkinsonHyperlegible-Regular.ttf").as_uri(),
        "bold": (files / "AtkinsonHyperlegible-Bold.ttf").as_uri(),
    }
