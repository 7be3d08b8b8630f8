"""Map the manifest's millimetres onto the scanned image, from the page's own marks.

1. The QR codes' corners give a first estimate (zxing-cpp reports them in the symbol's own
   order, so 0/90/180/270° and mirror-free skew come for free).
2. Each solid registration mark is searched for in a small window around its predicted
   place; its four corners come from the minimum-area rectangle of its outline.
3. A homography from all found corners (an affine map when only three marks are found)
   gives the first mapping. A mark the others and the codes contradict (a blob taken for it)
   is dropped.
4. With the blank printed page (``refine_with_printed``), the map is refitted on the printed
   boxes themselves, dozens per page: any marks and codes that pin the page down (one code
   and one mark) are then enough, and the fit is judged on the boxes being read. Where one
   homography leaves more than ``LOCAL_FIT_MM`` on them (feeder stretch, curl), a smooth
   correction interpolated between the boxes is added (``Registration.correction``).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import permutations

import cv2
import numpy as np

from cagettes.core.records import ManifestLayout
from cagettes.scan import thresholds as T
from cagettes.scan.identify import Code


class RegistrationError(Exception):
    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason  # too_few_marks | fit_error | marks_and_codes_disagree | anchors_disagree
        self.detail = detail


@dataclass
class Registration:
    homography: np.ndarray  # 3 × 3, page mm → image px
    error_mm: float  # worst corner residual
    px_per_mm: float
    marks: dict[str, np.ndarray] = field(default_factory=dict)  # the marks used: their corners in image px
    anchors: int = 0  # printed boxes the map was refitted on, or checked on (see refine_with_printed)
    # mm added to a page point before ``homography``, at the nodes of a LOCAL_GRID_MM grid from the
    # page's top left corner (rows, columns, x/y): what one homography cannot follow (see local_fit)
    correction: np.ndarray | None = None
    codes: int = 0  # decoded codes the first map was made with (besides the marks)

    @property
    def marks_found(self) -> int:
        return len(self.marks)

    def to_image(self, points_mm: np.ndarray) -> np.ndarray:
        """Page mm → image px, the local correction included."""
        points_mm = np.asarray(points_mm, dtype=np.float64).reshape(-1, 2)
        if self.correction is not None:
            points_mm = points_mm + correction_at(self.correction, points_mm)
        return project(self.homography, points_mm)

    def page_maps(self, size: tuple[int, int], px_per_mm: float) -> tuple[np.ndarray, np.ndarray]:
        """For ``cv2.remap``: the image px of every pixel of a page grid (see ``image_maps``)."""
        return image_maps(self, size, px_per_mm)


def rect_corners(rect: list[float]) -> np.ndarray:
    x, y, w, h = rect
    return np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float64)


def project(homography: np.ndarray, points_mm: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(points_mm.reshape(-1, 1, 2), homography).reshape(-1, 2)


def register(gray: np.ndarray, layout: ManifestLayout, codes: list[Code],
             refine: Callable[[Registration], Registration] | None = None) -> Registration:
    """The page's map from its marks and codes. Without ``refine``, three marks at least are
    needed. With it (``refine_with_printed``: the map refitted on the printed boxes), any marks
    and codes that pin the page down are enough (``MIN_FEATURES``: one code and one mark), and
    the boxes judge the map before the codes check it."""
    candidates: list[tuple[dict[str, np.ndarray], tuple[int, ...]]] = []
    for guess, places in initial_guesses(layout["qr"], codes):
        px_per_mm = scale_of(guess)
        if not T.MIN_PX_PER_MM <= px_per_mm <= T.MAX_PX_PER_MM:
            continue  # a degenerate pairing of codes, not a page at any scanner resolution
        attempt = find_marks(gray, layout, guess, px_per_mm)
        candidates.append((consistent_marks(layout, attempt, code_points(layout["qr"], codes, places)), places))
        if len(attempt) == len(layout["marks"]):
            break
    candidates.sort(key=lambda c: -len(c[0]))  # stable: the most consistent pairing first among equals
    if refine is None:
        return register_on_marks(layout, candidates[0][0] if candidates else {}, codes)
    failure = RegistrationError("too_few_marks", f"0/{len(layout['marks'])}")
    for found, places in candidates[:T.MAX_PAIRINGS_TRIED]:
        try:
            registration = refine(first_map(layout, found, code_points(layout["qr"], codes, places)))
            if registration.marks_found < T.MIN_MARKS and registration.anchors < T.MIN_ANCHORS:
                raise RegistrationError("too_few_marks", f"{registration.marks_found}/{len(layout['marks'])}, "
                                        f"{registration.anchors} boxes")
            check(registration, layout, codes)
            return registration
        except RegistrationError as error:
            failure = error
    raise failure


def register_on_marks(layout: ManifestLayout, found: dict[str, np.ndarray], codes: list[Code]) -> Registration:
    """The map from three marks or more, checked against the codes (no printed page to refit on)."""
    if len(found) < T.MIN_MARKS:
        raise RegistrationError("too_few_marks", f"{len(found)}/{len(layout['marks'])}")
    homography, error = fit_marks(layout, found)
    if qr_disagreement(homography, layout["qr"], codes) > T.MAX_QR_DISAGREEMENT_MM and len(found) > T.MIN_MARKS:
        # One "mark" may be a smudge or a damaged corner: keep the three that agree with the codes.
        subsets = [{k: v for k, v in found.items() if k != left_out} for left_out in found]
        found = min(subsets, key=lambda marks: qr_disagreement(fit_marks(layout, marks)[0], layout["qr"], codes))
        homography, error = fit_marks(layout, found)
    registration = Registration(homography, error, scale_of(homography), found)
    check(registration, layout, codes)
    return registration


def first_map(layout: ManifestLayout, found: dict[str, np.ndarray], codes: tuple[np.ndarray, np.ndarray]) -> Registration:
    """The map the boxes are first looked for with: the marks' homography when all are found,
    else a map from the marks and the decoded codes' corners together (a similarity from two
    of them, an affine map from three or more), or ``too_few_marks`` when they do not pin the
    page down."""
    if len(found) == len(layout["marks"]) and len(found) >= 4:
        homography, error = fit_marks(layout, found)
        return Registration(homography, error, scale_of(homography), found)
    features = len(found) + len(codes[0]) // 4
    if not pins_down(layout, list(found), list(range(len(codes[0]) // 4))):
        raise RegistrationError("too_few_marks", f"{len(found)}/{len(layout['marks'])}, {len(codes[0]) // 4} code(s)")
    source, target = mark_points(layout, found) if found else (np.zeros((0, 2)), np.zeros((0, 2)))
    source, target = np.vstack([source, codes[0]]), np.vstack([target, codes[1]])
    homography = affine(source, target, similar=features < 3)
    error = float(np.max(np.linalg.norm(project(homography, source) - target, axis=1))) / scale_of(homography)
    return Registration(homography, error, scale_of(homography), found, codes=len(codes[0]) // 4)


def pins_down(layout: ManifestLayout, marks: list[str], codes: list[int]) -> bool:
    """Whether these marks (names) and decoded codes (places) are enough for a first map that
    the printed boxes then refit: ``MIN_FEATURES`` of them (one code and one mark, two codes,
    two marks...). A code is four corners 21 mm apart, a mark four 7 mm apart: two of them
    give a similarity whose error, far from them, is what the boxes' search window allows
    (``ANCHOR_SEARCH_MM``), and the boxes near them then correct it."""
    return len(set(marks) & set(layout["marks"])) + len(set(codes)) >= T.MIN_FEATURES


def code_points(qr_rects: list[list[float]], codes: list[Code], places: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The decoded codes' corners paired with printed code places ``places``: in page mm, in image px."""
    if not places:
        return np.zeros((0, 2)), np.zeros((0, 2))
    return (np.vstack([rect_corners(qr_rects[p]) for p in places]),
            np.vstack([np.asarray(c.corners, dtype=np.float64) for c in codes[:len(places)]]))


