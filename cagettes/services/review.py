"""The review page's use case: what a volunteer settles, on the month's scanned pages.

The decisions themselves (a box, a page accepted or rejected, a walk-in form given to a member,
one of two scans kept, an undo) are the review stage's (cagettes.review.decisions); this opens
them on a workspace's month, as the command line and the tests do.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cagettes.core.month import MonthData
from cagettes.review.decisions import Review
from cagettes.services.months import load_month
from cagettes.services.scanning import scan_job
from cagettes.storage.workspace import Workspace


@dataclass(frozen=True)
class ReviewSession:
    review: Review
    data: MonthData
    pictures_dir: Path  # the month's private scans folder: the only pictures the page may send


def open_review(workspace: Workspace, month: str | None = None, lang: str | None = None) -> ReviewSession:
    data = load_month(workspace, month)
    job = scan_job(workspace, data)
    review = Review.open(workspace.engine(), job.manifest_path, lang or workspace.config.lang)
    return ReviewSession(review, data, Path(job.pictures_dir))
