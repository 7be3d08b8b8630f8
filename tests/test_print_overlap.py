"""Nothing printed ever falls on a tick box or its surround, whatever the catalog holds.

A name that runs over a box is read by the scanner as a tick (issue 15: 42 forms got a
"1 × poulet" nobody ticked). One hostile month is printed here, with words that cannot wrap,
long units, 9 quantities, right-to-left names and very long member and site names, and every
page layout of every variant is rasterised and looked at around each box of the manifest.
"""
from __future__ import annotations

import csv
import ctypes
import json
import re
from pathlib import Path

import numpy as np
import pypdfium2
import pypdfium2.raw as pdfium
import pytest

from cagettes.catalog import check_catalog, load_catalog
from cagettes.catalog.fit import identity_size
from cagettes.core.config import CONFIG_FILE
from cagettes.services.workspace import copy_sample_csv, init_workspace
from cagettes.storage import months
from cagettes.storage.workspace import open_workspace
from tests.conftest import MONTH, pdf_page_image

DPI = 150
PX_PER_MM = DPI / 25.4
SURROUND_MM = 1.0  # blank paper kept around every box, mark and QR code
OUTLINE_MM = 0.6  # a box's own outline, drawn inside its rectangle (docs/manifest.md)
INK_BELOW = 170  # grey level (paper is 255) under which a pixel counts as ink
GLYPH_OVERLAP_PT = 1.0  # two glyphs sharing more than this, both ways, are drawn over each other
WHO_LINE_MM = 6.0  # the middle of the member's line is this close under the top of the upper QR code
IDENTITY_LINE_MM = 140.0  # the identity slot's width (form.css #slot-identity), where stamps are cut
VARIANTS = ("fr", "en", "fr-large", "en-large", "fr-walkin")

# (fr name, fr unit, en name, en unit, price): each is accepted by `check` and must wrap.
HOSTILE_PRODUCTS = [
    ("Cuisses_de_poulet_fermier_bio", "la barquette de 1 kg", "Chicken_thighs_free_range_organic",
     "1_kg_tray_of_thighs", "8,50"),
    ("Hähnchenschenkelfleisch", "Hähnchenschenkelfleischpackung", "Hähnchenschenkelfleisch",
     "Hähnchenschenkelfleischpackung", "9,80"),
    ("دجاج مزرعة كامل طازج ١٢٣", "القطعة حوالي 1,8 كغ", "עוף שלם מהמשק 1.8 ק״ג", "יחידה אחת (1)", "14,90"),
    ("WWWWWWWWWWWWWW", "MMMMMMMMMMMMMM", "WWWWWWWWWWWWWW", "MMMMMMMMMMMMMM", "2,10"),
    ("Assortiment de légumes de saison du maraîcher de la Lys",
     "le lot de quatre pots de yaourt nature au lait entier", "Seasonal vegetables from the Lys valley",
     "a pack of four pots of plain whole-milk yogurt", "149,90"),
    ("Lentilles vertes", "le sachet de 500 g", "Green lentils", "500 g bag", "2,10"),
]
# (first name, last name, language, large print), all at the one site kept: the longest names
# `check` accepts, printed smaller at the top of the form rather than cut.
HOSTILE_MEMBERS = [
    ("Marie-Bernadette", "Vandenbusscheghem", "fr", "non"),
    ("فاطمة الزهراء", "بنعلي الإدريسي", "fr", "oui"),
    ("Hubert Blaine", "Wolfeschlegelsteinhausen", "en", "non"),
    ("אברהם", "בן דוד", "en", "oui"),
    ("Maria Fernanda", "Rodrigues da Silva Pereira dos Santos", "fr", "oui"),  # too long even at 17 pt
]
# Refused by `check`, one per rule: (sheet, row as the spreadsheet numbers it, column, value, words)
UNFIT = [
    ("produits", 2, "nom", "Hähnchenschenkelfleischpackungsetikettierung", "coupé en 4 morceaux (au plus 3)"),
    ("produits", 3, "unite_en", "a pack of four pots of plain whole-milk yogurt from the farm of the Lys valley",
     "prendrait 6 lignes"),
]
LONG_SITE = "Centre social et culturel intercommunal des Lauriers de Fives-Hellemmes-Lomme"


def edit_sheet(folder: Path, sheet: str, change) -> None:
    """Rewrite one CSV sheet of the catalog: ``change`` gets and returns its rows as dicts."""
    path = folder / f"{sheet}.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    headers = list(rows[0])
    rows = change(rows)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=headers)
        writer.writeheader()
        writer.writerows(rows)


def hostile_products(rows: list[dict]) -> list[dict]:
    kept = rows[:len(HOSTILE_PRODUCTS)]
    for row, (name, unit, name_en, unit_en, price) in zip(kept, HOSTILE_PRODUCTS, strict=True):
        row.update(nom=name, unite=unit, nom_en=name_en, unite_en=unit_en, prix=price,
                   max_par_membre="9", statut="regulier")
    return kept


