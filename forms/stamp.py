"""Stamp each form's identity onto copies of its variant's pages (SDAPS's "stamp" step).

Per printed page we add, over the variant page (shared, stored once per PDF):
- a transparent overlay page laid out by WeasyPrint in one batch: name, number, site, pickup
  date and hours, the identifier in clear, and the like/dislike boxes for last month's products;
- the signed identifier as a QR code, twice, drawn as vector rectangles straight into the page
  content: exact, and far cheaper than laying out SVG.
"""
from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field

import jinja2
import pikepdf
import segno

from cagettes.catalog import fit
from cagettes.core import dates
from cagettes.core.money import euros
from cagettes.core.month import FormSlot, MonthData
from cagettes.forms import layout
from cagettes.forms.ids import PageId, sample_code
from cagettes.forms.layout import Box
from cagettes.forms.templating import render_template, template_file
from cagettes.forms.texts import NO_BREAK, texts
from cagettes.forms.variants import RenderedVariant, Variant, font_urls

PT_PER_MM = 72 / 25.4
QR_SLOTS = ("qr-a", "qr-b")


@dataclass
class StampedPage:
    """One printed page of one form, before and after stamping."""

    form: FormSlot
    variant: Variant
    index: int  # 0-based page index within the form (and its variant)
    count: int
    code: str  # the signed identifier, as printed in the QR codes
    layout: layout.PageLayout  # the variant page's geometry, plus stamped boxes once rendered
    stamped_boxes: list[Box] = field(default_factory=list)


def plan_pages(month: MonthData, forms: list[FormSlot], variants: dict[str, RenderedVariant]) -> list[StampedPage]:
    pages = []
    for form in forms:
        rendered = variants[Variant.of(form).key]
        for index, page_layout in enumerate(rendered.pages):
            code = PageId(month.month, form.number, index + 1).encode(month.secret)
            pages.append(StampedPage(form, rendered.variant, index, len(rendered.pages), code, page_layout))
    return pages


def render_overlays(month: MonthData, pages: list[StampedPage], env: jinja2.Environment) -> bytes:
    """Lay out all stamps of a batch in one WeasyPrint document; record the stamped boxes."""
    return _overlay_document([overlay_context(month, page, n) for n, page in enumerate(pages)], pages, env)


def _overlay_document(contexts: list[dict], pages: list[StampedPage], env: jinja2.Environment) -> bytes:
    html = render_template(env, "stamp.html", pages=contexts, fonts=font_urls(),
                           stylesheet=template_file(env, "stamp.css").as_uri())
    document = layout.render(html, template_file(env, "stamp.html").parent)
    for page, rendered in zip(pages, document.pages, strict=True):
        page.stamped_boxes = layout.page_layout(rendered).boxes
    return document.write_pdf()


def sample_pdf(rendered: RenderedVariant, month: str, env: jinja2.Environment) -> bytes:
    """The walk-in form as the public site's sample: « MODÈLE — ne pas rendre » where a name
    goes, and in both code places the sample's own code (``ids.sample_code``), so that a sample
    printed at home and handed in is recognised as such when scanned."""
    t, code = texts("fr"), sample_code(month)
    pages = [StampedPage(FormSlot(0, ""), rendered.variant, i, len(rendered.pages), code, page)
             for i, page in enumerate(rendered.pages)]
    contexts = [{"n": n, "lang": "fr", "large": False, "who": t["sample_title"], "who_pt": fit.IDENTITY_PT[False][0],
                 "credit": "", "credit_label": "", "lines": [t["sample_line"]], "code": code,
                 "slots": page.layout.slots, "feedback": [], "feedback_head": ""} for n, page in enumerate(pages)]
    assembler = Assembler({rendered.variant.key: rendered})
    assembler.add_stamped(list(pages), _overlay_document(contexts, pages, env))
    return assembler.to_bytes()


def identity(form: FormSlot, t: Mapping[str, str], large: bool) -> tuple[str, float]:
    """The member's line at the top of the form and its size in points: shrunk to fit, down to
    the FALC floor; a name too long even then comes after the number, so that the slot's edge
    cuts the end of the name, never the number volunteers sort the forms by."""
    if not form.member:
        return f"{t['walkin_identity']} {form.number}", fit.IDENTITY_PT[large][0]
    name, number = form.member.display_name, f"{t['member_no']} {form.member.number}"
    size = fit.identity_size(f"{name} — {number}", large)
    return (f"{name} — {number}", size) if size else (f"{number} — {name}", fit.IDENTITY_PT[large][1])


