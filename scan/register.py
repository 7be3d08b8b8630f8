"""Map the manifest's millimetres onto the scanned image, from the page's own marks.

1. The QR codes' corners give a first estimate (zxing-cpp reports them in the symbol's own
   order, so 0/90/180/270° and mirror-free skew come for free).
2. Each solid registration mark is searched for in a small window around its predicted
   place; its four corners come from the minimum-area rectangle of its outline.
3. A homography from all found corners (an affine map when only three marks are found)
   gives the final mapping, and its worst residual is the fit error the page is judged on.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import permutations

import cv2
import numpy as np

from cagettes.core.records import ManifestLayout
from cagettes.scan import thresholds as T
from cagettes.scan.identify import Code


class RegistrationError(Exception):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason  # too_few_marks | fit_error
        self.detail = detail


@dataclass
class Registration:
    homography: np.ndarray  # 3 × 3, page mm → image px
    error_mm: float  # worst corner residual
    px_per_mm: float
    marks: dict[str, np.ndarray] = field(default_factory=dict)  # the marks used: their corners in image px
    anchors: int = 0  # printed boxes the map was refitted on (see refine_with_printed)

    @property
    def marks_found(self) -> int:
        return len(self.marks)


def rect_corners(rect: list[float]) -> np.ndarray:
    x, y, w, h = rect
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float64)


def project(homography: np.ndarray, points_mm: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(points_mm.reshape(-1, 1, 2), homography).reshape(-1, 2)


def register(gray: np.ndarray, layout: ManifestLayout, codes: list[Code],
             refine: Callable[[Registration], Registration] | None = None) -> Registration:
    """The page's map from its marks; ``refine`` may refit it when a mark is missing (see
    ``refine_with_printed``), before it is checked against the codes."""
    found: dict[str, np.ndarray] = {}
    for guess in initial_guesses(layout["qr"], codes):
        px_per_mm = scale_of(guess)
        if not T.MIN_PX_PER_MM <= px_per_mm <= T.MAX_PX_PER_MM:
            continue  # a degenerate pairing of codes, not a page at any scanner resolution
        attempt = find_marks(gray, layout, guess, px_per_mm)
        if len(attempt) > len(found):
            found = attempt
        if len(found) == len(layout["marks"]):
            break
    if len(found) < T.MIN_MARKS:
        raise RegistrationError("too_few_marks", f"{len(found)}/{len(layout['marks'])}")
    homography, error = fit_marks(layout, found)
    if qr_disagreement(homography, layout["qr"], codes) > T.MAX_QR_DISAGREEMENT_MM and len(found) > T.MIN_MARKS:
        # One "mark" may be a smudge or a damaged corner: keep the three that agree with the codes.
        subsets = [{k: v for k, v in found.items() if k != left_out} for left_out in found]
        found = min(subsets, key=lambda marks: qr_disagreement(fit_marks(layout, marks)[0], layout["qr"], codes))
        homography, error = fit_marks(layout, found)
    registration = Registration(homography, error, scale_of(homography), found)
    if refine is not None and len(found) < len(layout["marks"]):
        registration = refine(registration)
    check(registration, layout, codes)
    return registration


def check(registration: Registration, layout: ManifestLayout, codes: list[Code]) -> None:
    """Refuse a map that does not fit its own marks, or that the codes contradict."""
    if registration.error_mm > T.MAX_FIT_ERROR_MM:
        raise RegistrationError("fit_error", f"{registration.error_mm:.2f} mm")
    disagreement = qr_disagreement(registration.homography, layout["qr"], codes)
    if disagreement > T.MAX_QR_DISAGREEMENT_MM:
        raise RegistrationError("marks_and_codes_disagree", f"{disagreement:.2f} mm")


def find_marks(gray: np.ndarray, layout: ManifestLayout, guess: np.ndarray, px_per_mm: float) -> dict[str, np.ndarray]:
    """The marks found around where ``guess`` puts them, searching again from the marks found.

    One code alone gives a guess that is good near it and several mm off 250 mm away (its
    corners are read to a pixel); marks found near the code, far apart from one another,
    give a much better map for the search of the others.
    """
    found: dict[str, np.ndarray] = {}
    while True:
        new = {name: corners for name, rect in layout["marks"].items()
               if name not in found and (corners := find_mark(gray, rect, guess, px_per_mm)) is not None}
        found |= new
        if not new or len(found) == len(layout["marks"]) or len(found) < T.MIN_MARKS_TO_REFINE:
            return found
        guess = affine(*mark_points(layout, found), similar=len(found) < T.MIN_MARKS)


def fit_marks(layout: ManifestLayout, found: dict[str, np.ndarray]) -> tuple[np.ndarray, float]:
    """The mapping from these marks' corners, and its worst corner residual in mm. Three
    marks make an affine map: a perspective read from three small squares goes wild at the
    fourth corner."""
    source, target = mark_points(layout, found)
    homography = fit(source, target) if len(found) >= 4 else affine(source, target)
    error = float(np.max(np.linalg.norm(project(homography, source) - target, axis=1))) / scale_of(homography)
    return homography, error


def qr_disagreement(homography: np.ndarray, qr_rects: list[list[float]], codes: list[Code]) -> float:
    """How far (mm) the decoded codes' corners are from where the mapping puts them.

    Four marks always fit *some* homography, even when one of them is a smudge: the codes,
    found independently, are the check that the mapping is the page's.
    """
    worst = 0.0
    for code in codes:
        errors = [np.max(np.linalg.norm(project(homography, rect_corners(r)) - code.corners, axis=1)) for r in qr_rects]
        worst = max(worst, float(min(errors)))
    return worst / scale_of(homography)


def initial_guesses(qr_rects: list[list[float]], codes: list[Code]) -> list[np.ndarray]:
    """Each way of pairing decoded codes with printed code places, most consistent first.

    With both codes read, the wrong pairing cannot fit 8 corners; with one, either place is
    possible and the marks found around each guess decide.
    """
    scored = []
    for places in permutations(range(len(qr_rects)), min(len(codes), len(qr_rects))):
        source = np.vstack([rect_corners(qr_rects[p]) for p in places])
        target = np.vstack([c.corners for c in codes[:len(places)]])
        homography = fit(source, target)
        scored.append((float(np.max(np.linalg.norm(project(homography, source) - target, axis=1))), homography))
    return [h for _, h in sorted(scored, key=lambda s: s[0])]


def mark_points(layout: ManifestLayout, found: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The found marks' corners: in page mm, and in image px."""
    return np.vstack([rect_corners(layout["marks"][name]) for name in found]), np.vstack(list(found.values()))


