"""Read every box of a registered page: how much ink, measured against this page's own paper.

The page is first resampled onto the manifest's millimetre grid (``WARP_PX_PER_MM``), so every
box is an axis-aligned crop whatever the scan's skew, scale or resolution.
"""
from __future__ import annotations

import functools
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
    outline: float = 1.0  # share of the box's printed outline seen dark in the scan (0: not in the image)
    faintest: float = 0.0  # the stroke (see _stroke) of the ink just darker than the paper around it
    crossing: int = 0  # sides of the ring with faint ink: a line crossing the box shows on two or more
    stroke: float = 99.0  # longest side of the largest connected patch of ink inside, over the inside's side (see _stroke)
    paper_level: float = 255.0  # grey level of the paper around the box before the light was flattened


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
    if registration.correction is not None:  # a map one homography cannot follow (stretch, curl)
        map_x, map_y = registration.page_maps(size, T.WARP_PX_PER_MM)
        return cv2.remap(gray, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    return cv2.warpPerspective(gray, registration.homography @ scale, size,
                               flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP, borderValue=255)


def remove_dust_lines(page: np.ndarray, printed: np.ndarray | None) -> np.ndarray:
    """Lighten dust lines that run down part of the page only, and unevenly (``remove_streaks``
    takes those running its whole height): thin dark features (narrower than
    ``DUST_MAX_WIDTH_MM`` across) that stay thin over ``DUST_MIN_LENGTH_MM`` down the page. A
    pen stroke crossing the line stays (it is wide across), and so does what the blank form
    prints there (a printed rule is no dust)."""
    k = T.WARP_PX_PER_MM
    across = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * round(T.DUST_MAX_WIDTH_MM * k / 2) + 1, 1))
    depth = cv2.subtract(cv2.morphologyEx(page, cv2.MORPH_CLOSE, across), page)  # thin dark, by how much
    # followed down the page at a few rows per mm (a line's length needs no finer grain), widened
    # first: a line drawn on a skewed page drifts across columns
    rows = round(page.shape[0] * T.DUST_ROWS_PER_MM / k)
    wide = cv2.dilate(cv2.resize(depth, (page.shape[1], rows), interpolation=cv2.INTER_AREA),
                      np.ones((1, 2 * T.DUST_DRIFT_PX + 1), np.uint8))
    down = cv2.getStructuringElement(cv2.MORPH_RECT, (1, round(T.DUST_MIN_LENGTH_MM * T.DUST_ROWS_PER_MM)))
    # on a grainy scan every pixel is a little darker than the lightest one beside it: a line
    # must stand out from that grain (the page's median depth), or the pen strokes would go too
    baseline = float(np.median(wide))
    found = (cv2.morphologyEx(wide, cv2.MORPH_OPEN, down) >= T.STREAK_MIN_DEPTH + baseline).view(np.uint8)
    if not found.any():
        return page
    widened = cv2.dilate(found, np.ones((3, 2 * T.DUST_DRIFT_PX + 1), np.uint8))
    lines = cv2.resize(widened, (page.shape[1], page.shape[0]), interpolation=cv2.INTER_NEAREST)
    if printed is not None:
        lines[printed] = 0
    out = page.copy()
    np.copyto(out, cv2.add(page, depth), where=lines.view(bool))
    return out


