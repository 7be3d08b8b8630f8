"""Each kind of silent error the synthetic corpus revealed, drawn on a real printed page and
read back through the real path (identify, register, measure, decide): the mark must be
read, or the box sent to review, never read as empty (nor an empty box as marked)."""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from cagettes.scan import reference
from cagettes.scan import thresholds as T
from cagettes.scan.decide import CANCELLED, DOUBTFUL, EMPTY, MARKED
from cagettes.scan.identify import identify
from cagettes.scan.measure import crop, grow, printed_ink, remove_streaks
from cagettes.scan.recognise import ACCEPTED, recognise, register_page
from cagettes.scan.register import find_marks, project, rect_corners, register
from cagettes.simulate import corpus
from cagettes.simulate.corpus import render_page

DPI = 200
PX = DPI / 25.4  # image px per mm


@pytest.fixture(scope="module")
def month(printed):
    _, data, result = printed
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    return data, result, manifest


def page_of(month, kind: str) -> tuple[np.ndarray, dict, dict]:
    """(clean image, manifest page, its boxes by id) of the first page with a box of ``kind``."""
    _, result, manifest = month
    page = next(p for p in manifest["pages"] if any(b["kind"] == kind for b in manifest["layouts"][p["layout"]]["boxes"]))
    boxes = {b["id"]: b for b in manifest["layouts"][page["layout"]]["boxes"]}
    return render_page(result.out_dir / page["pdf"], page["pdf_page"], DPI), page, boxes


def blank(month, page: dict) -> np.ndarray:
    _, result, manifest = month
    return reference.for_page(str(result.manifest_path), manifest, reference.first_pages(manifest), page)


def read(month, image: np.ndarray):
    data, _, manifest = month
    pages = {p["id"]: p for p in manifest["pages"]}
    return recognise(image, manifest, pages, data.secret, draw=False, reference=lambda page: blank(month, page))


def at(x_mm: float, y_mm: float) -> tuple[int, int]:
    return round(x_mm * PX), round(y_mm * PX)


def tick(image: np.ndarray, start, bottom, end, grey: int = 40, width_mm: float = 0.4) -> None:
    """A tick from ``start`` down to ``bottom`` and up to ``end`` (points in mm)."""
    width = max(1, round(width_mm * PX))
    cv2.line(image, at(*start), at(*bottom), grey, width, cv2.LINE_AA)
    cv2.line(image, at(*bottom), at(*end), grey, width, cv2.LINE_AA)


def tick_in(image: np.ndarray, rect: list[float], grey: int = 40, width_mm: float = 0.4, size: float = 0.7) -> None:
    x, y, w, h = rect
    cx, cy, s = x + w / 2, y + h / 2, size * w / 2
    tick(image, (cx - s, cy), (cx - s / 3, cy + s), (cx + s, cy - s), grey, width_mm)


def only_doubtful(result, box_ids: set[str]) -> dict[str, str]:
    """The state of every box, checking that all but ``box_ids`` read empty."""
    states = {k: d.state for k, d in result.decisions.items()}
    assert {k for k, s in states.items() if s != EMPTY} == box_ids, {k: s for k, s in states.items() if s != EMPTY}
    return states


def test_a_tick_above_a_box_under_the_rows_rule_goes_to_review(month):
    """The rule between two product rows runs through the strip above the boxes of the row
    below: most of that strip is printed, and a tick there showed in too few of its pixels."""
    image, page, boxes = page_of(month, "quantity")
    printed = printed_ink(blank(month, page))
    r = round((T.RING_MM - 0.2) * T.WARP_PX_PER_MM)
    box = max(boxes.values(), key=lambda b: crop(printed, grow(b["rect"], T.RING_MM))[:r].mean())
    assert crop(printed, grow(box["rect"], T.RING_MM))[:r].mean() > 0.3  # the rule is in the strip above it
    x, y, w, _ = box["rect"]
    vx, vy = x + 0.5 * w, y - 0.1  # a steep tick whose tip touches the box
    tick(image, (vx - 0.5, vy - 2.0), (vx, vy), (vx + 1.2, vy - 5.0), width_mm=0.35)
    result = read(month, image)
    decision = result.decisions[box["id"]]
    assert (decision.state, decision.reason) == (DOUBTFUL, "beside")
    assert any(box["id"] in line.boxes and line.status == "doubtful" for line in result.lines)


