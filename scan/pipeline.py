"""A batch of scans into the database: every page accepted, set aside for review, or rejected.

Workers (one per core) read and recognise pages and write the pictures (overlay for the
volunteers, comment crop for the living lab, the page itself when rejected); the main process
alone writes the database, one transaction per page, so a crash never leaves half a page and a
re-run skips what is already there (pages are known by the hash of their pixels).

Several stations may scan into one database at once (two `cagettes scan` on one SQLite file, or
on a shared PostgreSQL server). The database settles who came first: the hash of the pixels is
unique, and so is the scan that counts for each printed page (``db.EFFECTIVE_SCAN``). A page
whose insert breaks either is recorded again from the start, and then finds the other
station's row: a duplicate, or a conflict.
"""
from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import hashlib
import multiprocessing
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import sqlalchemy as sa

from cagettes.core.errors import CagettesError
from cagettes.core.i18n import _
from cagettes.core.private import private_dir, private_entry, private_file
from cagettes.core.records import Manifest, ManifestPage
from cagettes.forms.manifest import read as read_manifest
from cagettes.scan import inputs, notices, reference
from cagettes.scan.orders import check_walkin_number
from cagettes.scan.recognise import NEEDS_IDENTITY, REJECTED, REVIEW, PageResult, recognise, recognise_as
from cagettes.storage import db

PAGES_PER_TASK = 4  # small tasks keep both cores busy on a single multi-page PDF
OVERLAY_JPEG_QUALITY = 80
# Another station's row can make an insert fail once per unique rule (same pixels, same page);
# a third failure would be a bug, and is raised.
RECORD_ATTEMPTS = 3
REGISTERED = "registered"  # folder of the registered pages kept for review
UNIDENTIFIED = "unidentified"  # folder of the pages without a readable code, kept for a volunteer to name
PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h): the signal a process gets when its parent dies


@dataclass(frozen=True)
class Job:
    """What a worker needs: where the month's manifest is, the secret, where pictures go."""

    month: str
    manifest_path: str
    secret: str
    pictures_dir: str
    draw: bool = True


@dataclass
class PageReport:
    source: str
    index: int | None
    sha256: str
    outcome: str
    reason: str = ""
    detail: str = ""
    page_id: str | None = None
    form: int | None = None
    page: int | None = None
    fit_error_mm: float | None = None
    review_reasons: list[str] = field(default_factory=list)
    boxes: list[tuple] = field(default_factory=list)  # (box, state, confidence, score, reason)
    lines: list[dict] = field(default_factory=list)
    overlay: str | None = None
    comment: str | None = None
    kept_image: str | None = None


@dataclass
class BatchSummary:
    # accepted / needs_review / rejected / duplicate, and vanished: files another station
    # archived before this one could open them (that station read them).
    counts: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)  # rejected and review reasons

    @property
    def pages(self) -> int:
        return sum(n for outcome, n in self.counts.items() if outcome != "vanished")

    @property
    def unidentified(self) -> int:
        """Pages without a readable code, kept for a volunteer to name on the review page."""
        return self.reasons[NEEDS_IDENTITY]


def scan(engine: sa.Engine, job: Job, paths: Iterable[Path], jobs: int = 2,
         progress: Callable[[int], None] | None = None) -> BatchSummary:
    summary = BatchSummary()
    tasks = []
    for item in inputs.iter_files(paths):
        if isinstance(item, inputs.InputProblem):  # an unreadable folder: said, and the batch goes on
            record(engine, job.month, problem_report(item), summary)
        else:
            tasks.extend(plan_tasks(item))
    for reports in run_tasks([(job, path, pages) for path, pages in tasks], jobs):
        for report in reports:
            record(engine, job.month, report, summary)
        if progress:
            progress(len(reports))
    return summary


Task = tuple[Job, str, list[int] | None]  # (job, file, 0-based pages or None for all)


def run_tasks(tasks: list[Task], jobs: int, worker: Callable[[Task], list[PageReport]] | None = None
              ) -> Iterator[list[PageReport]]:
    """Each task's reports, in order. A worker that dies (a decoder crashing on a hostile file,
    the kernel killing it for memory) breaks the whole pool: the first task not done is run
    again alone, and the batch goes on in a fresh pool."""
    worker = worker or run_task
    while tasks:
        with worker_pool(jobs) as pool:
            futures = [pool.submit(worker, task) for task in tasks]
            # done is read after the loop, when a task broke the pool: B007 does not see it
            for done, future in enumerate(futures):  # noqa: B007
                try:
                    reports = future.result()
                except BrokenProcessPool:
                    break
                yield reports
            else:
                return
        yield from run_alone(tasks[done], worker)
        tasks = tasks[done + 1:]


