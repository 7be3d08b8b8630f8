"""Feed the scanner a batch of every fault at once and count what became of each page.

    python bench/fault_report.py [--dir DIR] [--json PATH]
    python bench/fault_report.py --workspace WS --batch FOLDER [--json PATH]

Without ``--batch``: the sample association is initialised in DIR (a temporary folder by
default), December 2026 is opened and its forms printed; a form of another workspace and one
of November are printed too; ``scan.faults.write_batch`` writes the batch (good pages between
truncated and corrupt JPEG, PNG, TIFF and PDF, an empty and a locked PDF, 20,000 × 20,000 px
bombs, a text file named .jpg, a blank page, the other workspace's and last month's pages, a
forged identifier, the same file twice, a turned re-scan), and ``cagettes scan`` reads it
(the folder, then its first file once more).

With ``--workspace`` and ``--batch``: only the counting, for a batch that workspace has scanned.

Printed: files tried, pages (or whole files that gave no page) accounted for, by outcome and
reason, whether each met its expected outcome, and the pages lost: found in no row of
``scanned_pages``, neither by their own row nor as a duplicate of the same pixels (must be 0).
"""
from __future__ import annotations

import argparse
import contextlib
import io
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout without installing

from cagettes import storage
from cagettes.cli import main
from cagettes.storage import db
from cagettes.storage import workspace as ws
from tests.support import faults

MONTH = "2026-12"


def cli(*argv: str) -> str:
    """Run ``cagettes``; its output is returned, and any failure stops the benchmark."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(list(argv))
    if code != 0:
        raise SystemExit(f"cagettes {' '.join(argv)} failed ({code}):\n{out.getvalue()}")
    return out.getvalue()


def build_and_scan(folder: Path) -> tuple[Path, list[Path], list[faults.Expected], str, float]:
    root = folder / "ws"
    cli("init", str(root))
    cli("-w", str(root), "month", "open", MONTH, "--force")
    cli("-w", str(root), "print", "forms")
    workspace = ws.open_workspace(root)
    foreign, last = faults.stranger_pages(workspace, MONTH, folder / "autre-asso")
    lot = folder / "lot"
    expected = faults.write_batch(lot, workspace.month_dir(MONTH) / "private" / "manifest.json", foreign, last)
    paths = [lot, lot / "01-bon.jpg"]
    started = time.perf_counter()
    output = cli("-w", str(root), "scan", *map(str, paths))
    return root, paths, expected, output, time.perf_counter() - started


def matched(expected: list[faults.Expected], root: Path) -> tuple[int, list[str]]:
    """Pages whose stored outcome and reason are the expected ones, and those that are not."""
    import sqlalchemy as sa

    engine = storage.connect(ws.open_workspace(root).config.database_url)
    with engine.connect() as conn:
        rows = {(Path(r["source"]).name, r["source_index"]): (r["outcome"], r["reason"])
                for r in conn.execute(sa.select(db.scanned_pages)).mappings()}
    wrong = [f"{e.file} #{e.index}: {rows.get((e.file, e.index))} instead of {(e.outcome, e.reason)}"
             for e in expected if e.outcome != "duplicate" and rows.get((e.file, e.index)) != (e.outcome, e.reason)]
    return sum(1 for e in expected if e.outcome != "duplicate") - len(wrong), wrong


def report(counted: faults.Accounting) -> list[str]:
    lines = [f"files tried: {counted.files}", f"pages (or files without a page) accounted for: "
             f"{counted.units - len(counted.lost)} of {counted.units}"]
    for (outcome, reason), count in sorted(counted.outcomes.items()):
        lines.append(f"  {outcome:<13} {reason or '-':<16} {count:>3}")
    lines.append(f"pages lost: {len(counted.lost)}")
    lines.extend(f"  lost: {place}" for place in counted.lost)
    return lines


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, help="where to build the workspace and the batch (default: a temporary folder)")
    parser.add_argument("--workspace", type=Path, help="with --batch: a workspace that has scanned the batch")
    parser.add_argument("--batch", type=Path, help="with --workspace: the folder of files it scanned")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    if (args.workspace is None) != (args.batch is None):
        parser.error("--workspace and --batch go together")
    return args


def run(argv: list[str] | None = None) -> int:
    args = parse(argv)
    figures: dict = {}
    if args.batch:
        root, paths = args.workspace, [args.batch]
    else:
        folder = args.dir or Path(tempfile.mkdtemp(prefix="cagettes-faults-"))
        root, paths, expected, output, seconds = build_and_scan(folder)
        right, wrong = matched(expected, root)
        print(output, end="")
        print(f"batch scanned in {seconds:.1f} s; outcome and reason as expected: {right} of {right + len(wrong)}")
        print("\n".join(f"  unexpected: {line}" for line in wrong) or "", end="")
        figures.update(expected_right=right, unexpected=wrong, seconds=round(seconds, 1))
    counted = faults.account(storage.connect(ws.open_workspace(root).config.database_url), paths)
    print("\n".join(report(counted)))
    figures.update(files=counted.files, pages=counted.units, lost=counted.lost,
                   outcomes={f"{o}/{r or '-'}": n for (o, r), n in sorted(counted.outcomes.items())})
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if counted.lost else 0


if __name__ == "__main__":
    sys.exit(run())
