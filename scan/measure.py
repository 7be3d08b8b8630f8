"""Read every box of a registered page: how much ink, measured against this page's own paper.

The page is first resampled onto the manifest's millimetre grid (``WARP_PX_PER_MM``), so every
box is an axis-aligned crop whatever the scan's skew, scale or resolution.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import cv2
import numpy as np

from cagettes.core.records import ManifestBox
from cagettes.scan import thresholds as T
from cagettes.scan.register import Registration


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
    ring: float  # ink fraction of the busiest side just outside the outline (see _busiest_side)
    score: float = 0.0  # ``inside`` (or pencil) minus this page's empty-box baseline
    trace: float = 0.0  # ``pencil`` before despeckling (after ``with_baseline``: minus the page's median)
    paper_ink: float = 0.0  # fraction of the paper around the box darker than the pencil threshold
    paper_dots: float = 0.0  # the same before despeckling
    cells: tuple[float, ...] = ()  # ink fraction of each of the inner area's 3 × 3 cells, row by row
    off_cross: float = 1.0  # ink fraction of the inside far from both diagonals (see _off_cross)


def remove_streaks(gray: np.ndarray) -> np.ndarray:
    """Lighten the vertical streaks a dusty sheet feeder draws down the whole scan.

    A streak darkens every row of its column, printed text and marks do not: so each column
    whose lightest rows (a high percentile over a sample of rows) are darker than the page's
    paper is brought back to paper level, and a mark crossing the streak stays darker than
    the streak was. Not the median: on a tilted sheet over a dark lid, a column mostly in
    the lid's margin is dark by its median, and the sheet's paper in it would be lifted to
    pure white.
    """
    columns = np.ascontiguousarray(gray[:: T.STREAK_ROW_STEP].T)  # a sample of each column's rows
    k = int(T.STREAK_PERCENTILE / 100 * (columns.shape[1] - 1))
    lightest = np.partition(columns, k, axis=1)[:, k].astype(np.int16)
    deficit = round(float(np.percentile(lightest, 75))) - lightest
    streaks = np.flatnonzero(deficit >= T.STREAK_MIN_DEPTH)
    if not streaks.size:
        return gray
    out = gray.copy()
    out[:, streaks] = np.clip(gray[:, streaks].astype(np.int16) + deficit[streaks], 0, 255).astype(np.uint8)
    return out


def warp(gray: np.ndarray, registration: Registration, width_mm: float, height_mm: float) -> np.ndarray:
    """The page resampled onto its mm grid, with streaks removed, speckle still there."""
    gray = remove_streaks(gray)
    scale = np.diag([1 / T.WARP_PX_PER_MM, 1 / T.WARP_PX_PER_MM, 1.0])
    size = (round(width_mm * T.WARP_PX_PER_MM), round(height_mm * T.WARP_PX_PER_MM))
    return cv2.warpPerspective(gray, registration.homography @ scale, size,
                               flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP, borderValue=255)


def despeckle(page: np.ndarray) -> np.ndarray:
    return cv2.medianBlur(page, T.MEDIAN_KERNEL)


def scanned_area(image_shape: tuple[int, ...], registration: Registration, page_shape: tuple[int, ...]) -> np.ndarray:
    """Where the normalised page holds scanned pixels, a little inside the scan's edges.

    An enlarging copier or a tight crop leaves part of the sheet out of the scan: the
    normalised page is filled with white there, which is no paper of this page.
    """
    h, w = image_shape[:2]
    edge = T.SCAN_EDGE_MM * registration.px_per_mm
    corners = np.array([[edge, edge], [w - 1 - edge, edge], [w - 1 - edge, h - 1 - edge], [edge, h - 1 - edge]])
    to_page = np.linalg.inv(registration.homography)
    quad = cv2.perspectiveTransform(corners.reshape(-1, 1, 2), to_page).reshape(-1, 2) * T.WARP_PX_PER_MM
    mask = np.zeros(page_shape[:2], np.uint8)
    cv2.fillConvexPoly(mask, np.round(quad).astype(np.int32), 1)
    return mask.astype(bool)


def calibrate(page: np.ndarray, marks: dict[str, list[float]], scanned: np.ndarray | None = None) -> Calibration:
    """Black from the solid registration marks, white from the scanned paper around them."""
    blacks, whites = [], []
    for rect in marks.values():
        blacks.append(np.median(crop(page, rect, inset=1.5)))
        around = crop(page, grow(rect, 6.0))
        if scanned is not None:
            paper = around[crop(scanned, grow(rect, 6.0))]
            around = paper if paper.size * 4 >= around.size else around  # a mark at the scan's very edge
        whites.append(np.percentile(around, 95))
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


def read_box(page: np.ndarray, box: ManifestBox, calibration: Calibration, printed: np.ndarray | None = None,
             speckled: np.ndarray | None = None, neighbours: Sequence[Sequence[float]] = ()) -> BoxReading:
    """Ink inside the box, and ink in a ring around it that the blank form does not have and
    that is no nearer to one of its ``neighbours`` (their rects) than to it.

    ``speckled``, the page before despeckling, keeps what a binarising scanner left of a
    light mark: a trail of lone dots, which despeckling removes with the noise."""
    inner = crop(page, box["rect"], inset=T.BOX_INSET_MM)
    ring = grow(box["rect"], T.RING_MM)
    dark = crop(page, ring) < calibration.pencil
    free = ~crop(printed, ring) if printed is not None else np.ones(dark.shape, bool)
    if neighbours:
        free &= nearest_to(box["rect"], neighbours, ring, dark.shape)
    inside, pencil = _fraction(inner, calibration.ink), _fraction(inner, calibration.pencil)
    speckled = page if speckled is None else speckled
    paper = _around(free)
    paper_dots = crop(speckled, ring)[paper]
    # the shape is read at the threshold that sees the mark: a pencil fill is grey all over
    shape = calibration.ink if inside >= T.PENCIL_SHAPE_RATIO * pencil else calibration.pencil
    return BoxReading(box["id"], inside, pencil, _busiest_side(dark & free, free),
                      trace=_fraction(crop(speckled, box["rect"], inset=T.BOX_INSET_MM), calibration.pencil),
                      paper_ink=float(np.count_nonzero(dark[paper])) / max(1, paper_dots.size),
                      paper_dots=_fraction(paper_dots, calibration.pencil), cells=_cells(inner, shape),
                      off_cross=_off_cross(inner, shape))


def _cells(inner: np.ndarray, threshold: float) -> tuple[float, ...]:
    """Ink of each cell of a 3 × 3 grid over the box's inside: a fill inks every cell, a cross
    leaves paper in the middle of each side, a tick in two or three of them."""
    rows = np.array_split(np.arange(inner.shape[0]), T.CELL_GRID)
    columns = np.array_split(np.arange(inner.shape[1]), T.CELL_GRID)
    return tuple(_fraction(inner[r[0]:r[-1] + 1, c[0]:c[-1] + 1], threshold) for r in rows for c in columns)


def _off_cross(inner: np.ndarray, threshold: float) -> float:
    """Ink in the four triangles between the diagonals, away from them: a cross, however
    thick, leaves them paper; a fill, a scrawl or a zigzag inks them as much as the rest."""
    h, w = inner.shape
    u = (np.arange(w) + 0.5) / w - 0.5
    v = (np.arange(h) + 0.5) / h - 0.5
    to_diagonal = np.minimum(abs(u[None, :] - v[:, None]), abs(u[None, :] + v[:, None])) / np.sqrt(2)
    far = to_diagonal >= T.CROSS_OFF_DISTANCE
    return _fraction(inner[far], threshold) if far.any() else 1.0


def _around(free: np.ndarray) -> np.ndarray:
    """The ring's blank paper: ``free`` (the ring's crop) without the box itself."""
    r = round(T.RING_MM * T.WARP_PX_PER_MM)
    out = free.copy()
    out[r:-r, r:-r] = False
    return out


def nearest_to(rect: list[float], others: Sequence[Sequence[float]], area: list[float], shape: tuple[int, int]) -> np.ndarray:
    """Pixels of ``area`` (a mm rect cropped to ``shape``) at least as near ``rect`` as any of
    ``others``: ink between two close boxes is the nearer one's (a mark overflowing its box
    into the gap is no mark beside the other)."""
    k = T.WARP_PX_PER_MM
    x0, y0 = max(0, round(area[0] * k)), max(0, round(area[1] * k))
    ys, xs = ((np.arange(n) + start + 0.5) / k for n, start in zip(shape, (y0, x0), strict=False))
    own = _distance(rect, xs, ys)
    nearest = np.ones(shape, bool)
    for other in others:
        nearest &= own <= _distance(other, xs, ys)
    return nearest


def _distance(rect: Sequence[float], xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """mm from each grid point (xs columns, ys rows) to the rect (0 inside it)."""
    x, y, w, h = rect
    dx = np.maximum(np.maximum(x - xs, xs - (x + w)), 0)
    dy = np.maximum(np.maximum(y - ys, ys - (y + h)), 0)
    return np.hypot(dy[:, None], dx[None, :])


def close_boxes(boxes: list[ManifestBox]) -> list[list[list[float]]]:
    """For each box, the rects of the boxes whose rings overlap its ring."""
    rings = [grow(box["rect"], T.RING_MM) for box in boxes]
    return [[other["rect"] for other, b in zip(boxes, rings, strict=False) if b is not a and _overlap(a, b)] for a in rings]


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _busiest_side(ink: np.ndarray, free: np.ndarray) -> float:
    """Ink fraction of the busiest of the four strips around the box: a tick beside a box sits
    on one side, and would be diluted in the whole ring. The fraction is of the strip's
    unprinted part, where a mark can show at all (a row's rule or a label may cover most of
    a strip), but never of less than ``RING_MIN_FREE`` of the strip."""
    r = max(1, round((T.RING_MM - 0.2) * T.WARP_PX_PER_MM))
    sides = (np.s_[:r], np.s_[-r:], np.s_[r:-r, :r], np.s_[r:-r, -r:])
    return max(float(np.count_nonzero(ink[s])) / max(1.0, float(np.count_nonzero(free[s])), T.RING_MIN_FREE * ink[s].size)
               for s in sides)


def _fraction(pixels: np.ndarray, threshold: float) -> float:
    return float(np.count_nonzero(pixels < threshold)) / max(1, pixels.size)


def read_boxes(page: np.ndarray, boxes: list[ManifestBox], calibration: Calibration,
               reference: np.ndarray | None = None, speckled: np.ndarray | None = None) -> list[BoxReading]:
    """All boxes, each scored against the median box of this page (most boxes are empty);
    with the blank form's picture (``reference``), what it prints around boxes is not ink."""
    printed = printed_ink(reference) if reference is not None else None
    return with_baseline([read_box(page, box, calibration, printed, speckled, near)
                          for box, near in zip(boxes, close_boxes(boxes), strict=False)], [box["kind"] for box in boxes])


