"""Registration of damaged captures, on a real printed page read back through the real path
(identify, register with the blank printed page, measure, decide): a lost edge band, marks
out of the frame, a feeder's uneven stretch, banded marks, a blob taken for a mark. And the
printed placement of codes and marks: no lost edge band loses both codes."""
from __future__ import annotations

import json

import cv2
import numpy as np
import pytest

from cagettes.forms.stamp import qr_matrix
from cagettes.scan import reference
from cagettes.scan import thresholds as T
from cagettes.scan.decide import DOUBTFUL, EMPTY, MARKED
from cagettes.scan.identify import identify
from cagettes.scan.recognise import REJECTED, recognise, register_page
from cagettes.scan.register import RegistrationError, pins_down, project, rect_corners
from cagettes.simulate import corpus
from cagettes.simulate.capture import Capture

DPI = 200
PX = DPI / 25.4  # image px per mm
QUIET_MODULES = 4  # a QR code's quiet zone, in modules
LOST_BAND_MM = 12.0  # the deepest band a sheet off the platen loses (capture.Capture.lost_depth_mm)


@pytest.fixture(scope="module")
def month(printed):
    _, data, result = printed
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    return data, result, manifest


def quantity_page(month):
    """(clean image, manifest page, its layout) of the first page with quantity boxes."""
    _, result, manifest = month
    page = next(p for p in manifest["pages"] if any(b["kind"] == "quantity" for b in manifest["layouts"][p["layout"]]["boxes"]))
    return corpus.render_page(result.out_dir / page["pdf"], page["pdf_page"], DPI), page, manifest["layouts"][page["layout"]]


def blank(month, page):
    _, result, manifest = month
    return reference.for_page(str(result.manifest_path), manifest, reference.first_pages(manifest), page)


def read(month, image):
    data, _, manifest = month
    pages = {p["id"]: p for p in manifest["pages"]}
    return recognise(image, manifest, pages, data.secret, draw=False, reference=lambda page: blank(month, page))


