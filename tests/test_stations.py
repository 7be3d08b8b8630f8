"""Several scanning stations on one database at once, on SQLite and on PostgreSQL: nothing
counted twice, no update lost, no file lost, no crash.

The first tests put the other station's commit exactly where a race would put it; the last
ones run two real `cagettes scan` processes at the same moment on overlapping batches.
"""
from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path

import cv2
import sqlalchemy as sa

from cagettes import storage
from cagettes.catalog import load_catalog
from cagettes.closing import carry
from cagettes.core.errors import MonthError
from cagettes.scan import inputs, pipeline
from cagettes.scan.orders import order_rows
from cagettes.simulate import corpus
from cagettes.storage import db, months
from tests.backends import BOTH_BACKENDS
from tests.conftest import MONTH

DPI = 200
SCAN_DONE = re.compile(r"(\d+) pages lues : (\d+) acceptées, (\d+) à vérifier, (\d+) refusées, (\d+) déjà traitées")


def report(sha: str, form: int = 3, page: int = 1) -> pipeline.PageReport:
    return pipeline.PageReport(
        f"/scans/{sha}.png", 0, sha * 64, "accepted", page_id=f"EC1-202612-TEST-{form:05d}-{page}", form=form,
        page=page, boxes=[("q-0-2", "marked", 0.9, 0.4, "")],
        lines=[{"kind": "quantity", "product": "P1", "value": 2, "status": "confirmed", "reason": "",
                "boxes": ["q-0-2"]}])


def just_before_inserting(engine: sa.Engine, table: sa.Table, action) -> None:
    """``action()`` once, between ``engine``'s check of what is stored and its insert."""
    done = []

    def hook(conn, cursor, statement, *args):
        if statement.startswith(f"INSERT INTO {table.name}") and not done:
            done.append(True)
            action()

    sa.event.listen(engine, "before_cursor_execute", hook)


def stored(engine: sa.Engine, table: sa.Table = db.scanned_pages) -> list[dict]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(sa.select(table).order_by(*table.primary_key)).mappings()]


def meanwhile(backend: str, engine: sa.Engine, table: sa.Table, work) -> threading.Thread:
    """``work`` runs as another station when ``engine`` is between its check and its insert
    into ``table``: on PostgreSQL it is done before our insert; on SQLite it waits for our
    commit (BEGIN IMMEDIATE). Join the thread once ours is done."""
    other = threading.Thread(target=work)

    def other_station():
        other.start()
        if backend == "postgresql":
            other.join()

    just_before_inserting(engine, table, other_station)
    return other


def race(database_url: str, backend: str, ours: pipeline.PageReport, theirs: pipeline.PageReport):
    """The other station records ``theirs`` while we are between check and insert of ``ours``."""
    engine, other_engine = storage.connect(database_url), storage.connect(database_url)
    summaries = pipeline.BatchSummary(), pipeline.BatchSummary()
    other = meanwhile(backend, engine, db.scanned_pages,
                      lambda: pipeline.record(other_engine, MONTH, theirs, summaries[1]))
    pipeline.record(engine, MONTH, ours, summaries[0])
    other.join()
    pages = stored(engine)
    assert sorted(line["scanned_page"] for line in stored(engine, db.page_lines)) == [p["id"] for p in pages]
    return pages, summaries  # each page's details stored once, none left by the insert that failed


@BOTH_BACKENDS
def test_two_scans_of_one_page_recorded_at_once_count_once(database_url, backend):
    pages, (ours, theirs) = race(database_url, backend, report("a"), report("b"))
    first = "b" if backend == "postgresql" else "a"  # PostgreSQL: our insert failed, and was done again
    assert [(p["sha256"][0], p["outcome"], p["reason"]) for p in pages] == [
        (first, "accepted", ""), ("a" if first == "b" else "b", "needs_review", "conflict")]
    assert pages[1]["conflict_of"] == pages[0]["id"] and pages[1]["review_reasons"] == ["conflict"]
    assert ours.counts + theirs.counts == Counter(accepted=1, needs_review=1)


