"""Pictures of one box for the review page: cropped from its registered page, with some context.

Registered pages are on the manifest's millimetre grid (``WARP_PX_PER_MM``), so a box's crop
is its manifest rectangle times that scale, whatever the scan's skew or resolution.
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from cagettes.scan.thresholds import WARP_PX_PER_MM

CONTEXT_MM = (18.0, 6.0, 18.0, 9.0)  # mm around a box (left, top, right, bottom): its neighbours and price
ZOOM = 2  # crops are enlarged: a 5 mm box becomes 80 px, easy to judge
FRAME_GAP_MM = 2.4  # mm between the box and the corners drawn round it: a mark beside it stays visible
FRAME_ARM_MM = 2.5  # mm: length of each corner's arms
FRAME_BGR = (0, 110, 230)  # orange, unlike any state colour of the overlay
JPEG_QUALITY = 88


def read_grey(path: str | Path) -> np.ndarray | None:
    """A page picture as grey, or None when the file is gone or unreadable."""
    if not Path(path).is_file():
        return None
    return cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)


def crop_box(page: np.ndarray, rect_mm: list[float]) -> np.ndarray:
    """The box and its surroundings, enlarged, with orange corners pointing at the box."""
    k = WARP_PX_PER_MM
    x, y, w, h = rect_mm
    left, top, right, bottom = CONTEXT_MM
    x0, y0 = max(0, round((x - left) * k)), max(0, round((y - top) * k))
    x1, y1 = min(page.shape[1], round((x + w + right) * k)), min(page.shape[0], round((y + h + bottom) * k))
    picture = cv2.cvtColor(page[y0:y1, x0:x1], cv2.COLOR_GRAY2BGR)
    picture = cv2.resize(picture, None, fx=ZOOM, fy=ZOOM, interpolation=cv2.INTER_CUBIC)
    scale = k * ZOOM
    gap = FRAME_GAP_MM
    corners(picture, ((x - gap) * k - x0) * ZOOM, ((y - gap) * k - y0) * ZOOM,
            (w + 2 * gap) * scale, (h + 2 * gap) * scale, FRAME_ARM_MM * scale)
    return picture


def corners(picture: np.ndarray, x: float, y: float, w: float, h: float, arm: float) -> None:
    for cx, dx in ((x, 1), (x + w, -1)):
        for cy, dy in ((y, 1), (y + h, -1)):
            point = (round(cx), round(cy))
            cv2.line(picture, point, (round(cx + dx * arm), round(cy)), FRAME_BGR, 3, cv2.LINE_AA)
            cv2.line(picture, point, (round(cx), round(cy + dy * arm)), FRAME_BGR, 3, cv2.LINE_AA)


def box_jpeg(page: np.ndarray, rect_mm: list[float]) -> bytes:
    """``crop_box`` as the JPEG the review page sends."""
    return jpeg(crop_box(page, rect_mm))


def jpeg(picture: np.ndarray) -> bytes:
    ok, data = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return data.tobytes()
