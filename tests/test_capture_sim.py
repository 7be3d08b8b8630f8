"""Capture damage (cagettes/simulate/capture.py): each step does, measurably, what it says, on a
small synthetic page (white A4 at 150 dpi with black squares); degrade without it is unchanged."""
from __future__ import annotations

import json
from decimal import Decimal

import cv2
import numpy as np
import pytest

from cagettes.simulate import capture as cap
from cagettes.simulate import corpus
from cagettes.simulate.capture import Capture

DPI = 150
PX = DPI / 25.4
H, W = 1754, 1240  # A4 at 150 dpi
SQUARE = (300, 400, 120)  # x, y, side in px: one solid black square away from the edges


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    image = np.full((H, W), 255, np.uint8)
    x, y, side = SQUARE
    image[y:y + side, x:x + side] = 0
    image[1300:1360, 900:960] = 0
    return image


def run(image: np.ndarray, step: str, seed: int = 0, **overrides) -> tuple[np.ndarray, dict]:
    out, params = cap.capture(image, DPI, np.random.default_rng(seed), Capture.only(step, **overrides))
    json.dumps(params)  # the params go into truth.jsonl
    return out, params


def centroid(image: np.ndarray, window: tuple[int, int, int, int] | None = None) -> np.ndarray:
    x0, y0, x1, y1 = window or (0, 0, image.shape[1], image.shape[0])
    moments = cv2.moments((image[y0:y1, x0:x1] < 128).astype(np.uint8), binaryImage=True)
    return np.array([moments["m10"] / moments["m00"] + x0, moments["m01"] / moments["m00"] + y0])


def paper_at(image: np.ndarray, x: int, y: int) -> float:
    return float(image[max(0, y - 3):y + 4, max(0, x - 3):x + 4].mean())


def test_off_is_the_identity_and_only_checks_names(page):
    out, params = cap.capture(page, DPI, np.random.default_rng(0), Capture.off())
    assert np.array_equal(out, page) and out is not page
    assert all(params[s] is None for s in cap.STEPS) and np.allclose(params["matrix"], np.eye(3))
    with pytest.raises(ValueError):
        Capture.only("smudge")


@pytest.mark.parametrize("seed", range(4))
def test_linear_gradient_darkens_the_paper_by_its_levels_and_keeps_ink_black(page, seed):
    out, params = run(page, "gradient", seed, p_radial=0.0, gradient_levels=(20.0, 20.0))
    corners = [paper_at(out, x, y) for x in (3, W - 4) for y in (3, H - 4)]
    # the direction is random: the extreme corners are the gradient's two ends
    assert max(corners) - min(corners) == pytest.approx(20.0, abs=1.5)
    assert max(corners) >= 253
    x, y, side = SQUARE
    assert out[y + 5:y + side - 5, x + 5:x + side - 5].max() <= 1
    assert params["gradient"]["levels"] == 20.0
    # multiplicative: mid-grey loses half as much as white paper
    grey, _ = run(np.full((H, W), 128, np.uint8), "gradient", seed, p_radial=0.0, gradient_levels=(20.0, 20.0))
    values = [paper_at(grey, x, y) for x in (3, W - 4) for y in (3, H - 4)]
    assert max(values) - min(values) == pytest.approx(20.0 * 128 / 255, abs=1.5)


def test_radial_gradient_is_lightest_at_its_centre(page):
    out, params = run(page, "gradient", 3, p_radial=1.0, gradient_levels=(30.0, 30.0))
    cx, cy = params["gradient"]["centre"]
    far = max(((x, y) for x in (3, W - 4) for y in (3, H - 4)), key=lambda p: (p[0] - cx) ** 2 + (p[1] - cy) ** 2)
    assert paper_at(out, min(max(cx, 3), W - 4), min(max(cy, 3), H - 4)) - paper_at(out, *far) == pytest.approx(30, abs=2)


@pytest.mark.parametrize("seed", range(5))
def test_paper_lowers_white_in_range_and_keeps_black(page, seed):
    out, params = run(page, "paper", seed)
    white = params["paper"]["white"]
    assert 215 <= np.median(out) <= 250 and np.median(out) == white
    x, y, side = SQUARE
    assert out[y + 5, x + 5] == 0
    grey, _ = run(np.full((8, 8), 128, np.uint8), "paper", seed)
    assert abs(int(grey[0, 0]) - 128 * white / 255) <= 1  # linear: 0 -> 0, 255 -> paper