@BOTH_BACKENDS
def test_one_image_recorded_by_two_stations_at_once_is_stored_once(database_url, backend):
    pages, (ours, theirs) = race(database_url, backend, report("a"), report("a"))
    assert [(p["sha256"][0], p["outcome"]) for p in pages] == [("a", "accepted")]
    assert (ours if backend == "postgresql" else theirs).counts == Counter(duplicate=1)
    assert ours.counts + theirs.counts == Counter(accepted=1, duplicate=1)


@BOTH_BACKENDS
def test_a_month_opened_by_two_stations_at_once_is_opened_once(workspace, backend):
    catalog = load_catalog(workspace.config.catalog_path)
    other_engine, refused = storage.connect(workspace.config.database_url), []

    def open_there():
        try:
            months.open_month(other_engine, workspace.config, catalog, MONTH)
        except MonthError as error:
            refused.append(("theirs", str(error)))

    other = meanwhile(backend, workspace.engine(), db.months, open_there)
    try:
        months.open_month(workspace.engine(), workspace.config, catalog, MONTH)
    except MonthError as error:
        refused.append(("ours", str(error)))
    other.join()
    [(who, message)] = refused
    assert who == ("ours" if backend == "postgresql" else "theirs") and "déjà ouvert" in message
    data = carry.load_month(workspace.engine(), workspace.config, MONTH)
    assert [f.number for f in data.forms] == list(range(1, len(data.forms) + 1))  # numbered once


def test_a_file_archived_by_another_station_before_it_was_read_is_not_rejected(tmp_path):
    engine = storage.connect(f"sqlite:///{tmp_path / 'cagettes.db'}")
    gone = tmp_path / "scans" / "page.jpg"  # listed at the start, archived by the other station since
    problem = next(inputs.iter_pages([gone]))
    summary = pipeline.BatchSummary()
    pipeline.record(engine, MONTH, pipeline.problem_report(problem), summary)
    assert summary.counts == Counter(vanished=1) and summary.pages == 0 and stored(engine) == []


def test_archiving_never_overwrites_and_tolerates_a_file_already_moved(tmp_path):
    inbox = tmp_path / "scans"
    (inbox / "a").mkdir(parents=True)
    (inbox / "b").mkdir()
    first, second = inbox / "a" / "scan.jpg", inbox / "b" / "scan.jpg"
    first.write_bytes(b"first")
    second.write_bytes(b"second")
    folder = pipeline.archive([first, second, inbox / "gone.jpg"], inbox)
    assert sorted((p.name, p.read_bytes()) for p in folder.iterdir()) == [("scan-1.jpg", b"second"),
                                                                           ("scan.jpg", b"first")]
    assert not first.exists() and not second.exists()


# --- two real processes ---------------------------------------------------------------------------


def rescan(path: Path, dest: Path) -> Path:
    """Another scan of the same filled page: one pixel of the margin differs, nothing that is read."""
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    image[0, 0] ^= 1
    cv2.imwrite(str(dest), image)
    return dest


def scan_at_once(station, *batches: list[Path], jobs: tuple[int, ...] = (1, 1)) -> list[Counter]:
    """Two `cagettes scan` processes started together; each one's summary, as it printed it."""
    commands = [[sys.executable, "-m", "cagettes", "-w", str(station.root), "scan", "--jobs", str(n),
                 *map(str, batch)] for batch, n in zip(batches, jobs, strict=False)]
    processes = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for c in commands]
    outputs = [p.communicate(timeout=600) for p in processes]
    summaries = []
    for process, (out, err) in zip(processes, outputs, strict=False):
        assert process.returncode == 0, err
        said = SCAN_DONE.search(out)
        assert said or "Aucun fichier à lire" in out, out  # an inbox the other station emptied first
        counts = [int(n) for n in said.groups()] if said else []
        summaries.append(Counter(dict(zip(("pages", "accepted", "needs_review", "rejected", "duplicate"), counts, strict=False))))
    return summaries


