"""The blank printed page, on the same millimetre grid as a normalised scan.

Measuring a mark against what the form itself printed there (numbers, prices, outlines) is
what lets a tick *beside* a box be told from the box's own label. One page per layout is
rendered from the month's bundle and kept for the life of the worker.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import pypdfium2

from cagettes.core.records import Manifest, ManifestPage
from cagettes.scan import thresholds as T


@lru_cache(maxsize=24)  # ~4 MB each: bounded, whatever the batch
def render(pdf_path: str, index: int, width_mm: float, height_mm: float) -> np.ndarray | None:
    """None when the bundle is gone: readings then fall back on the page's own median ring."""
    if not Path(pdf_path).is_file():
        return None
    document = pypdfium2.PdfDocument(pdf_path)
    try:
        bitmap = document[index].render(scale=T.WARP_PX_PER_MM * 25.4 / 72, grayscale=True)
        image = bitmap.to_numpy()
    finally:
        document.close()
    image = image[:, :, 0] if image.ndim == 3 else image
    size = (round(width_mm * T.WARP_PX_PER_MM), round(height_mm * T.WARP_PX_PER_MM))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA) if image.shape[::-1] != size else image.copy()


def first_pages(manifest: Manifest) -> dict[str, ManifestPage]:
    """For each layout, the first printed page that uses it: its blank looks like all of them."""
    firsts: dict[str, ManifestPage] = {}
    for page in manifest["pages"]:
        firsts.setdefault(page["layout"], page)
    return firsts


def for_page(manifest_path: str, manifest: Manifest, firsts: dict[str, ManifestPage], page: ManifestPage) -> np.ndarray | None:
    layout = manifest["layouts"][page["layout"]]
    first = firsts[page["layout"]]
    month_dir = Path(manifest_path).parent.parent
    return render(str(month_dir / first["pdf"]), first["pdf_page"], layout["width"], layout["height"])
