"""Held-out damage (cagettes/simulate/heldout.py): each step does, measurably, what it says, on a
small synthetic page (A4 at 150 dpi); degrade without it is unchanged, and with it keeps the
same geometry and scanner damage."""
from __future__ import annotations

import json
import math
from decimal import Decimal

import cv2
import numpy as np
import pytest

from cagettes.simulate import corpus
from cagettes.simulate import heldout as ho
from cagettes.simulate.capture import Capture
from cagettes.simulate.heldout import HeldOut

DPI = 150
PX = DPI / 25.4
H, W = 1754, 1240  # A4 at 150 dpi
SQUARE = (300, 400, 120)  # x, y, side in px: solid black
PATCH = (700, 900, 200)   # x, y, side in px: mid-grey 128
# a form-like grid of 6 mm boxes: 7 quantity columns on 22 rows, 10 mm apart
BOXES = [[float(x), float(y), 6.0, 6.0] for y in range(40, 260, 10) for x in range(110, 180, 10)]


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    image = np.full((H, W), 255, np.uint8)
    x, y, side = SQUARE
    image[y:y + side, x:x + side] = 0
    x, y, side = PATCH
    image[y:y + side, x:x + side] = 128
    return image


def run(image: np.ndarray, step: str, seed: int = 0, avoid_mm=None, **overrides) -> tuple[np.ndarray, dict]:
    before = image.copy()
    out, params = ho.held_out(image, DPI, np.random.default_rng(seed), HeldOut.only(step, **overrides),
                              avoid_mm=avoid_mm)
    assert np.array_equal(image, before) and out.shape == image.shape and out.dtype == np.uint8
    json.dumps(params)  # the params go into truth.jsonl
    return out, params[step]


def distance_to_rects_mm(ys: np.ndarray, xs: np.ndarray, rects) -> np.ndarray:
    """Least distance (mm) of pixel centres to the rects (mm), conservatively: the pixel's
    nearest point rather than its centre."""
    x, y = xs[:, None] / PX, ys[:, None] / PX
    r = np.array(rects, float)[None]
    half = 0.5 / PX
    dx = np.maximum(np.maximum(r[..., 0] - x - half, 0), x - half - (r[..., 0] + r[..., 2]))
    dy = np.maximum(np.maximum(r[..., 1] - y - half, 0), y - half - (r[..., 1] + r[..., 3]))
    return np.hypot(dx, dy).min(axis=1)


def test_off_is_the_identity_and_only_checks_names(page):
    out, params = ho.held_out(page, DPI, np.random.default_rng(0), HeldOut.off())
    assert np.array_equal(out, page) and out is not page
    assert all(params[s] is None for s in ho.STEPS)
    with pytest.raises(ValueError):
        HeldOut.only("coffee")
    assert set(ho.STEPS) == set(ho.SHEET_STEPS) | set(ho.SCAN_STEPS)


def line_distance(params: dict, shape: tuple[int, int]) -> np.ndarray:
    """Signed distance (px) of every pixel to the crease, from its params."""
    h, w = shape
    rows, cols = (w, h) if params["vertical"] else (h, w)
    tan, cos = math.tan(math.radians(params["angle_deg"])), math.cos(math.radians(params["angle_deg"]))
    along = np.arange(cols)[None, :]
    across = np.arange(rows)[:, None]
    t = (across - (params["at_px"] + (along - (cols - 1) / 2) * tan)) * cos
    return t.T if params["vertical"] else t


@pytest.mark.parametrize("seed,vertical", [(0, 0.0), (1, 1.0), (2, 0.0), (3, 1.0)])
def test_crease_draws_a_thin_line_lit_on_one_side_shaded_on_the_other_and_nothing_else(seed, vertical):
    paper = np.full((H, W), 230, np.uint8)  # toned paper: a highlight can show
    out, p = run(paper, "crease", seed, p_crease_vertical=vertical)
    assert p["vertical"] == bool(vertical) and abs(p["angle_deg"]) <= 20
    assert 120 <= p["grey"] <= 200 and 0.1 <= p["width_mm"] <= 0.3
    t = line_distance(p, (H, W))
    diff = out.astype(int) - paper
    reach = max(p["highlight_mm"], p["shadow_mm"]) * PX + p["width_mm"] * PX + 2
    assert (diff[np.abs(t) > reach] == 0).all()  # only near the line
    on_line = np.abs(t) < 0.5
    assert on_line.any() and np.median(out[on_line]) <= p["grey"] + 0.3 * (230 - p["grey"]) + 2
    side = p["highlight_side"]
    near = (np.abs(t) > p["width_mm"] * PX + 1) & (np.abs(t) < min(p["highlight_mm"], p["shadow_mm"]) * PX / 3)
    lit, shaded = near & (t * side > 0), near & (t * side < 0)
    assert diff[lit].mean() > 0.4 * p["highlight_levels"]
    assert -diff[shaded].mean() > 0.4 * p["shadow_levels"] * 230 / 255
    assert diff[lit].max() <= p["highlight_levels"] + 1 and -diff[shaded].min() <= p["shadow_levels"] + 1