def consistent_marks(layout: ManifestLayout, found: dict[str, np.ndarray],
                     codes: tuple[np.ndarray, np.ndarray]) -> dict[str, np.ndarray]:
    """``found`` without the marks the others and the codes contradict: a dark blob near a
    corner, taken for its mark, lies several mm off the homography of all the rest. Judged
    only where the rest (marks and codes) still make a homography (four features or more)."""
    found = dict(found)
    if len(found) >= 4 and len(codes[0]):
        homography, _ = fit_marks(layout, found)
        if np.max(np.linalg.norm(project(homography, codes[0]) - codes[1], axis=1)) / scale_of(homography) \
                <= T.MAX_QR_DISAGREEMENT_MM:
            return found  # the ordinary page: its marks' map puts the codes where they were read
    while len(found) >= 2:
        worst, name = 0.0, ""
        for left_out in found:
            others = {k: v for k, v in found.items() if k != left_out}
            if len(others) + len(codes[0]) // 4 < 4:
                return found
            source, target = mark_points(layout, others)
            homography = fit(np.vstack([source, codes[0]]), np.vstack([target, codes[1]]))
            predicted = project(homography, rect_corners(layout["marks"][left_out]))
            off = float(np.max(np.linalg.norm(predicted - found[left_out], axis=1))) / scale_of(homography)
            if off > worst:
                worst, name = off, left_out
        if worst <= T.MARK_OUTLIER_MM:
            return found
        del found[name]
    return found


