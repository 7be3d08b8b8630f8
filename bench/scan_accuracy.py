"""Score the scanner on a synthetic corpus: silent errors, doubt, identification, speed, memory.

    python bench/scan_accuracy.py --corpus DIR [--jobs 2]

DIR is written by ``bench/make_corpus.py`` (images, truth.jsonl, and the workspace whose
month was printed). The whole pipeline runs on the image files, as ``cagettes scan`` would,
into a fresh SQLite database; its stored decisions are then compared with the truth.

Figures printed:
- box-level silent errors: a box read wrong and not flagged (neither the box nor its
  product's line is doubtful). Target 0. Marks that a binarising scan erased completely (not
  one dark pixel left inside the box once isolated noise pixels are removed by a 3×3 median)
  are counted apart: no reader can see them.
- doubtful rate: boxes sent to a human, over all boxes read. Target ≤ 1 %.
- order-level: products whose quantity was read wrong without doubt, and products the
  truth expects to be doubtful (a circled number, two ticks) that were confirmed anyway.
- identification: pages identified over pages with at least one intact code. Target 100 %.
- readable pages refused: rejected pages whose truth does not set ``degradation.expect_refusal``
  (phone photos made unreadable on purpose by ``bench/make_photos.py``, refused "as expected").
- throughput (pages/s, end to end: decode, identify, register, read, overlay, database) and
  peak memory of the main process and the largest worker.
"""
from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import sqlalchemy as sa

from cagettes import storage
from cagettes.forms.manifest import page_boxes
from cagettes.scan import pipeline
from cagettes.storage import db
from cagettes.storage import workspace as ws

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".heic", ".heif")  # HEIC: phone photos (make_photos.py)