def test_stain_darkens_a_blob_with_a_darker_rim(page):
    white = np.full((H, W), 255, np.uint8)
    for seed in range(6):
        out, p = run(white, "stain", seed, stain_count=(1, 1))
        (blob,) = p["blobs"]
        cx, cy = blob["centre_px"]
        radius = blob["diameter_mm"] / 2 * PX
        if not (radius * 1.5 < cx < W - radius * 1.5 and radius * 1.5 < cy < H - radius * 1.5):
            continue  # partly off the page: tested on another seed
        middle = float(out[cy - 2:cy + 3, cx - 2:cx + 3].mean())
        assert 255 * (1 - blob["darken"]) - 2 <= middle <= 255 * (1 - 0.8 * blob["darken"]) + 2
        for angle in np.linspace(0, 2 * math.pi, 12, endpoint=False):  # along rays: darkest on the rim
            r = np.arange(0, 1.6 * radius)
            ray = out[np.round(cy + r * math.sin(angle)).astype(int), np.round(cx + r * math.cos(angle)).astype(int)]
            darkest = int(np.argmin(ray))
            assert ray[darkest] < middle - 0.5 * blob["rim_extra"] * 255
            assert 0.6 * radius < darkest < 1.5 * radius and ray[-1] == 255  # the rim, and paper beyond
        far = np.hypot(*np.meshgrid(np.arange(W) - cx, np.arange(H) - cy)) > 1.6 * radius
        assert (out[far] == 255).all()
        break
    else:
        pytest.fail("no blob well inside the page")
    # multiplicative: ink stays black, a grey patch darkens by the same share as the paper
    out, p = run(page, "stain", 0)
    x, y, side = SQUARE
    assert out[y:y + side, x:x + side].max() == 0


@pytest.mark.parametrize("seed", range(6))
def test_punch_holes_only_in_the_left_margin(page, seed):
    out, p = run(page, "punch_holes", seed)
    changed_y, changed_x = np.nonzero(out != page)
    assert changed_x.size and changed_x.max() + 1 < 14 * PX  # the whole pixel left of 14 mm
    assert p["count"] in (2, 4) and 8 <= p["centre_x_mm"] <= 12
    lid = (np.abs(out.astype(int) - p["grey"]) <= 2) & (np.arange(W) < 14 * PX)[None, :]  # not the square
    count, labels, stats, centres = cv2.connectedComponentsWithStats(lid.astype(np.uint8))
    holes = [i for i in range(1, count) if stats[i, cv2.CC_STAT_AREA] > 50]
    assert len(holes) == p["count"]
    diameters = [stats[i, cv2.CC_STAT_WIDTH] / PX for i in holes]
    assert all(abs(d - 6.0) < 0.5 for d in diameters)
    ys = sorted(centres[i][1] / PX for i in holes)
    assert np.allclose(np.diff(ys), 80.0, atol=0.3)
    assert p["grey"] <= 60 if p["dark"] else 200 <= p["grey"] <= 250


@pytest.mark.parametrize("seed", range(8))
def test_margin_notes_stay_3_mm_clear_of_every_box(seed):
    page = np.full((H, W), 255, np.uint8)
    out, p = run(page, "margin_notes", seed, avoid_mm=BOXES, notes_count=(3, 5))
    ys, xs = np.nonzero(out != page)
    assert xs.size > 200  # ink was written
    assert distance_to_rects_mm(ys, xs, BOXES).min() >= 3.0
    assert p["notes"] and all(n["kind"] in ("words", "phone") for n in p["notes"])
    assert (ys >= 1.9 * PX).all() and (ys < H - 1.9 * PX).all() and (xs >= 1.9 * PX).all() and (xs < W - 1.9 * PX).all()


