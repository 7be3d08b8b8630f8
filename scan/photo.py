"""Phone photos of forms made to look like flatbed scans, before the scanner reads them.

Some pickup sites have no scanner: volunteers photograph the forms on a table. The reader
expects a sheet filling the frame under even light, so :func:`find_sheet` finds the sheet's
four corners in the photo, straightens it to A4 at 300 dpi, and divides out the room's light
(gradient, vignetting, a hand's shadow) so that paper is white everywhere again. A photo too
small or too blurred for its marks to be trusted is refused with a reason, not guessed at.

An ordinary scan is recognised from a few thousand pixels of its border and passed through
untouched: it costs well under a millisecond.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from cagettes.scan import thresholds as T
from cagettes.scan.register import initial_guesses

MM_PER_INCH = 25.4
A4_MM = (210.0, 297.0)


@dataclass(frozen=True)
class SheetResult:
    """``kind`` "scan" (``image`` is the input itself), "photo" (``image`` is the straightened,
    flattened A4 page at 300 dpi, portrait, possibly upside down) or "refused" (``reason``)."""

    kind: str
    image: np.ndarray | None = None
    reason: str = ""  # photo_no_sheet, photo_too_small, photo_blurred
    corners: np.ndarray | None = None  # (4, 2) input px: the page's TL, TR, BR, BL as returned
    matrix: np.ndarray | None = None  # 3x3 homography from input px to output px
    effective_dpi: float | None = None
    sharpness: float | None = None


def find_sheet(gray: np.ndarray) -> SheetResult:
    """The page in ``gray`` (uint8, any size) as the scanner expects it; see the module's doc."""
    if looks_scanned(gray):
        return SheetResult("scan", gray)
    corners = sheet_corners(gray)
    if corners is None:
        return SheetResult("refused", reason="photo_no_sheet")
    if sheet_share(corners, gray.shape) >= T.SCAN_MIN_SHEET_SHARE or (is_rectangle(corners) and fills_frame(corners, gray.shape)):
        return SheetResult("scan", gray)
    return _straightened(gray, corners, cv2.getPerspectiveTransform(corners.astype(np.float32), _output_corners()))


def sheet_from_codes(gray: np.ndarray, qr_rects: list[list[float]], codes: list) -> SheetResult | None:
    """The page straightened from its two decoded codes (``scan.identify.Code``, at the layout's
    ``qr_rects`` in mm) when its outline could not be told from the table (a pattern as light as
    paper): their 8 corners map the page, which the marks then register. None with fewer codes."""
    if len(codes) < 2 or len(qr_rects) < 2:
        return None
    guesses = initial_guesses(qr_rects, codes)
    if not guesses:
        return None
    page_to_image = guesses[0][0]
    k = T.OUT_DPI / MM_PER_INCH
    corners = cv2.perspectiveTransform(np.array([[[0, 0]], [[A4_MM[0], 0]], [[A4_MM[0], A4_MM[1]]], [[0, A4_MM[1]]]],
                                                np.float64), page_to_image).reshape(4, 2).astype(np.float32)
    return _straightened(gray, corners, np.diag([k, k, 1.0]) @ np.linalg.inv(page_to_image))


