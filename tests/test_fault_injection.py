"""One batch of every fault at once, through the real ``cagettes scan``: nothing crashes,
nothing is lost, every page has its outcome and reason, every message says what to do.

The batch (``scan.faults.write_batch``) mixes good pages of the printed sample month with
truncated and corrupt JPEG, PNG, TIFF and PDF files, an empty and a locked PDF, decompression
bombs in four formats, a text file named ``.jpg``, a blank page, a form of another workspace
and one of last month (both really printed), a forged identifier, the same file twice and a
turned re-scan of a page already read.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from cagettes import storage
from cagettes.cli import main
from cagettes.closing import carry
from cagettes.scan import inputs, pipeline
from cagettes.scan.notices import page_notice
from cagettes.scan.orders import effective_pages, order_rows
from cagettes.storage import db
from cagettes.storage import workspace as ws
from tests.support import faults

# What a volunteer can do about a page: every notice must say one of these.
ACTIONS = ("rescannez", "retirez", "copiez", "enregistrez", "rendez", "montrez", "retournez", "saisissez",
           "scannez-le", "ne compte pas")


def run_cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    return code, out.getvalue() + err.getvalue()


@pytest.fixture(scope="module")
def batch(printed, tmp_path_factory):
    """The sample month's workspace (a copy), scanned once with the whole faulty batch."""
    tmp = tmp_path_factory.mktemp("faults")
    root = Path(shutil.copytree(printed[0].root, tmp / "ws"))
    workspace = ws.open_workspace(root)
    foreign_page, last_page = faults.stranger_pages(workspace, "2026-12", tmp / "autre-asso")
    lot = tmp / "lot"
    manifest = workspace.month_dir("2026-12") / "private" / "manifest.json"
    expected = faults.write_batch(lot, manifest, foreign_page, last_page)
    paths = [lot, lot / "01-bon.jpg"]  # the folder, then one of its files again
    code, output = run_cli("-w", str(root), "scan", *map(str, paths))
    engine = storage.connect(workspace.config.database_url)
    with engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(sa.select(db.scanned_pages).order_by(db.scanned_pages.c.id)).mappings()]
    return SimpleNamespace(root=root, workspace=workspace, lot=lot, paths=paths, expected=expected, code=code,
                           output=output, engine=engine, rows=rows)


def by_place(rows: list[dict]) -> dict[tuple[str, int | None], dict]:
    return {(Path(r["source"]).name, r["source_index"]): r for r in rows}


def test_the_batch_runs_to_its_end_and_says_so(batch):
    assert batch.code == 0, batch.output
    assert "Traceback" not in batch.output and "Error" not in batch.output
    pages = len(batch.rows) + 2  # the copy and the file given twice count once
    assert f"{pages} pages lues" in batch.output and "2 déjà traitées" in batch.output, batch.output
    last = by_place(batch.rows)["24-dernier.png", 0]
    assert last["outcome"] == "accepted" and last["id"] == max(r["id"] for r in batch.rows)


def test_every_page_has_its_outcome_and_reason(batch):
    stored = {place: (row["outcome"], row["reason"]) for place, row in by_place(batch.rows).items()}
    wanted = {(e.file, e.index): (e.outcome, e.reason) for e in batch.expected if e.outcome != "duplicate"}
    assert stored == wanted
    assert len(stored) == len(batch.rows)  # one row per page or bad file, never two


def test_nothing_is_lost_and_duplicates_are_the_same_pixels(batch):
    counted = faults.account(batch.engine, batch.paths)
    assert counted.lost == []
    assert counted.files == len({e.file for e in batch.expected}) + 1 and counted.units == len(batch.rows) + 2
    wanted = Counter((e.outcome, e.reason) for e in batch.expected) + Counter({("duplicate", ""): 1})
    assert counted.outcomes == wanted
    [copy] = inputs.iter_pages([batch.lot / "22-bon-copie.jpg"])
    assert by_place(batch.rows)["01-bon.jpg", 0]["sha256"] == copy.sha256


def test_a_turned_rescan_is_a_conflict_and_never_adds_to_the_order(batch):
    rows = by_place(batch.rows)
    first, again = rows["01-bon.jpg", 0], rows["23-bon-rescanne.jpg", 0]
    assert again["page_id"] == first["page_id"] and again["conflict_of"] == first["id"]
    with batch.engine.connect() as conn:
        counted = {page["id"] for page in effective_pages(conn, "2026-12")}
    assert first["id"] in counted and again["id"] not in counted
    data = carry.load_month(batch.engine, batch.workspace.config, "2026-12")
    lines = [(r["formulaire"], r["ref"]) for r in order_rows(batch.engine, data)]
    assert lines and len(lines) == len(set(lines))  # each product once per form, never doubled


