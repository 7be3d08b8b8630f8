"""Phone photos of real printed pages, made by the simulator, read back through the scanner's
front-end for photos (scan.photo.find_sheet) and the real recognition: found, straightened
within 1.5 mm, the light flattened, the unreadable refused, and scans left alone."""
from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pillow_heif
import pytest
import sqlalchemy as sa

from cagettes import storage
from cagettes.scan import notices, pipeline, reference
from cagettes.scan import thresholds as T
from cagettes.scan.inputs import PageImage, iter_pages
from cagettes.scan.photo import SheetResult, find_sheet
from cagettes.scan.recognise import recognise
from cagettes.simulate import corpus
from cagettes.simulate.photo import PhotoSettings, photograph
from cagettes.storage import db

DPI = 300  # of the clean page photographed
# 2250 x 3000 frames: the smallest the simulator makes, so the quickest, and the hardest to read.
SETTINGS = PhotoSettings(frames=((2250, 3000),), p_unreadable=0.0, p_curl=0.0)


@pytest.fixture(scope="module")
def month(printed):
    _, data, result = printed
    manifest = json.loads(result.manifest_path.read_text(encoding="utf-8"))
    return data, result, manifest


@pytest.fixture(scope="module")
def clean(month):
    """(clean filled page in colour, its truth) for the month's first page."""
    _, result, manifest = month
    first = manifest["pages"][0]["id"]
    return next(corpus.iter_samples(result.manifest_path, dpi=DPI, seed=7, degradation=corpus.Degradation.off(),
                                    color=True, page_ids=[first]))


@pytest.fixture(scope="module")
def shaded(clean) -> tuple[np.ndarray, dict, SheetResult]:
    """A readable photo with a hand's or phone's darkest shadow over the sheet, and what find_sheet makes of it."""
    settings = replace(SETTINGS, p_shadow=1.0, shadow_darkening=(0.5, 0.5), gradient=(0.3, 0.35))
    photo, params = photograph(clean[0], DPI, np.random.default_rng(11), settings)
    gray = cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY)
    return gray, params, find_sheet(gray)


def marks_mm(manifest: dict, page_id: str) -> np.ndarray:
    """Centres of the page's four corner squares, mm."""
    page = next(p for p in manifest["pages"] if p["id"] == page_id)
    marks = manifest["layouts"][page["layout"]]["marks"]  # {"tl": [x, y, w, h], ...}
    return np.array([[x + w / 2, y + h / 2] for x, y, w, h in marks.values()])


def to_rectified(points_mm: np.ndarray, params: dict, result: SheetResult) -> np.ndarray:
    """Where points of the clean page land on the straightened page, mm of it."""
    clean_px = (points_mm * DPI / 25.4).reshape(-1, 1, 2)
    photo_px = cv2.perspectiveTransform(clean_px, np.array(params["matrix"]))
    return cv2.perspectiveTransform(photo_px, result.matrix).reshape(-1, 2) * 25.4 / T.OUT_DPI


def test_a_photo_is_found_and_its_corner_squares_land_within_1_5_mm(month, clean, shaded):
    _, params, result = shaded
    assert result.kind == "photo", result.reason
    assert result.image.shape == (3508, 2480)
    expected = marks_mm(month[2], clean[1]["page_id"])
    landed = to_rectified(expected, params, result)
    upright = np.linalg.norm(landed - expected, axis=1).max()
    turned = np.linalg.norm(landed - (np.array([210.0, 297.0]) - expected), axis=1).max()  # 180 degrees is allowed
    assert min(upright, turned) <= 1.5, (upright, turned)
    k = T.OUT_DPI / 25.4
    for x, y in landed:  # and a square is really there: dark in the middle
        assert result.image[round(y * k), round(x * k)] < 100


def paper_points(page: np.ndarray) -> np.ndarray:
    """Nine points of bare paper spread over the clean page (mm): near a 3 x 3 grid, where a
    4 mm square around holds no ink."""
    gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) if page.ndim == 3 else page
    k = DPI / 25.4
    bare = cv2.erode((gray >= 250).astype(np.uint8), np.ones((round(4 * k), round(4 * k)), np.uint8))
    ys, xs = np.nonzero(bare)
    points = []
    for gx in (30.0, 105.0, 180.0):
        for gy in (40.0, 150.0, 260.0):
            nearest = np.argmin((xs / k - gx) ** 2 + (ys / k - gy) ** 2)
            points.append([xs[nearest] / k, ys[nearest] / k])
    return np.array(points)