def check(registration: Registration, layout: ManifestLayout, codes: list[Code]) -> None:
    """Refuse a map that does not fit its own marks (or boxes), or that the codes contradict."""
    if registration.error_mm > T.MAX_FIT_ERROR_MM:
        raise RegistrationError("fit_error", f"{registration.error_mm:.2f} mm")
    disagreement = qr_disagreement(registration, layout["qr"], codes)
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


def qr_disagreement(mapping: np.ndarray | Registration, qr_rects: list[list[float]], codes: list[Code]) -> float:
    """How far (mm) the decoded codes' corners are from where the mapping (a homography, or a
    registration with its local correction) puts them.

    Four marks always fit *some* homography, even when one of them is a smudge: the codes,
    found independently, are the check that the mapping is the page's.
    """
    homography = mapping.homography if isinstance(mapping, Registration) else mapping
    to_image = mapping.to_image if isinstance(mapping, Registration) else (lambda points: project(homography, points))
    worst = 0.0
    for code in codes:
        errors = [np.max(np.linalg.norm(to_image(rect_corners(r)) - code.corners, axis=1)) for r in qr_rects]
        worst = max(worst, float(min(errors)))
    return worst / scale_of(homography)


def initial_guesses(qr_rects: list[list[float]], codes: list[Code]) -> list[tuple[np.ndarray, tuple[int, ...]]]:
    """Each way of pairing decoded codes with printed code places (the map it gives, the
    places of ``codes`` in order), most consistent first.

    With both codes read, the wrong pairing cannot fit 8 corners; with one, either place is
    possible and the marks found around each guess decide.
    """
    if not codes:
        return []
    scored = []
    for places in permutations(range(len(qr_rects)), min(len(codes), len(qr_rects))):
        source = np.vstack([rect_corners(qr_rects[p]) for p in places])
        target = np.vstack([c.corners for c in codes[:len(places)]])
        homography = fit(source, target)
        scored.append((float(np.max(np.linalg.norm(project(homography, source) - target, axis=1))), homography, places))
    return [(h, places) for _, h, places in sorted(scored, key=lambda s: s[0])]


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
    striped = best is not None and not best[1] and not squarish(best[0], dark)
    if striped:
        best = None  # a banded mark, of which the threshold and opening kept a piece only: see below
    if best is None and not striped:
        # A mark printed near the sheet's edge, scanned on a black lid, is one blob with the
        # lid: look again on the sheet alone (only then: a mark found on the first look is
        # found as before). There the mark's outline may be the sheet's edge, the paper's
        # zoomed copy having lost a slice of it: only a mark that shows its whole side counts.
        whole = 1 - T.MARK_EDGE_CUT_MAX_MM * px_per_mm / side_px
        best = best_square(solid(on_sheet(dark), side_px), side_px, centre - (x0, y0), inner, whole)
    if best is None:
        # A worn drum prints solid areas with light stripes across the feed: the mark is then
        # bars, which the opening wipes. Close the stripes (no wider than BANDING_GAP_MM) along
        # the feed only, not to join the mark to the print beside it, then look again.
        # Its stripes are grey, lighter than the mark but darker than paper: a threshold near
        # the paper keeps them (Otsu's, between paper and black, may not).
        paper, black = np.percentile(window, (95, 2))
        level = paper - T.BANDING_LEVEL * (paper - black)
        banded = (window < level).astype(np.uint8) * 255
        gap = np.ones((max(3, int(T.BANDING_GAP_MM * px_per_mm)) | 1, 1), np.uint8)
        best = best_square(solid(cv2.morphologyEx(banded, cv2.MORPH_CLOSE, gap), side_px), side_px,
                           centre - (x0, y0), inner)
        if best is not None and not best[1] and not squarish(best[0], banded):
            best = None
    if best is None:
        return None
    (cx, cy), size, angle = best[0]
    return ((cx + x0, cy + y0), size, angle), best[1]


