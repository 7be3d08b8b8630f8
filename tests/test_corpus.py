"""The synthetic corpus (cagettes/simulate/corpus.py): marks where the truth says, damage as recorded,
the same seed giving the same corpus. Pages of the real printed month, at 150 dpi."""
from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import cv2
import numpy as np
import pytest

from cagettes.simulate import corpus

DPI = 150
PX = DPI / 25.4
DARK = 200  # grey level: below it a pixel is ink (keeps pencil, which stays above 128)
EVERY_PRODUCT_MARKED = corpus.FillPolicy(scenarios={"one": 1.0}, stray_rate=2.0)


@pytest.fixture(scope="module")
def month(printed):
    _, _, result = printed
    return result, json.loads(result.manifest_path.read_text(encoding="utf-8"))


def page_of(manifest: dict, layout: str, n: int = 0) -> dict:
    return [p for p in manifest["pages"] if p["layout"] == layout][n]


def clean_page(month, layout: str) -> tuple[np.ndarray, list[dict], dict]:
    result, manifest = month
    page = page_of(manifest, layout)
    layout_data = manifest["layouts"][layout]
    image = corpus.render_page(result.out_dir / page["pdf"], page["pdf_page"], DPI)
    return image, layout_data["boxes"] + page["extra_boxes"], layout_data["zones"]


def ink(image: np.ndarray, rect: list[float], inset_mm: float = 0.9) -> float:
    """Share of dark pixels inside a box, its 0.6 mm outline left out."""
    x, y, w, h = (np.array(rect) * PX).tolist()
    i = int(round(inset_mm * PX))
    crop = image[int(y) + i:int(y + h) - i, int(x) + i:int(x + w) - i]
    return float((crop < DARK).mean())


def test_truth_matches_the_manifest(month):
    result, manifest = month
    pages = {p["id"]: p for p in manifest["pages"]}
    refs = {p["ref"] for p in manifest["products"]}
    samples = list(corpus.iter_samples(result.manifest_path, pages=8, dpi=DPI, seed=3))
    assert len(samples) == 8
    for image, truth in samples:
        page = pages[truth["page_id"]]
        boxes = {b["id"]: b for b in manifest["layouts"][page["layout"]]["boxes"] + page["extra_boxes"]}
        assert set(truth["boxes"]) == set(boxes)
        assert {b["state"] for b in truth["boxes"].values()} <= set(corpus.STATES)
        assert {b["style"] for b in truth["boxes"].values()} <= set(corpus.STYLES) | {None}
        assert set(truth["products"]) <= refs
        for ref, product in truth["products"].items():
            marked = [b["value"] for key, b in boxes.items() if b.get("product") == ref and b["kind"] == "quantity"
                      and truth["boxes"][key]["state"] == "marked"]
            if product["quantity"] is not None:
                assert marked == [product["quantity"]] and not product["expect_doubt"]
        assert image.ndim == 2 and image.dtype == np.uint8
        json.dumps(truth)  # the truth goes to truth.jsonl as is


@pytest.mark.parametrize("style", ["tick", "cross", "light_tick", "pencil_cross", "felt_cross", "scribble", "overflow"])
def test_a_marked_box_has_more_ink_than_any_empty_one(month, style):
    image, boxes, zones = clean_page(month, "fr/p1")
    policy = corpus.FillPolicy(scenarios={"one": 1.0}, mark_styles={style: 1.0}, stray_rate=2.0, p_tolerance=1.0)
    filled, truth = corpus.fill_page(image, boxes, zones, DPI, np.random.default_rng(1), policy)
    marked = [ink(filled, b["rect"]) for b in boxes if truth["boxes"][b["id"]]["state"] == "marked"]
    empty = [ink(filled, b["rect"]) for b in boxes if truth["boxes"][b["id"]]["style"] is None]
    assert len(marked) >= 7 and empty  # one per product row, and the "+1" boxes
    assert min(marked) > max(empty) and max(empty) < 0.005
    assert ink(image, boxes[0]["rect"]) < 0.005  # the page given is left clean


def test_a_tick_beside_the_box_touches_it_from_outside(month):
    image, boxes, zones = clean_page(month, "fr/p1")
    policy = corpus.FillPolicy(scenarios={"one": 1.0}, mark_styles={"beside": 1.0}, stray_rate=0.0, p_tolerance=0.0)
    filled, truth = corpus.fill_page(image, boxes, zones, DPI, np.random.default_rng(2), policy)
    beside = [b for b in boxes if truth["boxes"][b["id"]]["style"] == "beside"]
    assert beside and all(truth["boxes"][b["id"]]["state"] == "marked" for b in beside)
    for box in beside:
        x, y, w, h = box["rect"]
        around = [x - w / 2, y - h / 2, 2 * w, 2 * h]
        assert ink(filled, box["rect"]) < 0.01 < ink(filled, around, inset_mm=0)