def test_yellowed_paper_takes_more_blue_than_red_off(page):
    colour = cv2.cvtColor(page, cv2.COLOR_GRAY2BGR)
    out, params = run(colour, "paper", 1, p_yellow=1.0)
    b, g, r = (float(np.median(out[:, :, c])) for c in range(3))
    assert b < g < r == params["paper"]["white"]


def test_dust_lines_cover_part_of_the_height_with_varying_grey_and_width(page):
    blank = np.full((H, W), 255, np.uint8)
    out, params = run(blank, "dust", 2, dust_count=(1, 1), p_dust_broken=0.0)
    (line,) = params["dust"]["lines"]
    dark_rows = np.flatnonzero((out < 250).any(axis=1))
    assert 0.2 * H <= len(dark_rows) <= 0.8 * H + 1  # not full height
    assert dark_rows[0] == line["top"] and dark_rows[-1] == line["top"] + line["length"] - 1
    cols = np.flatnonzero((out < 250).any(axis=0))
    assert cols[0] == line["x"] and len(cols) <= round(0.5 * PX) + 1
    strip = out[dark_rows, cols[0]:cols[-1] + 1]
    darkest, width = strip.min(axis=1), (strip < 250).sum(axis=1)
    assert darkest.min() >= 40 and darkest.max() - darkest.min() > 30  # grey changes along the line
    assert width.max() > width.min()


def test_broken_dust_line_has_gaps(page):
    blank = np.full((H, W), 255, np.uint8)
    out, params = run(blank, "dust", 4, dust_count=(1, 1), p_dust_broken=1.0, dust_height=(0.8, 0.8))
    (line,) = params["dust"]["lines"]
    dark = (out[line["top"]:line["top"] + line["length"]] < 250).any(axis=1)
    assert 0.5 < dark.mean() < 1.0


@pytest.mark.parametrize("seed", range(6))
def test_lost_band_paints_exactly_the_stated_depth(seed):
    grey = np.full((H, W), 180, np.uint8)
    out, params = run(grey, "lost_band", seed, lost_kinds={"side": 1, "two_sides": 1})
    lost = params["lost_band"]
    painted = out != 180
    expected = np.zeros_like(painted)
    for side, depth_mm in lost["sides"].items():
        assert 3.0 - 1 / PX <= depth_mm <= 12.0 + 1 / PX  # painted in whole pixels
        d = int(round(depth_mm * PX))
        region = {"top": (slice(0, d), slice(None)), "bottom": (slice(H - d, H), slice(None)),
                  "left": (slice(None), slice(0, d)), "right": (slice(None), slice(W - d, W))}[side]
        expected[region] = True
    assert np.array_equal(painted, expected)
    assert set(np.unique(out[painted]).tolist()) == {lost["paint"]}
    assert len(lost["rects_mm"]) == len(lost["sides"])


def test_lost_band_names_the_boxes_it_cut_off():
    blank = np.full((H, W), 255, np.uint8)
    _, params = run(blank, "lost_band", 0, lost_kinds={"side": 1}, lost_depth_mm=(10.0, 10.0))
    (side,) = params["lost_band"]["sides"]
    w_mm, h_mm = W / PX, H / PX
    # one box per edge, 5 mm from it: only the lost side's box is unseen; a central one never
    boxes = [{"id": "top", "rect": [100, 5, 6, 6]}, {"id": "bottom", "rect": [100, h_mm - 11, 6, 6]},
             {"id": "left", "rect": [5, 150, 6, 6]}, {"id": "right", "rect": [w_mm - 11, 150, 6, 6]},
             {"id": "middle", "rect": [100, 150, 6, 6]}]
    assert cap.unseen_boxes(boxes, params["lost_band"]) == [side]
    assert cap.unseen_boxes(boxes, None) == []


