"""The scanning pipeline end to end: render → fill → degrade → scan → orders, every outcome."""
from __future__ import annotations

import json
import shutil

import cv2
import numpy as np
import pytest
import sqlalchemy as sa

from cagettes import storage
from cagettes.forms.ids import PageId
from cagettes.scan import pipeline
from cagettes.scan.orders import order_rows
from cagettes.simulate import corpus
from cagettes.storage import db
from tests.backends import BOTH_BACKENDS
from tests.review_scans import tick
from tests.support.faults import paint_code

DPI = 200


@pytest.fixture
def scanner(printed, tmp_path, database_url):
    """A fresh database on the printed month, and a function scanning paths into it."""
    workspace, data, result = printed
    engine = storage.connect(database_url)
    job = pipeline.Job(data.month, str(result.manifest_path), data.secret, str(tmp_path / "pictures"))
    return engine, lambda paths: pipeline.scan(engine, job, paths, jobs=2)


def manifest(printed) -> dict:
    return json.loads(printed[2].manifest_path.read_text(encoding="utf-8"))


def clean_page(printed, number: int = 0) -> tuple[np.ndarray, dict]:
    page = manifest(printed)["pages"][number]
    return corpus.render_page(printed[2].out_dir / page["pdf"], page["pdf_page"], DPI), page


def rows(engine, table) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(table).order_by(*table.primary_key)).mappings()]


@BOTH_BACKENDS
def test_round_trip_gives_the_marked_orders_without_silent_errors(printed, scanner, tmp_path):
    engine, scan = scanner
    paths = corpus.generate(printed[2].manifest_path, tmp_path / "corpus", pages=8, dpi=DPI, seed=11)
    truths = [json.loads(line) for line in (tmp_path / "corpus" / "truth.jsonl").read_text().splitlines()]
    summary = scan(paths)
    assert summary.pages == 8 and summary.counts["rejected"] == 0
    stored = {r["source"].rsplit("/", 1)[-1]: r for r in rows(engine, db.scanned_pages)}
    readings = {(r["scanned_page"], r["box"]): r["state"] for r in rows(engine, db.box_readings)}
    lines = rows(engine, db.page_lines)
    for entry in truths:
        page = stored[entry["file"]]
        assert page["page_id"] == entry["page_id"]
        flagged = {b for l in lines if l["scanned_page"] == page["id"] and l["status"] == "doubtful" for b in l["boxes"]}
        for box, truth in entry["truth"]["boxes"].items():
            state = readings[page["id"], box]
            assert state == truth["state"] or state == "doubtful" or box in flagged, (entry["file"], box, truth, state)
    ordered = {(r["formulaire"], r["ref"]): r for r in order_rows(engine, printed[1])}
    for entry in truths:
        for ref, truth in entry["truth"]["products"].items():
            row = ordered.get((entry["truth"]["form"], ref))
            if row is not None and row["statut"] == "confirmé":
                assert int(row["quantite"]) == truth["quantity"], (entry["file"], ref)
            elif truth["quantity"] and not truth["expect_doubt"]:
                assert row is not None and row["statut"] == "douteux", (entry["file"], ref)


def write(path, image) -> str:
    cv2.imwrite(str(path), image)
    return str(path)


def forged(printed, text: str) -> np.ndarray:
    image, page = clean_page(printed)
    for rect in manifest(printed)["layouts"][page["layout"]]["qr"]:
        paint_code(image, rect, text, DPI)
    return image


@pytest.mark.parametrize("name, make, reason", [
    ("blank", lambda p: np.full((2339, 1654), 250, np.uint8), "blank_page"),
    ("foreign", lambda p: forged(p, PageId("2026-12", 1, 1).encode("x" * 40)), "other_workspace"),
    ("last-month", lambda p: forged(p, PageId("2026-11", 1, 1).encode(p[1].secret)), "other_month"),
    ("forged", lambda p: forged(p, PageId("2026-12", 1, 1).encode(p[1].secret)[:-2] + "AA"), "bad_signature"),
    ("not-ours", lambda p: forged(p, "https://example.org/coupon"), "not_ours"),
])
def test_each_rejection_has_its_reason_and_the_page_is_kept(printed, scanner, tmp_path, name, make, reason):
    """A page with ink and no readable code is not rejected: tests/test_identity_review.py."""
    engine, scan = scanner
    summary = scan([write(tmp_path / f"{name}.png", make(printed))])
    [page] = rows(engine, db.scanned_pages)
    assert (page["outcome"], page["reason"]) == ("rejected", reason)
    assert page["kept_image"] and cv2.imread(page["kept_image"]) is not None
    note = page["kept_image"].rsplit(".", 1)[0] + ".txt"
    assert reason in open(note, encoding="utf-8").read()
    assert summary.counts["rejected"] == 1


