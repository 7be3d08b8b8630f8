"""One scanned page, from pixels to an outcome: accepted, needs review, or rejected.

Pure computation on an image and the month's manifest: no database, no files. The pipeline
(``scan.pipeline``) stores what this returns.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from cagettes.core.records import Manifest, ManifestBox, ManifestLayout, ManifestPage
from cagettes.forms.manifest import page_boxes
from cagettes.scan import thresholds as T
from cagettes.scan.decide import (
    CANCELLED,
    DOUBTFUL,
    EMPTY,
    MARKED,
    BoxDecision,
    Line,
    apply_rules,
    decide_box,
    page_empty_max,
    page_trace_max,
)
from cagettes.scan.identify import Code, identify
from cagettes.scan.measure import (
    BoxReading,
    Calibration,
    calibrate,
    crop,
    despeckle,
    flatten_light,
    printed_ink,
    read_boxes,
    remove_dust_lines,
    scanned_area,
    warp,
    zone_ink,
)
from cagettes.scan.photo import find_sheet, sheet_from_codes
from cagettes.scan.register import (
    Registration,
    RegistrationError,
    find_marks,
    fit_marks,
    project,
    rect_corners,
    refine_with_printed,
    register,
    scale_of,
)

ACCEPTED, REVIEW, REJECTED = "accepted", "needs_review", "rejected"
COLOURS = {EMPTY: (170, 170, 170), MARKED: (0, 160, 0), CANCELLED: (160, 0, 160), DOUBTFUL: (0, 0, 230)}  # BGR


@dataclass
class PageResult:
    outcome: str
    reason: str = ""  # for a rejected page: why; for review: the first reason
    page_id: str = ""
    page: ManifestPage | None = None  # the manifest entry
    fit_error_mm: float | None = None
    decisions: dict[str, BoxDecision] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    review_reasons: list[str] = field(default_factory=list)
    comment: np.ndarray | None = None  # crop of the comment zone when inked
    overlay: np.ndarray | None = None  # BGR picture for volunteers
    registered: np.ndarray | None = None  # the normalised grey page, for crops on the review page
    detail: str = ""


def recognise(gray: np.ndarray, manifest: Manifest, pages_by_id: dict[str, ManifestPage], secret: str,
              draw: bool = True, reference: Callable[[ManifestPage], np.ndarray | None] | None = None) -> PageResult:
    """``reference(page)`` may give the blank printed page on the normalised grid (see
    ``scan.reference``), so that printing around boxes is never mistaken for a mark.
    A phone photo is first straightened and its light flattened (``scan.photo``): it is then
    read as a scan; one too small, too blurred or without a sheet to be seen is refused."""
    sheet = find_sheet(gray)
    no_sheet = sheet.kind == "refused" and sheet.reason == "photo_no_sheet"
    if sheet.kind == "refused" and not no_sheet:
        measured = [f"{name} {value:.2f}" for name, value in
                    (("effective_dpi", sheet.effective_dpi), ("sharpness", sheet.sharpness)) if value is not None]
        return PageResult(REJECTED, sheet.reason, detail=", ".join(measured))
    if sheet.kind == "photo" and sheet.image is not None:
        gray = sheet.image
    ident = identify(gray, secret, manifest["month"])
    if ident.page_id is None and no_sheet and ident.reason == "unreadable_code":
        # No sheet outlined and no code read: a photo of something else, or of the sheet on a
        # table as light as it. A page whose codes read is read as it is (a scan on a light lid).
        return PageResult(REJECTED, "photo_no_sheet", ident.text, detail=ident.detail)
    if ident.page_id is None:
        return PageResult(REJECTED, ident.reason, ident.text, detail=ident.detail)
    page = pages_by_id.get(ident.text)
    if page is None:
        return PageResult(REJECTED, "not_in_manifest", ident.text)
    blank = reference(page) if reference else None
    layout = manifest["layouts"][page["layout"]]
    try:
        registration = register_page(gray, layout, ident.codes, blank)
    except RegistrationError as error:
        # A photo whose sheet was not outlined (a table as light as paper) and did not register
        # as it is: straightened from its two codes, its light flattened, and registered again.
        straightened = sheet_from_codes(gray, layout["qr"], ident.codes) if no_sheet else None
        if straightened is not None and straightened.kind == "refused":
            return PageResult(REJECTED, straightened.reason, ident.text, page, detail=f"effective_dpi {straightened.effective_dpi:.2f}"
                              + (f", sharpness {straightened.sharpness:.2f}" if straightened.sharpness is not None else ""))
        again = identify(straightened.image, secret, manifest["month"]) if straightened is not None and straightened.image is not None else None
        if straightened is None or straightened.image is None or again is None or again.text != ident.text:
            return PageResult(REJECTED, "registration_failed", ident.text, page, detail=error.detail)
        gray = straightened.image
        try:
            registration = register_page(gray, layout, again.codes, blank)
        except RegistrationError as still:
            return PageResult(REJECTED, "registration_failed", ident.text, page, detail=still.detail)
    return read_page(gray, manifest, page, registration, draw, blank)


def register_page(gray: np.ndarray, layout: ManifestLayout, codes: list, blank: np.ndarray | None) -> Registration:
    """The marks' map, refitted on the printed boxes when a mark is missing (see
    ``refine_with_printed``)."""
    if blank is None:
        return register(gray, layout, codes)
    rects = [box["rect"] for box in layout["boxes"]]
    return register(gray, layout, codes, lambda found: refine_with_printed(gray, found, layout, rects, blank))


@dataclass
class Measured:
    """A registered page's boxes read: the normalised page, and what each box holds."""

    flat: np.ndarray
    calibration: Calibration
    boxes: list[ManifestBox]
    readings: list[BoxReading]
    decisions: dict[str, BoxDecision]