def test_lost_corner_is_a_triangle_and_spares_boxes_past_its_hypotenuse():
    blank = np.full((H, W), 255, np.uint8)
    out, params = run(blank, "lost_band", 1, lost_kinds={"corner": 1}, lost_corner_mm=(20.0, 20.0),
                      p_lost_white=0.0, lost_grey=(100, 100))
    lost = params["lost_band"]
    assert lost["size_mm"] == 20.0 and lost["paint"] == 100
    legs = 20.0 * PX
    assert abs((out == 100).sum() - legs * legs / 2) < 0.05 * legs * legs / 2
    (cx, cy, size), = lost["corners_mm"]
    sx, sy = (1 if cx == 0 else -1), (1 if cy == 0 else -1)

    def box(name, u, v):  # a 4 mm box whose corner nearest the page corner is (u, v) mm in
        x = cx + sx * u if sx > 0 else cx - u - 4
        y = cy + sy * v if sy > 0 else cy - v - 4
        return {"id": name, "rect": [x, y, 4, 4]}
    boxes = [box("inside", 5, 5), box("hypotenuse_near", 9, 9), box("beyond", 11, 11), box("edge", 1, 30)]
    assert cap.unseen_boxes(boxes, lost) == ["inside", "hypotenuse_near"]


def test_stretch_matrix_follows_the_square(page):
    for seed in range(3):
        out, params = run(page, "stretch", seed)
        factor = params["stretch"]["factor"]
        assert 0.01 <= abs(factor - 1) <= 0.02
        before, after = centroid(page, (0, 0, W, 1000)), centroid(out, (0, 0, W, 1000))
        moved = np.array(params["matrix"]) @ [*before, 1]
        assert np.allclose(moved[:2] / moved[2], after, atol=0.3)
        assert abs(after[1] - before[1]) > 3  # the square did move: the check is not vacuous


def test_degrade_composes_the_sheet_matrix_with_the_geometry(page):
    settings = corpus.Degradation.only("large_rotation", "scale", "margin")
    stretch = Capture.only("stretch", stretch=(0.02, 0.02))
    out, params = corpus.degrade(page, DPI, np.random.default_rng(7), settings, capture=stretch)
    assert abs(params["geometry"]["rotation_deg"]) > 3  # the order of stretch and turn matters
    assert params["capture"]["stretch"]["factor"] != 1 and "matrix" not in params["capture"]
    matrix = np.array(params["matrix"])
    for x, y, side in (SQUARE, (900, 1300, 60)):
        clean = matrix @ [x + (side - 1) / 2, y + (side - 1) / 2, 1]
        cx, cy = clean[:2] / clean[2]
        seen = centroid(out, (int(cx) - 100, int(cy) - 100, int(cx) + 100, int(cy) + 100))
        assert np.allclose(seen, (cx, cy), atol=0.4)
    # the same seed without capture damage: the same geometry, the matrix without the stretch
    _, plain = corpus.degrade(page, DPI, np.random.default_rng(7), settings)
    assert plain["geometry"] == params["geometry"]
    assert not np.allclose(plain["matrix"], matrix, atol=0.5)


def as_left_edge(image: np.ndarray, edge: str) -> np.ndarray:
    """The image turned so that ``edge`` is on the left (a view)."""
    return {"left": image, "right": image[:, ::-1], "top": image.T, "bottom": image.T[:, ::-1]}[edge]


def line_shifts(clean: np.ndarray, out: np.ndarray, reach: int) -> tuple[np.ndarray, np.ndarray]:
    """Distances from the left edge of the vertical grid lines within ``reach`` px, and how far
    each moved to the right (median over rows between the horizontal lines), in px."""
    rows = np.arange(25, clean.shape[0] - 25, 40)
    lines = np.flatnonzero(clean[rows[0]] == 0)
    lines = lines[lines < reach]
    shifts = []
    for x in lines:
        window = np.arange(max(0, x - 8), x + 9)
        weights_out = 255.0 - out[np.ix_(rows, window)]
        weights_clean = 255.0 - clean[np.ix_(rows, window)]
        moved = (weights_out @ window) / weights_out.sum(1) - (weights_clean @ window) / weights_clean.sum(1)
        shifts.append(float(np.median(moved)))
    return lines, np.array(shifts)