def test_a_marked_neighbours_overflow_in_a_digit_grid_is_no_mark_beside(month):
    """Digit boxes are 1 mm apart: a cross overflowing its box reaches the next one's strip,
    and is the marked box's, not a tick beside its empty neighbour."""
    image, page, boxes = page_of(month, "amount_digit")
    x, y, w, h = boxes["a-1-2"]["rect"]
    rng = np.random.default_rng(3)  # a wide felt-pen cross, a little low, as the corpus draws them
    strokes = corpus._place(corpus._cross(rng, 0.05), np.array([x + w / 2, y + 0.62 * h]) * PX, 1.1 * w * PX, 8.0,
                            1.6 * PX)
    corpus._lay_ink(image, strokes, corpus.PENS["felt"], 0.95, rng)
    states = only_doubtful(read(month, image), {"a-1-2"})
    # the cross covers 3/4 of its small box, as a fill would: a volunteer looks at it, but
    # the neighbour is never taken for a box ticked beside
    assert states["a-1-2"] in (MARKED, DOUBTFUL) and states["a-1-3"] == EMPTY


def dotted_tick(image: np.ndarray, rect: list[float], step_px: int = 4) -> None:
    """What a binarising scanner leaves of a light tick: one lone black pixel every few."""
    x, y, w, h = rect
    cx, cy, s = x + w / 2, y + h / 2, 0.3 * w
    for (ax, ay), (bx, by) in (((cx - s, cy), (cx - s / 3, cy + s)), ((cx - s / 3, cy + s), (cx + s, cy - s))):
        n = int(np.hypot(bx - ax, by - ay) * PX / step_px)
        for t in np.linspace(0, 1, n):
            px, py = at(ax + t * (bx - ax), ay + t * (by - ay))
            image[py, px] = 0


def test_the_dots_left_of_light_ticks_by_a_binarising_scan_go_to_review(month):
    """Despeckling removes lone dots with the noise; before it, on a clean page, they are
    the remnant of a mark. Four of them on one page are no noise floor either."""
    image, page, boxes = page_of(month, "quantity")
    image = cv2.threshold(image, 170, 255, cv2.THRESH_BINARY)[1]
    faint = [b for b in boxes.values() if b["kind"] == "quantity"][:4]
    for box in faint:
        dotted_tick(image, box["rect"])
    result = read(month, image)
    only_doubtful(result, {b["id"] for b in faint})
    assert {result.decisions[b["id"]].reason for b in faint} == {"trace"}


def test_faint_marks_of_a_pencil_page_are_not_taken_for_its_noise(month):
    """A page filled in pencil holds several faint marks: they must not raise the page's
    own "empty" threshold above themselves."""
    image, page, boxes = page_of(month, "quantity")
    faint = [b for b in boxes.values() if b["kind"] == "quantity"][:6]
    for box in faint:
        tick_in(image, box["rect"], grey=190, width_mm=0.25, size=0.1)  # a light touch of the pencil
    result = read(month, image)
    only_doubtful(result, {b["id"] for b in faint})
    assert {result.decisions[b["id"]].reason for b in faint} == {"band"}