def hostile_members(rows: list[dict]) -> list[dict]:
    kept = rows[:len(HOSTILE_MEMBERS)]
    for row, (first, last, lang, large) in zip(kept, HOSTILE_MEMBERS, strict=True):
        row.update(prenom=first, nom=last, site="FIVES", langue=lang, gros_caracteres=large)
    return kept


def hostile_catalog(folder: Path) -> Path:
    copy_sample_csv(folder)
    edit_sheet(folder, "produits", hostile_products)
    edit_sheet(folder, "membres", hostile_members)
    edit_sheet(folder, "sites", lambda rows: [{**rows[0], "nom": LONG_SITE}])
    return folder


@pytest.fixture(scope="module")
def hostile_month(tmp_path_factory):
    """(manifest, month folder) of a month printed from the hostile catalog."""
    from cagettes.forms import bundles

    root = tmp_path_factory.mktemp("hostile")
    config = init_workspace(root / "ws").root / CONFIG_FILE
    # One walk-in form is enough to see its layout, and keeps the month quick to print.
    config.write_text(re.sub(r"bons_libres_par_site = \d+", "bons_libres_par_site = 1",
                             config.read_text(encoding="utf-8")), encoding="utf-8")
    workspace = open_workspace(root / "ws")
    catalog = load_catalog(hostile_catalog(root / "catalogue"))
    data = months.open_month(workspace.engine(), workspace.config, catalog, MONTH)
    options = {"jobs": 2, "template_dir": workspace.templates_dir, "what": "forms"}
    result = bundles.print_month(data, workspace.month_dir(MONTH), options)
    return json.loads(result.manifest_path.read_text(encoding="utf-8")), result.out_dir


def px(value_mm: float) -> int:
    return round(value_mm * PX_PER_MM)


def allowed_ink(shape, boxes: list[list[float]], solids: list[list[float]]) -> np.ndarray:
    """Where ink belongs: each box's outline band, each mark and QR code, ±1 px of anti-aliasing."""
    allowed = np.zeros(shape, dtype=bool)
    for x, y, w, h in boxes + solids:
        allowed[px(y) - 1:px(y + h) + 1, px(x) - 1:px(x + w) + 1] = True
    for x, y, w, h in boxes:
        inset = OUTLINE_MM
        allowed[px(y + inset) + 1:px(y + h - inset) - 1, px(x + inset) + 1:px(x + w - inset) - 1] = False
    return allowed


def stray_ink(image: np.ndarray, watched: dict[str, list[float]], allowed: np.ndarray) -> dict[str, int]:
    """Inked pixels that are not the outline, inside or around each watched rectangle."""
    stray = (image < INK_BELOW) & ~allowed
    found = {}
    for name, (x, y, w, h) in watched.items():
        window = stray[max(0, px(y - SURROUND_MM)):px(y + h + SURROUND_MM),
                       max(0, px(x - SURROUND_MM)):px(x + w + SURROUND_MM)]
        if window.any():
            found[name] = int(window.sum())
    return found


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_ink_falls_on_a_box_or_its_surround(hostile_month, variant):
    manifest, out_dir = hostile_month
    # Each variant is one member's (or one walk-in) form here: every printed page is looked at.
    pages = [p for p in manifest["pages"] if p["layout"].split("/")[0] == variant]
    assert pages, f"no page of variant {variant} was printed"
    faults = {}
    for page in pages:
        layout = manifest["layouts"][page["layout"]]
        boxes = {b["id"]: b["rect"] for b in layout["boxes"] + page["extra_boxes"]}
        solids = {f"mark-{name}": rect for name, rect in layout["marks"].items()}
        solids |= {f"qr-{n}": rect for n, rect in enumerate(layout["qr"])}
        image = pdf_page_image(out_dir / page["pdf"], page["pdf_page"], dpi=DPI)
        allowed = allowed_ink(image.shape, list(boxes.values()), list(solids.values()))
        found = stray_ink(image, boxes | solids, allowed)
        if found:
            faults[f"{page['layout']} (form {page['form']})"] = found
    assert not faults, f"ink on or around boxes (id: inked pixels at {DPI} dpi): {faults}"