def run_alone(task: Task, worker: Callable[[Task], list[PageReport]]) -> Iterator[list[PageReport]]:
    """A task in a pool of its own. If it kills its worker again, its pages are tried one by
    one; a page (or a small file, read whole) that still does is rejected as ``crashed``."""
    try:
        with worker_pool(1) as pool:
            reports = pool.submit(worker, task).result()
    except BrokenProcessPool:
        job, path, pages = task
        if pages is not None and len(pages) > 1:
            for index in pages:
                yield from run_alone((job, path, [index]), worker)
            return
        reports = [problem_report(inputs.InputProblem(Path(path), pages[0] if pages else None, "crashed"))]
    yield reports


def worker_pool(jobs: int) -> ProcessPoolExecutor:
    """Workers that die with this process: killed hard (kill -9, the out-of-memory killer), it
    cannot stop them, and they would wait on their queue forever."""
    ours = multiprocessing.get_start_method() in ("fork", "spawn")  # a forkserver's workers are its children
    return ProcessPoolExecutor(max_workers=max(1, jobs), initializer=die_with_parent,
                               initargs=(os.getpid() if ours else None,))


def die_with_parent(parent: int | None) -> None:
    """A worker's first act: ask Linux to kill it when its parent dies (elsewhere, nothing).
    A parent that died before this was asked would never be noticed: the worker stops at once."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, ctypes.c_ulong(signal.SIGKILL))
    except (OSError, AttributeError):  # no libc with prctl: not Linux
        return
    if parent is not None and os.getppid() != parent:
        os._exit(1)


def plan_tasks(path: Path) -> list[tuple[str, list[int] | None]]:
    count = inputs.count_pages(path)
    if not count or count <= PAGES_PER_TASK:
        return [(str(path), None)]
    return [(str(path), list(range(start, min(count, start + PAGES_PER_TASK))))
            for start in range(0, count, PAGES_PER_TASK)]


@dataclass
class Archived:
    """Where the inbox files went, and those that could not be moved, with the reason: an
    ``OSError``, or the ``CagettesError`` saying why the archive's folder could not be made."""

    folder: Path
    moved: dict[Path, Path] = field(default_factory=dict)
    failed: list[tuple[Path, OSError | CagettesError]] = field(default_factory=list)


def archive(files: Iterable[Path], inbox: Path) -> Path:
    """``archive_files`` for a caller with no one to tell about a file left behind: the first
    failure is raised, once every other file is archived; else the archive's folder."""
    done = archive_files(files, inbox)
    if done.failed:
        raise done.failed[0][1]
    return done.folder


def archive_files(files: Iterable[Path], inbox: Path) -> Archived:
    """Processed inbox files move to scans/archive/<date>/: nothing is deleted, nothing read twice.

    Another station may archive the same files at the same moment: a file already gone was
    archived by it, and a name already taken in the archive is never overwritten. A link moves
    itself, never its file. A file that cannot be moved (a read-only inbox) stays, and is said:
    its pages are already recorded, and a re-run finds them.
    """
    done = Archived(inbox / "archive" / dt.date.today().isoformat())
    pending = [path for path in files if done.folder not in path.parents]
    if not pending:
        return done
    try:
        private_dir(done.folder)
    except (OSError, CagettesError) as error:
        done.failed = [(path, error) for path in pending]
        return done
    for path in pending:
        try:
            target = move_without_overwriting(path, done.folder / path.name)
        except OSError as error:
            done.failed.append((path, error))
            continue
        if target is not None:
            done.moved[path] = target
            with contextlib.suppress(OSError):  # a file system without modes (FAT): nothing to set
                private_entry(target)  # a scan shows the member's name and order
    return done