def in_perspective(image: np.ndarray, shift_mm=(2.5, -3.0)) -> tuple[np.ndarray, np.ndarray]:
    """The page with its top right corner pulled away (a phone's or a tilted lid's
    perspective), and the matrix from the clean page's px to the new image's px."""
    h, w = image.shape
    corners = np.float32([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]])
    moved = corners + np.float32([[0, 0], [shift_mm[0] * PX, shift_mm[1] * PX], [0, 0], [0, 0]])
    moved += np.float32([0, -shift_mm[1] * PX])  # keep the whole sheet in the image
    matrix = cv2.getPerspectiveTransform(corners, moved)
    size = (w + round(shift_mm[0] * PX) + 1, h + round(-shift_mm[1] * PX) + 1)
    return cv2.warpPerspective(image, matrix, size, borderValue=255), matrix


def test_a_page_with_three_marks_in_perspective_is_refitted_on_its_boxes(month):
    """Three marks give an affine map only, which a perspective puts a mm or more off far
    from them: enough for a box's outline to pass for a mark."""
    data, _, manifest = month
    image, page, boxes = page_of(month, "quantity")
    layout = manifest["layouts"][page["layout"]]
    x, y, w, h = layout["marks"]["tr"]
    image[round((y - 1) * PX):round((y + h + 1) * PX), round((x - 1) * PX):round((x + w + 1) * PX)] = 255
    scan, matrix = in_perspective(image)
    codes = identify(scan, data.secret, data.month).codes
    registration = register_page(scan, layout, codes, blank(month, page))
    assert registration.marks_found == 3 and registration.anchors >= T.MIN_ANCHORS
    centres = np.array([[b["rect"][0] + b["rect"][2] / 2, b["rect"][1] + b["rect"][3] / 2] for b in boxes.values()])
    truth = cv2.perspectiveTransform((centres * PX).reshape(-1, 1, 2), matrix).reshape(-1, 2)
    worst = np.max(np.linalg.norm(project(registration.homography, centres) - truth, axis=1)) / PX
    assert worst < 0.3, worst
    result = read(month, scan)
    assert result.outcome == ACCEPTED and all(d.state == EMPTY for d in result.decisions.values())


def test_the_far_marks_are_found_from_the_near_ones_when_the_guess_is_far_off(month):
    """One code alone predicts the far marks several mm off; the near marks, once found,
    predict them again."""
    data, _, manifest = month
    image, page, _ = page_of(month, "quantity")
    layout = manifest["layouts"][page["layout"]]
    true = register(image, layout, identify(image, data.secret, data.month).codes)
    bl = project(true.homography, rect_corners(layout["marks"]["bl"])).mean(axis=0)
    turn = np.vstack([cv2.getRotationMatrix2D(tuple(bl), 2.2, 1.0), [0, 0, 1]])  # 10 mm off at the top
    found = find_marks(image, layout, turn @ true.homography, true.px_per_mm)
    assert set(found) == set(layout["marks"])
    for name, corners in found.items():
        assert np.max(np.linalg.norm(corners - true.marks[name], axis=1)) < 0.2 * PX


def test_a_mark_cut_by_the_search_window_is_looked_for_again_around_itself(month):
    data, _, manifest = month
    image, page, _ = page_of(month, "quantity")
    layout = manifest["layouts"][page["layout"]]
    true = register(image, layout, identify(image, data.secret, data.month).codes)
    down = np.array([[1, 0, 0], [0, 1, 7.5 * PX], [0, 0, 1]])  # the window's edge cuts the mark
    found = find_marks(image, layout, down @ true.homography, true.px_per_mm)
    assert set(found) == set(layout["marks"])
    for name, corners in found.items():
        assert np.max(np.linalg.norm(corners - true.marks[name], axis=1)) < 0.2 * PX


def test_an_enlarged_dark_scan_is_calibrated_on_its_own_paper(month):
    """Enlarged by a copier, the page's corners fall off the scan: the white the normalised
    page is filled with there is no paper of this grey page, whose light marks then vanish."""
    image, page, boxes = page_of(month, "quantity")
    box = next(b for b in boxes.values() if b["kind"] == "quantity")
    tick_in(image, box["rect"], grey=170, width_mm=0.35)
    h, w = image.shape
    zoom = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), 0.0, 1.045)
    scan = cv2.warpAffine(image, zoom, (w, h), borderValue=255)
    scan = cv2.convertScaleAbs(scan, alpha=0.85, beta=-5)  # a grey copy: paper at about 212
    result = read(month, scan)
    assert result.decisions[box["id"]].state in (MARKED, DOUBTFUL)
    only_doubtful(result, {box["id"]})


