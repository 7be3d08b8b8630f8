"""Reading returned forms: a batch of files, or the workspace's inbox.

A watched-folder station is a loop around :func:`scan_inbox`: each call reads what arrived since
the last one and archives it, so nothing is read twice.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cagettes.closing.summaries import short_labels
from cagettes.core.errors import MonthError
from cagettes.core.i18n import N_
from cagettes.core.month import MonthData
from cagettes.forms import manifest
from cagettes.scan import inputs, notices, pipeline
from cagettes.scan.doubts import doubt_in_words
from cagettes.storage.workspace import Workspace


@dataclass
class ScanResult:
    """A batch read: its counts, a sentence for each page not accepted, and warnings to say after
    them (inbox files that could not be archived)."""

    files: list[Path]
    summary: pipeline.BatchSummary = field(default_factory=pipeline.BatchSummary)
    notices: dict[str, list[str]] = field(default_factory=lambda: {"rejected": [], "needs_review": []})
    warnings: list[str] = field(default_factory=list)
    reasons: list[tuple[str, int]] = field(default_factory=list)  # each reason in words, with its count


def in_words(data: MonthData, code: str, lang: str) -> str:
    """A review or rejection reason code ("quantity:BEURRE:several_marked") as volunteers read it."""
    return doubt_in_words(code, short_labels(data.products), lang)  # with its unit where two share a name


def scan_job(workspace: Workspace, data: MonthData) -> pipeline.Job:
    """What the scanner's workers need for ``data``'s month; refused before any work if the month
    was never printed or its manifest is damaged."""
    paths = workspace.paths(data.month)
    if not paths.manifest.is_file():
        raise MonthError(N_("Le mois {month} n'a pas encore été imprimé (pas de {path}) : lancez d'abord "
                            "« cagettes print bundles {month} »."), params={"month": data.month, "path": paths.manifest})
    check_manifest(paths.manifest, data.month)
    return pipeline.Job(data.month, str(paths.manifest), data.secret, str(paths.scans))


def check_manifest(path: Path, month: str) -> None:
    """Read once here, in the main process, so that a damaged manifest is said before any work."""
    try:
        manifest.read(path)
    except ValueError as error:  # JSON cut short, not UTF-8, or not a manifest
        raise MonthError(N_("Le manifeste {path} est illisible ({error}) : il a peut-être été coupé pendant "
                            "l'impression. Relancez « cagettes print bundles {month} » pour l'écrire de nouveau."),
                         params={"path": path, "error": error, "month": month}) from None


def files_to_read(workspace: Workspace, targets: Sequence[Path]) -> list[Path]:
    """The files named or inside the folders named, less the inbox's archive (already read)."""
    archived = workspace.inbox / "archive"
    return [f for f in inputs.iter_files(targets) if isinstance(f, Path) and archived not in f.parents]


def page_count(files: Sequence[Path]) -> int:
    """The pages of ``files``, for a progress bar (a file that cannot be counted counts one)."""
    return sum(inputs.count_pages(f) or 1 for f in files)


def scan_batch(workspace: Workspace, data: MonthData, files: list[Path], jobs: int = 2,
               progress: Callable[[int], None] | None = None, lang: str | None = None) -> ScanResult:
    """Read ``files``: every page ends accepted, set aside for review, or rejected with its reason."""
    return read_files(workspace, data, files, jobs, progress, lang)


def read_files(workspace: Workspace, data: MonthData, files: list[Path], jobs: int,
               progress: Callable[[int], None] | None, lang: str | None, inbox: bool = False) -> ScanResult:
    """``scan_batch``; with ``inbox`` (the files are the inbox's), they are archived once read,
    before the notices are made, so that these name where the files now are."""
    job = scan_job(workspace, data)
    engine = workspace.engine()
    before = notices.last_page_row(engine)
    summary = pipeline.scan(engine, job, files, jobs, progress=progress)
    lang = lang or workspace.config.lang
    warnings = archive(workspace, files, before, lang) if inbox else []
    worded: Counter[str] = Counter()  # two codes may read alike (a product's box and its line)
    for code, count in summary.reasons.items():
        worded[in_words(data, code, lang)] += count
    return ScanResult(files, summary, notices.batch_notices(engine, data.month, before, lang), warnings,
                      worded.most_common())


def archive(workspace: Workspace, files: list[Path], before: int, lang: str) -> list[str]:
    """The inbox files read move to its archive, and the pages recorded after row ``before`` name
    them there; a file that could not be moved is a warning, never a stop: its pages are
    recorded already."""
    done = pipeline.archive_files(files, workspace.inbox)
    pipeline.record_moves(workspace.engine(), before, done.moved)
    return [notices.not_archived(path, done.folder, error, lang) for path, error in done.failed]


def scan_inbox(workspace: Workspace, data: MonthData, jobs: int = 2,
               progress: Callable[[int], None] | None = None, lang: str | None = None) -> ScanResult:
    """Read what is in the inbox (scans/), then move it to scans/archive/."""
    files = files_to_read(workspace, [workspace.inbox])
    if not files:
        return ScanResult(files)
    return read_files(workspace, data, files, jobs, progress, lang, inbox=True)