def overlay_context(month: MonthData, page: StampedPage, n: int) -> dict:
    form, lang = page.form, page.variant.lang
    t = texts(lang)
    delivery = month.deliveries[form.site]
    site = month.site(form.site)
    who, who_pt = identity(form, t, page.variant.large)
    # The date line comes first: a long site name may be cut at the slot's edge, the date never.
    slot = dates.long_slot(delivery.date, delivery.opens, delivery.closes, lang)
    # A named form's number comes before the site's name, which may be cut at the slot's edge:
    # volunteers type it for a payment (a walk-in form's number is in its identity line).
    place = f"{t['form_no']} {form.number} · {site.name}" if form.member else site.name
    lines = [f"{t['pickup']} : {slot}" if lang == "fr" else f"{t['pickup']}: {slot}", place]
    return {
        "n": n,
        "lang": lang,
        "large": page.variant.large,
        "who": who,
        "who_pt": who_pt,
        **credit_context(month, form, t, lang),
        "lines": lines,
        "code": page.code,
        "slots": page.layout.slots,
        "feedback": feedback_slots(month, page),
        "feedback_head": t["col_feedback"],  # stamped over the column only where the boxes are
    }


def credit_context(month: MonthData, form: FormSlot, t: dict, lang: str) -> dict:
    """Last month's credit (avoir), shown where members and volunteers look first."""
    credit = month.credits.get(form.member.number) if form.member else None
    if not credit:
        return {"credit": "", "credit_label": ""}
    return {"credit": euros(credit, lang), "credit_label": t["credit"] + (f"{NO_BREAK}:" if lang == "fr" else ":")}


def feedback_slots(month: MonthData, page: StampedPage) -> list[dict]:
    if page.form.member is None:
        return []
    bought = month.last_month.get(page.form.member.number, frozenset())
    wanted = {i for i, p in enumerate(month.products) if p.ref in bought}
    return [{"product": int(name[3:]), "rect": rect} for name, rect in page.layout.slots.items()
            if name.startswith("fb-") and int(name[3:]) in wanted]


def qr_matrix(text: str) -> tuple[bytearray, ...]:
    return segno.make(text, error="m", micro=False).matrix


def qr_operators(matrix: tuple[bytearray, ...], rect: layout.Rect, page_height_mm: float) -> bytes:
    """PDF operators drawing a QR code ``matrix`` filling ``rect`` (mm, top-left origin)."""
    module = rect.w / len(matrix)
    ops = [b"q 0 g"]
    for row_index, row in enumerate(matrix):
        top = page_height_mm - rect.y - (row_index + 1) * module
        for start, length in _dark_runs(row):
            x = rect.x + start * module
            ops.append(b"%.3f %.3f %.3f %.3f re" % tuple(v * PT_PER_MM for v in (x, top, length * module, module)))
    ops.append(b"f Q")
    return b"\n".join(ops)


def _dark_runs(row: bytearray) -> list[tuple[int, int]]:
    runs, start = [], None
    for i, dark in enumerate(list(row) + [0]):
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            runs.append((start, i - start))
            start = None
    return runs


class Assembler:
    """Builds one output PDF from variant pages, overlays and QR codes, sharing the variants."""

    def __init__(self, variants: dict[str, RenderedVariant]):
        self.pdf = pikepdf.new()
        self._sources = {key: pikepdf.open(io.BytesIO(v.pdf)) for key, v in variants.items()}
        self._templates: dict[tuple[str, int], pikepdf.Object] = {}

    def _template(self, key: str, index: int) -> pikepdf.Object:
        if (key, index) not in self._templates:
            source = pikepdf.Page(self._sources[key].pages[index])
            self._templates[key, index] = self.pdf.copy_foreign(source.as_form_xobject())
        return self._templates[key, index]

    def add_stamped(self, pages: list[StampedPage | None], overlay_pdf: bytes) -> None:
        """Add stamped pages in order; a None is a blank page (duplex padding, no overlay)."""
        overlays = iter(pikepdf.open(io.BytesIO(overlay_pdf)).pages)
        for page in pages:
            if page is None:
                self.add_blank()
                continue
            form_xobject = self.pdf.copy_foreign(pikepdf.Page(next(overlays)).as_form_xobject())
            matrix = qr_matrix(page.code)  # encoded once, drawn in both corners
            qr = b"\n".join(qr_operators(matrix, page.layout.slots[s], page.layout.height) for s in QR_SLOTS)
            self._add_page(page.layout, {"/T": self._template(page.variant.key, page.index), "/S": form_xobject}, qr)

    def add_blank(self, width_mm: float = 210, height_mm: float = 297) -> None:
        self._add_page(layout.PageLayout(width_mm, height_mm), {}, b"")

    def add_pdf(self, data: bytes) -> None:
        self.pdf.pages.extend(pikepdf.open(io.BytesIO(data)).pages)

    def _add_page(self, page_layout: layout.PageLayout, xobjects: dict, extra: bytes) -> None:
        content = b"".join(b"q %s Do Q\n" % name.encode() for name in xobjects) + extra
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, page_layout.width * PT_PER_MM, page_layout.height * PT_PER_MM],
            Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(xobjects)),
            Contents=self.pdf.make_stream(content),
        )
        self.pdf.pages.append(pikepdf.Page(page))

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()

    def save(self, path) -> None:
        self.pdf.save(path, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)

    def page_count(self) -> int:
        return len(self.pdf.pages)
