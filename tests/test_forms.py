"""Printed forms, checked on the real PDFs: codes, geometry, text, type size, duplex order."""
from __future__ import annotations

import ctypes
import json
import math

import numpy as np
import pypdfium2
import pypdfium2.raw as pdfium
import pytest
import zxingcpp
from pyzbar import pyzbar

from cagettes.forms.ids import decode
from tests.conftest import pdf_page_image


def manifest_of(result) -> dict:
    return json.loads(result.manifest_path.read_text(encoding="utf-8"))


def pages_by_pdf(result) -> dict:
    manifest = manifest_of(result)
    return {(p["pdf"], p["pdf_page"]): p for p in manifest["pages"]}


def sample_pages(result, kinds=("fr", "en", "fr-large", "fr-walkin")):
    """One first page and one last page of each variant."""
    chosen = {}
    for page in manifest_of(result)["pages"]:
        key = (page["layout"].split("/")[0], page["page"] == 1)
        if key[0] in kinds and key not in chosen:
            chosen[key] = page
    return list(chosen.values())


def test_every_form_and_site_is_in_the_manifest(printed):
    workspace, data, result = printed
    manifest = manifest_of(result)
    assert {p["form"] for p in manifest["pages"]} == {f.number for f in data.forms}
    assert len({p["id"] for p in manifest["pages"]}) == len(manifest["pages"])
    for page in manifest["pages"]:
        assert (result.out_dir / page["pdf"]).is_file()
        assert page["pages"] == len([q for q in manifest["pages"] if q["form"] == page["form"]])


def test_each_page_qr_decodes_twice_to_its_signed_identifier(printed):
    workspace, data, result = printed
    for page in sample_pages(result):
        image = pdf_page_image(result.out_dir / page["pdf"], page["pdf_page"], dpi=150)
        texts = [b.text for b in zxingcpp.read_barcodes(image)]
        assert texts == [page["id"], page["id"]], page["layout"]
        assert decode(texts[0], data.secret, data.month).form == page["form"]


def test_pyzbar_reads_the_clean_printed_code(printed):
    workspace, data, result = printed
    page = sample_pages(result)[0]
    image = pdf_page_image(result.out_dir / page["pdf"], page["pdf_page"], dpi=200)
    assert {s.data.decode() for s in pyzbar.decode(image)} == {page["id"]}


def box_pixels(image, rect, dpi):
    scale = dpi / 25.4
    x, y, w, h = (round(v * scale) for v in rect)
    return image[y:y + h, x:x + w], max(1, round(0.35 * scale))


@pytest.mark.parametrize("variant", ["fr", "fr-large", "fr-walkin"])
def test_manifest_rectangles_match_the_drawn_boxes(printed, variant):
    """Every box's outline is dark where the manifest says, and its inside is blank paper."""
    workspace, data, result = printed
    manifest = manifest_of(result)
    for page in [p for p in sample_pages(result, (variant,))]:
        image = pdf_page_image(result.out_dir / page["pdf"], page["pdf_page"], dpi=150)
        boxes = manifest["layouts"][page["layout"]]["boxes"] + page["extra_boxes"]
        assert boxes, page["layout"]
        for box in boxes:
            pixels, border = box_pixels(image, box["rect"], 150)
            # 1 px in from each edge: the 0.6 mm outline covers it whatever the pixel rounding
            edges = [pixels[1:border + 1].mean(), pixels[-border - 1:-1].mean(),
                     pixels[:, 1:border + 1].mean(), pixels[:, -border - 1:-1].mean()]
            inset = round(1.0 * 150 / 25.4)  # past the 0.6 mm outline and its anti-aliasing
            inside = pixels[inset:-inset, inset:-inset]
            assert max(edges) < 110, (box["id"], edges)
            assert inside.min() > 200, box["id"]


def test_registration_marks_are_solid_where_recorded(printed):
    workspace, data, result = printed
    manifest = manifest_of(result)
    page = manifest["pages"][0]
    image = pdf_page_image(result.out_dir / page["pdf"], page["pdf_page"], dpi=100)
    for name, rect in manifest["layouts"][page["layout"]]["marks"].items():
        pixels, border = box_pixels(image, rect, 100)
        assert pixels[1:-1, 1:-1].mean() < 30, name
        outside = image[round((rect[1] + rect[3] + 1.5) * 100 / 25.4), round(rect[0] * 100 / 25.4)]
        assert outside > 200, name


def page_text(path, index) -> str:
    document = pypdfium2.PdfDocument(str(path))
    try:
        return document[index].get_textpage().get_text_range()
    finally:
        document.close()


def test_member_name_is_on_their_own_form_only(printed):
    workspace, data, result = printed
    manifest = manifest_of(result)
    members = {f.member.number: f.member for f in data.forms if f.member}
    for page in manifest["pages"][:12]:
        if page["member"] is None:
            continue
        text = page_text(result.out_dir / page["pdf"], page["pdf_page"])
        assert members[page["member"]].display_name in text
        others = [m.display_name for n, m in members.items() if n != page["member"]]
        assert not [name for name in others if name in text]