def single_run(station, files: list[Path], tmp_path: Path) -> list[str]:
    """Order lines of the same files scanned by one uninterrupted station, into its own database."""
    data = carry.load_month(station.engine(), station.config, MONTH)
    engine = storage.connect(f"sqlite:///{tmp_path / 'single.db'}")
    manifest = station.month_dir(MONTH) / "private" / "manifest.json"
    pipeline.scan(engine, pipeline.Job(MONTH, str(manifest), data.secret, str(tmp_path / "single")), files, jobs=2)
    return sorted(map(str, order_rows(engine, data)))


def check_every_page_counted_once(station, images: int, rescans: int) -> None:
    pages = stored(station.engine())
    assert len(pages) == images and len({p["sha256"] for p in pages}) == images
    counting = [p for p in pages if p["outcome"] != "rejected" and p["conflict_of"] is None]
    assert len({(p["form"], p["page"]) for p in counting}) == len(counting) == images - rescans
    conflicts = [p for p in pages if p["conflict_of"] is not None]
    assert len(conflicts) == rescans and all(p["reason"] == "conflict" for p in conflicts)
    first = {(p["form"], p["page"]): p["id"] for p in counting}
    assert all(p["conflict_of"] == first[p["form"], p["page"]] for p in conflicts)


def sample(station, tmp_path: Path, pages: int) -> tuple[list[Path], list[Path]]:
    """``pages`` filled pages of the month, lossless, and a rescan of each of the first three."""
    manifest = station.month_dir(MONTH) / "private" / "manifest.json"
    originals = corpus.generate(manifest, tmp_path / "corpus", pages=pages, dpi=DPI, seed=23, fmt="png")
    return originals, [rescan(p, tmp_path / "corpus" / f"rescan-{p.name}") for p in originals[:3]]


@BOTH_BACKENDS
def test_two_stations_scanning_overlapping_batches_at_once(station, tmp_path):
    originals, rescans = sample(station, tmp_path, pages=10)
    shared = originals[3:7]  # fed to both stations, in the same order: same images at the same moment
    first = originals[:3] + shared + originals[7:8]
    second = rescans + shared + originals[8:]  # rescans of the first station's pages, at the same moment
    summaries = scan_at_once(station, first, second)
    total = summaries[0] + summaries[1]
    assert total["pages"] == len(first) + len(second)
    assert total["duplicate"] == len(shared)
    assert total["accepted"] + total["needs_review"] + total["rejected"] == len(originals) + len(rescans)
    check_every_page_counted_once(station, len(originals) + len(rescans), len(rescans))
    data = carry.load_month(station.engine(), station.config, MONTH)
    assert sorted(map(str, order_rows(station.engine(), data))) == single_run(station, originals + rescans, tmp_path)


@BOTH_BACKENDS
def test_two_stations_emptying_one_inbox_at_once(station, tmp_path):
    originals, rescans = sample(station, tmp_path, pages=8)
    files = originals + rescans[:1]
    for path in files:
        shutil.copy(path, station.inbox / path.name)
    # One station twice as fast: it archives while the other is still reading, which then finds
    # some files gone (most runs; the checks below hold whatever the timing).
    summaries = scan_at_once(station, [], [], jobs=(2, 1))
    stored_now = sum(s["accepted"] + s["needs_review"] + s["rejected"] for s in summaries)
    assert stored_now == len(files)
    check_every_page_counted_once(station, len(files), 1)
    left = [p for p in station.inbox.iterdir() if p.name != "archive"]
    archived = sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in (station.inbox / "archive").rglob("*.png"))
    assert left == [] and archived == sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in files)
    data = carry.load_month(station.engine(), station.config, MONTH)
    assert sorted(map(str, order_rows(station.engine(), data))) == single_run(station, files, tmp_path)
