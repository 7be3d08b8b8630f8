"""The demo's returned forms: most members' forms come back, filled in, and are "scanned".

The pictures are made by the test corpus generator (``cagettes.simulate.corpus``) from the month's real
printed PDFs: clear ticks and crosses, a few corrections, volunteers' payment boxes, and the
light damage of an office scanner. So the demo runs the very pipeline volunteers use.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

import numpy as np

from cagettes.core.private import private_dir, private_file
from cagettes.simulate import corpus

RETURNED_SHARE = 0.8  # of member forms
WALKIN_SHARE = 0.5  # of walk-in forms
DEMO_DPI = 200
SEED = 2026


def returned_pages(manifest: dict, seed: int = SEED) -> list[str]:
    """Every page of the forms that come back, form by form."""
    rng = np.random.default_rng(seed)
    forms = sorted({(p["form"], bool(p["walkin"])) for p in manifest["pages"]})
    back = {form for form, walkin in forms if rng.random() < (WALKIN_SHARE if walkin else RETURNED_SHARE)}
    return [p["id"] for p in sorted(manifest["pages"], key=lambda p: (p["form"], p["page"])) if p["form"] in back]


def simulate_returns(manifest_path: Path, inbox: Path, seed: int = SEED) -> int:
    """Write the returned pages as JPEG scans into ``inbox``; returns how many pages."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    pages = returned_pages(manifest, seed)
    degradation = corpus.Degradation.only("skew", "levels", "jpeg", jpeg_quality=(60, 80))
    with tempfile.TemporaryDirectory() as scratch:  # the truth file stays out of the inbox
        paths = corpus.generate(manifest_path, scratch, dpi=DEMO_DPI, seed=seed, policy=corpus.FillPolicy.careful(),
                                degradation=degradation, page_ids=pages)
        private_dir(inbox)
        for path in paths:
            private_file(shutil.move(str(path), inbox / f"demo-{path.name}"))
    return len(pages)