# hand fills leave some paper; with a felt pen a scrawl or a partial fill can leave only 2 %
@pytest.mark.parametrize("style,low,high", [("dense", 0.8, 1.0), ("zigzag", 0.45, 0.99), ("partial", 0.45, 0.99),
                                             ("scrawl", 0.4, 0.99)])
def test_a_cancelled_box_is_filled_as_hands_fill_it(month, style, low, high):
    """The textbook fill leaves no paper; real fills (the AMC scans) cover 55-87 % of the box."""
    image, boxes, zones = clean_page(month, "fr/p1")
    policy = corpus.FillPolicy(scenarios={"correction": 1.0}, page_pens={"ballpoint_blue": 1, "felt": 1},
                               fill_styles={style: 1.0})
    for seed in range(3):
        filled, truth = corpus.fill_page(image, boxes, zones, DPI, np.random.default_rng(seed), policy)
        cancelled = [b for b in boxes if truth["boxes"][b["id"]]["state"] == "cancelled"]
        assert len(cancelled) >= 6
        assert {truth["boxes"][b["id"]]["style"] for b in cancelled} == {"fill" if style == "dense" else f"fill_{style}"}
        assert all(low < ink(filled, b["rect"]) <= high for b in cancelled), [ink(filled, b["rect"]) for b in cancelled]
        assert all(p["quantity"] for p in truth["products"].values())  # the other box, marked, is the answer


def test_a_circled_number_leaves_the_box_empty_and_the_product_doubtful(month):
    image, boxes, zones = clean_page(month, "fr/p1")
    policy = corpus.FillPolicy(scenarios={"circled_label": 1.0}, stray_rate=0.0, page_pens={"felt": 1})
    filled, truth = corpus.fill_page(image, boxes, zones, DPI, np.random.default_rng(4), policy)
    circled = [b for b in boxes if truth["boxes"][b["id"]]["style"] == "circle"]
    assert circled and all(truth["boxes"][b["id"]]["state"] == "empty" and ink(filled, b["rect"]) < 0.01 for b in circled)
    assert all(p["expect_doubt"] and p["quantity"] is None for p in truth["products"].values())


def test_strays_stay_out_of_every_box(month):
    image, boxes, zones = clean_page(month, "fr-large/p2")  # products only: no payment block
    policy = corpus.FillPolicy(scenarios={"nothing": 1.0}, stray_rate=6.0)
    filled, truth = corpus.fill_page(image, boxes, zones, DPI, np.random.default_rng(5), policy)
    assert truth["strays"]
    assert all(b["state"] == "empty" for b in truth["boxes"].values())
    assert all(ink(filled, b["rect"], inset_mm=0.9) < 0.005 for b in boxes)
    assert (filled < DARK).sum() > (image < DARK).sum()


def test_payment_amount_and_member_number_are_ticked_digit_by_digit(month):
    policy = corpus.FillPolicy(p_payment=1.0, p_member_number=1.0, p_blank_leading_zero=0.0, p_comment=1.0)
    image, boxes, zones = clean_page(month, "fr/p2")  # the last page: payment and comment
    filled, truth = corpus.fill_page(image, boxes, zones, DPI, np.random.default_rng(6), policy,
                                     products=month[1]["products"], carried_total=Decimal("7.3"))
    marked = {key for key, b in truth["boxes"].items() if b["state"] == "marked"}
    digits = f"{Decimal(truth['amount']):05.2f}".replace(".", "")
    assert truth["amount"] == f"{Decimal('7.30') + Decimal(truth['page_total']):.2f}"
    assert {f"a-{c}-{d}" for c, d in enumerate(digits)} <= marked and f"p-{truth['payment']}" in marked
    assert truth["comment_ink"] and (filled[int(zones["comment"][1] * PX):, :int(90 * PX)] < DARK).sum() > \
        (image[int(zones["comment"][1] * PX):, :int(90 * PX)] < DARK).sum()
    image, boxes, zones = clean_page(month, "fr-walkin/p1")
    _, truth = corpus.fill_page(image, boxes, zones, DPI, np.random.default_rng(7), policy)
    marked = {key for key, b in truth["boxes"].items() if b["state"] == "marked" and key.startswith("n-")}
    assert marked == {f"n-{c}-{d}" for c, d in enumerate(truth["member_number"])} and truth["name_ink"]


def test_the_amount_is_the_forms_total(month):
    result, manifest = month
    form = [p["id"] for p in manifest["pages"] if p["form"] == 1]
    policy = corpus.FillPolicy(scenarios={"one": 1.0}, p_payment=1.0)
    truths = [t for _, t in corpus.iter_samples(result.manifest_path, dpi=DPI, seed=8, policy=policy,
                                                degradation=corpus.Degradation.off(), page_ids=form)]
    total = sum(Decimal(t["page_total"]) for t in truths)
    assert [t["page_id"] for t in truths] == form and 0 < total
    assert truths[-1]["amount"] == (f"{total:.2f}" if total < 100 else truths[-1]["amount"])


