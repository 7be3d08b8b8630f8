"""Which QR decoder reads the corpus pages: zxing-cpp, pyzbar, and the pipeline's cascade.

    python bench/qr_decoders.py --corpus DIR

Prints, for each, the share of pages with at least one code read, and the median time per page.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import cv2
import numpy as np

from cagettes.scan import identify


def decoders() -> dict:
    return {
        "pyzbar (full page)": identify._pyzbar,
        "zxing-cpp (150 dpi pass)": lambda g: identify._zxing(g, min(1.0, 150 / identify.estimated_dpi(g))),
        "zxing-cpp (full page)": lambda g: identify._zxing(g, 1.0),
        "cascade used by cagettes": identify.read_codes,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, required=True)
    args = parser.parse_args(argv)
    images = sorted(p for p in args.corpus.iterdir() if p.suffix.lower() in (".jpg", ".png", ".tif"))
    results = {name: ([], []) for name in decoders()}
    for path in images:
        gray = cv2.imread(str(path), cv2.IMREAD_GRAYSCALE)
        for name, decode in decoders().items():
            started = time.perf_counter()
            found = decode(gray)
            results[name][0].append(bool(found))
            results[name][1].append(time.perf_counter() - started)
    for name, (read, times) in results.items():
        print(f"{name:28} read {100 * sum(read) / len(read):5.1f} % of {len(read)} pages, "
              f"median {1000 * float(np.median(times)):.0f} ms/page")
    return 0


if __name__ == "__main__":
    sys.exit(main())