def fit(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """A homography from 8 points or more; below that an affine map, because perspective
    extrapolated from one 21 mm code to marks 250 mm away goes wildly wrong."""
    if len(source) >= 8:
        homography, _ = cv2.findHomography(source, target, 0)
        if homography is not None:
            return homography
    return affine(source, target)


def affine(source: np.ndarray, target: np.ndarray, similar: bool = False) -> np.ndarray:
    """An affine map; ``similar``: rotation, one scale and a shift only, all that two marks
    pin down (their two small squares say little of a shear or of a second scale)."""
    fit_map = cv2.estimateAffinePartial2D if similar else cv2.estimateAffine2D
    matrix, _ = fit_map(source, target, method=cv2.LMEDS)
    return np.vstack([matrix, [0, 0, 1]])


def scale_of(homography: np.ndarray) -> float:
    """Image px per page mm near the page centre."""
    centre = np.array([[105.0, 148.5], [106.0, 148.5], [105.0, 149.5]])
    a, b, c = project(homography, centre)
    (ux, uy), (vx, vy) = b - a, c - a
    return float(np.sqrt(abs(ux * vy - uy * vx)))


def find_mark(gray: np.ndarray, rect: list[float], guess: np.ndarray, px_per_mm: float) -> np.ndarray | None:
    """The mark's 4 corners (image px, in the mm rectangle's corner order), or None."""
    predicted = project(guess, rect_corners(rect))
    centre = predicted.mean(axis=0)
    for _ in range(2):
        found = square_near(gray, centre, rect[2] * px_per_mm, px_per_mm)
        if found is None:
            return None
        box, cut = found
        if not cut:
            return match_corners(cv2.boxPoints(box), predicted)
        centre = np.array(box[0])  # cut by the window's edge, its corners would be wrong: look again around it
    return None


def square_near(gray: np.ndarray, centre: np.ndarray, side_px: float, px_per_mm: float):
    """(the solid square nearest ``centre``, as an image-px rotated rect; whether the search
    window cut it, so that only a piece of it was seen), or None."""
    half = T.MARK_SEARCH_MM * px_per_mm
    x0, y0 = (max(0, int(v - half)) for v in centre)
    x1, y1 = int(min(gray.shape[1], centre[0] + half)), int(min(gray.shape[0], centre[1] + half))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    window = cv2.medianBlur(gray[y0:y1, x0:x1], 5)  # salt noise would pit the square, and the opening widen the pits
    _, dark = cv2.threshold(window, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    inner = (x0 > 0, y0 > 0, x1 < gray.shape[1], y1 < gray.shape[0])  # window edges inside the image
    best = best_square(solid(dark, side_px), side_px, centre - (x0, y0), inner)
    if best is None:
        # A mark printed near the sheet's edge, scanned on a black lid, is one blob with the
        # lid: look again on the sheet alone (only then: a mark found on the first look is
        # found as before). There the mark's outline may be the sheet's edge, the paper's
        # zoomed copy having lost a slice of it: only a mark that shows its whole side counts.
        whole = 1 - T.MARK_EDGE_CUT_MAX_MM * px_per_mm / side_px
        best = best_square(solid(on_sheet(dark), side_px), side_px, centre - (x0, y0), inner, whole)
    if best is None:
        return None
    (cx, cy), size, angle = best[0]
    return ((cx + x0, cy + y0), size, angle), best[1]


def solid(dark: np.ndarray, side_px: float) -> np.ndarray:
    """``dark`` opened by half a mark: that wipes thin things touching a mark (feeder streaks,
    table rules, a pen stroke, a sliver of lid) and leaves the solid square whole. Odd-sized:
    OpenCV anchors an even kernel off its centre, and its opening moves the square by a pixel."""
    kernel = np.ones((max(3, int(side_px * 0.4)) | 1,) * 2, np.uint8)
    return cv2.morphologyEx(dark, cv2.MORPH_OPEN, kernel)


def on_sheet(dark: np.ndarray) -> np.ndarray:
    """``dark`` without what lies outside the paper: the sheet is convex, so the convex hull
    of the window's paper (its light pixels) holds all of the sheet seen here, and no lid
    but slivers along its edges that the opening wipes. A mark touching the sheet's edge
    keeps its own outline there: paper shows on both sides of it along that edge."""
    contours, _ = cv2.findContours(cv2.bitwise_not(dark), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return dark
    sheet = np.zeros_like(dark)
    cv2.fillConvexPoly(sheet, cv2.convexHull(np.vstack(contours)), 255)
    return cv2.bitwise_and(dark, sheet)


def best_square(dark: np.ndarray, side_px: float, centre: np.ndarray, inner: tuple[bool, bool, bool, bool],
                whole: float = 1 - T.MARK_SIZE_TOLERANCE):
    """(rotated rect, cut) of the solid square nearest ``centre``, or None. A square cut by an
    edge of the window that is inside the image (``inner``: left, top, right, bottom) is
    only a piece of a mark: its full side must show along the edge that cut it. ``whole``:
    the shortest side, relative to ``side_px``, of a square the window did not cut."""
    contours, _ = cv2.findContours(dark, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    candidates = []
    for contour in contours:
        box = cv2.minAreaRect(contour)
        (cx, cy), (w, h), _ = box
        x, y, bw, bh = cv2.boundingRect(contour)
        edges = (x == 0, y == 0, x + bw == dark.shape[1], y + bh == dark.shape[0])
        cut = any(e and i for e, i in zip(edges, inner, strict=False))
        shortest = T.MARK_CUT_MIN if cut else whole
        if min(w, h) < side_px * shortest or max(w, h) > side_px * (1 + T.MARK_SIZE_TOLERANCE):
            continue
        if max(w, h) < side_px * (1 - T.MARK_SIZE_TOLERANCE) or cv2.contourArea(contour) < T.MARK_MIN_FILL * w * h:
            continue
        candidates.append((np.hypot(cx - centre[0], cy - centre[1]), box, cut))
    return min(candidates, key=lambda c: c[0])[1:] if candidates else None


def match_corners(corners: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """Order found corners like the predicted ones (the cyclic shift that fits best), each
    set about its own centre: a guess a mark's side off must not turn the square."""
    order = corners[np.argsort(np.arctan2(*(corners - corners.mean(axis=0)).T[::-1]))]
    shifts = [np.roll(order, k, axis=0) for k in range(4)] + [np.roll(order[::-1], k, axis=0) for k in range(4)]
    shape = predicted - predicted.mean(axis=0)
    return min(shifts, key=lambda c: float(np.sum(np.linalg.norm(c - c.mean(axis=0) - shape, axis=1))))


def refine_with_printed(gray: np.ndarray, registration: Registration, layout: ManifestLayout, rects: list[list[float]],
                        blank: np.ndarray) -> Registration:
    """The map refitted on the printed boxes themselves, found where the blank page has them.

    Three marks give an affine map only: a scan taken in perspective is then a mm or more off
    far from them, enough to read a box's outline as a mark. Every printed box is as good a
    mark as the corner squares, once looked for near where the affine map puts it.
    """
    source, target = mark_points(layout, registration.marks)
    anchors = [(centre, shift) for centre, shift in ((rect_centre(r), locate(gray, registration.homography, r, blank))
                                                      for r in rects) if shift is not None]
    if len(anchors) < T.MIN_ANCHORS:
        return registration
    source = np.vstack([source] + [centre for centre, _ in anchors])
    target = np.vstack([target] + [project(registration.homography, (centre + shift)[None]) for centre, shift in anchors])
    homography, _ = cv2.findHomography(source, target, cv2.RANSAC, T.ANCHOR_TOLERANCE_MM * registration.px_per_mm)
    if homography is None:
        return registration
    corners = len(registration.marks) * 4  # the marks' own corners come first
    error = float(np.max(np.linalg.norm(project(homography, source[:corners]) - target[:corners], axis=1)))
    return Registration(homography, error / scale_of(homography), scale_of(homography), registration.marks,
                        anchors=len(anchors))


def rect_centre(rect: list[float]) -> np.ndarray:
    return np.array([rect[0] + rect[2] / 2, rect[1] + rect[3] / 2])


def locate(gray: np.ndarray, homography: np.ndarray, rect: list[float], blank: np.ndarray) -> np.ndarray | None:
    """How far (mm) the printed box ``rect`` is from where ``homography`` puts it, or None."""
    k, reach = T.WARP_PX_PER_MM, round(T.ANCHOR_SEARCH_MM * T.WARP_PX_PER_MM)
    x0, y0 = round((rect[0] - T.ANCHOR_MARGIN_MM) * k), round((rect[1] - T.ANCHOR_MARGIN_MM) * k)
    w, h = round((rect[2] + 2 * T.ANCHOR_MARGIN_MM) * k), round((rect[3] + 2 * T.ANCHOR_MARGIN_MM) * k)
    template = blank[y0:y0 + h, x0:x0 + w]
    if template.shape != (h, w) or x0 < reach or y0 < reach:
        return None
    # the scan on the blank's own grid (pixel u is u / k mm), around the box
    to_image = homography @ np.diag([1 / k, 1 / k, 1.0]) @ np.array([[1, 0, x0 - reach], [0, 1, y0 - reach], [0, 0, 1]])
    patch = cv2.warpPerspective(gray, to_image, (w + 2 * reach, h + 2 * reach),
                                flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP, borderValue=255)
    scores = cv2.matchTemplate(patch, template, cv2.TM_CCOEFF_NORMED)
    _, peak, _, (px, py) = cv2.minMaxLoc(scores)
    if not peak >= T.ANCHOR_MIN_MATCH:
        return None
    return np.array([px - reach, py - reach], float) / k