def move_without_overwriting(path: Path, target: Path) -> Path | None:
    """``path`` to ``target``, or ``target-1``... if taken; where it went, None when ``path``
    is gone (the other station moved it)."""
    while True:
        try:
            os.link(path, target, follow_symlinks=False)  # unlike rename, fails when the target exists
            break
        except FileExistsError:
            target = target.with_name(f"{target.stem}-1{target.suffix}")
        except FileNotFoundError:
            return None
        except OSError:  # a file system without hard links (FAT, some network shares)
            if not os.path.lexists(target) and os.path.lexists(path):
                path.rename(target)
                return target
            return None
    try:
        path.unlink()
    except FileNotFoundError:  # the other station moved it meanwhile: its copy is enough
        target.unlink()
        return None
    except OSError:  # it must stay in the inbox (read-only): no second copy in the archive
        target.unlink()
        raise
    return target


def run_task(task: tuple[Job, str, list[int] | None]) -> list[PageReport]:
    job, path, pages = task
    return [read_one(job, item) for item in inputs.iter_pages([Path(path)], pages=pages)]


@lru_cache(maxsize=2)
def load_manifest(path: str) -> tuple[Manifest, dict[str, ManifestPage], dict[str, ManifestPage]]:
    """The manifest, its pages by identifier, and each layout's first page (for blanks)."""
    manifest = read_manifest(Path(path))
    return manifest, {page["id"]: page for page in manifest["pages"]}, reference.first_pages(manifest)


def read_one(job: Job, item) -> PageReport:
    if isinstance(item, inputs.InputProblem):
        return problem_report(item)
    manifest, pages, firsts = load_manifest(job.manifest_path)
    blank = partial(reference.for_page, job.manifest_path, manifest, firsts)
    try:
        result = recognise(item.image, manifest, pages, job.secret, draw=job.draw, reference=blank)
    except Exception as error:
        result = PageResult(REJECTED, "internal_error", detail=f"{type(error).__name__}: {error}")
    return page_report(job, item, awaiting_identity(result))


def awaiting_identity(result: PageResult) -> PageResult:
    """A page with ink but no code that could be read is not thrown away: it waits on the review
    page, its image kept, for a volunteer to type the identifier printed in clear (``read_as``).
    A blank page, or a code read but refused (another month, another association), stays rejected."""
    if result.outcome != REJECTED or result.reason != "unreadable_code":
        return result
    return PageResult(REVIEW, NEEDS_IDENTITY, detail=result.detail, review_reasons=[NEEDS_IDENTITY])


def is_awaiting_identity(row) -> bool:
    """Whether a ``scanned_pages`` row (or a report) is a page waiting for a volunteer to name it."""
    return row["outcome"] == REVIEW and row["reason"] == NEEDS_IDENTITY and not row["page_id"]


def read_as(job: Job, item: inputs.PageImage, page_id: str) -> PageReport:
    """The report of a page kept without identity (``awaiting_identity``), read as the printed
    page ``page_id`` a volunteer named: as ``read_one`` reads an identified page."""
    manifest, pages, firsts = load_manifest(job.manifest_path)
    blank = partial(reference.for_page, job.manifest_path, manifest, firsts)
    try:
        result = recognise_as(item.image, manifest, pages[page_id], draw=job.draw, reference=blank)
    except Exception as error:
        result = PageResult(REJECTED, "internal_error", detail=f"{type(error).__name__}: {error}")
    return page_report(job, item, result)


def problem_report(problem) -> PageReport:
    source = inputs.stored_name(problem.source)
    key = hashlib.sha256(f"{source}|{problem.index}|{problem.reason}".encode()).hexdigest()
    return PageReport(source, problem.index, f"input:{key[:58]}", REJECTED, problem.reason, problem.message("fr"))


def page_report(job: Job, item, result: PageResult) -> PageReport:
    page: dict[str, Any] = dict(result.page) if result.page else {}
    report = PageReport(
        inputs.stored_name(item.source), item.index, item.sha256, result.outcome, result.reason, result.detail,
        result.page_id or None, page.get("form"), page.get("page"), result.fit_error_mm, result.review_reasons,
        [(d.id, d.state, d.confidence, round(d.score, 4), d.reason) for d in result.decisions.values()],
        [asdict(line) for line in result.lines])
    report.overlay = save_picture(job, "overlays", item.sha256, result.overlay, ".jpg")
    report.comment = save_picture(job, "comments", item.sha256, result.comment, ".png")
    save_registered(job, item.sha256, result)
    if result.outcome == REJECTED:
        report.kept_image = save_picture(job, "rejected", item.sha256, item.image, ".png")
        write_note(report, job.month)
    elif result.reason == NEEDS_IDENTITY:
        report.kept_image = save_picture(job, UNIDENTIFIED, item.sha256, item.image, ".png")
    return report