def squarish(box, dark: np.ndarray) -> bool:
    """Whether a found square, not cut by its window, is a whole mark: as wide as high
    (``MARK_MAX_ASPECT``) and solid in its middle (``MARK_SOLID_FILL``). A banded mark's
    stripes, taken for paper, leave a shorter piece or bars."""
    (cx, cy), (w, h), angle = box
    if max(w, h) > T.MARK_MAX_ASPECT * min(w, h):
        return False
    mask = np.zeros(dark.shape, np.uint8)
    inset = cv2.boxPoints(((cx, cy), (w * T.MARK_FILL_INSET, h * T.MARK_FILL_INSET), angle))
    cv2.fillConvexPoly(mask, np.round(inset).astype(np.int32), 1)
    inside = mask.astype(bool)
    return not inside.any() or float(np.count_nonzero(dark[inside])) / int(inside.sum()) >= T.MARK_SOLID_FILL


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

    Three marks give an affine map only, one code and one mark a similarity: far from them a
    scan in perspective is a mm or more off, enough to read a box's outline as a mark. Every
    printed box is as good a mark as the corner squares, once looked for near where the first
    map puts it; twice, the second time from the map the first boxes gave. The fit is then
    judged on the boxes (``error_mm``: their worst residual), and where one homography leaves
    more than ``LOCAL_FIT_MM`` on them a smooth local correction is added (``local_fit``).

    The ordinary page (all marks found, fitting well) is only checked on a few boxes spread
    over it (``QUICK_ANCHORS``), and kept as it is when they agree with it.
    """
    if registration.marks_found == len(layout["marks"]) and registration.error_mm <= T.LOCAL_FIT_MM:
        sample = spread(rects, T.QUICK_ANCHORS)
        shifts = [shift for r in sample if (shift := locate(gray, registration.homography, r, blank)) is not None]
        if len(shifts) >= T.QUICK_ANCHORS_MIN and max(float(np.hypot(*v)) for v in shifts) <= T.LOCAL_FIT_MM:
            return replace(registration, anchors=len(shifts))
    homography, marks = registration.homography, dict(registration.marks)
    centres = observed = np.zeros((0, 2))
    for _ in range(T.ANCHOR_ROUNDS):
        located = [(rect_centre(r), shift) for r in rects if (shift := locate(gray, homography, r, blank)) is not None]
        if len(located) < T.MIN_ANCHORS:
            return registration  # too few boxes to judge this map: the marks alone do (see register)
        centres = np.array([c for c, _ in located])
        observed = project(homography, centres + np.array([v for _, v in located]))
        refitted = fit_anchors(layout, marks, centres, observed, registration.px_per_mm)
        if refitted is None:
            return registration
        homography, marks = refitted
    return judge_on_anchors(registration, layout, homography, marks, centres, observed)


def fit_anchors(layout: ManifestLayout, marks: dict[str, np.ndarray], centres: np.ndarray, observed: np.ndarray,
                px_per_mm: float) -> tuple[np.ndarray, dict[str, np.ndarray]] | None:
    """(the homography of the boxes found and of the marks that agree with them), or None.
    RANSAC keeps the boxes that agree (a box matched on its neighbour is an outlier). A mark
    must agree with its nearest boxes (``MARK_ANCHOR_MM``, and ``MARK_ANCHOR_SLOPE`` of the way
    to them), not with the whole page's map: a feeder's slip moves the bottom marks and the
    boxes near them alike, and marks far from any box by up to 2 % of the distance; a blob
    taken for a mark lies several mm off."""
    homography, _ = cv2.findHomography(centres, observed, cv2.RANSAC, T.ANCHOR_TOLERANCE_MM * px_per_mm)
    if homography is None:
        return None
    agreeing = {name: corners for name, corners in marks.items()
                if mark_agrees(rect_corners(layout["marks"][name]), corners, centres, observed, px_per_mm)}
    if agreeing:
        source, target = mark_points(layout, agreeing)
        refitted, _ = cv2.findHomography(np.vstack([source, centres]), np.vstack([target, observed]), cv2.RANSAC,
                                         T.ANCHOR_TOLERANCE_MM * px_per_mm)
        homography = refitted if refitted is not None else homography
    return homography, agreeing


def mark_agrees(source: np.ndarray, corners: np.ndarray, centres: np.ndarray, observed: np.ndarray,
                px_per_mm: float) -> bool:
    """Whether a mark (its printed corners, mm; found, px) lies where its nearest boxes put it,
    within ``MARK_ANCHOR_MM`` plus ``MARK_ANCHOR_SLOPE`` of the way to them. Their own affine
    map says where, not the whole page's homography: below a header without boxes, a
    homography of boxes stretched by a slip goes several mm wrong at the top corners (its
    perspective terms), where a straight map of the nearest boxes errs by the stretch only."""
    distance = np.linalg.norm(centres - source.mean(axis=0), axis=1)
    nearest = np.argsort(distance)[:T.MARK_ANCHOR_BOXES]
    near, seen = centres[nearest], observed[nearest]
    if np.linalg.matrix_rank(near - near.mean(axis=0), tol=1.0) < 2:
        return True  # one row or column of boxes says nothing across it: the marks judge themselves
    predicted = project(affine(near, seen), source)
    off = float(np.linalg.norm((predicted - corners).mean(axis=0))) / px_per_mm
    return off <= T.MARK_ANCHOR_MM + T.MARK_ANCHOR_SLOPE * float(np.median(distance[nearest]))


def judge_on_anchors(registration: Registration, layout: ManifestLayout, homography: np.ndarray,
                     marks: dict[str, np.ndarray], centres: np.ndarray, observed: np.ndarray) -> Registration:
    """The refitted map, judged on its boxes: ``anchors_disagree`` when fewer than
    ``MIN_ANCHOR_AGREEMENT`` of them agree with their neighbours; else with a local correction
    when the homography leaves more than ``LOCAL_FIT_MM`` on them, and the boxes' worst
    residual (after it) as its fit error."""
    k = scale_of(homography)
    residual = unproject(homography, observed) - centres
    agree = agreeing_anchors(centres, residual)
    if agree.sum() < max(T.MIN_ANCHORS, T.MIN_ANCHOR_AGREEMENT * len(centres)):
        if registration.marks_found == len(layout["marks"]):
            return registration  # all marks found: they judge their map, as they always did
        raise RegistrationError("anchors_disagree", f"{int(agree.sum())}/{len(centres)} boxes agree")
    points, errors = centres[agree], residual[agree]
    if marks:  # the marks too: the correction must reach the page's corners, where the codes are
        mark_source, mark_target = mark_points(layout, marks)
        points = np.vstack([points, mark_source])
        errors = np.vstack([errors, unproject(homography, mark_target) - mark_source])
    correction = None
    worst = float(np.max(np.linalg.norm(errors, axis=1)))
    if worst > T.LOCAL_FIT_MM:
        correction = local_fit(points, errors, layout["width"], layout["height"])
        worst = float(np.max(np.linalg.norm(errors - correction_at(correction, points), axis=1)))
    return Registration(homography, worst, k, marks, anchors=int(agree.sum()), correction=correction,
                        codes=registration.codes)


def agreeing_anchors(centres: np.ndarray, residual: np.ndarray) -> np.ndarray:
    """Which boxes agree with their neighbours: a box's residual (mm) within
    ``ANCHOR_NEIGHBOUR_MM`` of the median of its ``ANCHOR_NEIGHBOURS`` nearest ones'. A page
    stretched or curled moves neighbouring boxes alike; a box matched on the wrong place does not."""
    n = len(centres)
    if n <= 2:
        return np.ones(n, bool)
    distance = np.linalg.norm(centres[:, None] - centres[None], axis=2)
    np.fill_diagonal(distance, np.inf)
    nearest = np.argsort(distance, axis=1)[:, :min(T.ANCHOR_NEIGHBOURS, n - 1)]
    expected = np.median(residual[nearest], axis=1)
    return np.linalg.norm(residual - expected, axis=1) <= T.ANCHOR_NEIGHBOUR_MM


def unproject(homography: np.ndarray, points_px: np.ndarray) -> np.ndarray:
    """Image px → page mm by the inverse of ``homography``."""
    return project(np.linalg.inv(homography), np.asarray(points_px, dtype=np.float64))


def spread(rects: list[list[float]], count: int) -> list[list[float]]:
    """``count`` of ``rects`` spread over the page: the nearest to each point of a grid over them."""
    if len(rects) <= count:
        return list(rects)
    centres = np.array([rect_centre(r) for r in rects])
    (x0, y0), (x1, y1) = centres.min(axis=0), centres.max(axis=0)
    columns = 3 if count >= 9 else 2
    rows = -(-count // columns)
    chosen: list[int] = []
    for gy in np.linspace(y0, y1, rows):
        for gx in np.linspace(x0, x1, columns):
            order = np.argsort(np.hypot(centres[:, 0] - gx, centres[:, 1] - gy))
            chosen.append(next(int(i) for i in order if int(i) not in chosen))
    return [rects[i] for i in chosen[:count]]


def local_fit(points: np.ndarray, errors: np.ndarray, width_mm: float, height_mm: float) -> np.ndarray:
    """The smooth correction (mm, at the nodes of a ``LOCAL_GRID_MM`` grid) that takes the
    homography's residuals ``errors`` at page ``points`` away: bilinear between nodes, fitted
    by least squares with a membrane (neighbouring nodes alike, ``LOCAL_SMOOTHING``), so that
    it follows a feeder's uneven stretch or a curled edge, never one box's noise."""
    g = T.LOCAL_GRID_MM
    columns, rows = int(np.ceil(width_mm / g)) + 1, int(np.ceil(height_mm / g)) + 1
    n = rows * columns
    weights = bilinear_weights(points, rows, columns)  # (points, n)
    smooth = []
    for r in range(rows):
        for c in range(columns):
            for dr, dc in ((0, 1), (1, 0)):
                if r + dr < rows and c + dc < columns:
                    line = np.zeros(n)
                    line[r * columns + c], line[(r + dr) * columns + c + dc] = 1.0, -1.0
                    smooth.append(line)
    membrane = np.array(smooth)
    system = weights.T @ weights + T.LOCAL_SMOOTHING * membrane.T @ membrane + 1e-9 * np.eye(n)
    nodes = np.linalg.solve(system, weights.T @ errors)  # (n, 2)
    return nodes.reshape(rows, columns, 2)


def bilinear_weights(points: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """(points, rows × columns): each point's bilinear weights on the grid's nodes."""
    g = T.LOCAL_GRID_MM
    fx = np.clip(points[:, 0] / g, 0, columns - 1 - 1e-9)
    fy = np.clip(points[:, 1] / g, 0, rows - 1 - 1e-9)
    ix, iy = np.floor(fx).astype(int), np.floor(fy).astype(int)
    tx, ty = fx - ix, fy - iy
    weights = np.zeros((len(points), rows * columns))
    at = np.arange(len(points))
    for dy, dx, w in ((0, 0, (1 - tx) * (1 - ty)), (0, 1, tx * (1 - ty)), (1, 0, (1 - tx) * ty), (1, 1, tx * ty)):
        np.add.at(weights, (at, (iy + dy) * columns + ix + dx), w)
    return weights


def correction_at(correction: np.ndarray, points: np.ndarray) -> np.ndarray:
    """The local correction (mm) at page ``points`` (mm)."""
    rows, columns = correction.shape[:2]
    return bilinear_weights(points, rows, columns) @ correction.reshape(-1, 2)


def image_maps(registration: Registration, size: tuple[int, int], px_per_mm: float) -> tuple[np.ndarray, np.ndarray]:
    """For ``cv2.remap``: the image px of each pixel of a page grid of ``size`` (width, height)
    at ``px_per_mm``, the local correction included (``Registration.to_image``, for every pixel)."""
    width, height = size
    xs, ys = np.arange(width, dtype=np.float64) / px_per_mm, np.arange(height, dtype=np.float64) / px_per_mm
    dx = dy = None
    if registration.correction is not None:
        rows, columns = registration.correction.shape[:2]
        across = bilinear_weights(np.stack([xs, np.zeros_like(xs)], axis=1), 1, columns)  # (width, columns)
        down = bilinear_weights(np.stack([np.zeros_like(ys), ys], axis=1), rows, 1)  # (height, rows)
        dx = (down @ registration.correction[:, :, 0] @ across.T).astype(np.float32)
        dy = (down @ registration.correction[:, :, 1] @ across.T).astype(np.float32)
    px = np.broadcast_to(xs.astype(np.float32)[None, :], (height, width))
    py = np.broadcast_to(ys.astype(np.float32)[:, None], (height, width))
    if dx is not None and dy is not None:
        px, py = px + dx, py + dy
    h = registration.homography.astype(np.float32)
    w = h[2, 0] * px + h[2, 1] * py + h[2, 2]
    map_x = (h[0, 0] * px + h[0, 1] * py + h[0, 2]) / w
    map_y = (h[1, 0] * px + h[1, 1] * py + h[1, 2]) / w
    return map_x.astype(np.float32), map_y.astype(np.float32)


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