def test_curl_moves_the_edge_towards_the_centre_by_at_most_its_maximum():
    image = np.full((H, W), 255, np.uint8)
    image[5:H - 5:40, :] = 0   # a grid of 1 px lines: any displacement shows
    image[:, 5:W - 5:40] = 0
    edges = set()
    for seed in range(40):
        out, params = run(image, "curl", seed, curl_mm=(0.5, 0.6))
        curl = params["curl"]
        if curl["edge"] in edges:
            continue
        edges.add(curl["edge"])
        assert 0.0 < curl["max_mm"] <= 0.6 and np.allclose(params["matrix"], np.eye(3))
        depth = curl["depth_mm"] * PX
        inner = {"left": (slice(None), slice(int(depth) + 2, None)), "right": (slice(None), slice(0, W - int(depth) - 2)),
                 "top": (slice(int(depth) + 2, None), slice(None)),
                 "bottom": (slice(0, H - int(depth) - 2), slice(None))}[curl["edge"]]
        assert np.array_equal(out[inner], image[inner])  # away from the edge nothing moves
        clean, curled = as_left_edge(image, curl["edge"]), as_left_edge(out, curl["edge"])
        distance, shift = line_shifts(clean, curled, int(depth) + 40)
        most = curl["max_mm"] * PX
        assert shift[0] > 0.3 * most and shift.max() <= most + 0.05  # the line nearest the edge moved in
        assert (np.diff(shift) <= 0.02).all()  # less and less further in
        assert np.abs(shift[distance > depth]).max() < 0.02
    assert edges == set(cap.SIDES)