def tick_some(image: np.ndarray, layout) -> set[str]:
    """Ticks in a few quantity boxes spread down the page (clean-page px); their ids."""
    quantities = [b for b in layout["boxes"] if b["kind"] == "quantity"]
    chosen = quantities[::max(1, len(quantities) // 5)][:5]
    for box in chosen:
        x, y, w, h = box["rect"]
        cx, cy, s = x + w / 2, y + h / 2, 0.35 * w
        points = [(cx - s, cy), (cx - s / 3, cy + s), (cx + s, cy - s)]
        px = [(round(a * PX), round(b * PX)) for a, b in points]
        cv2.line(image, px[0], px[1], 40, 3, cv2.LINE_AA)
        cv2.line(image, px[1], px[2], 40, 3, cv2.LINE_AA)
    return {b["id"] for b in chosen}


def assert_read_right(result, ticked: set[str], doubt: bool = False) -> None:
    """Registered, the ticked boxes read marked and the others empty; with ``doubt``, any of
    them may also be sent to a volunteer (what the boxes' reading makes of a damaged print is
    not registration's to say), never read wrong."""
    assert result.outcome != REJECTED, (result.reason, result.detail)
    allowed = {DOUBTFUL} if doubt else set()
    states = {k: d.state for k, d in result.decisions.items()}
    assert {k for k in ticked if states[k] not in {MARKED} | allowed} == set(), {k: states[k] for k in ticked}
    assert {k for k, s in states.items() if k not in ticked and s not in {EMPTY} | allowed} == set()


def worst_on_boxes(registration, layout, truth) -> float:
    """Worst distance (mm) between where the registration and ``truth`` (page mm → image px)
    put the boxes' centres."""
    centres = np.array([[b["rect"][0] + b["rect"][2] / 2, b["rect"][1] + b["rect"][3] / 2] for b in layout["boxes"]])
    to_image = getattr(registration, "to_image", None) or (lambda p: project(registration.homography, p))
    return float(np.max(np.linalg.norm(to_image(centres) - truth(centres), axis=1))) / PX


@pytest.mark.parametrize("sides", [("top",), ("top", "right"), ("bottom", "left")])
def test_a_lost_edge_band_is_registered_from_what_remains(month, sides):
    """12 mm lost at the top: both top marks and the top code are gone. With the right side
    too, one mark and one code remain, side by side in the bottom left corner (the worst a
    lost band leaves of this placement); with the bottom and the left, the top right ones."""
    image, page, layout = quantity_page(month)
    ticked = tick_some(image, layout)
    d = round(LOST_BAND_MM * PX)
    regions = {"top": np.s_[:d, :], "bottom": np.s_[-d:, :], "left": np.s_[:, :d], "right": np.s_[:, -d:]}
    for side in sides:
        image[regions[side]] = 255
    result = read(month, image)
    assert_read_right(result, ticked)


def rotated_and_enlarged(image: np.ndarray, angle_deg: float, zoom: float, platen_mm: float) -> tuple[np.ndarray, np.ndarray]:
    """The page enlarged by ``zoom`` and turned by ``angle_deg`` about its centre, on a platen
    ``platen_mm`` longer and wider than the sheet, the sheet pushed into its top left corner."""
    h, w = image.shape
    matrix = np.vstack([cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle_deg, zoom), [0, 0, 1]])
    size = (w + round(platen_mm * PX), h + round(platen_mm * PX))
    return cv2.warpAffine(image, matrix[:2], size, flags=cv2.INTER_LINEAR, borderValue=255), matrix


def test_a_page_rotated_and_enlarged_with_two_marks_out_of_the_frame(month):
    """5° and 4 %: the top marks and the top code leave the scan; the bottom code and the two
    bottom marks stay, and the boxes fix the map."""
    image, page, layout = quantity_page(month)
    ticked = tick_some(image, layout)
    scan, matrix = rotated_and_enlarged(image, 5.0, 1.04, 15.0)
    h, w = scan.shape
    inside = {}
    for name, rect in layout["marks"].items():
        corners = cv2.perspectiveTransform((rect_corners(rect) * PX).reshape(-1, 1, 2), matrix).reshape(-1, 2)
        inside[name] = bool(np.all((corners >= 0) & (corners < (w, h))))
    assert inside == {"bl": True, "br": True, "tl": False, "tr": False}
    result = read(month, scan)
    assert_read_right(result, ticked)


def slipped(image: np.ndarray, start_mm: float, end_mm: float, factor: float) -> tuple[np.ndarray, object]:
    """The sheet stretched by ``factor`` along the feed between ``start_mm`` and ``end_mm`` only
    (the feeder slipped for a moment): rows above it stay, rows below it move down. And the
    truth, page mm → image px."""
    h, w = image.shape
    ys = np.arange(h, dtype=np.float64) / PX  # output row → sheet row, in mm
    stretched = end_mm + (end_mm - start_mm) * (factor - 1)
    source = np.where(ys < start_mm, ys, np.where(ys < stretched, start_mm + (ys - start_mm) / factor, ys - (stretched - end_mm)))
    map_y = np.repeat((source * PX)[:, None], w, axis=1).astype(np.float32)
    map_x = np.repeat(np.arange(w, dtype=np.float32)[None, :], h, axis=0)
    out = cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderValue=255)

    def truth(points_mm):
        y = points_mm[:, 1]
        moved = np.where(y < start_mm, y, np.where(y < end_mm, start_mm + (y - start_mm) * factor, y + (stretched - end_mm)))
        return np.stack([points_mm[:, 0], moved], axis=1) * PX
    return out, truth


def test_a_feeder_slip_stretching_part_of_the_page_is_followed_locally(month):
    """2 % longer over the middle of the page: the four marks fit a homography exactly (the
    top ones unmoved, the bottom ones 2 mm lower) that is 1 mm off on the middle rows. The
    boxes show it, and the local correction follows them within LOCAL_FIT_MM."""
    data, _, manifest = month
    image, page, layout = quantity_page(month)
    ticked = tick_some(image, layout)
    scan, truth = slipped(image, 80.0, 180.0, 1.02)
    codes = identify(scan, data.secret, data.month).codes
    registration = register_page(scan, layout, codes, blank(month, page))
    assert registration.marks_found == 4
    assert worst_on_boxes(registration, layout, truth) <= T.LOCAL_FIT_MM
    assert_read_right(read(month, scan), ticked)


