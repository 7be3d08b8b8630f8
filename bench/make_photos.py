"""Write a corpus of synthetic phone photos of returned forms, and the truth of every box.

    python bench/make_photos.py --out DIR --photos N [--seed 1] [--workspace W] [--manifest PATH] [--heic K]

The forms are filled as in ``bench/make_corpus.py`` (same printed month, made once in
``DIR/workspace`` or ``--workspace``), then photographed on a table by
``cagettes.simulate.photo.photograph``. With ``--heic K`` every K-th photo is written as HEIC,
as iPhones do, when pillow-heif is installed (else as JPEG too).

Written in DIR: ``00001.jpg``... (or ``.heic``), ``truth.jsonl`` (one line per photo: file,
page_id, layout, dpi, truth; ``truth["degradation"]`` holds the photo's params, with
``matrix`` from the clean 300-dpi page's pixels to the photo's and ``expect_refusal``) and
``corpus.json`` (the settings). Printed: photos, how many expect a refusal, time per photo.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing
sys.path.insert(0, str(Path(__file__).resolve().parent))  # make_corpus, beside this file

from make_corpus import printed_month

from cagettes.simulate import corpus
from cagettes.simulate.photo import PhotoSettings, photograph

DPI = 300  # of the clean page photographed: the truth's matrix starts from its pixels


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="folder for the photos and truth.jsonl")
    parser.add_argument("--photos", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--manifest", type=Path, help="manifest.json of a printed month")
    parser.add_argument("--workspace", type=Path, help="where to print the sample month (default: OUT/workspace)")
    parser.add_argument("--month", default="2026-12", help="month printed when there is no --manifest")
    parser.add_argument("--heic", type=int, default=0, metavar="K", help="write every K-th photo as HEIC")
    return parser.parse_args(argv)


def write_photo(path: Path, photo: np.ndarray, quality: int) -> Path:
    """JPEG at the photo's own quality, or HEIC when ``path`` says so and pillow-heif is there."""
    if path.suffix == ".heic":
        try:
            import pillow_heif
        except ImportError:
            path = path.with_suffix(".jpg")
        else:
            rgb = cv2.cvtColor(photo, cv2.COLOR_BGR2RGB)
            pillow_heif.from_bytes(mode="RGB", size=(rgb.shape[1], rgb.shape[0]), data=rgb.tobytes()).save(
                str(path), quality=quality)
            return path
    if not cv2.imwrite(str(path), photo, [cv2.IMWRITE_JPEG_QUALITY, quality]):
        raise OSError(f"could not write {path}")
    return path


def make(manifest: Path, out: Path, photos: int, seed: int, settings: PhotoSettings, heic: int) -> list[dict]:
    """Photograph ``photos`` clean filled pages; return the truth lines written."""
    out.mkdir(parents=True, exist_ok=True)
    records = []
    samples = corpus.iter_samples(manifest, photos, DPI, seed, corpus.FillPolicy(), corpus.Degradation.off(), color=True)
    with (out / "truth.jsonl").open("w", encoding="utf-8") as lines:
        for k, (page, truth) in enumerate(samples):
            # stream 2: independent of the filling's streams (seed, 0) and (seed, 1, k)
            photo, params = photograph(page, DPI, np.random.default_rng([seed, 2, k]), settings)
            suffix = ".heic" if heic and (k + 1) % heic == 0 else ".jpg"
            path = write_photo(out / f"{k + 1:05d}{suffix}", photo, params["jpeg_quality"])
            truth["degradation"] = params
            record = {"file": path.name, "page_id": truth["page_id"], "layout": truth["layout"], "dpi": DPI,
                      "truth": truth}
            lines.write(json.dumps(record, ensure_ascii=False) + "\n")
            records.append(record)
    return records


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    manifest = args.manifest or printed_month((args.workspace or args.out / "workspace").resolve(), args.month)
    settings = PhotoSettings()
    started = time.perf_counter()
    records = make(manifest, args.out, args.photos, args.seed, settings, args.heic)
    info = {"manifest": str(Path(manifest).resolve()), "photos": args.photos, "seed": args.seed, "dpi": DPI,
            "heic": args.heic, "settings": dataclasses.asdict(settings)}
    (args.out / "corpus.json").write_text(json.dumps(info, indent=1, ensure_ascii=False), encoding="utf-8")
    elapsed = time.perf_counter() - started
    refusals = sum(r["truth"]["degradation"]["expect_refusal"] for r in records)
    print(f"photos: {len(records)} in {elapsed:.1f} s ({elapsed / max(len(records), 1) * 1000:.0f} ms/photo), "
          f"{refusals} made unreadable on purpose")
    return 0


if __name__ == "__main__":
    sys.exit(main())