def measure_page(gray, manifest: Manifest, page: ManifestPage, registration, blank: np.ndarray | None) -> Measured:
    layout = manifest["layouts"][page["layout"]]
    boxes = page_boxes(manifest, page)
    printed = printed_ink(blank) if blank is not None else None
    speckled = remove_dust_lines(warp(gray, registration, layout["width"], layout["height"]), printed)
    scanned = scanned_area(gray.shape, registration, speckled.shape)
    speckled, paper = flatten_light(speckled, printed, boxes, scanned)
    flat = despeckle(speckled)
    calibration = calibrate(flat, layout["marks"], scanned, printed)
    readings = read_boxes(flat, boxes, calibration, blank, speckled, paper, printed)
    empty_max, trace_max = page_empty_max(readings), page_trace_max(readings)
    return Measured(flat, calibration, boxes, readings, {r.id: decide_box(r, empty_max, trace_max) for r in readings})


def read_page(gray, manifest: Manifest, page: ManifestPage, registration, draw: bool, blank: np.ndarray | None) -> PageResult:
    layout = manifest["layouts"][page["layout"]]
    measured = measure_page(gray, manifest, page, registration, blank)
    flat, boxes, decisions = measured.flat, measured.boxes, measured.decisions
    lines = apply_rules(boxes, decisions)
    reasons = doubt_reasons(lines)
    result = PageResult(REVIEW if reasons else ACCEPTED, reasons[0] if reasons else "", page["id"], page,
                        registration.error_mm, decisions, lines, reasons)
    comment = layout["zones"].get("comment")
    if comment and zone_ink(flat, comment, measured.calibration) >= T.COMMENT_INK_MIN:
        result.comment = crop(flat, comment).copy()
    if draw:
        result.overlay = draw_overlay(flat, boxes, decisions, result)
    result.registered = flat
    return result


def doubt_reasons(lines: list[Line]) -> list[str]:
    """Why a page needs a volunteer, one ``kind:product:reason`` per doubtful line."""
    return [f"{line.kind}:{line.product or ''}:{line.reason}" for line in lines if line.status == "doubtful"]