def test_non_latin_names_are_printed_and_extractable(printed):
    workspace, data, result = printed
    manifest = manifest_of(result)
    forms = {f.number: f for f in data.forms}
    wanted = [p for p in manifest["pages"] if p["member"] and p["page"] == 1
              and any(ord(c) > 0x2FF for c in forms[p["form"]].member.display_name)]
    assert len(wanted) >= 2
    for page in wanted:
        text = page_text(result.out_dir / page["pdf"], page["pdf_page"])
        assert forms[page["form"]].member.display_name in text


def font_sizes(path, index) -> list[tuple[str, float]]:
    document = pypdfium2.PdfDocument(str(path))
    try:
        textpage = document[index].get_textpage()
        sizes = []
        for i in range(textpage.count_chars()):
            char = chr(pdfium.FPDFText_GetUnicode(textpage.raw, i))
            if char.isspace() or pdfium.FPDFText_IsGenerated(textpage.raw, i):
                continue
            matrix = pdfium.FS_MATRIX()
            pdfium.FPDFText_GetMatrix(textpage.raw, i, ctypes.byref(matrix))
            scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
            sizes.append((char, pdfium.FPDFText_GetFontSize(textpage.raw, i) * scale))
        return sizes
    finally:
        document.close()


def test_every_character_on_forms_is_at_least_14_pt(printed):
    workspace, data, result = printed
    for page in sample_pages(result):
        sizes = font_sizes(result.out_dir / page["pdf"], page["pdf_page"])
        assert len(sizes) > 100
        small = [(c, round(s, 1)) for c, s in sizes if s < 13.95]
        assert not small, (page["layout"], small[:10])


def test_large_print_is_larger(printed):
    workspace, data, result = printed
    normal, large = (sample_pages(result, (k,))[0] for k in ("fr", "fr-large"))
    median = [float(np.median([s for _, s in font_sizes(result.out_dir / p["pdf"], p["pdf_page"])])) for p in (normal, large)]
    assert median[1] >= median[0] * 1.2


def test_each_form_starts_on_a_recto(printed):
    workspace, data, result = printed
    firsts = [p for p in manifest_of(result)["pages"] if p["page"] == 1]
    assert firsts and all(p["pdf_page"] % 2 == 0 for p in firsts)


def test_english_members_get_english_forms(printed):
    workspace, data, result = printed
    english = [p for p in manifest_of(result)["pages"] if p["lang"] == "en" and p["page"] == 1]
    assert english
    text = page_text(result.out_dir / english[0]["pdf"], english[0]["pdf_page"])
    assert "Order form" in text and "Last day to hand in your form" in text


def test_members_sorted_by_name_then_walkins(printed):
    workspace, data, result = printed
    forms = {f.number: f for f in data.forms}
    for bundle in result.bundles:
        firsts = sorted((p for p in manifest_of(result)["pages"] if p["site"] == bundle.site and p["page"] == 1),
                        key=lambda p: p["pdf_page"])
        kinds = [forms[p["form"]].member is None for p in firsts]
        assert kinds == sorted(kinds)
        names = [forms[p["form"]].member.sort_key for p in firsts if forms[p["form"]].member]
        assert names == sorted(names)
        assert sum(kinds) == workspace.config.free_forms_per_site


def test_like_dislike_boxes_are_stamped_for_last_months_products(printed, tmp_path):
    """Only the member who bought a product last month gets its pair, and the manifest has it."""
    import dataclasses

    from cagettes.forms.bundles import _stamp_job, ordered_forms
    from cagettes.forms.templating import make_env
    from cagettes.forms.variants import Variant, render_variant

    workspace, data, result = printed
    forms = ordered_forms(data, data.sites[0].code)[:2]
    refs = [data.products[1].ref, data.products[-1].ref]  # first page and last page
    month = dataclasses.replace(data, last_month={forms[0].member.number: frozenset(refs)})
    variant = render_variant(month, Variant.of(forms[0]), make_env())
    chunk = _stamp_job(month, forms, {variant.variant.key: variant}, None)
    stamped = [p for p in chunk.pages if p and p.form == forms[0] and p.stamped_boxes]
    boxes = [b for p in stamped for b in p.stamped_boxes]
    assert {(b.product, b.value) for b in boxes} == {(i, v) for i in (1, len(data.products) - 1) for v in ("like", "dislike")}
    assert not [p for p in chunk.pages if p and p.form == forms[1] and p.stamped_boxes]
    path = tmp_path / "chunk.pdf"
    path.write_bytes(chunk.pdf)
    for page in stamped:
        image = pdf_page_image(path, chunk.pages.index(page), dpi=150)
        for box in page.stamped_boxes:
            pixels, border = box_pixels(image, box.rect.as_list(), 150)
            assert pixels[1:border + 1].mean() < 110 and pixels[4:-4, 4:-4].min() > 200, box.id