def test_marks_striped_by_a_worn_drum_are_found(month):
    """Light stripes through all four solid marks (and through the codes, still readable): the
    threshold between paper and black takes the stripes for paper, and the mark for bars."""
    data, _, _ = month
    image, page, layout = quantity_page(month)
    banding = Capture.only("banding", banding_lift=(0.6, 0.6), banding_period_mm=(1.0, 1.0), banding_duty=(0.3, 0.3))
    scan, _ = corpus.degrade(image, DPI, np.random.default_rng(1), corpus.Degradation.only("blur"), capture=banding)
    ticked = tick_some(scan, layout)  # by hand, on the printed sheet: not striped
    codes = identify(scan, data.secret, data.month).codes
    registration = register_page(scan, layout, codes, blank(month, page))
    assert registration.marks_found == 4 and registration.error_mm < 0.3
    assert worst_on_boxes(registration, layout, lambda p: p * PX - 0.5) < 0.3
    assert_read_right(read(month, scan), ticked, doubt=True)  # the boxes' outlines are striped too


def test_a_dark_blob_near_a_corner_is_not_taken_for_its_mark(month):
    """The bottom right mark torn off, a dark blob of a mark's size 5 mm from where it was:
    the nearest solid square to the mark's place, 5 mm off the map of everything else."""
    data, _, _ = month
    image, page, layout = quantity_page(month)
    ticked = tick_some(image, layout)
    x, y, w, h = layout["marks"]["br"]
    image[round((y - 1) * PX):round((y + h + 1) * PX), round((x - 1) * PX):round((x + w + 1) * PX)] = 255
    blob = cv2.boxPoints((((x + w / 2 - 5.0) * PX, (y + h / 2 - 2.0) * PX), (6.8 * PX, 7.1 * PX), 12.0))
    cv2.fillConvexPoly(image, np.round(blob).astype(np.int32), 25)
    codes = identify(image, data.secret, data.month).codes
    registration = register_page(image, layout, codes, blank(month, page))
    assert "br" not in registration.marks and registration.marks_found == 3
    assert worst_on_boxes(registration, layout, lambda p: p * PX - 0.5) < 0.3
    assert_read_right(read(month, image), ticked)


# ---------------------------------------------------------------- the printed placement

def lost_bands(width: float, height: float, depth: float) -> dict[str, list[list[float]]]:
    """Every band of ``depth`` mm a sheet can lose: one side, or two adjacent ones (rects, mm)."""
    side = {"top": [0, 0, width, depth], "bottom": [0, height - depth, width, depth],
            "left": [0, 0, depth, height], "right": [width - depth, 0, depth, height]}
    bands = {name: [rect] for name, rect in side.items()}
    for a, b in (("top", "right"), ("right", "bottom"), ("bottom", "left"), ("left", "top")):
        bands[f"{a}+{b}"] = [side[a], side[b]]
    return bands


def meets(rect: list[float], band: list[float]) -> bool:
    x, y, w, h = rect
    bx, by, bw, bh = band
    return x < bx + bw and bx < x + w and y < by + bh and by < y + h


def test_no_lost_edge_band_loses_both_codes_nor_what_registers_the_page(month):
    """For every printed layout, any band of 12 mm lost on one side or two adjacent ones
    leaves at least one whole code (with its quiet zone) and marks and codes enough to
    register the page from (``pins_down``, as ``register`` judges them)."""
    _, _, manifest = month
    modules = {len(qr_matrix(p["id"])) for p in manifest["pages"]}
    for name, layout in manifest["layouts"].items():
        for size in modules:
            for band_name, band in lost_bands(layout["width"], layout["height"], LOST_BAND_MM).items():
                codes = []
                for index, (x, y, w, h) in enumerate(layout["qr"]):
                    quiet = QUIET_MODULES * w / size
                    if not any(meets([x - quiet, y - quiet, w + 2 * quiet, h + 2 * quiet], b) for b in band):
                        codes.append(index)
                marks = [m for m, rect in layout["marks"].items() if not any(meets(rect, b) for b in band)]
                assert codes, f"{name}: a band lost {band_name} loses both codes"
                assert pins_down(layout, marks, codes), f"{name}: lost {band_name} leaves {marks} and codes {codes}"


def test_a_map_from_one_code_alone_is_refused(month):
    """One code and no mark (nor another code) does not pin the page down, boxes or not."""
    data, _, _ = month
    image, page, layout = quantity_page(month)
    for x, y, w, h in list(layout["marks"].values()) + [layout["qr"][1]]:
        image[round((y - 1) * PX):round((y + h + 1) * PX), round((x - 1) * PX):round((x + w + 1) * PX)] = 255
    codes = identify(image, data.secret, data.month).codes
    assert len(codes) == 1
    with pytest.raises(RegistrationError, match="too_few_marks"):
        register_page(image, layout, codes, blank(month, page))