def write_note(report: PageReport, month: str) -> None:
    """Beside a set-aside page, in words, what it was, why it was refused and what to do."""
    if report.kept_image is None:  # nothing was kept beside which to write
        return
    write_note_of({**vars(report), "source_index": report.index, "month": month})


def write_note_of(row: dict) -> None:
    """The note beside the kept image of ``row`` (a ``scanned_pages`` row, or a report's fields)."""
    note = Path(row["kept_image"]).with_suffix(".txt")
    page = f", page {row['source_index'] + 1}" if row["source_index"] is not None else ""
    source = inputs.shown_name(inputs.stored_path(row["source"]))
    note.write_text(_("{notice}\n\nFichier : {source}{page}\nRefusée : {reason}\n{detail}\nIdentifiant lu : {read}\n",
                      "fr", notice=notices.page_notice(row), source=source, page=page, reason=row["reason"],
                      detail=row["detail"], read=row["page_id"] or "-"), encoding="utf-8")
    private_file(note)


def record_moves(engine: sa.Engine, after: int, moved: dict[Path, Path]) -> None:
    """The pages recorded after row ``after`` name their files where they went (the archive), and
    so do the notes beside those kept: no notice sends anyone to look for a file in the inbox."""
    names = {inputs.stored_name(old): inputs.stored_name(new) for old, new in moved.items()}
    t = db.scanned_pages.c
    with engine.begin() as conn:
        rows = conn.execute(sa.select(db.scanned_pages).where(t.id > after, t.source.in_(names))).mappings().all()
        moved_rows = [{**row, **moved_fields(row, names[row["source"]])} for row in rows]
        for row in moved_rows:
            conn.execute(db.scanned_pages.update().where(t.id == row["id"]).values(source=row["source"],
                                                                                     detail=row["detail"]))
    for row in moved_rows:
        if row["outcome"] == REJECTED and row["kept_image"]:
            with contextlib.suppress(OSError):  # the note is a help; the row is what counts
                write_note_of(row)


def moved_fields(row, source: str) -> dict[str, str]:
    """``row``'s source, and its detail: an input problem's sentence, made when the file was read,
    quotes the file's name (« … »)."""
    def quoted(name: str) -> str:
        return f"« {inputs.shown_name(inputs.stored_path(name))} »"

    return {"source": source, "detail": storable((row["detail"] or "").replace(quoted(row["source"]), quoted(source)))}


def save_registered(job: Job, sha: str, result: PageResult) -> None:
    """A page set aside for review keeps its registered grey page: the review page crops its
    boxes from it (``registered_path``), with the manifest's millimetres."""
    if result.outcome == REVIEW:
        save_picture(job, REGISTERED, sha, result.registered, ".jpg")


def registered_path(pictures_dir: str | Path, sha: str) -> Path:
    return picture_path(pictures_dir, REGISTERED, sha, ".jpg")


def picture_path(pictures_dir: str | Path, folder: str, sha: str, suffix: str) -> Path:
    return Path(pictures_dir) / folder / f"{sha[:20]}{suffix}"


def save_picture(job: Job, folder: str, sha: str, image: np.ndarray | None, suffix: str) -> str | None:
    if image is None:
        return None
    path = picture_path(job.pictures_dir, folder, sha, suffix)
    private_dir(path.parent)
    params = [cv2.IMWRITE_JPEG_QUALITY, OVERLAY_JPEG_QUALITY] if suffix == ".jpg" else []
    # Two stations reading the same image write the same file: each writes its own, then swaps
    # it in whole, so nobody ever sees half a picture.
    part = path.with_name(f".{path.stem}.{os.getpid()}{suffix}")
    if not cv2.imwrite(str(part), image, params):
        return None  # no picture (a full disk): the page itself is still recorded
    private_file(part)
    part.replace(path)
    return str(path)


def record(engine: sa.Engine, month: str, report: PageReport, summary: BatchSummary) -> None:
    """One transaction per page: all of it is stored, or none of it."""
    if vanished(report):
        summary.counts["vanished"] += 1
        return
    for attempt in range(1, RECORD_ATTEMPTS + 1):
        try:
            with engine.begin() as conn:
                row = store(conn, month, report)
            break
        except sa.exc.IntegrityError:  # another station stored this image, or this page, meanwhile
            if attempt == RECORD_ATTEMPTS:
                raise
    summary.counts[row["outcome"] if row else "duplicate"] += 1
    if row and row["reason"]:
        summary.reasons[row["reason"]] += 1


