"""Debug pictures of chosen boxes of a corpus: what the reader saw, written to PNG files.

    python bench/box_crops.py --corpus DIR --out DIR FILE:BOX [FILE:BOX ...]

For each box: the normalised page around it (4x), the box outline (blue), the inside the
reader counts (green) and the strip around it (red), beside the same place on the blank
printed page; the readings and the decision are printed. ``bench/scan_accuracy.py --crops``
calls this for every silent error.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from cagettes.scan import reference
from cagettes.scan import thresholds as T
from cagettes.scan.identify import identify
from cagettes.scan.measure import grow
from cagettes.scan.recognise import measure_page, register_page
from cagettes.storage import workspace as ws

ZOOM = 4
AROUND_MM = 5.0


def load(corpus: Path) -> tuple[dict, str, str]:
    manifest_path = Path(json.loads((corpus / "corpus.json").read_text(encoding="utf-8"))["manifest"])
    secret = ws.open_workspace(manifest_path.parent).config.secret
    return json.loads(manifest_path.read_text(encoding="utf-8")), str(manifest_path), secret


def page_readings(corpus: Path, name: str, manifest: dict, manifest_path: str, secret: str):
    """(blank page, what the reader measured) of one corpus image."""
    gray = cv2.imread(str(corpus / name), cv2.IMREAD_GRAYSCALE)
    ident = identify(gray, secret, manifest["month"])
    page = next(p for p in manifest["pages"] if p["id"] == ident.text)
    blank = reference.for_page(manifest_path, manifest, reference.first_pages(manifest), page)
    registration = register_page(gray, manifest["layouts"][page["layout"]], ident.codes, blank)
    return blank, measure_page(gray, manifest, page, registration, blank)


def picture(flat: np.ndarray, blank: np.ndarray | None, rect: list[float]) -> np.ndarray:
    k = T.WARP_PX_PER_MM
    x, y, w, h = grow(rect, AROUND_MM)
    x0, y0, x1, y1 = (max(0, round(v * k)) for v in (x, y, x + w, y + h))
    tiles = [flat[y0:y1, x0:x1]] + ([blank[y0:y1, x0:x1]] if blank is not None else [])
    out = []
    for tile in tiles:
        big = cv2.cvtColor(cv2.resize(tile, None, fx=ZOOM, fy=ZOOM, interpolation=cv2.INTER_NEAREST), cv2.COLOR_GRAY2BGR)
        for colour, r in (((255, 0, 0), rect), ((0, 170, 0), grow(rect, -T.BOX_INSET_MM)),
                          ((0, 0, 255), grow(rect, T.RING_MM))):
            a = (round((r[0] * k - x0) * ZOOM), round((r[1] * k - y0) * ZOOM))
            b = (round(((r[0] + r[2]) * k - x0) * ZOOM), round(((r[1] + r[3]) * k - y0) * ZOOM))
            cv2.rectangle(big, a, b, colour, 1)
        out.append(big)
    return np.hstack(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("boxes", nargs="+", help="FILE:BOX, e.g. 00012.jpg:q-LEN-2")
    args = parser.parse_args(argv)
    write_crops(args.corpus, args.out, [tuple(item.split(":", 1)) for item in args.boxes])
    return 0


def write_crops(corpus: Path, out: Path, wanted: list[tuple[str, str]]) -> None:
    manifest, manifest_path, secret = load(corpus)
    truths = {json.loads(l)["file"]: json.loads(l)["truth"] for l in (corpus / "truth.jsonl").open(encoding="utf-8")}
    out.mkdir(parents=True, exist_ok=True)
    for name in sorted({n for n, _ in wanted}):
        blank, measured = page_readings(corpus, name, manifest, manifest_path, secret)
        by_id = {b["id"]: (b, r) for b, r in zip(measured.boxes, measured.readings, strict=False)}
        for box_id in (b for n, b in wanted if n == name):
            box, reading = by_id[box_id]
            path = out / f"{Path(name).stem}-{box_id}.png"
            cv2.imwrite(str(path), picture(measured.flat, blank, box["rect"]))
            truth = truths[name]["boxes"].get(box_id)
            print(f"{path}: truth {truth}, degradation {summary_of(truths[name]['degradation'])}\n"
                  f"  {reading} -> {measured.decisions[box_id]}")


def summary_of(degradation: dict) -> dict:
    return {k: v for k, v in degradation.items() if v and k not in ("matrix", "geometry")}


if __name__ == "__main__":
    sys.exit(main())