def glyph_boxes(path: Path, index: int) -> tuple[np.ndarray, np.ndarray, str]:
    """Each printed character's tight box (PDF points: left, right, bottom, top), the text object
    that drew it, and the characters, for one page."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        textpage = document[index].get_textpage()
        boxes, owners, chars = [], [], []
        for i in range(textpage.count_chars()):
            char = chr(pdfium.FPDFText_GetUnicode(textpage.raw, i))
            if char.isspace() or pdfium.FPDFText_IsGenerated(textpage.raw, i):
                continue
            edges = [ctypes.c_double() for _ in range(4)]
            pdfium.FPDFText_GetCharBox(textpage.raw, i, *(ctypes.byref(e) for e in edges))
            boxes.append([e.value for e in edges])
            owners.append(ctypes.cast(pdfium.FPDFText_GetTextObject(textpage.raw, i), ctypes.c_void_p).value)
            chars.append(char)
        return np.array(boxes), np.array(owners), "".join(chars)
    finally:
        document.close()


def colliding_glyphs(path: Path, index: int) -> list[str]:
    """Characters of different runs of text drawn over each other (a name over a price...).

    Glyphs of one run may touch (kerning, joined Arabic letters): that is the font's business."""
    boxes, owners, chars = glyph_boxes(path, index)
    left, right, bottom, top = (boxes[:, k] for k in range(4))
    wide = np.minimum(right[:, None], right[None, :]) - np.maximum(left[:, None], left[None, :])
    high = np.minimum(top[:, None], top[None, :]) - np.maximum(bottom[:, None], bottom[None, :])
    overlap = (wide > GLYPH_OVERLAP_PT) & (high > GLYPH_OVERLAP_PT) & (owners[:, None] != owners[None, :])
    return [f"{chars[i]!r} over {chars[j]!r}" for i, j in zip(*np.nonzero(np.triu(overlap)), strict=True)]


@pytest.mark.parametrize("variant", VARIANTS)
def test_no_text_is_printed_over_other_text(hostile_month, variant):
    manifest, out_dir = hostile_month
    found = {}
    for page in [p for p in manifest["pages"] if p["layout"].split("/")[0] == variant]:
        collisions = colliding_glyphs(out_dir / page["pdf"], page["pdf_page"])
        if collisions:
            found[f"{page['layout']} (form {page['form']})"] = collisions[:8]
    assert not found, f"text printed over text: {found}"


def identity_line(path: Path, index: int, qr: list[float]) -> tuple[str, float]:
    """The characters printed on the member's line (level with the top of the upper QR code,
    left of it) and the width they span in mm, clipped ones included: PDF text keeps them."""
    boxes, _, chars = glyph_boxes(path, index)
    page_height = 297 / 25.4 * 72
    middle_mm = (page_height - (boxes[:, 2] + boxes[:, 3]) / 2) * 25.4 / 72
    on_line = (middle_mm > qr[1]) & (middle_mm < qr[1] + WHO_LINE_MM) & (boxes[:, 1] * 25.4 / 72 < qr[0])
    span = (boxes[on_line, 1].max() - boxes[on_line, 0].min()) * 25.4 / 72
    return "".join(c for c, keep in zip(chars, on_line, strict=True) if keep), float(span)


def test_each_member_s_name_and_number_are_printed_the_number_always_whole(hostile_month):
    """A long name is printed smaller; one too long even at the smallest size comes after the
    number, so that the slot's edge cuts the end of the name, never the number."""
    manifest, out_dir = hostile_month
    names = {f"{n + 1:04d}": (first, last, lang, large) for n, (first, last, lang, large) in enumerate(HOSTILE_MEMBERS)}
    first_pages = [p for p in manifest["pages"] if p["member"] and p["page"] == 1]
    assert {p["member"] for p in first_pages} == set(names)
    for page in first_pages:
        qr = manifest["layouts"][page["layout"]]["qr"][0]
        printed, span = identity_line(out_dir / page["pdf"], page["pdf_page"], qr)
        first, last, lang, large = names[page["member"]]
        number = f"{'N°' if lang == 'fr' else 'No.'}{page['member']}"
        if identity_size(f"{first} {last} — {number}", large == "oui") is None:
            assert printed.startswith(number + "—"), printed
            continue
        assert sorted(printed) == sorted("".join(f"{first}{last}—{number}".split())), printed
        assert span <= IDENTITY_LINE_MM, f"{printed}: {span:.0f} mm, cut at {IDENTITY_LINE_MM} mm"


def test_check_refuses_what_cannot_fit_with_its_sentence(tmp_path):
    folder = hostile_catalog(tmp_path / "catalogue")
    for sheet, row, column, value, _ in UNFIT:
        edit_sheet(folder, sheet, lambda rows, row=row, column=column, value=value:
                   [{**r, column: value} if n == row - 2 else r for n, r in enumerate(rows)])
    problems = check_catalog(folder)
    assert len(problems) == len(UNFIT), [p.message for p in problems]
    for (sheet, row, column, _, words), problem in zip(UNFIT, problems, strict=True):
        where = (Path(problem.file).name, problem.row, problem.column)
        assert where == (f"{sheet}.csv", row, "nom" if sheet == "membres" else column), problem
        assert words in problem.message, problem.message
