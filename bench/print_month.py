"""Print a synthetic month of N members and report pages per second and peak memory.

    python bench/print_month.py --members 1000 [--jobs 2]

The workspace is the sample association with its member list grown to N (names drawn from
the sample's, numbers unique, sites round-robin, 1 in 10 in English, 1 in 12 in large print).
Figures printed: total pages, wall time, pages/s for the whole bundle (variants, stamping,
posters, covers, manifest), and peak resident memory of the main process and of the largest
worker.
"""
from __future__ import annotations

import argparse
import csv
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

from cagettes.catalog import load_catalog
from cagettes.forms import bundles
from cagettes.services.workspace import copy_sample_csv, init_workspace
from cagettes.storage import months
from cagettes.storage import workspace as ws


def grow_members(catalog_dir: Path, count: int) -> None:
    path = catalog_dir / "membres.csv"
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sites = sorted({r["site"] for r in rows})
    grown = []
    for i in range(count):
        model = rows[i % len(rows)]
        grown.append({**model, "numero": f"{i + 1:05d}", "site": sites[i % len(sites)],
                      "langue": "en" if i % 10 == 9 else "fr", "gros_caracteres": "oui" if i % 12 == 11 else "non",
                      "nom": f"{model['nom']} {i // len(rows) + 1}"})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0].keys()))
        writer.writeheader()
        writer.writerows(grown)


def make_workspace(root: Path, members: int) -> ws.Workspace:
    init_workspace(root)
    catalog_dir = copy_sample_csv(root / "catalogue")
    grow_members(catalog_dir, members)
    config = (root / "cagettes.toml").read_text(encoding="utf-8")
    (root / "cagettes.toml").write_text(config.replace('chemin = "catalogue.xlsx"', 'chemin = "catalogue"'),
                                        encoding="utf-8")
    return ws.open_workspace(root)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--month", default="2026-12")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cagettes-bench-") as tmp:
        workspace = make_workspace(Path(tmp) / "ws", args.members)
        catalog = load_catalog(workspace.config.catalog_path)
        data = months.open_month(workspace.engine(), workspace.config, catalog, args.month)
        started = time.perf_counter()
        result = bundles.print_month(data, workspace.month_dir(data.month),
                                     {"jobs": args.jobs, "site_url": workspace.config.public_site_url})
        elapsed = time.perf_counter() - started
        report(args, result, elapsed)
    return 0


def report(args, result, elapsed: float) -> None:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{len(__import__('os').sched_getaffinity(0))} cores")
    print(f"members: {args.members}, jobs: {args.jobs}")
    print(f"forms printed: {sum(b.member_forms + b.walkin_forms for b in result.bundles)}")
    print(f"pages: {result.pages} (covers, forms, duplex blanks, posters)")
    print(f"wall time: {elapsed:.1f} s")
    blanks = sum(b.blank_pages for b in result.bundles)
    print(f"pages/s: {result.pages / elapsed:.1f} (all pages); {(result.pages - blanks) / elapsed:.1f} "
          f"(without the {blanks} blank duplex versos)")
    print("stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.timings.items()))
    print(f"peak memory: main process {own:.0f} MB, largest worker {workers:.0f} MB")
    sizes = sum(b.path.stat().st_size for b in result.bundles) / 1e6
    print(f"bundle PDFs: {sizes:.1f} MB in all")


if __name__ == "__main__":
    sys.exit(main())