@BOTH_BACKENDS
def test_a_foreign_code_longer_than_its_column_is_rejected_not_a_crash(printed, scanner, tmp_path):
    """PostgreSQL refuses a text longer than its column where SQLite keeps it whole."""
    engine, scan = scanner
    text = "https://example.org/bons-de-reduction/" + "x" * 80
    summary = scan([write(tmp_path / "coupon.png", forged(printed, text))])
    [page] = rows(engine, db.scanned_pages)
    assert (page["outcome"], page["reason"]) == ("rejected", "not_ours") and summary.counts["rejected"] == 1
    assert text.startswith(page["page_id"]) and len(page["page_id"]) == db.scanned_pages.c.page_id.type.length


def test_erased_marks_mean_registration_failed(printed, scanner, tmp_path):
    """All four marks and one code erased: the code left does not pin the page down (two
    codes would, with the printed boxes: see tests/test_register_damage.py)."""
    engine, scan = scanner
    image, page = clean_page(printed)
    layout = manifest(printed)["layouts"][page["layout"]]
    for rect in list(layout["marks"].values()) + [layout["qr"][1]]:
        x, y, w, h = (round(v * DPI / 25.4) for v in rect)
        image[y - 5:y + h + 5, x - 5:x + w + 5] = 255
    scan([write(tmp_path / "nomarks.png", image)])
    [row] = rows(engine, db.scanned_pages)
    assert (row["outcome"], row["reason"]) == ("rejected", "registration_failed")