def test_every_notice_names_the_file_and_says_what_to_do(batch):
    for row in (r for r in batch.rows if r["outcome"] != "accepted"):
        notice = page_notice(row)
        assert f"  - {notice}\n" in batch.output, notice
        assert f"« {row['source']} »" in notice, notice
        assert any(action in notice for action in ACTIONS), notice
        if row["source_index"] is not None and row["source"].endswith((".pdf", ".tif")):
            assert f"a page {row['source_index'] + 1} du fichier" in notice, notice
        english = page_notice(row, "en")
        assert row["source"] in english
    month_notice = page_notice(by_place(batch.rows)["20-mois-dernier.jpg", 0])
    assert "mois 2026-11, pas du mois 2026-12" in month_notice


def test_each_rejected_page_is_kept_with_a_note_saying_what_to_do(batch):
    kept = [r for r in batch.rows if r["outcome"] == "rejected" and r["kept_image"]]
    assert {Path(r["source"]).name for r in kept} >= {"18-blanche.png", "19-autre-asso.jpg", "20-mois-dernier.jpg",
                                                      "21-falsifie.png"}
    for row in kept:
        note = Path(row["kept_image"]).with_suffix(".txt").read_text(encoding="utf-8")
        assert note.startswith(page_notice(row)), note


def test_scan_outputs_are_readable_by_their_owner_only(batch):
    scans = batch.workspace.month_dir("2026-12") / "private" / "scans"
    folders = [scans, *(p for p in scans.rglob("*") if p.is_dir())]
    files = [p for p in scans.rglob("*") if p.is_file()]
    assert {"overlays", "rejected"} <= {p.name for p in folders} and files
    assert {stat.S_IMODE(p.stat().st_mode) for p in folders} == {0o700}
    assert {stat.S_IMODE(p.stat().st_mode) for p in files} == {0o600}


# Peak memory from VmHWM: ru_maxrss would count the forking pytest's pages, it survives exec.
BOMB_READER = """
import re, sys
from cagettes.scan.inputs import iter_pages
reasons = [(item.index, getattr(item, "reason", "read")) for item in iter_pages(sys.argv[1:])]
peak_kb = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read())[1]
print(int(peak_kb) // 1024, reasons)
"""


def test_bombs_are_refused_before_any_decoding(batch):
    """In a fresh process, so that its peak memory is the bombs' alone: decoding any of them
    would take 400 MB."""
    bombs = [batch.lot / name for name in ("09-lot-avec-bombe.tif", "14-bombe.png", "15-bombe.jpg", "16-bombes.pdf")]
    for path in bombs:
        result = subprocess.run([sys.executable, "-c", BOMB_READER, str(path)], capture_output=True, text=True,
                                check=True)
        peak_mb, reasons = result.stdout.split(" ", 1)
        assert "too_large" in reasons, (path, reasons)
        assert int(peak_mb) < 250, (path, peak_mb)


def test_the_fault_report_counts_what_the_suite_checks(batch, tmp_path):
    """bench/fault_report.py prints the same accounting for a batch already scanned."""
    script = Path(__file__).parent.parent / "bench" / "fault_report.py"
    result = subprocess.run([sys.executable, str(script), "--workspace", str(batch.root), "--batch", str(batch.lot),
                             "--json", str(tmp_path / "report.json")], capture_output=True, text=True, check=True)
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["lost"] == [] and report["pages"] == len(batch.rows) + 1  # the folder alone: one copy
    assert "pages lost: 0" in result.stdout


def dying_worker(task: pipeline.Task) -> list[pipeline.PageReport]:
    """The real worker, except that page 2 of a file named "meurt…" kills its process, as a
    decoder crashing on a hostile file or the kernel's out-of-memory killer would."""
    _, path, pages = task
    if Path(path).name.startswith("meurt") and (pages is None or 1 in pages):
        os._exit(1)
    return pipeline.run_task(task)


def test_a_worker_that_dies_costs_only_its_page(batch, tmp_path):
    shutil.copy(batch.lot / "11-page-abimee.pdf", tmp_path / "meurt.pdf")  # 3 pages, the 2nd damaged
    files = [batch.lot / "01-bon.jpg", tmp_path / "meurt.pdf", batch.lot / "04-bon.png", batch.lot / "meurt.png"]
    shutil.copy(batch.lot / "24-dernier.png", files[3])  # one page: read whole, so the whole file dies
    job = pipeline.Job("2026-12", str(batch.workspace.month_dir("2026-12") / "private" / "manifest.json"),
                       batch.workspace.config.secret, str(tmp_path / "pictures"))
    tasks = [(job, str(files[0]), None), (job, str(files[1]), [0, 1, 2]), (job, str(files[2]), None),
             (job, str(files[3]), None)]
    reports = [r for reports in pipeline.run_tasks(tasks, 2, dying_worker) for r in reports]
    got = [(Path(r.source).name, r.index, r.outcome, r.reason) for r in reports]
    assert got == [("01-bon.jpg", 0, "accepted", ""), ("meurt.pdf", 0, "accepted", ""),
                   ("meurt.pdf", 1, "rejected", "crashed"), ("meurt.pdf", 2, "accepted", ""),
                   ("04-bon.png", 0, "accepted", ""), ("meurt.png", None, "rejected", "crashed")]
    assert "la page 2 du fichier" in reports[2].detail and "rescannez" in reports[2].detail