def draw_overlay(flat: np.ndarray, boxes: list[ManifestBox], decisions: dict[str, BoxDecision], result: PageResult) -> np.ndarray:
    """Boxes coloured by decision on the normalised page, the identifier and outcome on top."""
    k = T.WARP_PX_PER_MM
    picture = cv2.cvtColor(flat, cv2.COLOR_GRAY2BGR)
    for box in boxes:
        x, y, w, h = (round(v * k) for v in box["rect"])
        decision = decisions[box["id"]]
        thickness = 1 if decision.state == EMPTY else 4
        cv2.rectangle(picture, (x - 3, y - 3), (x + w + 3, y + h + 3), COLOURS[decision.state], thickness)
    rects = {box["id"]: box["rect"] for box in boxes}
    for line in result.lines:
        if line.status == "doubtful":  # the whole group a volunteer must look at
            x0 = min(rects[b][0] for b in line.boxes) - 2.5
            y0 = min(rects[b][1] for b in line.boxes) - 2.5
            x1 = max(rects[b][0] + rects[b][2] for b in line.boxes) + 2.5
            y1 = max(rects[b][1] + rects[b][3] for b in line.boxes) + 2.5
            cv2.rectangle(picture, (round(x0 * k), round(y0 * k)), (round(x1 * k), round(y1 * k)), (0, 0, 230), 3)
    banner = f"{result.page_id}  {result.outcome}" + (f"  ({len(result.review_reasons)})" if result.review_reasons else "")
    cv2.rectangle(picture, (0, 0), (picture.shape[1], 48), (255, 255, 255), -1)
    colour = (0, 130, 0) if result.outcome == ACCEPTED else (0, 0, 200)
    cv2.putText(picture, banner, (10, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.1, colour, 2, cv2.LINE_AA)
    return picture


# ---------------------------------------------------------------- a page named by a volunteer

# Review reason of a page on which no code could be read: it waits for a volunteer to say which
# printed page it is (the identifier printed in clear beside the codes), then is read as that page.
NEEDS_IDENTITY = "needs_identity"


def recognise_as(gray: np.ndarray, manifest: Manifest, page: ManifestPage, draw: bool = True,
                 reference: Callable[[ManifestPage], np.ndarray | None] | None = None) -> PageResult:
    """Read ``gray`` as the printed ``page`` a volunteer named, its codes being unreadable: the
    codes' places are found from the corner marks alone (``codes_from_marks``), then the page is
    registered and read like any other. A phone photo is straightened first, as by ``recognise``."""
    sheet = find_sheet(gray)
    if sheet.kind == "photo" and sheet.image is not None:
        gray = sheet.image
    layout = manifest["layouts"][page["layout"]]
    blank = reference(page) if reference else None
    try:
        registration = register_page(gray, layout, codes_from_marks(gray, layout, blank), blank)
    except RegistrationError as error:
        return PageResult(REJECTED, "registration_failed", page["id"], page, detail=error.detail)
    return read_page(gray, manifest, page, registration, draw, blank)


def codes_from_marks(gray: np.ndarray, layout: ManifestLayout, blank: np.ndarray | None) -> list:
    """Where the page's codes are printed, as ``register`` takes decoded codes (their corners in
    image px), found without them: from the corner marks, at each quarter turn of the sheet.
    The four marks look alike upside down: the blank printed page tells which way up the scan
    is (without it, the scan is taken as it is)."""
    squares = solid_squares(gray, layout)
    fits = [fit for turn in range(4) if (fit := marks_fit(gray, layout, turn, squares)) is not None]
    if not fits:
        raise RegistrationError("too_few_marks", f"0/{len(layout['marks'])}")
    most = max(found for found, _ in fits)
    homographies = [homography for found, homography in fits if found == most]
    if blank is not None and len(homographies) > 1:
        homographies.sort(key=lambda h: -blank_match(gray, h, blank))
    return [Code("", project(homographies[0], rect_corners(rect))) for rect in layout["qr"]]


def marks_fit(gray: np.ndarray, layout: ManifestLayout, turn: int, squares: np.ndarray) -> tuple[int, np.ndarray] | None:
    """(marks found, their map page mm → image px) for the sheet turned ``turn`` quarters, or
    None when fewer than needed fit well. First guess: the solid squares outermost in the scan
    taken for the marks; then a sheet filling the scan, at a few scales."""
    first = corner_guess(layout, squares, turn)
    guesses = [first] if first is not None else []
    guesses += [sheet_guess(gray.shape, layout["width"], layout["height"], turn, scale) for scale in T.GUESS_SCALES]
    best: tuple[int, np.ndarray] | None = None
    for guess in guesses:
        found = find_marks(gray, layout, guess, scale_of(guess))
        if len(found) < T.MIN_MARKS or (best is not None and len(found) <= best[0]):
            continue
        homography, error = fit_marks(layout, found)
        if error <= T.MAX_FIT_ERROR_MM:
            best = (len(found), homography)
        if best is not None and best[0] == len(layout["marks"]):
            break
    return best


CLOCKWISE = ("tl", "tr", "br", "bl")  # the marks, round the sheet


def solid_squares(gray: np.ndarray, layout: ManifestLayout) -> np.ndarray:
    """The scan's outermost solid squares of about a mark's size, clockwise from the top left
    (the extremes of x + y and x - y), in image px; fewer than three when they are not distinct."""
    side_mm = float(np.median([rect[2] for rect in layout["marks"].values()]))
    longest = max(layout["width"], layout["height"])
    shrink = min(1.0, T.SQUARES_LOOK_PX / max(gray.shape[:2]))  # a coarse look is enough: find_marks refines
    small = cv2.resize(gray, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA) if shrink < 1 else gray
    k_max = max(small.shape[:2]) / longest  # px per mm of a sheet filling the scan
    _, dark = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    contours, _ = cv2.findContours(dark, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    centres = []
    for contour in contours:
        (cx, cy), (w, h), _ = cv2.minAreaRect(contour)
        if not T.SQUARE_MIN_SIDE * side_mm * k_max <= min(w, h) <= max(w, h) <= T.SQUARE_MAX_SIDE * side_mm * k_max:
            continue
        if max(w, h) > T.SQUARE_MAX_ASPECT * min(w, h) or cv2.contourArea(contour) < T.MARK_MIN_FILL * w * h:
            continue
        centres.append((cx, cy))
    if len(centres) < T.MIN_MARKS:
        return np.zeros((0, 2))
    points = np.array(centres) / shrink
    ends = [np.argmin(points.sum(axis=1)), np.argmax(points[:, 0] - points[:, 1]),
            np.argmax(points.sum(axis=1)), np.argmin(points[:, 0] - points[:, 1])]
    return points[ends] if len(set(ends)) == len(ends) else np.zeros((0, 2))


def corner_guess(layout: ManifestLayout, squares: np.ndarray, turn: int) -> np.ndarray | None:
    """The map page mm → image px putting the sheet's marks, turned ``turn`` quarters clockwise,
    on the scan's outermost squares (``solid_squares``): rotation, scale and shift only."""
    if len(squares) != len(CLOCKWISE) or not set(CLOCKWISE) <= set(layout["marks"]):
        return None
    centres = np.array([[r[0] + r[2] / 2, r[1] + r[3] / 2] for r in (layout["marks"][name] for name in CLOCKWISE)])
    target = np.array([squares[(i + turn) % 4] for i in range(4)])
    matrix, _ = cv2.estimateAffinePartial2D(centres, target)
    return None if matrix is None else np.vstack([matrix, [0, 0, 1]])


def sheet_guess(shape: tuple[int, ...], width_mm: float, height_mm: float, turn: int, scale: float) -> np.ndarray:
    """The map page mm → image px of a sheet centred in the scan, turned ``turn`` quarters
    clockwise, as large as the scan allows times ``scale``."""
    rows, cols = shape[:2]
    across, down = (width_mm, height_mm) if turn % 2 == 0 else (height_mm, width_mm)
    k = min(cols / across, rows / down) * scale
    angle = np.pi / 2 * turn
    c, s = np.cos(angle), np.sin(angle)
    to_centre = np.array([[1, 0, -width_mm / 2], [0, 1, -height_mm / 2], [0, 0, 1]])
    turned = np.array([[k * c, -k * s, cols / 2], [k * s, k * c, rows / 2], [0, 0, 1]])
    return turned @ to_centre


def blank_match(gray: np.ndarray, homography: np.ndarray, blank: np.ndarray) -> float:
    """How much the scan, mapped by ``homography``, looks like the blank printed page (-1..1)."""
    k = T.MATCH_PX_PER_MM
    size = (round(blank.shape[1] / T.WARP_PX_PER_MM * k), round(blank.shape[0] / T.WARP_PX_PER_MM * k))
    scan = cv2.warpPerspective(gray, homography @ np.diag([1 / k, 1 / k, 1.0]), size,
                               flags=cv2.INTER_AREA | cv2.WARP_INVERSE_MAP, borderValue=255)
    printed = cv2.resize(blank, size, interpolation=cv2.INTER_AREA)
    a, b = scan.astype(np.float64).ravel(), printed.astype(np.float64).ravel()
    if a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])