def test_margin_notes_are_written_on_blank_paper_not_over_the_print():
    page = np.full((H, W), 255, np.uint8)
    top, bottom = int(60 * PX), int(200 * PX)
    page[top:bottom:3] = 0  # lines of "text" over most of the page
    for seed in range(4):
        out, p = run(page, "margin_notes", seed, notes_count=(5, 5), p_notes_between=1.0)
        ys, xs = np.nonzero(out != page)
        assert p["notes"] and xs.size
        assert not ((ys > top + PX) & (ys < bottom - PX)).any()


def test_margin_notes_underline_or_point_at_a_product_row_and_write_phone_numbers():
    page = np.full((H, W), 255, np.uint8)
    kinds, phones = set(), 0
    for seed in range(10):
        out, p = run(page, "margin_notes", seed, avoid_mm=BOXES)
        mark = p["mark"]
        assert mark is not None
        kinds.add(mark["kind"])
        top, bottom = mark["row_mm"]
        assert any(abs(b[1] - top) < 0.01 for b in BOXES)  # a row of boxes
        assert mark["to_mm"][0] <= 110 - 3  # left of the row's boxes: under or at the name
        phones += sum(n["kind"] == "phone" for n in p["notes"])
        assert all(n["text"] is None or n["text"].replace(" ", "").isdigit() and len(n["text"].replace(" ", "")) == 10
                   for n in p["notes"])
    assert kinds == {"underline", "arrow"} and phones >= 1
    # no rect at all: notes anywhere, no product mark
    out, p = run(page, "margin_notes", 0, avoid_mm=None)
    assert p["mark"] is None and p["notes"]


def test_halftone_keeps_paper_white_and_black_black_but_screens_grey():
    dpi, px = 300, 300 / 25.4  # the screen (0.2-0.35 mm) is finer than a 150 dpi pixel
    image = np.full((900, 900), 255, np.uint8)
    image[100:300, 100:300] = 0
    image[400:800, 400:800] = 128
    for seed in range(3):
        out, params = ho.held_out(image, dpi, np.random.default_rng(seed), HeldOut.only("halftone"))
        p = params["halftone"]
        assert 0.2 <= p["period_mm"] <= 0.35 and 15 <= p["angle_deg"] <= 45
        assert out[image == 255].min() >= 252 and out[100:300, 100:300].max() <= 3
        grey = out[400:800, 400:800].astype(float)
        assert grey.std() > 20 and abs(grey.mean() - 128) < 3  # dots, the same mean grey
        # a regular screen: the spectrum peaks at the screen's period
        spectrum = np.abs(np.fft.fft2(grey - grey.mean()))
        fy, fx = np.unravel_index(np.argmax(spectrum), spectrum.shape)
        fy, fx = min(fy, 400 - fy), min(fx, 400 - fx)
        assert 400 / math.hypot(fx, fy) == pytest.approx(p["period_mm"] * px, rel=0.05)
        assert math.degrees(math.atan2(min(fx, fy), max(fx, fy))) == pytest.approx(
            min(p["angle_deg"], 90 - p["angle_deg"]), abs=4)


def test_second_generation_blurs_and_raises_contrast():
    image = np.full((H, W), 255, np.uint8)
    image[200:800, 200:600] = 100
    image[200:800, 600:1000] = 160
    out, p = run(image, "second_generation", 4)
    assert 1.2 <= p["gain"] <= 1.6 and p["specks"] > 0
    dark, light = np.median(out[300:700, 300:500]), np.median(out[300:700, 700:900])
    assert light - dark == pytest.approx(60 * p["gain"], abs=2)
    assert dark == pytest.approx(128 + (100 - 128) * p["gain"], abs=1.5)
    edge = out[500, 590:611].astype(int)  # the 100 | 160 edge, blurred: intermediate values
    assert (np.abs(np.diff(edge)) < 60 * p["gain"]).all() and len(set(edge.tolist())) >= 4
    specks = (out < 95) & (image == 255)
    assert specks.sum() > 0