def vanished(report: PageReport) -> bool:
    """A file that was listed but is gone when opened: another station archived it, after reading it."""
    return report.outcome == REJECTED and report.reason == "unreadable" and not inputs.stored_path(report.source).exists()


def store(conn, month: str, report: PageReport) -> dict | None:
    """The row stored for ``report`` (with its details), or None when this image is already there."""
    if conn.execute(sa.select(db.scanned_pages.c.id).where(db.scanned_pages.c.sha256 == report.sha256)).first():
        return None
    check_walkin_number(conn, month, report)
    row = page_row(month, report, counted_before(conn, month, report))
    page_id = int(conn.execute(db.scanned_pages.insert().values(**row)).inserted_primary_key[0])
    insert_details(conn, page_id, report)
    return row


def store_identified(conn, month: str, scanned_page: int, report: PageReport) -> dict:
    """A page stored without identity (``awaiting_identity``), now read as the page a volunteer
    named (``read_as``): its row becomes what ``store`` writes for an identified page, with its
    readings and lines; when and from where it was scanned, and its kept image, stay."""
    check_walkin_number(conn, month, report)
    row = page_row(month, report, counted_before(conn, month, report))
    for kept in ("scanned_at", "sha256", "source", "source_index"):
        row.pop(kept)
    if row["kept_image"] is None:
        row.pop("kept_image")
    conn.execute(db.scanned_pages.update().where(db.scanned_pages.c.id == scanned_page).values(**row))
    remove_details(conn, scanned_page)
    insert_details(conn, scanned_page, report)
    return row


def counted_before(conn, month: str, report: PageReport) -> int | None:
    """The scan already counted for this printed page, of which ``report`` is then a conflict."""
    return earlier_scan(conn, month, report) if report.outcome != REJECTED else None


def earlier_scan(conn, month: str, report: PageReport) -> int | None:
    """The scan that counts for this printed page, when there is one already."""
    if report.form is None:
        return None
    t = db.scanned_pages.c
    return conn.execute(sa.select(t.id).where(t.month == month, t.form == report.form, t.page == report.page,
                                              t.outcome != REJECTED, t.conflict_of.is_(None))).scalar()


def page_row(month: str, report: PageReport, conflict: int | None) -> dict:
    row = {k: getattr(report, k) for k in ("sha256", "outcome", "reason", "detail", "page_id", "form", "page",
                                           "fit_error_mm", "review_reasons", "overlay", "comment", "kept_image")}
    row = {key: storable(value) for key, value in row.items()}
    row.update(month=month, source=report.source, source_index=report.index, conflict_of=conflict,
               scanned_at=dt.datetime.now(dt.timezone.utc))
    if conflict is not None:
        row.update(outcome=REVIEW, reason="conflict", review_reasons=["conflict"] + report.review_reasons)
    return db.fit(db.scanned_pages, row)


def storable(value: Any) -> Any:
    """A text any database takes: a lone surrogate (an undecodable file name quoted in a
    decoder's error) becomes �; SQLite's driver and PostgreSQL refuse it, and the page with it."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if isinstance(value, str) else value


def insert_details(conn, page_id: int, report: PageReport) -> None:
    if report.boxes:
        conn.execute(db.box_readings.insert(), [db.fit(db.box_readings, {
            "scanned_page": page_id, "box": b, "state": s, "confidence": c, "score": sc, "reason": r})
            for b, s, c, sc, r in report.boxes])
    insert_lines(conn, page_id, report.lines)


def remove_details(conn, page_id: int) -> None:
    """A page's readings and lines, gone (its row stays)."""
    conn.execute(db.page_lines.delete().where(db.page_lines.c.scanned_page == page_id))
    conn.execute(db.box_readings.delete().where(db.box_readings.c.scanned_page == page_id))


def insert_lines(conn, page_id: int, lines: list[dict]) -> None:
    """A page's lines (``asdict(Line)``); values are stored as text, None stays None."""
    if lines:
        conn.execute(db.page_lines.insert(), [
            db.fit(db.page_lines, {"scanned_page": page_id, "kind": l["kind"], "product": l["product"],
                                   "value": None if l["value"] is None else str(l["value"]),
                                   "status": l["status"], "reason": l["reason"], "boxes": l["boxes"]})
            for l in lines])