def run_scan(corpus: Path, jobs: int) -> tuple[sa.Engine, float, pipeline.BatchSummary, Path]:
    manifest = Path(json.loads((corpus / "corpus.json").read_text(encoding="utf-8"))["manifest"])
    month = json.loads(manifest.read_text(encoding="utf-8"))["month"]
    workspace = ws.open_workspace(manifest.parent)  # the workspace whose secret signed the pages
    tmp = Path(tempfile.mkdtemp(prefix="cagettes-scanbench-"))
    engine = storage.connect(f"sqlite:///{tmp / 'bench.db'}")
    job = pipeline.Job(month, str(manifest), workspace.config.secret, str(tmp / "pictures"))
    images = sorted(p for p in corpus.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
    started = time.perf_counter()
    summary = pipeline.scan(engine, job, images, jobs)
    return engine, time.perf_counter() - started, summary, tmp


def page_boxes_by_id(corpus: Path) -> dict[str, dict[str, dict]]:
    manifest = json.loads(Path(json.loads((corpus / "corpus.json").read_text(encoding="utf-8"))["manifest"]).read_text(
        encoding="utf-8"))
    return {p["id"]: {b["id"]: b for b in page_boxes(manifest, p)} for p in manifest["pages"]}


def stored(engine: sa.Engine) -> dict[str, dict]:
    """Per source file: outcome, page id, box states and doubtful lines, as the database has them."""
    out = {}
    with engine.connect() as conn:
        pages = {r["id"]: dict(r) for r in conn.execute(sa.select(db.scanned_pages)).mappings()}
        for page in pages.values():
            page["boxes"], page["lines"] = {}, []
            out[Path(page["source"]).name] = page
        for r in conn.execute(sa.select(db.box_readings)).mappings():
            pages[r["scanned_page"]]["boxes"][r["box"]] = r["state"]
        for r in conn.execute(sa.select(db.page_lines)).mappings():
            pages[r["scanned_page"]]["lines"].append(dict(r))
    return out


def erased_by_scan(image_path: Path, truth: dict, box: dict) -> bool:
    """True when the degraded image holds no dark pixel inside the box: the mark is gone."""
    if not (truth.get("degradation") or {}).get("binarize"):
        return False
    # Isolated noise pixels are no mark: despeckle as the reader does before looking.
    image = cv2.medianBlur(cv2.imread(str(image_path), cv2.IMREAD_GRAYSCALE), 3)
    k = truth["dpi"] / 25.4
    x, y, w, h = box["rect"]
    inset = 1.1
    quad = np.array([[x + inset, y + inset], [x + w - inset, y + inset], [x + w - inset, y + h - inset],
                     [x + inset, y + h - inset]]) * k
    scan_quad = cv2.perspectiveTransform(quad.reshape(-1, 1, 2), np.array(truth["degradation"]["matrix"]))
    mask = np.zeros(image.shape, np.uint8)
    cv2.fillConvexPoly(mask, scan_quad.reshape(-1, 2).astype(np.int32), 1)
    return int(image[mask.astype(bool)].min(initial=255)) >= 128


def score(truths: list[dict], results: dict[str, dict], corpus: Path | None = None, boxes: dict | None = None) -> Counter:
    c = Counter()
    for entry in truths:
        truth, result = entry["truth"], results.get(entry["file"])
        degradation = truth.get("degradation") or {}
        expect_refusal = bool(degradation.get("expect_refusal"))  # a photo made unreadable on purpose
        c["pages"] += 1
        c["pages_expecting_refusal"] += expect_refusal
        c["pages_with_intact_code"] += not expect_refusal  # one code at most is ever damaged by the generator
        if result is not None and result["outcome"] == "rejected":
            if expect_refusal:
                c["refused_as_expected"] += 1
            else:
                c["readable_refused"] += 1
                c[f"refused:{entry['file']}:{result['reason']}"] += 1
        elif expect_refusal:
            c["expected_refusal_but_read"] += 1
            c[f"read:{entry['file']}:{result['outcome'] if result else 'missing'}"] += 1
        if result is not None and not result.get("page_id") and result["reason"].startswith("photo_"):
            c["outcome_rejected"] += 1  # refused before reading (photos): no page id, but an outcome
            c[f"rejected_{result['reason']}"] += 1
            continue
        if result is None or not result.get("page_id"):
            c["pages_unidentified"] += 1
            continue
        c["pages_identified"] += 1
        c[f"outcome_{result['outcome']}"] += 1
        if result["outcome"] == "rejected":
            c[f"rejected_{result['reason']}"] += 1
            continue
        score_boxes(truth, result, c, lambda box, entry=entry, truth=truth: corpus is not None and erased_by_scan(
            corpus / entry["file"], truth, boxes[entry["page_id"]][box]), entry["file"])
        score_products(truth, result, c, entry["file"])
        c["qr_damaged"] += bool(degradation.get("qr_damaged"))
    return c


def flagged_boxes(result: dict) -> set[str]:
    return {b for line in result["lines"] if line["status"] == "doubtful" for b in line["boxes"]}


def score_boxes(truth: dict, result: dict, c: Counter, erased=lambda box: False, name: str = "") -> None:
    flagged = flagged_boxes(result)
    for box, expected in truth["boxes"].items():
        state = result["boxes"].get(box)
        c["boxes"] += 1
        if state == "doubtful":
            c["boxes_doubtful"] += 1
        elif state != expected["state"] and box not in flagged and erased(box):
            c["boxes_erased_by_scan"] += 1
            c[f"erased:{name}:{box}"] += 1
        elif state != expected["state"] and box not in flagged:
            c["boxes_silent_error"] += 1
            c[f"at:{name}:{box}"] += 1  # where, for --crops
            c[f"silent_{expected['state']}_as_{state}_{expected['style']}"] += 1
        elif state != expected["state"]:
            c["boxes_wrong_but_flagged"] += 1


def score_products(truth: dict, result: dict, c: Counter, name: str = "") -> None:
    lines = {l["product"]: l for l in result["lines"] if l["kind"] == "quantity"}
    for ref, expected in truth["products"].items():
        line = lines.get(ref)
        c["products"] += 1
        if line is not None and line["status"] == "doubtful":
            c["products_doubtful"] += 1
            continue
        got = int(line["value"]) if line and line["value"] else None
        if expected.get("expect_doubt"):
            c["products_expected_doubt_but_confirmed"] += 1
            c[f"confirmed:{name}:{ref}:{expected['scenario']}"] += 1
        elif got != expected.get("quantity"):
            c["products_silent_error"] += 1


def report(c: Counter, seconds: float, summary) -> None:
    boxes = max(1, c["boxes"])
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"pages: {c['pages']}, identified {c['pages_identified']}/{c['pages_with_intact_code']} "
          f"({100 * c['pages_identified'] / max(1, c['pages_with_intact_code']):.1f} %), one code damaged on {c['qr_damaged']}")
    print(f"outcomes: accepted {c['outcome_accepted']}, needs review {c['outcome_needs_review']}, "
          f"rejected {c['outcome_rejected']} {dict((k, v) for k, v in c.items() if k.startswith('rejected_'))}")
    readable = c["pages"] - c["pages_expecting_refusal"]
    print(f"readable pages refused: {c['readable_refused']}/{readable} ({100 * c['readable_refused'] / max(1, readable):.1f} %); "
          f"refused as expected: {c['refused_as_expected']}/{c['pages_expecting_refusal']}"
          + (f"; expected a refusal but read: {c['expected_refusal_but_read']}" if c["expected_refusal_but_read"] else ""))
    print(f"boxes read: {c['boxes']}; silent errors: {c['boxes_silent_error']} "
          f"(plus {c['boxes_erased_by_scan']} marks erased by a binarising scan); "
          f"doubtful: {c['boxes_doubtful']} ({100 * c['boxes_doubtful'] / boxes:.2f} %); wrong but flagged: {c['boxes_wrong_but_flagged']}")
    print(f"products: {c['products']}; silent errors: {c['products_silent_error']}; doubtful: {c['products_doubtful']}; "
          f"expected doubt but confirmed: {c['products_expected_doubt_but_confirmed']}")
    for key, value in sorted((k, v) for k, v in c.items() if k.startswith("silent_")):
        print(f"  {key}: {value}")
    for key in sorted(k for k in c if k.startswith(("at:", "erased:", "confirmed:", "refused:", "read:"))):
        what = {"at": "silent error", "erased": "erased mark", "confirmed": "expected doubt, confirmed",
                "refused": "readable page refused", "read": "expected refusal, read"}[key.split(":")[0]]
        print(f"  {what} at {key.split(':', 1)[1]}")
    print(f"throughput: {c['pages'] / seconds:.1f} pages/s ({seconds:.1f} s for {c['pages']} pages, end to end)")
    print(f"peak memory: main process {own:.0f} MB, largest worker {workers:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--crops", type=Path, help="write debug pictures of every silent error there")
    args = parser.parse_args(argv)
    truths = [json.loads(line) for line in (args.corpus / "truth.jsonl").read_text(encoding="utf-8").splitlines()]
    engine, seconds, summary, tmp = run_scan(args.corpus, args.jobs)
    try:
        counts = score(truths, stored(engine), args.corpus, page_boxes_by_id(args.corpus))
    finally:  # the database and pictures hold nothing to keep: the corpus can be scored again
        engine.dispose()
        shutil.rmtree(tmp, ignore_errors=True)
    report(counts, seconds, summary)
    if args.crops:
        from box_crops import write_crops  # beside this file

        write_crops(args.corpus, args.crops, [tuple(k.split(":")[1:]) for k in counts if k.startswith(("at:", "erased:"))])
    return 0


if __name__ == "__main__":
    sys.exit(main())