def test_jpeg_twice_recompresses_without_moving_the_content(page):
    out, p = run(page, "jpeg_twice", 2)
    assert 40 <= p["first_quality"] <= 70 and 50 <= p["second_quality"] <= 80
    assert all(1 <= d <= 3 for d in p["shift_px"])
    assert not np.array_equal(out, page)
    once = cv2.imdecode(cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, p["first_quality"]])[1], 0)
    assert not np.array_equal(out, once)
    dx, dy = p["shift_px"]
    assert np.array_equal(out[:dy], once[:dy]) and np.array_equal(out[:, :dx], once[:, :dx])
    x, y, side = SQUARE
    window = (out[y - 20:y + side + 20, x - 20:x + side + 20] < 128).astype(np.uint8)
    moments = cv2.moments(window, binaryImage=True)
    assert moments["m10"] / moments["m00"] == pytest.approx(20 + side / 2 - 0.5, abs=0.3)
    assert moments["m01"] / moments["m00"] == pytest.approx(20 + side / 2 - 0.5, abs=0.3)
    assert np.abs(out.astype(int) - page).mean() < 3


def test_every_step_handles_colour_and_keeps_the_shape(page):
    colour = cv2.cvtColor(page, cv2.COLOR_GRAY2BGR)
    out, params = ho.held_out(colour, DPI, np.random.default_rng(0), HeldOut.only(*ho.STEPS), avoid_mm=BOXES)
    assert out.shape == colour.shape and out.dtype == np.uint8
    assert all(params[s] is not None for s in ho.STEPS)
    json.dumps(params)


@pytest.mark.parametrize("seed", range(3))
def test_degrade_without_heldout_is_unchanged(page, seed):
    rng_a, rng_b = np.random.default_rng(seed), np.random.default_rng(seed)
    a, pa = corpus.degrade(page, DPI, rng_a, corpus.Degradation())
    b, pb = corpus.degrade(page, DPI, rng_b, corpus.Degradation(), heldout=None, avoid_mm=BOXES)
    assert np.array_equal(a, b) and pa == pb and "heldout" not in pb
    assert rng_a.random() == rng_b.random()


@pytest.mark.parametrize("capture", [None, Capture.only("gradient", "paper", "dust")])
def test_degrade_with_heldout_keeps_the_other_draws(page, capture):
    _, plain = corpus.degrade(page, DPI, np.random.default_rng(11), corpus.Degradation(), capture=capture)
    rng = np.random.default_rng(11)
    out, damaged = corpus.degrade(page, DPI, rng, corpus.Degradation(), capture=capture,
                                  heldout=HeldOut.only(*ho.STEPS), avoid_mm=BOXES)
    for step in ("geometry", "matrix", "blur", "levels", "streaks", "jpeg", "capture"):
        assert damaged.get(step) == plain.get(step)
    assert set(damaged["heldout"]) == set(ho.STEPS) and all(damaged["heldout"][s] for s in ho.STEPS)
    json.dumps(damaged)


def test_sample_keeps_margin_notes_clear_of_the_page_boxes(page):
    boxes = [{"id": f"b{i}", "kind": "other", "rect": rect} for i, rect in enumerate(BOXES)]
    qr = [[169.0, 8.0, 21.0, 21.0], [20.0, 268.0, 21.0, 21.0]]
    manifest = {"layouts": {"L": {"boxes": boxes[:100], "zones": {}, "qr": qr}}, "products": []}
    sheet = {"id": "P1", "layout": "L", "form": 1, "page": 1, "extra_boxes": boxes[100:]}
    blank = np.full((H, W), 255, np.uint8)
    for seed in range(4):
        plain, truth = corpus._sample(manifest, sheet, blank, DPI, np.random.default_rng(seed), None,
                                      corpus.Degradation.off(), {1: Decimal("0")})
        noted, noted_truth = corpus._sample(manifest, sheet, blank, DPI, np.random.default_rng(seed), None,
                                            corpus.Degradation.off(), {1: Decimal("0")},
                                            heldout=HeldOut.only("margin_notes", notes_count=(4, 4)))
        ys, xs = np.nonzero(noted != plain)
        assert xs.size > 100
        assert distance_to_rects_mm(ys, xs, BOXES + qr).min() >= 3.0
        assert noted_truth["boxes"] == truth["boxes"] and noted_truth["degradation"]["heldout"]["margin_notes"]
        assert "heldout" not in truth["degradation"]