def _straightened(gray: np.ndarray, corners: np.ndarray, matrix: np.ndarray) -> SheetResult:
    """The page warped by ``matrix`` (input px to output px), its light flattened; or refused."""
    dpi = effective_dpi(corners)
    if dpi < T.MIN_EFFECTIVE_DPI:
        return SheetResult("refused", reason="photo_too_small", corners=corners, effective_dpi=dpi)
    page = cv2.warpPerspective(gray, matrix, T.OUT_SIZE, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    flat = flatten_light(page)
    score = sharpness(flat)
    if score < T.MIN_SHARPNESS:
        return SheetResult("refused", reason="photo_blurred", corners=corners, matrix=matrix, effective_dpi=dpi,
                           sharpness=score)
    return SheetResult("photo", flat, corners=corners, matrix=matrix, effective_dpi=dpi, sharpness=score)


# --- scan or photo --------------------------------------------------------------------------


def looks_scanned(gray: np.ndarray) -> bool:
    """Whether the frame's outer band is mostly as bright as paper: read on a strided view,
    without copying or resizing the image."""
    thumb = gray[::T.SCAN_STRIDE, ::T.SCAN_STRIDE]
    h, w = thumb.shape[:2]
    bh, bw = max(1, round(h * T.SCAN_RING)), max(1, round(w * T.SCAN_RING))
    ring = np.concatenate([thumb[:bh].ravel(), thumb[-bh:].ravel(), thumb[bh:-bh, :bw].ravel(),
                           thumb[bh:-bh, -bw:].ravel()])
    histogram = np.bincount(thumb[::2, ::2].ravel(), minlength=256)
    bright = int(np.searchsorted(np.cumsum(histogram), 0.99 * histogram.sum()))
    return float(np.mean(ring >= T.SCAN_PAPER_LEVEL * bright)) >= T.SCAN_MIN_PAPER_RING


def sheet_share(corners: np.ndarray, shape: tuple[int, ...]) -> float:
    return cv2.contourArea(corners.astype(np.float32).reshape(-1, 1, 2)) / float(shape[0] * shape[1])


def is_rectangle(corners: np.ndarray) -> bool:
    """Whether the sheet's outline is a rectangle, as a flatbed sees it (lying flat, square to
    the lens): a scan on a dark lid, whatever its margins or rotation. A photo's outline
    converges, the sheet's far side shorter than its near one, unless taken straight from above."""
    sides = np.linalg.norm(np.roll(corners, -1, axis=0) - corners, axis=1)
    skew = max(abs(sides[0] - sides[2]) / max(sides[0], sides[2]), abs(sides[1] - sides[3]) / max(sides[1], sides[3]))
    along = np.roll(corners, -1, axis=0) - corners
    cosines = [float(np.dot(along[i], along[i - 1])) / max(float(sides[i] * sides[i - 1]), 1e-6) for i in range(4)]
    squareness = max(abs(90.0 - math.degrees(math.acos(-c))) for c in np.clip(cosines, -1, 1))
    return skew <= T.SCAN_MAX_SKEW and squareness <= T.SCAN_MAX_SQUARENESS_DEG


def fills_frame(corners: np.ndarray, shape: tuple[int, ...]) -> bool:
    """Whether the sheet comes within a few mm of the frame on every side, as on a scanner's glass:
    a photo framing the whole sheet leaves more room along one side at least (4:3 frames, A4)."""
    px_per_mm = effective_dpi(corners) / MM_PER_INCH
    low, high = corners.min(axis=0), corners.max(axis=0)
    margins = [low[0], low[1], shape[1] - high[0], shape[0] - high[1]]
    return max(margins) / px_per_mm <= T.SCAN_MAX_MARGIN_MM


def effective_dpi(corners: np.ndarray) -> float:
    """Pixels per inch of paper: the square root of the sheet's area in the photo over A4's."""
    area = cv2.contourArea(corners.astype(np.float32).reshape(-1, 1, 2))
    return math.sqrt(area / (A4_MM[0] * A4_MM[1])) * MM_PER_INCH


def _output_corners() -> np.ndarray:
    w, h = T.OUT_SIZE
    return np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)


# --- the sheet's outline --------------------------------------------------------------------


def sheet_corners(gray: np.ndarray) -> np.ndarray | None:
    """The sheet's corners in ``gray``'s pixels (TL, TR, BR, BL of a portrait page), or None.
    Outlines come from edges (sharp where the paper meets the table, even in a shadow) and from
    a global threshold (when the table's pattern breaks the edges); the largest A4-like wins."""
    scale = min(1.0, T.DETECT_LONG_SIDE / max(gray.shape[:2]))
    small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
    small = cv2.GaussianBlur(small, (5, 5), 0)
    slope = cv2.dilate(cv2.magnitude(cv2.Sobel(small, cv2.CV_32F, 1, 0), cv2.Sobel(small, cv2.CV_32F, 0, 1)),
                       np.ones((5, 5), np.uint8))
    candidates = [q for contour in _outlines(small) if (q := _quad(contour, small.shape)) is not None]
    quads = [q for q in candidates if _paper(small, q) and _edged(slope, q)]
    if not quads:
        quads = [q for q in [_blob_rect(small)] if q is not None and _paper(small, q) and _edged(slope, q)]
    if not quads:
        return None
    best = max(quads, key=lambda q: cv2.contourArea(q.reshape(-1, 1, 2)))
    return _portrait(refine_corners(gray, best / scale, T.REFINE_REACH / scale))