def zone_ink(page: np.ndarray, rect: list[float], calibration: Calibration) -> float:
    return _fraction(crop(page, rect, inset=1.5), calibration.ink)


def read_quad(gray: np.ndarray, box_id: str, corners_px: np.ndarray, calibration: Calibration,
              inset_mm: float, px_per_mm: float) -> BoxReading:
    """A box given by its four corners in the raw image (for layouts that are not ours)."""
    side = np.linalg.norm(corners_px[1] - corners_px[0]) / px_per_mm
    size = max(4, round(side * T.WARP_PX_PER_MM))
    target = np.array([[0, 0], [size, 0], [size, size], [0, size]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(corners_px.astype(np.float32), target)
    speckled = cv2.warpPerspective(gray, matrix, (size, size), flags=cv2.INTER_AREA, borderValue=255)
    k = round(inset_mm * T.WARP_PX_PER_MM)
    inner = despeckle(speckled)[k:size - k, k:size - k]
    inside, pencil = _fraction(inner, calibration.ink), _fraction(inner, calibration.pencil)
    shape = calibration.ink if inside >= T.PENCIL_SHAPE_RATIO * pencil else calibration.pencil
    return BoxReading(box_id, inside, pencil, 0.0, trace=_fraction(speckled[k:size - k, k:size - k], calibration.pencil),
                      cells=_cells(inner, shape), off_cross=_off_cross(inner, shape))


def with_baseline(readings: list[BoxReading], kinds: list[str] | None = None) -> list[BoxReading]:
    """Scores against the median box of the page, and each ring against the median ring of
    boxes of its kind: most boxes are empty, and boxes of one kind have the same printed
    surroundings (a quantity box has its number on the left and its price below)."""
    if not readings:
        return []
    base_ink = float(np.median([r.inside for r in readings]))
    base_pencil = float(np.median([r.pencil for r in readings]))
    base_trace = float(np.median([r.trace for r in readings]))
    kinds = kinds or [""] * len(readings)
    overall = float(np.median([r.ring for r in readings]))
    rings = {}
    for kind in set(kinds):
        own = [r.ring for r, k in zip(readings, kinds, strict=False) if k == kind]
        # Two or three boxes of a kind make no baseline: one marked among them would be halved.
        rings[kind] = float(np.median(own)) if len(own) >= T.MIN_BOXES_FOR_BASELINE else overall
    return [replace(r, ring=max(0.0, r.ring - rings[k]), score=max(r.inside - base_ink, r.pencil - base_pencil),
                    trace=max(0.0, r.trace - base_trace)) for r, k in zip(readings, kinds, strict=False)]
