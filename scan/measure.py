"""Read every box of a registered page: how much ink, measured against this page's own paper.

The page is first resampled onto the manifest's millimetre grid (``WARP_PX_PER_MM``), so every
box is an axis-aligned crop whatever the scan's skew, scale or resolution.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from scan import thresholds as T
from scan.register import Registration


@dataclass(frozen=True)
class Calibration:
    """This page's paper white and ink black, and the two ink thresholds derived from them."""

    white: float
    black: float

    @property
    def ink(self) -> float:
        return self.white - T.INK_LEVEL * (self.white - self.black)

    @property
    def pencil(self) -> float:
        return self.white - T.PENCIL_LEVEL * (self.white - self.black)


@dataclass(frozen=True)
class BoxReading:
    id: str
    inside: float  # fraction of the inner area darker than the ink threshold
    pencil: float  # same with the lighter pencil threshold
    ring: float  # fraction of the ring just outside the outline holding ink
    score: float = 0.0  # ``inside`` (or pencil) minus this page's empty-box baseline


def remove_streaks(gray: np.ndarray) -> np.ndarray:
    """Lighten the vertical streaks a dusty sheet feeder draws down the whole scan.

    A streak darkens every row of its column, printed text and marks do not: so each column
    whose median (over a sample of rows) is darker than the page's paper is brought back to
    paper level, and a mark crossing the streak stays darker than the streak was.
    """
    sample = gray[:: T.STREAK_ROW_STEP]
    medians = np.median(sample, axis=0)
    paper = float(np.percentile(medians, 75))
    deficit = paper - medians
    if float(deficit.max(initial=0)) < T.STREAK_MIN_DEPTH:
        return gray
    lift = np.where(deficit >= T.STREAK_MIN_DEPTH, deficit, 0).astype(np.int16)
    return np.clip(gray.astype(np.int16) + lift[None, :], 0, 255).astype(np.uint8)


def normalise(gray: np.ndarray, registration: Registration, width_mm: float, height_mm: float) -> np.ndarray:
    """The page resampled onto its mm grid, with streaks and speckle removed."""
    gray = remove_streaks(gray)
    scale = np.diag([1 / T.WARP_PX_PER_MM, 1 / T.WARP_PX_PER_MM, 1.0])
    size = (round(width_mm * T.WARP_PX_PER_MM), round(height_mm * T.WARP_PX_PER_MM))
    flat = cv2.warpPerspective(gray, registration.homography @ scale, size,
                               flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP, borderValue=255)
    return cv2.medianBlur(flat, T.MEDIAN_KERNEL)


def calibrate(page: np.ndarray, marks: dict[str, list[float]]) -> Calibration:
    """Black from the solid registration marks, white from the paper around them."""
    blacks, whites = [], []
    for rect in marks.values():
        blacks.append(np.median(crop(page, rect, inset=1.5)))
        whites.append(np.percentile(crop(page, grow(rect, 6.0)), 95))
    white, black = float(np.median(whites)), float(np.median(blacks))
    return Calibration(white, min(black, white - 40))  # a faded mark must not make ink invisible


def grow(rect: list[float], mm: float) -> list[float]:
    x, y, w, h = rect
    return [x - mm, y - mm, w + 2 * mm, h + 2 * mm]


def crop(page: np.ndarray, rect: list[float], inset: float = 0.0) -> np.ndarray:
    k = T.WARP_PX_PER_MM
    x, y, w, h = rect
    x0, y0 = max(0, round((x + inset) * k)), max(0, round((y + inset) * k))
    x1, y1 = round((x + w - inset) * k), round((y + h - inset) * k)
    return page[y0:max(y0 + 1, y1), x0:max(x0 + 1, x1)]


def printed_ink(reference: np.ndarray) -> np.ndarray:
    """Where the blank form has ink, widened to forgive the registration's fraction of a mm."""
    ink = (reference < 200).astype(np.uint8)
    size = 2 * T.REFERENCE_DILATE_PX + 1
    return cv2.dilate(ink, np.ones((size, size), np.uint8)).astype(bool)