@BOTH_BACKENDS
def test_same_image_twice_counts_once_and_a_rescan_is_a_conflict(printed, scanner, tmp_path):
    engine, scan = scanner
    image, page = clean_page(printed)
    x, y, w, h = (round(v * DPI / 25.4) for v in next(b for b in manifest(printed)["layouts"][page["layout"]]["boxes"]
                                                        if b["id"] == "q-0-2")["rect"])
    cv2.line(image, (x + 5, y + h // 2), (x + w // 2, y + h - 5), 20, 4)
    cv2.line(image, (x + w // 2, y + h - 5), (x + w - 3, y + 3), 20, 4)
    first = write(tmp_path / "a.png", image)
    shutil.copy(first, tmp_path / "a-copy.png")
    summary = scan([first, tmp_path / "a-copy.png"])
    assert (summary.counts["accepted"], summary.counts["duplicate"]) == (1, 1)
    rescan = write(tmp_path / "b.png", np.ascontiguousarray(np.rot90(image, 2)))  # fed upside down
    summary = scan([first, rescan])
    assert (summary.counts["duplicate"], summary.counts["needs_review"]) == (1, 1)
    pages = rows(engine, db.scanned_pages)
    assert [p["reason"] for p in pages] == ["", "conflict"] and pages[1]["conflict_of"] == pages[0]["id"]
    orders = [r for r in order_rows(engine, printed[1]) if r["ref"] == printed[1].products[0].ref]
    assert [(r["quantite"], r["statut"]) for r in orders] == [("2", "confirmé")]  # not doubled


@BOTH_BACKENDS
def test_a_corrupt_file_in_the_middle_does_not_stop_the_batch(printed, scanner, tmp_path):
    engine, scan = scanner
    good = write(tmp_path / "1.png", clean_page(printed, 0)[0])
    data = cv2.imencode(".jpg", clean_page(printed, 1)[0])[1].tobytes()
    (tmp_path / "2.jpg").write_bytes(data[: len(data) // 3])
    (tmp_path / "3.jpg").write_bytes(b"%PDF-1.4 not really")
    other = write(tmp_path / "4.png", clean_page(printed, 2)[0])
    summary = scan([good, tmp_path / "2.jpg", tmp_path / "3.jpg", other])
    assert summary.pages == 4 and summary.counts["accepted"] == 2 and summary.counts["rejected"] == 2
    reasons = {r["source"].rsplit("/", 1)[-1]: r["reason"] for r in rows(engine, db.scanned_pages)}
    assert reasons["2.jpg"] == "truncated" and reasons["3.jpg"] in ("truncated", "empty_pdf", "unreadable")


@BOTH_BACKENDS
def test_walkin_member_number_comment_and_payment_are_read(printed, scanner, tmp_path):
    engine, scan = scanner
    m = manifest(printed)
    walkin = [p for p in m["pages"] if p["walkin"]]
    first, last = walkin[0], next(p for p in walkin if p["form"] == walkin[0]["form"] and p["page"] == p["pages"])
    image = corpus.render_page(printed[2].out_dir / first["pdf"], first["pdf_page"], DPI)
    boxes = {b["id"]: b for b in m["layouts"][first["layout"]]["boxes"]}
    for column, digit in enumerate("0040"):  # a member of the sample: a number that is nobody's is not counted
        tick(image, boxes[f"n-{column}-{digit}"])
    tick(image, boxes["q-0-1"])
    end = corpus.render_page(printed[2].out_dir / last["pdf"], last["pdf_page"], DPI)
    end_boxes = {b["id"]: b for b in m["layouts"][last["layout"]]["boxes"]}
    tick(end, end_boxes["p-cheque_alimentaire"])
    for column, digit in enumerate("0850"):
        tick(end, end_boxes[f"a-{column}-{digit}"])
    x, y, w, h = (round(v * DPI / 25.4) for v in m["layouts"][last["layout"]]["zones"]["comment"])
    cv2.putText(end, "Merci !", (x + 20, y + h // 2), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, 2, 40, 3)
    scan([write(tmp_path / "w1.png", image), write(tmp_path / "w2.png", end)])
    lines = {(l["kind"], l["product"]): l for l in rows(engine, db.page_lines)}
    assert (lines["member_number", None]["value"], lines["member_number", None]["status"]) == ("0040", "confirmed")
    assert lines["payment", None]["value"] == "cheque_alimentaire"
    assert lines["amount", None]["value"] == "8.50"
    pages = {p["page"]: p for p in rows(engine, db.scanned_pages)}
    assert pages[last["page"]]["comment"] and cv2.imread(pages[last["page"]]["comment"]) is not None
    assert pages[1]["comment"] is None
    [order] = [r for r in order_rows(engine, printed[1])]
    assert (order["membre"], order["quantite"], order["statut"]) == ("0040", "1", "confirmé")


@BOTH_BACKENDS
def test_missing_pages_are_reported_per_member(printed, scanner, tmp_path):
    from cagettes.scan.orders import month_status

    engine, scan = scanner
    image, page = clean_page(printed, 0)
    scan([write(tmp_path / "p1.png", image)])
    pages_per_form = {p["form"]: p["pages"] for p in manifest(printed)["pages"]}
    status = month_status(engine, printed[1], pages_per_form)
    [(form, who, missing)] = status.incomplete
    assert form == page["form"] and missing == list(range(2, page["pages"] + 1))
    assert sum(s.returned for s in status.sites) == 1


def test_exported_cells_never_start_a_formula():
    from cagettes.scan.orders import neutralise

    assert [neutralise(v) for v in ("=HYPERLINK(1)", "+33 6", "-1", "@x", "Zoé", 3)] == \
        ["'=HYPERLINK(1)", "'+33 6", "'-1", "'@x", "Zoé", 3]


def test_a_walkin_number_counts_for_the_products_of_every_page(printed, scanner, tmp_path):
    engine, scan = scanner
    m = manifest(printed)
    first = next(p for p in m["pages"] if p["walkin"] and p["page"] == 1)
    second = next(p for p in m["pages"] if p["form"] == first["form"] and p["page"] == 2)
    images = []
    for page, ids in ((first, ["n-0-0", "n-1-0", "n-2-4", "n-3-0"]), (second, None)):  # member 0040
        image = corpus.render_page(printed[2].out_dir / page["pdf"], page["pdf_page"], DPI)
        boxes = {b["id"]: b for b in m["layouts"][page["layout"]]["boxes"]}
        for box in ids or [next(b for b in boxes if b.startswith("q-") and b.endswith("-1"))]:
            tick(image, boxes[box])
        images.append(write(tmp_path / f"w{page['page']}.png", image))
    scan(images)
    [order] = order_rows(engine, printed[1])
    assert (order["membre"], order["quantite"], order["statut"]) == ("0040", "1", "confirmé")