def test_shadow_at_an_edge_darkens_paper_by_its_levels(page):
    for seed in range(6):
        out, params = run(page, "shadow", seed, p_fold_shadow=0.0, shadow_core_mm=(5.0, 5.0))
        shadow = params["shadow"]
        levels = shadow["levels"]
        start = shadow["edge"] == "start"
        if shadow["vertical"]:
            edge, far = out[H // 2, 2 if start else W - 3], out[H // 2, W // 2]
        else:
            edge, far = out[2 if start else H - 3, W // 2], out[H // 2 + 300, W // 2 - 300]
        assert int(far) - int(edge) == pytest.approx(levels, abs=1.0)
        assert far == 255


def test_rollers_shift_only_their_bands(page):
    blank = np.full((H, W), 200, np.uint8)
    out, params = run(blank, "rollers", 1, roller_count=(2, 2))
    changed = np.flatnonzero((out != 200).any(axis=1))
    rows = set()
    for top, height, delta in params["rollers"]["bands"]:
        assert 5.0 <= abs(delta) <= 25.0
        middle = out[top + height // 2, W // 2]
        assert int(middle) - 200 == pytest.approx(delta, abs=1.0)
        rows |= set(range(top, top + height))
    assert set(changed.tolist()) <= rows


def test_speckle_is_sparse_dark_and_clustered():
    blank = np.full((H, W), 255, np.uint8)
    out, params = run(blank, "speckle", 3, speckle_fraction=(0.0005, 0.0005))
    dark = out < 128
    assert 0.0002 < dark.mean() < 0.001
    # clustered: far more empty 50 px cells than an even spread of the same specks would leave
    cells = dark[:H // 50 * 50, :W // 50 * 50].reshape(H // 50, 50, W // 50, 50).any(axis=(1, 3))
    specks = params["speckle"]["specks"]
    even = 1 - (1 - 1 / cells.size) ** specks
    assert cells.mean() < 0.5 * even


def test_bleed_spreads_ink_a_little(page):
    line = np.full((H, W), 255, np.uint8)
    line[:, 600:603] = 0
    out, params = run(line, "bleed", 0, bleed_mm=(0.15, 0.15))
    before, after = (line[800] < 200).sum(), (out[800] < 200).sum()
    assert before < after <= before + 2 * int(np.ceil(0.15 * PX)) + 2
    assert out[800, 500] == 255


def test_faded_raises_black_and_keeps_paper(page):
    out, params = run(page, "faded", 2)
    x, y, side = SQUARE
    black = int(out[y + side // 2, x + side // 2])
    assert 60 <= black <= 130 and black == params["faded"]["black"]
    assert out[10, 10] == 255
    grey, _ = run(np.full((8, 8), 128, np.uint8), "faded", 2)
    assert abs(int(grey[0, 0]) - (black + 128 * (255 - black) / 255)) <= 1


def test_banding_stripes_a_solid_square_and_spares_the_paper(page):
    out, params = run(page, "banding", 5)
    x, y, side = SQUARE
    rows = out[y:y + side, x + side // 2].astype(int)
    assert rows.min() == 0 and rows.max() >= 0.3 * 255 - 1  # light stripes across the black
    stripes = np.diff((rows > 0).astype(int))
    assert (stripes == 1).sum() >= 2  # periodic: several stripes inside 20 mm
    paper = np.ones_like(page, bool)
    paper[page < 255] = False
    assert (out[paper] == 255).all()
    # darkness is taken off in proportion: mid-grey is lifted half as much as black
    lift = params["banding"]["lift"]
    grey, _ = run(np.full((H, 8), 128, np.uint8), "banding", 5)
    assert set(np.unique(grey).tolist()) <= {128, round(255 - 127 * (1 - lift)), round(255 - 127 * (1 - lift)) - 1}


def test_every_step_handles_colour_and_keeps_the_shape(page):
    colour = cv2.cvtColor(page, cv2.COLOR_GRAY2BGR)
    out, params = cap.capture(colour, DPI, np.random.default_rng(0), Capture.only(*cap.STEPS))
    assert out.shape == colour.shape and out.dtype == np.uint8
    assert all(params[s] is not None for s in cap.STEPS)
    json.dumps(params)


@pytest.mark.parametrize("seed", range(3))
def test_degrade_without_capture_is_unchanged(page, seed):
    rng_a, rng_b = np.random.default_rng(seed), np.random.default_rng(seed)
    a, pa = corpus.degrade(page, DPI, rng_a, corpus.Degradation())
    b, pb = corpus.degrade(page, DPI, rng_b, corpus.Degradation(), capture=None)
    assert np.array_equal(a, b) and pa == pb and "capture" not in pb
    assert rng_a.random() == rng_b.random()  # the same draws consumed: later pages unchanged


def test_degrade_with_capture_keeps_the_scanner_draws(page):
    """Spawning a child stream for the capture damage: the scanner's own steps see the same
    draws, so a corpus with capture damage is the same scan plus that damage."""
    _, plain = corpus.degrade(page, DPI, np.random.default_rng(11), corpus.Degradation())
    out, damaged = corpus.degrade(page, DPI, np.random.default_rng(11), corpus.Degradation(),
                                  capture=Capture.only(*cap.STEPS))
    for step in ("geometry", "blur", "levels", "streaks", "jpeg"):
        assert damaged[step] == plain[step]
    assert set(damaged["capture"]) == set(cap.STEPS)
    json.dumps(damaged)


def test_sample_lists_the_unseen_boxes(page):
    boxes = [{"id": "near_top", "kind": "other", "rect": [50.0, 2.0, 6.0, 6.0]},
             {"id": "middle", "kind": "other", "rect": [100.0, 150.0, 6.0, 6.0]}]
    qr = [[169.0, 8.0, 21.0, 21.0], [20.0, 268.0, 21.0, 21.0]]  # 8 mm from the top and the bottom, 20 from the sides
    manifest = {"layouts": {"L": {"boxes": boxes, "zones": {}, "qr": qr}}, "products": []}
    sheet = {"id": "P1", "layout": "L", "form": 1, "page": 1, "extra_boxes": []}
    settings = Capture.only("lost_band", lost_kinds={"side": 1}, lost_depth_mm=(12.0, 12.0))
    seen = set()
    for seed in range(12):
        _, truth = corpus._sample(manifest, sheet, page, DPI, np.random.default_rng(seed), None,
                                  corpus.Degradation.off(), {1: Decimal("0")}, settings)
        (side,) = truth["degradation"]["capture"]["lost_band"]["sides"]
        assert truth["unseen_boxes"] == (["near_top"] if side == "top" else [])
        assert truth["unseen_qr"] == {"top": [0], "bottom": [1]}.get(side, [])
        seen.add(side)
    assert "top" in seen
    _, truth = corpus._sample(manifest, sheet, page, DPI, np.random.default_rng(0), None,
                              corpus.Degradation.off(), {1: Decimal("0")})
    assert "unseen_boxes" not in truth and "unseen_qr" not in truth