def test_a_tilted_sheet_on_a_dark_lid_is_no_streak():
    """A column mostly in the lid's dark margin is dark by its median; lifting it as a
    streak turned the sheet's paper in it pure white."""
    canvas = np.full((1200, 900), 30, np.uint8)  # the lid
    sheet = cv2.boxPoints(((450, 600), (860, 1180), 3.0)).astype(np.int32)
    cv2.fillConvexPoly(canvas, sheet, 200)
    canvas[:, 450:453] = np.minimum(canvas[:, 450:453], 120)  # and one real streak
    inside = np.zeros(canvas.shape, np.uint8)
    cv2.fillConvexPoly(inside, sheet, 1)
    inside = cv2.erode(inside, np.ones((5, 5), np.uint8)).astype(bool)
    cleaned = remove_streaks(canvas)
    assert cleaned[inside].max() <= 205
    assert cleaned[600, 451] >= 195  # the streak is lifted back to paper


def fill_in(image: np.ndarray, rect: list[float], style: str, seed: int, pen: str = "ballpoint_blue") -> None:
    """One box filled in as a hand does it (the corpus's own fill), on a real page."""
    x, y, w, h = rect
    sheet = corpus._Sheet(image, [{"id": "b", "rect": rect}], DPI, np.random.default_rng(seed),
                          corpus.FillPolicy(fill_styles={style: 1.0}, page_pens={pen: 1.0}, scrawl_coverage=(0.55, 0.7)))
    sheet.fill("b")
    image[...] = sheet.image


@pytest.mark.parametrize("style", ["zigzag", "partial", "scrawl"])
def test_a_box_filled_in_by_hand_alone_is_never_an_order(month, style):
    """Real fills cover 55-87 % of the box, below the old 82 % doubt band: a lone zigzag or a
    scribbled-out box was read as a tick, and ordered. Each is cancelled or doubtful, and its
    product never confirmed with that quantity."""
    image, page, boxes = page_of(month, "quantity")
    quantities = [b for b in boxes.values() if b["kind"] == "quantity"]
    products = sorted({b["product"] for b in quantities})[:4]
    filled = [next(b for b in quantities if b["product"] == ref and b["value"] == 1) for ref in products]
    for k, box in enumerate(filled):
        fill_in(image, box["rect"], style, seed=k, pen=("ballpoint_blue", "felt")[k % 2])
    result = read(month, image)
    assert {result.decisions[b["id"]].state for b in filled} <= {DOUBTFUL, CANCELLED}
    lines = {line.product: line for line in result.lines if line.kind == "quantity"}
    assert all(lines[ref].status == "doubtful" for ref in products), [lines[ref] for ref in products]


def test_a_thick_cross_dense_as_a_fill_is_a_mark_when_its_ink_follows_the_diagonals(month):
    """A felt-pen cross covers as much of the box as a fill: its ink lies along the diagonals."""
    image, page, boxes = page_of(month, "quantity")
    box = next(b for b in boxes.values() if b["kind"] == "quantity")
    x, y, w, h = box["rect"]
    strokes = corpus._place(corpus._cross(np.random.default_rng(1), 0.0), np.array([x + w / 2, y + h / 2]) * PX,
                            0.95 * w * PX, 0.0, 1.7 * PX)
    corpus._lay_ink(image, strokes, corpus.PENS["felt"], 0.97, np.random.default_rng(1))
    decision = read(month, image).decisions[box["id"]]
    assert decision.score >= T.FILLED_DOUBT_MIN and decision.state == MARKED, decision