def flatten_light(page: np.ndarray, printed: np.ndarray | None, boxes: Sequence[ManifestBox],
                  scanned: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(the page divided by its own paper, the paper's grey level everywhere), so that a light
    gradient, grey or yellowed paper or a lid's shadow leave the paper white and the ink as dark
    against it as it was. The paper is estimated from pixels that the blank form leaves blank,
    outside every box, lighter than the estimate so far (a mark is no paper)."""
    small, valid = _paper_pixels(page, printed, boxes, scanned)
    paper, known = _normalised_blur(small, valid)
    for _ in range(T.PAPER_PASSES):
        valid &= small >= paper - T.PAPER_INK_MARGIN
        paper, known = _normalised_blur(small, valid)
    size = (page.shape[1], page.shape[0])
    level = cv2.resize(np.clip(paper, 1, 255).astype(np.uint8), size, interpolation=cv2.INTER_LINEAR)
    # where no paper was seen nearby (a deep shadow's every pixel was taken for ink), the page's
    # median only stands in for the division: a box there has no paper level to be read against
    unknown = cv2.resize((~known).view(np.uint8), size, interpolation=cv2.INTER_NEAREST).view(bool)
    return cv2.divide(page, level, scale=255), np.where(unknown, np.uint8(0), level)


def _paper_pixels(page, printed, boxes, scanned) -> tuple[np.ndarray, np.ndarray]:
    """The page at ``PAPER_PX_PER_MM`` and where it shows paper only (no printing, no box, scanned)."""
    f = T.PAPER_PX_PER_MM / T.WARP_PX_PER_MM
    small = cv2.resize(page, None, fx=f, fy=f, interpolation=cv2.INTER_AREA).astype(np.float32)
    size = (small.shape[1], small.shape[0])
    valid = np.ones(small.shape, bool)
    for mask, keep in ((printed, False), (scanned, True)):
        if mask is not None:  # a block counts only if none of its pixels is printed, all scanned
            share = cv2.resize(mask.view(np.uint8) * np.uint8(255), size, interpolation=cv2.INTER_AREA)
            valid &= (share > 255 - T.PAPER_BLOCK_SLACK) if keep else (share < T.PAPER_BLOCK_SLACK)
    k = T.PAPER_PX_PER_MM
    for box in boxes:  # a box's inside is no paper (a fill would pass for a shadow); its ring is, unless inked
        x, y, w, h = grow(box["rect"], T.OUTLINE_MARGIN_MM)
        valid[max(0, int(y * k)):int(np.ceil((y + h) * k)), max(0, int(x * k)):int(np.ceil((x + w) * k))] = False
    return small, valid


def _normalised_blur(small: np.ndarray, valid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The mean of the valid pixels near each pixel (Gaussian weights): holes are bridged from
    around them; far from any valid pixel, the median of all of them. And where the paper was
    seen (not that median)."""
    sigma = T.PAPER_SIGMA_MM * T.PAPER_PX_PER_MM
    weight = cv2.GaussianBlur(valid.astype(np.float32), (0, 0), sigma)
    total = cv2.GaussianBlur(np.where(valid, small, 0).astype(np.float32), (0, 0), sigma)
    fallback = float(np.median(small[valid])) if valid.any() else float(np.percentile(small, 90))
    known = weight > T.PAPER_MIN_WEIGHT
    return np.where(known, total / np.maximum(weight, 1e-6), fallback), known


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


def calibrate(page: np.ndarray, marks: dict[str, list[float]], scanned: np.ndarray | None = None,
              printed: np.ndarray | None = None) -> Calibration:
    """Black from the solid registration marks, white from the scanned paper around them. A
    mark outside the scan (a lost corner) says nothing: black then comes from the other marks,
    or from what the blank form prints (``printed``), and white from the page's paper."""
    blacks, whites = [], []
    for rect in marks.values():
        if scanned is not None and crop(scanned, rect).mean() < 1.0:
            continue
        black = float(np.median(crop(page, rect, inset=1.5)))
        around = crop(page, grow(rect, 6.0))
        if scanned is not None:
            paper = around[crop(scanned, grow(rect, 6.0))]
            around = paper if paper.size * 4 >= around.size else around  # a mark at the scan's very edge
        white = float(np.percentile(around, 95))
        whites.append(white)
        if black <= white - T.MARK_MIN_CONTRAST:  # not a mark torn or painted off with its corner
            blacks.append(black)
    seen = scanned if scanned is not None else np.ones(page.shape, bool)
    white = float(np.median(whites)) if whites else float(np.percentile(page[seen] if seen.any() else page, 90))
    if not blacks and printed is not None and (printed & seen).any():
        blacks.append(float(np.percentile(page[printed & seen], 10)))
    black = float(np.median(blacks)) if blacks else 0.0
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


def read_box(page: np.ndarray, box: ManifestBox, calibration: Calibration, faint: Sequence[np.ndarray],
             printed: np.ndarray | None = None, speckled: np.ndarray | None = None,
             neighbours: Sequence[Sequence[float]] = ()) -> BoxReading:
    """Ink inside the box, and ink in a ring around it that the blank form does not have and
    that is no nearer to one of its ``neighbours`` (their rects) than to it.

    ``speckled``, the page before despeckling, keeps what a binarising scanner left of a
    light mark: a trail of lone dots, which despeckling removes with the noise. ``faint`` holds
    the page's pencil and faintest thresholds pixel by pixel (see ``faint_levels``)."""
    inner = crop(page, box["rect"], inset=T.BOX_INSET_MM)
    ring = grow(box["rect"], T.RING_MM)
    pencil_level, faintest_level = faint
    ring_level = crop(pencil_level, ring)
    dark = crop(page, ring) < ring_level
    free = ~crop(printed, ring) if printed is not None else np.ones(dark.shape, bool)
    if neighbours:
        free &= nearest_to(box["rect"], neighbours, ring, dark.shape)
    inner_level = crop(pencil_level, box["rect"], T.BOX_INSET_MM)
    inside, pencil = _fraction(inner, calibration.ink), _fraction(inner, inner_level)
    speckled = page if speckled is None else speckled
    paper = _around(free)
    paper_dots = crop(speckled, ring)[paper]
    # the shape is read at the threshold that sees the mark: a pencil fill is grey all over
    shape = calibration.ink if inside >= T.PENCIL_SHAPE_RATIO * pencil else calibration.pencil
    around = _sides(dark & free, free)
    return BoxReading(box["id"], inside, pencil, max(around), crossing=sum(a >= T.CROSSING_SIDE_MIN for a in around),
                      trace=_fraction(crop(speckled, box["rect"], inset=T.BOX_INSET_MM), inner_level),
                      paper_ink=float(np.count_nonzero(dark[paper])) / max(1, paper_dots.size),
                      paper_dots=_fraction(paper_dots, ring_level[paper]),
                      faintest=_stroke(inner, crop(faintest_level, box["rect"], T.BOX_INSET_MM)),
                      **_shape(inner, shape, inner_level, max(inside, pencil)))


def faint_levels(page: np.ndarray, calibration: Calibration, levels: Sequence[float]) -> list[np.ndarray]:
    """Faint-ink thresholds pixel by pixel, one per level (a share of the contrast): a faint
    mark is a stroke darker than the paper just around it, not only than the page's paper.
    The paper just around is the page with every stroke narrower than ``FAINT_PAPER_MM``
    closed over (a stain's edge, a crease's shadow, the rim of a coffee ring stay: they are no
    stroke); each threshold sits its level of the contrast under it, and never above the
    calibration's own threshold at that level."""
    size = 2 * round(T.FAINT_PAPER_MM * T.WARP_PX_PER_MM / 2) + 1
    local = cv2.morphologyEx(page, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (size, size)))
    # no paper is darker than a stain makes it: under a fill in pencil the closing finds only pencil
    paper = np.maximum(np.arange(256.0), calibration.white - T.FAINT_PAPER_DIP)
    contrast = calibration.white - calibration.black
    tables = [np.clip(np.minimum(paper - max(1.0, level * contrast), calibration.white - level * contrast), 0, 255)
              for level in levels]
    return [cv2.LUT(local, np.round(table).astype(np.uint8)) for table in tables]


def _shape(inner: np.ndarray, threshold: float, pencil: float | np.ndarray, ink: float) -> dict:
    """The shape of the ink, where a decision needs it: a box's score is its ink minus the
    page's baseline, so a box with less ink than a rule's threshold never reaches the rule."""
    shape: dict = {}
    if ink >= T.MARKED_MIN:
        shape["stroke"] = _stroke(inner, pencil)
    if ink >= T.FILLED_DOUBT_MIN:
        shape.update(cells=_cells(inner, threshold), off_cross=_off_cross(inner, threshold))
    return shape


def _stroke(inner: np.ndarray, threshold: float | np.ndarray) -> float:
    """A pen draws strokes; a copier's speckle and toner dust are separate dots: the size of the
    largest connected patch of ink tells them apart (the longer side of its bounding box)."""
    ink = (inner < threshold).astype(np.uint8)
    ink[:T.STROKE_FRAME_PX], ink[-T.STROKE_FRAME_PX:] = 0, 0  # the outline's blur, which bleeding ink widens,
    ink[:, :T.STROKE_FRAME_PX], ink[:, -T.STROKE_FRAME_PX:] = 0, 0  # would join dots near the edge into a "stroke"
    count, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count <= 1:
        return 0.0
    longest = float(np.max(np.maximum(stats[1:, cv2.CC_STAT_WIDTH], stats[1:, cv2.CC_STAT_HEIGHT])))
    return longest / min(inner.shape)  # of the inside's side: a small box holds a small tick


def _cells(inner: np.ndarray, threshold: float) -> tuple[float, ...]:
    """Ink of each cell of a 3 × 3 grid over the box's inside: a fill inks every cell, a cross
    leaves paper in the middle of each side, a tick in two or three of them."""
    rows = np.array_split(np.arange(inner.shape[0]), T.CELL_GRID)
    columns = np.array_split(np.arange(inner.shape[1]), T.CELL_GRID)
    return tuple(_fraction(inner[r[0]:r[-1] + 1, c[0]:c[-1] + 1], threshold) for r in rows for c in columns)


def _off_cross(inner: np.ndarray, threshold: float) -> float:
    """Ink in the four triangles between the diagonals, away from them (the middle two of the
    four: a wobbling stroke may ink one, a corner left blank spare one): a cross, however thick,
    leaves them paper; a fill, a scrawl or a zigzag inks them as much as the rest."""
    h, w = inner.shape
    u = ((np.arange(w) + 0.5) / w - 0.5)[None, :]
    v = ((np.arange(h) + 0.5) / h - 0.5)[:, None]
    far = np.minimum(abs(u - v), abs(u + v)) / np.sqrt(2) >= T.CROSS_OFF_DISTANCE
    ink = inner < threshold
    triangles = (far & (v < -abs(u)), far & (v > abs(u)), far & (u < -abs(v)), far & (u > abs(v)))
    shares = sorted(float(ink[t].mean()) for t in triangles if t.any())
    return (shares[1] + shares[2]) / 2 if len(shares) == 4 else 1.0


def _around(free: np.ndarray) -> np.ndarray:
    """The ring's blank paper: ``free`` (the ring's crop) without the box itself."""
    r = round(T.RING_MM * T.WARP_PX_PER_MM)
    out = free.copy()
    out[r:-r, r:-r] = False
    return out


def nearest_to(rect: list[float], others: Sequence[Sequence[float]], area: list[float], shape: tuple[int, int]) -> np.ndarray:
    """Pixels of ``area`` (a mm rect cropped to ``shape``) at least as near ``rect`` as any of
    ``others``: ink between two close boxes is the nearer one's (a mark overflowing its box
    into the gap is no mark beside the other). Pages of one layout share their boxes: kept."""
    return _nearest_to(tuple(rect), tuple(tuple(o) for o in others), tuple(area), tuple(shape))


@functools.lru_cache(maxsize=T.NEAREST_CACHE)
def _nearest_to(rect: tuple, others: tuple, area: tuple, shape: tuple) -> np.ndarray:
    k = T.WARP_PX_PER_MM
    x0, y0 = max(0, round(area[0] * k)), max(0, round(area[1] * k))
    ys, xs = ((np.arange(n) + start + 0.5) / k for n, start in zip(shape, (y0, x0), strict=False))
    own = _distance(rect, xs, ys)
    nearest = np.ones(shape, bool)
    for other in others:
        nearest &= own <= _distance(other, xs, ys)
    nearest.flags.writeable = False  # shared between pages
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


def _sides(ink: np.ndarray, free: np.ndarray) -> list[float]:
    """Ink fraction of each of the four strips around the box (top, bottom, left, right): a tick
    beside a box sits on one side, and would be diluted in the whole ring. The fraction is of
    the strip's unprinted part, where a mark can show at all (a row's rule or a label may cover
    most of a strip), but never of less than ``RING_MIN_FREE`` of the strip."""
    r = max(1, round((T.RING_MM - 0.2) * T.WARP_PX_PER_MM))
    sides = (np.s_[:r], np.s_[-r:], np.s_[r:-r, :r], np.s_[r:-r, -r:])
    return [float(np.count_nonzero(ink[s])) / max(1.0, float(np.count_nonzero(free[s])), T.RING_MIN_FREE * ink[s].size)
            for s in sides]


def _fraction(pixels: np.ndarray, threshold: float | np.ndarray) -> float:
    return float(np.count_nonzero(pixels < threshold)) / max(1, pixels.size)


def read_boxes(page: np.ndarray, boxes: list[ManifestBox], calibration: Calibration,
               reference: np.ndarray | None = None, speckled: np.ndarray | None = None,
               paper: np.ndarray | None = None, printed: np.ndarray | None = None) -> list[BoxReading]:
    """All boxes, each scored against the median box of this page (most boxes are empty);
    with the blank form's picture (``reference``), what it prints around boxes is not ink."""
    if printed is None and reference is not None:
        printed = printed_ink(reference)
    faint = faint_levels(page, calibration, (T.PENCIL_LEVEL, T.FAINTEST_LEVEL))
    readings = with_baseline([read_box(page, box, calibration, faint, printed, speckled, near)
                              for box, near in zip(boxes, close_boxes(boxes), strict=False)], [box["kind"] for box in boxes])
    return [in_sight(r, page, box, calibration, reference, paper) for r, box in zip(readings, boxes, strict=True)]


def in_sight(reading: BoxReading, page: np.ndarray, box: ManifestBox, calibration: Calibration,
             reference: np.ndarray | None, paper: np.ndarray | None) -> BoxReading:
    """How much of the box's printed outline the scan shows (none: the box is outside the image,
    under a lost corner or a painted band), and how dark its paper was before flattening (0 where
    no paper was seen near it: see ``flatten_light``)."""
    outline = 1.0
    if reference is not None:
        drawn = crop(reference, grow(box["rect"], T.OUTLINE_MARGIN_MM)) < 128
        seen = crop(page, grow(box["rect"], T.OUTLINE_MARGIN_MM)) < calibration.pencil  # faded, striped: still there
        side, mid = round(2 * T.OUTLINE_MARGIN_MM * T.WARP_PX_PER_MM), seen.shape[0] // 2
        # each half of each upright side on its own: a box half under a torn corner shows half its
        # outline. Not the horizontal sides: a copier's banding can wipe a thin horizontal line
        # out entirely, and leaves an upright one dashed.
        halves = [np.s_[side:mid, :side], np.s_[mid:-side, :side], np.s_[side:mid, -side:], np.s_[mid:-side, -side:]]
        shown = [float(seen[h][drawn[h]].mean()) for h in halves if drawn[h].any()]
        outline = min(shown) if shown else 1.0
    # the darkest paper under the box: at the edge of a shadow, or of a patch where no paper was
    # seen (0), the box's centre may still take its value from the light paper beyond
    level = float(crop(paper, box["rect"]).min()) if paper is not None else 255.0
    return replace(reading, outline=outline, paper_level=level)


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