def test_the_flattened_paper_is_white_across_the_page_even_under_a_shadow(clean, shaded):
    gray, params, result = shaded
    assert params["light"]["shadow"]["darkening"] == 0.5
    points = to_rectified(paper_points(clean[0]), params, result) * T.OUT_DPI / 25.4
    flat = [float(np.median(result.image[round(y) - 3:round(y) + 4, round(x) - 3:round(x) + 4])) for x, y in points]
    unflattened = cv2.warpPerspective(gray, result.matrix, (2480, 3508))
    raw = [float(unflattened[round(y), round(x)]) for x, y in points]
    assert min(raw) < 0.8 * max(raw), raw  # the light really was uneven on these points
    assert all(235 <= v <= 255 for v in flat), flat


def test_a_flatbed_like_page_passes_through_unchanged(clean):
    page = cv2.cvtColor(clean[0], cv2.COLOR_BGR2GRAY)
    result = find_sheet(page)
    assert result.kind == "scan" and result.image is page


@pytest.mark.parametrize("kind, reason", [("blur", "photo_blurred"), ("small", "photo_too_small")])
def test_an_unreadable_photo_is_refused_with_its_reason(clean, kind, reason):
    settings = replace(SETTINGS, p_unreadable=1.0, unreadable_kinds=(kind,))
    photo, params = photograph(clean[0], DPI, np.random.default_rng(5), settings)
    assert params["expect_refusal"] and params["unreadable"] == kind
    result = find_sheet(cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY))
    # a sheet a quarter of the frame wide is sometimes not outlined at all (it depends on the
    # codes printed on it, new in each test run): refused then as "no sheet", whose sentence
    # also says how to take the photo again
    allowed = {reason, "photo_no_sheet"} if kind == "small" else {reason}
    assert result.kind == "refused" and result.reason in allowed, result


def test_a_heic_photo_is_read_by_iter_pages(tmp_path, shaded):
    # a quarter of the photo: encoding HEVC takes ~5 s per megapixel
    photo = cv2.cvtColor(cv2.resize(shaded[0], None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA), cv2.COLOR_GRAY2BGR)
    photo[:, :, 0] //= 2  # a colour photo: read back as grey
    rgb = cv2.cvtColor(photo, cv2.COLOR_BGR2RGB)
    pillow_heif.from_bytes(mode="RGB", size=(rgb.shape[1], rgb.shape[0]), data=rgb.tobytes()).save(
        str(tmp_path / "IMG_0001.HEIC"), quality=90)
    items = list(iter_pages([tmp_path / "IMG_0001.HEIC"]))
    assert len(items) == 1 and isinstance(items[0], PageImage), items
    assert items[0].method == "heic" and items[0].image.shape == photo.shape[:2]
    assert float(np.abs(items[0].image.astype(float) - cv2.cvtColor(photo, cv2.COLOR_BGR2GRAY)).mean()) < 4


def test_a_straightened_photo_is_identified_by_the_real_recognition(month, clean, shaded):
    data, result, manifest = month
    sheet = shaded[2]
    pages = {p["id"]: p for p in manifest["pages"]}
    first = reference.first_pages(manifest)

    def blank(page):
        return reference.for_page(str(result.manifest_path), manifest, first, page)

    read = recognise(sheet.image, manifest, pages, data.secret, draw=False, reference=blank)
    assert read.page_id == clean[1]["page_id"], (read.outcome, read.reason, read.detail)