def read_box(page: np.ndarray, box: dict, calibration: Calibration, printed: np.ndarray | None = None) -> BoxReading:
    """Ink inside the box, and ink in a ring around it that the blank form does not have."""
    inner = crop(page, box["rect"], inset=T.BOX_INSET_MM)
    ring = grow(box["rect"], T.RING_MM)
    dark = crop(page, ring) < calibration.pencil
    if printed is not None:
        dark &= ~crop(printed, ring)
    return BoxReading(box["id"], _fraction(inner, calibration.ink), _fraction(inner, calibration.pencil),
                      _busiest_side(dark))


def _busiest_side(dark: np.ndarray) -> float:
    """Ink fraction of the busiest of the four strips around the box: a tick beside a box sits
    on one side, and would be diluted in the whole ring."""
    r = max(1, round((T.RING_MM - 0.2) * T.WARP_PX_PER_MM))
    strips = (dark[:r], dark[-r:], dark[r:-r, :r], dark[r:-r, -r:])
    return max(float(np.count_nonzero(s)) / max(1, s.size) for s in strips)


def _fraction(pixels: np.ndarray, threshold: float) -> float:
    return float(np.count_nonzero(pixels < threshold)) / max(1, pixels.size)


def read_boxes(page: np.ndarray, boxes: list[dict], calibration: Calibration,
               reference: np.ndarray | None = None) -> list[BoxReading]:
    """All boxes, each scored against the median box of this page (most boxes are empty);
    with the blank form's picture (``reference``), what it prints around boxes is not ink."""
    printed = printed_ink(reference) if reference is not None else None
    return with_baseline([read_box(page, box, calibration, printed) for box in boxes], [box["kind"] for box in boxes])


def zone_ink(page: np.ndarray, rect: list[float], calibration: Calibration) -> float:
    return _fraction(crop(page, rect, inset=1.5), calibration.ink)


def read_quad(gray: np.ndarray, box_id: str, corners_px: np.ndarray, calibration: Calibration,
              inset_mm: float, px_per_mm: float) -> BoxReading:
    """A box given by its four corners in the raw image (for layouts that are not ours)."""
    side = np.linalg.norm(corners_px[1] - corners_px[0]) / px_per_mm
    size = max(4, round(side * T.WARP_PX_PER_MM))
    target = np.array([[0, 0], [size, 0], [size, size], [0, size]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners_px.astype(np.float32), target)
    patch = cv2.medianBlur(cv2.warpPerspective(gray, matrix, (size, size), flags=cv2.INTER_AREA, borderValue=255),
                           T.MEDIAN_KERNEL)
    k = round(inset_mm * T.WARP_PX_PER_MM)
    inner = patch[k:size - k, k:size - k]
    return BoxReading(box_id, _fraction(inner, calibration.ink), _fraction(inner, calibration.pencil), 0.0)


def with_baseline(readings: list[BoxReading], kinds: list[str] | None = None) -> list[BoxReading]:
    """Scores against the median box of the page, and each ring against the median ring of
    boxes of its kind: most boxes are empty, and boxes of one kind have the same printed
    surroundings (a quantity box has its number on the left and its price below)."""
    if not readings:
        return []
    base_ink = float(np.median([r.inside for r in readings]))
    base_pencil = float(np.median([r.pencil for r in readings]))
    kinds = kinds or [""] * len(readings)
    overall = float(np.median([r.ring for r in readings]))
    rings = {}
    for kind in set(kinds):
        own = [r.ring for r, k in zip(readings, kinds) if k == kind]
        # Two or three boxes of a kind make no baseline: one marked among them would be halved.
        rings[kind] = float(np.median(own)) if len(own) >= T.MIN_BOXES_FOR_BASELINE else overall
    return [BoxReading(r.id, r.inside, r.pencil, max(0.0, r.ring - rings[k]),
                       score=max(r.inside - base_ink, r.pencil - base_pencil)) for r, k in zip(readings, kinds)]
