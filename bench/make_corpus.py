"""Write a corpus of synthetic returned forms: scanned-looking images and the truth of every box.

    python bench/make_corpus.py --out DIR --pages N [--dpi 300] [--seed 1] [--manifest PATH]
                                [--format jpg|png|tif] [--color] [--clean] [--capture] [--heldout]

Needs a printed month. With ``--manifest`` (``output/<month>/private/manifest.json`` of a
workspace), its bundles are used. Without it, the sample association is initialised in
``DIR/workspace`` (or ``--workspace``), the month opened and printed there once, and reused by
later runs: the corpus stays readable afterwards, since a reader needs the manifest (where the
boxes are) and the workspace's secret (to check the page identifiers).

Written in DIR: ``00001.jpg``..., ``truth.jsonl`` (one line per image: file, page_id, layout,
dpi, truth; see cagettes/simulate/corpus.py) and ``corpus.json`` (the settings, to reproduce the corpus).
``--capture`` adds the capture damage of cagettes/simulate/capture.py (its defaults); the truth
then lists the boxes a lost edge or corner cut off (``unseen_boxes``). ``--heldout`` adds the
damage of cagettes/simulate/heldout.py (its defaults), which the scanner was never tuned on:
creases, stains, binder holes, margin notes, second-generation copies, halftone, double JPEG.
Printed: pages, time per page, how many boxes of each style, peak memory.
"""
from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from cagettes.simulate import capture as capture_damage
from cagettes.simulate import corpus
from cagettes.simulate import heldout as heldout_damage


def printed_month(root: Path, month: str) -> Path:
    """The manifest of ``month`` printed for the sample association in ``root`` (made once)."""
    from cagettes.catalog import load_catalog
    from cagettes.forms import bundles
    from cagettes.services.workspace import init_workspace
    from cagettes.storage import months
    from cagettes.storage import workspace as ws

    if (root / "cagettes.toml").exists():
        workspace = ws.open_workspace(root)
        existing = workspace.month_dir(month) / "private" / "manifest.json"
        if existing.is_file():
            return existing
        raise SystemExit(f"{root} holds a workspace without a printed {month}: pass --manifest, or another --workspace")
    workspace = init_workspace(root)
    catalog = load_catalog(workspace.config.catalog_path)
    data = months.open_month(workspace.engine(), workspace.config, catalog, month)
    result = bundles.print_month(data, workspace.month_dir(month),
                                 {"jobs": 2, "template_dir": workspace.templates_dir,
                                  "site_url": workspace.config.public_site_url})
    return result.manifest_path


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="folder for the images and truth.jsonl")
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--dpi", type=int, default=300, choices=(150, 200, 300, 600))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--manifest", type=Path, help="manifest.json of a printed month")
    parser.add_argument("--workspace", type=Path, help="where to print the sample month (default: OUT/workspace)")
    parser.add_argument("--month", default="2026-12", help="month printed when there is no --manifest")
    parser.add_argument("--format", default="jpg", choices=sorted(corpus.FORMATS))
    parser.add_argument("--color", action="store_true", help="colour scans (default: grey)")
    parser.add_argument("--clean", action="store_true", help="no scanner damage (Degradation.off())")
    parser.add_argument("--capture", action="store_true",
                        help="also capture damage: paper, toner, lost edges, stretch, curl, light, dust (Capture())")
    parser.add_argument("--heldout", action="store_true",
                        help="also held-out damage the scanner was never tuned on: creases, stains, holes, "
                             "margin notes, copies of copies, halftone, double JPEG (HeldOut())")
    return parser.parse_args(argv)


def summary(out: Path, started: float, count: int) -> None:
    styles: collections.Counter = collections.Counter()
    with (out / "truth.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            truth = json.loads(line)["truth"]
            styles.update(f'{b["state"]}/{b["style"]}' for b in truth["boxes"].values() if b["style"])
    elapsed = time.perf_counter() - started
    print(f"pages: {count} in {elapsed:.1f} s ({elapsed / max(count, 1) * 1000:.0f} ms/page)")
    print("boxes by state/style: " + ", ".join(f"{k} {v}" for k, v in sorted(styles.items())))
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    manifest = args.manifest or printed_month((args.workspace or args.out / "workspace").resolve(), args.month)
    degradation = corpus.Degradation.off() if args.clean else corpus.Degradation()
    policy = corpus.FillPolicy()
    capture = capture_damage.Capture() if args.capture else None
    heldout = heldout_damage.HeldOut() if args.heldout else None
    started = time.perf_counter()
    paths = corpus.generate(manifest, args.out, pages=args.pages, dpi=args.dpi, seed=args.seed, policy=policy,
                            degradation=degradation, fmt=args.format, color=args.color, capture=capture,
                            heldout=heldout)
    settings = {"manifest": str(Path(manifest).resolve()), "pages": args.pages, "dpi": args.dpi, "seed": args.seed,
                "format": args.format, "color": args.color, "policy": dataclasses.asdict(policy),
                "degradation": dataclasses.asdict(degradation),
                "capture": dataclasses.asdict(capture) if capture is not None else None,
                "heldout": dataclasses.asdict(heldout) if heldout is not None else None}
    (args.out / "corpus.json").write_text(json.dumps(settings, indent=1, ensure_ascii=False), encoding="utf-8")
    summary(args.out, started, len(paths))
    return 0


if __name__ == "__main__":
    sys.exit(main())
