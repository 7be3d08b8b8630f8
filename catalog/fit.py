"""Will the catalog's words fit on the printed form? Measured with the form's own font.

The form wraps a long name and cuts a word too wide for its column (form.css), so nothing is
printed over a tick box; but a word cut into many pieces, or a name of many lines, is no longer
easy to read (FALC): those are refused here, with what to do. A member's name is never
refused: it is printed smaller to fit the top of the form, or after the number when even the
smallest size is too wide (forms/stamp.py), so that the number always shows. Widths are the font's advance widths (kerning only
narrows text, so this errs on the safe side), at the sizes and widths of the default templates.
"""
from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Protocol

import fontpkg_atkinson_hyperlegible as atkinson
from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

from cagettes.core.errors import Problem

MM_PER_PT = 25.4 / 72
# Large print is the narrowest case for every product: 18 pt text in a 46 mm column
# (form.css, .large col.c-name) less its two 1 mm paddings, against 14 pt in 35 mm at the
# narrowest otherwise (a month with a product of 8 or 9 quantities, .choices-9 col.c-name).
PRODUCT_COLUMN_MM = 44.0
PRODUCT_TEXT_PT = 18.0
HYPHEN_ALLOWANCE_MM = 2.5  # the hyphen, or a letter's slack, at the end of each cut piece
WORD_MAX_PIECES = 3  # a word of a product's name or unit may be cut in at most 3 pieces
TEXT_MAX_LINES = 5  # a product's name, or its unit, takes at most 5 lines in large print
# The member's line at the top of the form: "First Last — N° 0042", on one line, in the
# identity slot (form.css #slot-identity, 140 mm) at stamp.css's sizes, shrunk to fit.
IDENTITY_LINE_MM = 140.0
IDENTITY_PT = {False: (18.0, 14.0), True: (21.0, 17.0)}  # normal, large: printed, smallest
IDENTITY_STEP_PT = 1.0  # the line shrinks by steps of 1 pt until it fits
# Characters the form's font lacks are printed by DejaVu Sans. Measured: its Cyrillic and Greek
# letters 0.71 em on average, so 0.8 em; Hebrew 0.58 em and Arabic, once joined, 0.55 em on the
# printed forms, so 0.6 em for right-to-left letters; East Asian ones are 1 em.
FALLBACK_EM = 0.8
RTL_EM = 0.6
WIDE_EM = 1.0

ProblemMaker = Callable[..., Problem]  # validate._problem(table, lang, key, row, column, **params)


class CheckedRow(Protocol):  # validate._Row, read only
    @property
    def number(self) -> int: ...

    @property
    def values(self) -> dict[str, Any]: ...


class CheckedSheet(Protocol):  # validate._Checked, read only
    @property
    def spec(self) -> Any: ...

    @property
    def table(self) -> Any: ...

    @property
    def rows(self) -> Sequence[CheckedRow]: ...

    def header(self, column: str) -> str: ...


@dataclass(frozen=True)
class Font:
    """One face of the form's typeface, measured in millimetres at a size in points."""

    path: str

    def width_mm(self, text: str, size_pt: float) -> float:
        cmap, advances, units = _metrics(self.path)
        ems = sum(advances[cmap[ord(c)]] / units if ord(c) in cmap else _fallback_em(c) for c in text)
        return ems * size_pt * MM_PER_PT


@cache  # a packaged font file never changes; stamping asks for it once per printed page
def _metrics(path: str) -> tuple[dict[int, str], dict[str, int], int]:
    font = TTFont(path, lazy=True)
    advances = {glyph: advance for glyph, (advance, _) in font["hmtx"].metrics.items()}
    return font.getBestCmap(), advances, font["head"].unitsPerEm


def _fallback_em(char: str) -> float:
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return WIDE_EM
    return RTL_EM if unicodedata.bidirectional(char) in ("R", "AL") else FALLBACK_EM


def form_fonts() -> dict[str, Font]:
    files = atkinson.ROOT / "files"
    return {style: Font(str(files / f"AtkinsonHyperlegible-{style.title()}.ttf"))
            for style in ("regular", "bold")}


def identity_size(line: str, large: bool) -> float | None:
    """The size in points the member's line is printed at: its own, or smaller until it fits
    the top of the form, down to the FALC floor; None when even that is too wide."""
    size, smallest = IDENTITY_PT[large]
    font = form_fonts()["bold"]
    while size >= smallest:
        if font.width_mm(line, size) <= IDENTITY_LINE_MM:
            return size
        size -= IDENTITY_STEP_PT
    return None


# Per sheet: column -> face of the text in the product column; the members' line is apart.
PRODUCT_TEXTS = {"nom": "bold", "nom_en": "bold", "unite": "regular", "unite_en": "regular"}


def check(sheet: CheckedSheet, lang: str, problem: ProblemMaker) -> list[Problem]:
    """Every cell of ``sheet`` that would not fit on the form, as a located problem."""
    name = sheet.spec.name
    if name != "produits":  # a member's name too long is cut after their number (forms/stamp.py)
        return []
    fonts = form_fonts()
    return [p for row in sheet.rows for column, face in PRODUCT_TEXTS.items()
            for p in _product_problems(sheet, row, column, fonts[face], lang, problem)]


def _product_problems(sheet: CheckedSheet, row: CheckedRow, column: str, font: Font, lang: str,
                      problem: ProblemMaker) -> list[Problem]:
    text = row.values.get(column)
    if not isinstance(text, str) or not text.strip():
        return []
    where = (sheet.table, lang)
    pieces = {word: word_pieces(font, word) for word in text.split()}
    word = max(pieces, key=lambda w: pieces[w])
    if pieces[word] > WORD_MAX_PIECES:
        return [problem(*where, "fit_word", row.number, sheet.header(column), word=word,
                        pieces=pieces[word], high=WORD_MAX_PIECES)]
    lines = text_lines(font, text.split())
    if lines > TEXT_MAX_LINES:
        return [problem(*where, "fit_lines", row.number, sheet.header(column), value=text,
                        lines=lines, high=TEXT_MAX_LINES)]
    return []


def word_pieces(font: Font, word: str) -> int:
    """Lines one word takes in the large-print product column, cut where it must be."""
    width = font.width_mm(word, PRODUCT_TEXT_PT)
    if width <= PRODUCT_COLUMN_MM:
        return 1
    return math.ceil(width / (PRODUCT_COLUMN_MM - HYPHEN_ALLOWANCE_MM))


def text_lines(font: Font, words: Sequence[str]) -> int:
    """Lines the words take in the large-print product column, filled greedily as the form does."""
    space = font.width_mm(" ", PRODUCT_TEXT_PT)
    lines, used = 0, PRODUCT_COLUMN_MM  # a full line: the first word opens a new one
    for word in words:
        width = font.width_mm(word, PRODUCT_TEXT_PT)
        if used + space + width <= PRODUCT_COLUMN_MM:
            used += space + width
        elif width <= PRODUCT_COLUMN_MM:
            lines, used = lines + 1, width
        else:  # a cut word fills its lines; what follows starts on a new one
            lines, used = lines + word_pieces(font, word), PRODUCT_COLUMN_MM
    return lines