def test_feedback_boxes_are_marked_when_the_page_has_them():
    image = np.full((int(297 * PX), int(210 * PX)), 255, np.uint8)
    boxes = [{"id": "q-0-1", "kind": "quantity", "rect": [80, 100, 8, 8], "product": "A", "value": 1},
             {"id": "f-0-like", "kind": "feedback", "rect": [170, 100, 8, 8], "product": "A", "value": "like"},
             {"id": "f-0-dislike", "kind": "feedback", "rect": [185, 100, 8, 8], "product": "A", "value": "dislike"}]
    policy = corpus.FillPolicy(p_feedback=1.0)
    _, truth = corpus.fill_page(image, boxes, {}, DPI, np.random.default_rng(9), policy)
    opinion = truth["products"]["A"]["feedback"]
    assert opinion in ("like", "dislike") and truth["boxes"][f"f-0-{opinion}"]["state"] == "marked"


def test_upside_down_moves_a_mark_to_the_opposite_corner():
    image = np.full((600, 400), 255, np.uint8)
    image[20:60, 30:70] = 0
    out, params = corpus.degrade(image, DPI, np.random.default_rng(0), corpus.Degradation.only("upside_down"))
    assert out.shape == image.shape and params["geometry"]["upside_down"]
    assert out[540:580, 330:370].mean() < 10 and out[20:60, 30:70].mean() > 245
    corner = np.array(params["matrix"]) @ [50, 40, 1]
    assert np.allclose(corner[:2] / corner[2], [349, 559], atol=0.01)


@pytest.mark.parametrize("seed", range(4))
def test_the_matrix_maps_the_clean_page_into_the_scan(seed):
    image = np.full((1754, 1240), 255, np.uint8)
    image[300:340, 900:940] = 0  # 40 px: a filled box
    settings = corpus.Degradation.only("large_rotation", "upside_down", "scale", "perspective", "margin")
    out, params = corpus.degrade(image, DPI, np.random.default_rng(seed), settings)
    x, y, z = np.array(params["matrix"]) @ [920, 320, 1]
    assert out[int(y / z) - 8:int(y / z) + 8, int(x / z) - 8:int(x / z) + 8].max() < 60
    assert list(out.shape[::-1]) == params["geometry"]["size"]
    assert max(out.shape) < 1.35 * max(image.shape)  # even at 10 degrees, the canvas stays reasonable


def test_a_damaged_corner_hides_one_code_never_both(month):
    import zxingcpp

    result, manifest = month
    page = page_of(manifest, "fr/p2")
    image = corpus.render_page(result.out_dir / page["pdf"], page["pdf_page"], DPI)
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [page["id"]] * 2
    qr = manifest["layouts"][page["layout"]]["qr"]
    for seed in range(4):
        out, params = corpus.degrade(image, DPI, np.random.default_rng(seed), corpus.Degradation.only("qr_damage"), qr=qr)
        assert params["qr_damaged"] == 1
        assert [r.text for r in zxingcpp.read_barcodes(out)] == [page["id"]]


def test_every_step_keeps_a_readable_uint8_page(month):
    image, _, _ = clean_page(month, "fr/p1")
    steps = [f.name[2:] for f in dataclasses.fields(corpus.Degradation) if f.name.startswith("p_")]
    out, params = corpus.degrade(image, DPI, np.random.default_rng(1), corpus.Degradation.only(*steps))
    assert out.dtype == np.uint8 and out.ndim == 2 and out.shape[0] > image.shape[0] * 0.9
    assert all(params[name] is not None for name, _ in corpus._PIXEL_STEPS)
    colour, _ = corpus.degrade(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), DPI, np.random.default_rng(1),
                               corpus.Degradation.only("skew", "blur", "levels", "gaussian_noise", "jpeg"))
    assert colour.ndim == 3


def test_the_same_seed_gives_the_same_corpus(month):
    result, _ = month

    def run(seed):
        return list(corpus.iter_samples(result.manifest_path, pages=3, dpi=DPI, seed=seed))

    first, again, other = run(11), run(11), run(12)
    assert all(np.array_equal(a, b) and ta == tb for (a, ta), (b, tb) in zip(first, again, strict=False))
    assert any(not np.array_equal(a, b) or ta != tb for (a, ta), (b, tb) in zip(first, other, strict=False))


@pytest.mark.parametrize("fmt", ["jpg", "png", "tif"])
def test_generate_writes_images_and_one_truth_line_each(month, tmp_path, fmt):
    result, _ = month
    paths = corpus.generate(result.manifest_path, tmp_path, pages=3, dpi=DPI, seed=1, fmt=fmt)
    lines = (tmp_path / "truth.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(paths) == len(lines) == 3
    for path, line in zip(paths, lines, strict=False):
        record = json.loads(line)
        image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        assert image is not None and record["file"] == path.name and record["dpi"] == DPI
        assert list(image.shape[::-1]) == record["truth"]["degradation"]["geometry"]["size"]
    with pytest.raises(ValueError):
        corpus.generate(result.manifest_path, tmp_path, pages=1, fmt="gif")