def _outlines(small: np.ndarray) -> list[np.ndarray]:
    low = float(np.median(small)) * 0.25
    edges = cv2.dilate(cv2.Canny(small, low, low * 3), np.ones((T.EDGE_CLOSING, T.EDGE_CLOSING), np.uint8))
    from_edges, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    level, _ = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    from_threshold: list[np.ndarray] = []
    for share in T.SHEET_LEVELS:  # Otsu's level, then lower ones: paper in a shadow stays brighter than a dark table
        _, bright = cv2.threshold(small, level * share, 255, cv2.THRESH_BINARY)
        bright = cv2.morphologyEx(bright, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
        from_threshold += cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0]
    min_area = T.MIN_SHEET_SHARE * small.shape[0] * small.shape[1]
    return [c for c in (*from_edges, *from_threshold) if cv2.contourArea(c) >= min_area]


def _edged(slope: np.ndarray, quad: np.ndarray) -> bool:
    """Whether each side of the quad runs along an edge of the photo: an outline that leaked
    into the table (along a shadow, a pattern) has a side across bare table, and is larger."""
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        points = (a + np.linspace(0.05, 0.95, T.EDGE_SAMPLES)[:, None] * (b - a)).astype(np.float32)
        along = cv2.remap(slope, points[:, :1], points[:, 1:], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        if float(np.mean(along >= T.EDGE_MIN_SLOPE)) < T.EDGE_MIN_SUPPORT:
            return False
    return True


def _paper(small: np.ndarray, quad: np.ndarray) -> bool:
    """Whether the quad holds paper: brighter inside than in a band around it (a table's plank
    or a pattern's square outlined by its seams is no brighter than the table beyond it)."""
    inside = np.zeros(small.shape[:2], np.uint8)
    cv2.fillConvexPoly(inside, np.round(quad).astype(np.int32), 1)
    side = max(3, round(T.SHEET_BAND * math.sqrt(cv2.contourArea(quad.reshape(-1, 1, 2)))))
    around = cv2.dilate(inside, np.ones((side, side), np.uint8)) - inside
    if not around.any():
        return True
    paper, table = float(np.median(small[inside > 0])), float(np.median(small[around > 0]))
    return paper >= T.SHEET_MIN_CONTRAST * max(table, 1.0)


def _quad(contour: np.ndarray, shape: tuple[int, ...]) -> np.ndarray | None:
    """The outline's four corners if it is a convex A4-like quad that it fills, else None."""
    hull = cv2.convexHull(contour)
    quad = _four_corners(hull)
    if quad is None or not _plausible(quad, shape):
        return None
    if cv2.contourArea(contour) < T.MIN_FILL * cv2.contourArea(quad.reshape(-1, 1, 2)):
        return None
    return quad


def _four_corners(hull: np.ndarray) -> np.ndarray | None:
    """Four corners from approxPolyDP, tolerating more and more; a pentagon is taken for a
    quad with one corner hidden (a hand, a fold): its short side's neighbours are extended."""
    perimeter = cv2.arcLength(hull, True)
    for tolerance in (0.01, 0.015, 0.02, 0.03, 0.04):
        poly = cv2.approxPolyDP(hull, tolerance * perimeter, True).reshape(-1, 2).astype(np.float32)
        if len(poly) == 4:
            return poly
        if len(poly) == 5:
            return _restore_corner(poly, perimeter)
    return None


def _restore_corner(poly: np.ndarray, perimeter: float) -> np.ndarray | None:
    sides = np.linalg.norm(np.roll(poly, -1, axis=0) - poly, axis=1)
    i = int(np.argmin(sides))  # the side from poly[i] to poly[i + 1] cuts the corner off
    if sides[i] > T.CORNER_CUT_MAX * perimeter:
        return None
    a, b = poly[(i - 1) % 5], poly[i]
    c, d = poly[(i + 1) % 5], poly[(i + 2) % 5]
    corner = _intersection(a, b, d, c)
    if corner is None:
        return None
    keep = [poly[(i + k) % 5] for k in (2, 3, 4)]
    return np.array([corner, *keep], np.float32)


def _intersection(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray | None:
    """Where line a->b meets line c->d, or None when they are nearly parallel."""
    r, s = b - a, d - c
    denominator = float(r[0] * s[1] - r[1] * s[0])
    if abs(denominator) < 1e-6 * float(np.linalg.norm(r) * np.linalg.norm(s)):
        return None
    t = float((c - a)[0] * s[1] - (c - a)[1] * s[0]) / denominator
    return a + t * r


def _plausible(quad: np.ndarray, shape: tuple[int, ...]) -> bool:
    """Convex, inside the frame but not along its edges (that is the frame), A4-shaped."""
    if not cv2.isContourConvex(quad.reshape(-1, 1, 2)):
        return False
    h, w = shape[:2]
    if (quad < -1).any() or (quad[:, 0] > w).any() or (quad[:, 1] > h).any():
        return False  # a corner restored off the frame: the pentagon was not a cut corner
    on_edge = (quad[:, 0] <= 1) | (quad[:, 1] <= 1) | (quad[:, 0] >= w - 2) | (quad[:, 1] >= h - 2)
    if on_edge.sum() >= 2:
        return False
    sides = np.linalg.norm(np.roll(quad, -1, axis=0) - quad, axis=1)
    one, other = (sides[0] + sides[2]) / 2, (sides[1] + sides[3]) / 2
    aspect = max(one, other) / max(min(one, other), 1e-6)
    return abs(aspect - T.A4_ASPECT) <= T.ASPECT_TOLERANCE


def _blob_rect(small: np.ndarray) -> np.ndarray | None:
    """Last resort: the rotated rectangle around the largest bright blob, if A4-like."""
    _, bright = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(bright, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    largest = max(contours, key=cv2.contourArea)
    if cv2.contourArea(largest) < T.MIN_SHEET_SHARE * small.shape[0] * small.shape[1]:
        return None
    rect = cv2.boxPoints(cv2.minAreaRect(largest)).astype(np.float32)
    return rect if _plausible(rect, small.shape) else None


def refine_corners(gray: np.ndarray, quad: np.ndarray, reach: float) -> np.ndarray:
    """Corners where the refined sides meet; a side without a clear edge keeps its coarse line."""
    centre = quad.mean(axis=0)
    lines = [_refine_side(gray, quad[i], quad[(i + 1) % 4], centre, reach) for i in range(4)]
    corners = [_intersection(*lines[i - 1], *lines[i]) for i in range(4)]
    if any(c is None for c in corners):
        return quad
    refined = np.array(corners, np.float32)
    return refined if np.abs(refined - quad).max() <= 3 * reach else quad


def _refine_side(gray: np.ndarray, a: np.ndarray, b: np.ndarray, centre: np.ndarray,
                 reach: float) -> tuple[np.ndarray, np.ndarray]:
    """Two points of the side from ``a`` to ``b`` as the photo's edge puts it."""
    along = (b - a) / max(float(np.linalg.norm(b - a)), 1e-6)
    inward = np.array([-along[1], along[0]])
    inward = inward if float(np.dot(centre - a, inward)) > 0 else -inward
    steps = np.arange(-math.ceil(reach), math.ceil(reach) + 1, dtype=np.float32)
    starts = a + np.linspace(0.08, 0.92, T.REFINE_SAMPLES)[:, None] * (b - a)
    grid = (starts[:, None, :] + steps[None, :, None] * inward).astype(np.float32)
    profiles = cv2.remap(gray, grid[..., 0], grid[..., 1], cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    rise = np.diff(cv2.GaussianBlur(profiles.astype(np.float32), (5, 1), 0), axis=1)  # table -> paper: up
    best = np.argmax(rise, axis=1)
    rows = np.arange(len(best))
    strong = rise[rows, best] >= T.REFINE_MIN_STEP
    points = starts + (steps[best] + 0.5 + _vertex(rise, best))[:, None] * inward
    return _robust_line(points[strong], a, b)


def _vertex(rise: np.ndarray, best: np.ndarray) -> np.ndarray:
    """Sub-pixel offset of each profile's steepest step (a parabola through three values)."""
    rows = np.arange(len(best))
    left = rise[rows, np.clip(best - 1, 0, rise.shape[1] - 1)]
    centre, right = rise[rows, best], rise[rows, np.clip(best + 1, 0, rise.shape[1] - 1)]
    curvature = left - 2 * centre + right
    return np.where(curvature < 0, 0.5 * (left - right) / np.where(curvature < 0, curvature, -1), 0.0)


def _robust_line(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A line through ``points`` fitted twice, the second time without the first fit's outliers."""
    for _ in range(2):
        if len(points) < T.REFINE_SAMPLES // 4:
            return a, b
        vx, vy, x0, y0 = cv2.fitLine(points.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
        distance = np.abs((points[:, 0] - x0) * vy - (points[:, 1] - y0) * vx)
        points = points[distance <= T.REFINE_INLIER_PX]
    origin, direction = np.array([x0, y0]), np.array([vx, vy])
    return origin, origin + direction * 100.0


def _portrait(quad: np.ndarray) -> np.ndarray:
    """Corners in clockwise order (as seen), from the corner that makes the first side a short
    one, and of the two such corners the one nearer the frame's top left."""
    centre = quad.mean(axis=0)
    quad = quad[np.argsort(np.arctan2(quad[:, 1] - centre[1], quad[:, 0] - centre[0]))]
    sides = np.linalg.norm(np.roll(quad, -1, axis=0) - quad, axis=1)
    start = 0 if sides[0] + sides[2] < sides[1] + sides[3] else 1
    if quad[start + 2].sum() < quad[start].sum():
        start += 2
    return np.roll(quad, -start, axis=0).astype(np.float32)


# --- light and sharpness ----------------------------------------------------------------------


def flatten_light(page: np.ndarray) -> np.ndarray:
    """``page`` divided by its paper's level: paper ~255 everywhere, ink as dark relative to it."""
    px_mm = T.OUT_DPI / MM_PER_INCH / T.FLATTEN_STEP
    small = cv2.resize(page, (page.shape[1] // T.FLATTEN_STEP, page.shape[0] // T.FLATTEN_STEP),
                       interpolation=cv2.INTER_AREA)
    side = int(round(T.FLATTEN_KERNEL_MM * px_mm)) | 1
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (side, side)))
    paper = cv2.GaussianBlur(paper, (0, 0), T.FLATTEN_SMOOTH_MM * px_mm)
    paper = cv2.resize(paper, (page.shape[1], page.shape[0]), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(page, np.maximum(paper, 1), scale=255)


def sharpness(page: np.ndarray) -> float:
    """~1 / (blur sigma in px at T.SHARPNESS_DPI): the steepest curvature over the steepest slope."""
    scale = T.SHARPNESS_DPI / T.OUT_DPI
    small = cv2.resize(page, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA).astype(np.float32)
    laplacian = np.abs(cv2.Laplacian(small, cv2.CV_32F, ksize=3))
    gradient = cv2.magnitude(cv2.Sobel(small, cv2.CV_32F, 1, 0), cv2.Sobel(small, cv2.CV_32F, 0, 1))
    slope = float(np.percentile(gradient, 99.5))
    return float(np.percentile(laplacian, 99.5)) / slope if slope > 0 else 0.0
