"""A batch of scans into the database: every page accepted, set aside for review, or rejected.

Workers (one per core) read and recognise pages and write the pictures (overlay for the
volunteers, comment crop for the living lab, the page itself when rejected); the main process
alone writes the database, one transaction per page, so a crash never leaves half a page and a
re-run skips what is already there (pages are known by the hash of their pixels).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from functools import lru_cache, partial
from pathlib import Path

import cv2
import numpy as np
import sqlalchemy as sa

from cagettes import db
from scan import inputs, reference
from scan.recognise import REJECTED, REVIEW, PageResult, recognise

PAGES_PER_TASK = 4  # small tasks keep both cores busy on a single multi-page PDF
OVERLAY_JPEG_QUALITY = 80
REGISTERED = "registered"  # folder of the registered pages kept for review


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
    counts: Counter = field(default_factory=Counter)  # accepted / needs_review / rejected / duplicate
    reasons: Counter = field(default_factory=Counter)  # rejected and review reasons

    @property
    def pages(self) -> int:
        return sum(self.counts.values())


def scan(engine: sa.Engine, job: Job, paths: Iterable[Path], jobs: int = 2,
         progress: Callable[[int], None] | None = None) -> BatchSummary:
    summary = BatchSummary()
    tasks = []
    for item in inputs.iter_files(paths):
        if isinstance(item, inputs.InputProblem):  # an unreadable folder: said, and the batch goes on
            record(engine, job.month, problem_report(item), summary)
        else:
            tasks.extend(plan_tasks(item))
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        for reports in pool.map(run_task, [(job, path, pages) for path, pages in tasks]):
            for report in reports:
                record(engine, job.month, report, summary)
            if progress:
                progress(len(reports))
    return summary


def plan_tasks(path: Path) -> list[tuple[str, list[int] | None]]:
    count = inputs.count_pages(path)
    if not count or count <= PAGES_PER_TASK:
        return [(str(path), None)]
    return [(str(path), list(range(start, min(count, start + PAGES_PER_TASK))))
            for start in range(0, count, PAGES_PER_TASK)]


def archive(files: Iterable[Path], inbox: Path) -> Path:
    """Processed inbox files move to scans/archive/<date>/: nothing is deleted, nothing read twice."""
    folder = inbox / "archive" / dt.date.today().isoformat()
    for path in files:
        if path.is_file() and folder not in path.parents:
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / path.name
            while target.exists():
                target = target.with_name(f"{target.stem}-1{target.suffix}")
            path.rename(target)
    return folder


def run_task(task: tuple[Job, str, list[int] | None]) -> list[PageReport]:
    job, path, pages = task
    return [read_one(job, item) for item in inputs.iter_pages([Path(path)], pages=pages)]


@lru_cache(maxsize=2)
def load_manifest(path: str) -> tuple[dict, dict, dict]:
    """The manifest, its pages by identifier, and each layout's first page (for blanks)."""
    manifest = json.loads(Path(path).read_text(encoding="utf-8"))
    return manifest, {page["id"]: page for page in manifest["pages"]}, reference.first_pages(manifest)


def read_one(job: Job, item) -> PageReport:
    if isinstance(item, inputs.InputProblem):
        return problem_report(item)
    manifest, pages, firsts = load_manifest(job.manifest_path)
    blank = partial(reference.for_page, job.manifest_path, manifest, firsts)
    try:
        result = recognise(item.image, manifest, pages, job.secret, draw=job.draw, reference=blank)
    except Exception as error:  # noqa: BLE001 -- one bad page must never stop the batch
        result = PageResult(REJECTED, "internal_error", detail=f"{type(error).__name__}: {error}")
    return page_report(job, item, result)


def problem_report(problem) -> PageReport:
    key = hashlib.sha256(f"{problem.source}|{problem.index}|{problem.reason}".encode()).hexdigest()
    return PageReport(str(problem.source), problem.index, f"input:{key[:58]}", REJECTED, problem.reason,
                      problem.message("fr"))