def test_photos_go_through_the_scan_pipeline_read_or_refused_with_their_sentence(printed, month, clean, tmp_path):
    """End to end, as ``cagettes scan`` reads a folder: a readable photo is read as its page, its
    ticked boxes read; a blurred one is refused, told how to take it again."""
    data, result, manifest = month
    page = next(p for p in manifest["pages"] if p["id"] == clean[1]["page_id"])
    layout_boxes = manifest["layouts"][page["layout"]]["boxes"]
    unmarked = {b["product"] for b in layout_boxes if b["kind"] == "quantity"} - {
        b["product"] for b in layout_boxes if b["kind"] == "quantity" and clean[1]["boxes"][b["id"]]["state"] != "empty"}
    box = next(b for b in layout_boxes if b["kind"] == "quantity" and b["product"] in unmarked)
    ticked = clean[0].copy()  # a tick in a box of a product nothing else is marked for
    x, y, w, h = (round(v * DPI / 25.4) for v in box["rect"])
    cv2.line(ticked, (x + w // 6, y + h // 2), (x + w // 2, y + h - h // 6), (30, 30, 30), 5)
    cv2.line(ticked, (x + w // 2, y + h - h // 6), (x + w - 3, y + 3), (30, 30, 30), 5)
    readable, _ = photograph(ticked, DPI, np.random.default_rng(3), SETTINGS)
    blurred, params = photograph(clean[0], DPI, np.random.default_rng(5),
                                 replace(SETTINGS, p_unreadable=1.0, unreadable_kinds=("blur",)))
    assert params["expect_refusal"]
    paths = [tmp_path / "IMG_0001.jpg", tmp_path / "IMG_0002.jpg"]
    for path, photo in zip(paths, (readable, blurred), strict=True):
        assert cv2.imwrite(str(path), photo, [cv2.IMWRITE_JPEG_QUALITY, 90])
    engine = storage.connect(f"sqlite:///{tmp_path / 'scan.db'}")
    job = pipeline.Job(data.month, str(result.manifest_path), data.secret, str(tmp_path / "pictures"))
    summary = pipeline.scan(engine, job, paths, jobs=1)
    assert summary.pages == 2
    with engine.connect() as conn:
        pages = {r["source"].rsplit("/", 1)[-1]: dict(r) for r in conn.execute(sa.select(db.scanned_pages)).mappings()}
        states = {r["box"]: r["state"] for r in conn.execute(
            sa.select(db.box_readings).where(db.box_readings.c.scanned_page == pages["IMG_0001.jpg"]["id"])).mappings()}

    read = pages["IMG_0001.jpg"]
    assert read["outcome"] in ("accepted", "needs_review"), (read["reason"], read["detail"])
    assert read["page_id"] == clean[1]["page_id"]
    assert states[box["id"]] == "marked", states[box["id"]]
    others = [b["id"] for b in layout_boxes if b.get("product") == box["product"] and b["id"] != box["id"]]
    assert all(states[b] == "empty" for b in others), {b: states[b] for b in others}

    refused = pages["IMG_0002.jpg"]
    assert (refused["outcome"], refused["reason"]) == ("rejected", "photo_blurred")
    sentence = notices.page_notice(refused, "fr")
    assert "IMG_0002.jpg » est une photo floue : reprenez-la de plus près" in sentence, sentence
    assert "sans ombre" in sentence and "téléphone immobile" in sentence
    assert "photo floue" in Path(refused["kept_image"]).with_suffix(".txt").read_text(encoding="utf-8")


def test_a_photo_named_by_a_volunteer_is_straightened_before_it_is_read(month, clean, shaded):
    """A photo whose codes could not be read waits for a volunteer to name it; once named it is
    read as a straightened sheet, as any photo: the raw photo gave no registration at all."""
    from cagettes.scan.recognise import REJECTED, recognise_as

    data, result, manifest = month
    page = next(p for p in manifest["pages"] if p["id"] == clean[1]["page_id"])
    first = reference.first_pages(manifest)
    read = recognise_as(shaded[0], manifest, page, draw=False,
                        reference=lambda p: reference.for_page(str(result.manifest_path), manifest, first, p))
    assert read.outcome != REJECTED, (read.reason, read.detail)
    states = {box: (truth["state"], read.decisions[box].state) for box, truth in clean[1]["boxes"].items()}
    assert not [box for box, (truth, got) in states.items() if truth == "empty" and got != "empty" and got != "doubtful"]
    assert not [box for box, (truth, got) in states.items() if truth == "marked" and got == "empty"]