def page_report(job: Job, item, result: PageResult) -> PageReport:
    page = result.page or {}
    report = PageReport(
        str(item.source), item.index, item.sha256, result.outcome, result.reason, result.detail,
        result.page_id or None, page.get("form"), page.get("page"), result.fit_error_mm, result.review_reasons,
        [(d.id, d.state, d.confidence, round(d.score, 4), d.reason) for d in result.decisions.values()],
        [asdict(line) for line in result.lines])
    report.overlay = save_picture(job, "overlays", item.sha256, result.overlay, ".jpg")
    report.comment = save_picture(job, "comments", item.sha256, result.comment, ".png")
    save_registered(job, item.sha256, result)
    if result.outcome == REJECTED:
        report.kept_image = save_picture(job, "rejected", item.sha256, item.image, ".png")
        write_note(report)
    return report


def write_note(report: PageReport) -> None:
    """Beside a set-aside page, in words, what it was and why it was refused."""
    note = Path(report.kept_image).with_suffix(".txt")
    page = f", page {report.index + 1}" if report.index is not None else ""
    note.write_text(f"Fichier : {report.source}{page}\nRefusée : {report.reason}\n{report.detail}\n"
                    f"Identifiant lu : {report.page_id or '-'}\n", encoding="utf-8")


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
    path.parent.mkdir(parents=True, exist_ok=True)
    params = [cv2.IMWRITE_JPEG_QUALITY, OVERLAY_JPEG_QUALITY] if suffix == ".jpg" else []
    cv2.imwrite(str(path), image, params)
    return str(path)


def record(engine: sa.Engine, month: str, report: PageReport, summary: BatchSummary) -> None:
    """One transaction per page: all of it is stored, or none of it."""
    with engine.begin() as conn:
        if conn.execute(sa.select(db.scanned_pages.c.id).where(db.scanned_pages.c.sha256 == report.sha256)).first():
            summary.counts["duplicate"] += 1
            return
        conflict = earlier_scan(conn, report.page_id) if report.outcome != REJECTED else None
        if conflict is not None:
            report.outcome, report.reason = REVIEW, "conflict"
            report.review_reasons = ["conflict"] + report.review_reasons
        page_id = insert_page(conn, month, report, conflict)
        insert_details(conn, page_id, report)
    summary.counts[report.outcome] += 1
    if report.reason:
        summary.reasons[report.reason] += 1


def earlier_scan(conn, page_id: str | None) -> int | None:
    if not page_id:
        return None
    t = db.scanned_pages.c
    return conn.execute(sa.select(t.id).where(t.page_id == page_id, t.outcome != REJECTED, t.conflict_of.is_(None))
                        .order_by(t.id).limit(1)).scalar()


def insert_page(conn, month: str, report: PageReport, conflict: int | None) -> int:
    values = {k: getattr(report, k) for k in ("sha256", "outcome", "reason", "detail", "page_id", "form", "page",
                                               "fit_error_mm", "review_reasons", "overlay", "comment", "kept_image")}
    result = conn.execute(db.scanned_pages.insert().values(
        month=month, source=report.source, source_index=report.index, conflict_of=conflict,
        scanned_at=dt.datetime.now(dt.timezone.utc), **values))
    return int(result.inserted_primary_key[0])


def insert_details(conn, page_id: int, report: PageReport) -> None:
    if report.boxes:
        conn.execute(db.box_readings.insert(), [
            {"scanned_page": page_id, "box": b, "state": s, "confidence": c, "score": sc, "reason": r}
            for b, s, c, sc, r in report.boxes])
    insert_lines(conn, page_id, report.lines)


def insert_lines(conn, page_id: int, lines: list[dict]) -> None:
    """A page's lines (``asdict(Line)``); values are stored as text, None stays None."""
    if lines:
        conn.execute(db.page_lines.insert(), [
            {"scanned_page": page_id, "kind": l["kind"], "product": l["product"],
             "value": None if l["value"] is None else str(l["value"]), "status": l["status"],
             "reason": l["reason"], "boxes": l["boxes"]} for l in lines])
