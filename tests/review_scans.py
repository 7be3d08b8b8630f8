"""A month with pages for volunteers to review: the printed sample month copied, real pages
rendered from its bundles, marked by hand-like strokes, and read by the real scanning pipeline.

Tiny ink dots of a few sizes land in the scanner's doubt band (between "empty" and "marked"):
which of them do depends on the thresholds, so the tests use whatever the scanner found
doubtful, and fail if it found nothing to review.
"""
from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import sqlalchemy as sa

from cagettes.closing import carry
from cagettes.review.decisions import Review
from cagettes.scan import pipeline
from cagettes.services.scanning import scan_job
from cagettes.simulate import corpus
from cagettes.storage import db
from cagettes.storage import workspace as ws

DPI = 200
DOT_RADII_MM = (0.45, 0.5, 0.55, 0.6)  # grey dots around the doubt band: some land in it
DOT_GREY = 90  # 0-255: a light pencil
TICKED_QUANTITY = "q-0-2"  # a clear tick: product 0, quantity 2


@dataclass
class ReviewMonth:
    workspace: ws.Workspace
    data: object  # MonthData
    review: Review
    pages: dict[str, int]  # "member", "rescan", "walkin" -> scanned page id

    @property
    def engine(self) -> sa.Engine:
        return self.review.engine

    def page(self, name: str) -> dict:
        with self.engine.connect() as conn:
            return dict(conn.execute(sa.select(db.scanned_pages).where(
                db.scanned_pages.c.id == self.pages[name])).mappings().one())

    def lines(self, name: str) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(db.page_lines).where(db.page_lines.c.scanned_page == self.pages[name])
                                .order_by(db.page_lines.c.id)).mappings()
            return [{k: v for k, v in r.items() if k != "id"} for r in rows]

    def readings(self, name: str) -> list[dict]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(sa.select(db.box_readings).where(
                db.box_readings.c.scanned_page == self.pages[name]).order_by(db.box_readings.c.box)).mappings()]


def box_px(box: dict) -> tuple[int, int, int, int]:
    return tuple(round(v * DPI / 25.4) for v in box["rect"])


def tick(image: np.ndarray, box: dict) -> None:
    x, y, w, h = box_px(box)
    cv2.line(image, (x + w // 6, y + h // 2), (x + w // 2, y + h - h // 6), 30, 3)
    cv2.line(image, (x + w // 2, y + h - h // 6), (x + w - 2, y + 2), 30, 3)


def dot(image: np.ndarray, box: dict, radius_mm: float) -> None:
    x, y, w, h = box_px(box)
    cv2.circle(image, (x + w // 2, y + h // 2), max(1, round(radius_mm * DPI / 25.4)), DOT_GREY, -1)


def marked_page(month_dir: Path, manifest: dict, page: dict, ticks: list[str], dots: list[str]) -> np.ndarray:
    image = corpus.render_page(month_dir / page["pdf"], page["pdf_page"], DPI)
    boxes = {b["id"]: b for b in manifest["layouts"][page["layout"]]["boxes"]}
    for box in ticks:
        tick(image, boxes[box])
    for box, radius in zip(dots, DOT_RADII_MM, strict=False):
        dot(image, boxes[box], radius)
    return image


def copied_month(printed, tmp_path: Path):
    """(workspace, month data, scan job, manifest) of a copy of the printed month in ``tmp_path``."""
    root = tmp_path / "ws"
    shutil.copytree(printed[0].root, root)
    workspace = ws.open_workspace(root)
    data = carry.load_month(workspace.engine(), workspace.config, printed[1].month)
    job = scan_job(workspace, data)
    return workspace, data, job, json.loads(Path(job.manifest_path).read_text(encoding="utf-8"))


def review_month(printed, tmp_path: Path) -> ReviewMonth:
    """A copy of the printed month with three scans: a member's page 1 with doubtful dots, a
    second scan of that same page (a conflict), and a walk-in form's page 1 with one tick."""
    workspace, data, job, manifest = copied_month(printed, tmp_path)
    month_dir = workspace.month_dir(data.month)
    member = manifest["pages"][0]
    walkin = next(p for p in manifest["pages"] if p["walkin"] and p["page"] == 1)
    image = marked_page(month_dir, manifest, member, [TICKED_QUANTITY], ["q-1-1", "q-2-1", "q-3-1", "q-4-1"])
    files = {"member": image, "walkin": marked_page(month_dir, manifest, walkin, ["q-0-1"], []),
             "rescan": np.ascontiguousarray(np.rot90(image, 2))}  # fed upside down: another image
    paths = {}
    for name, picture in files.items():
        paths[name] = tmp_path / f"{name}.png"
        cv2.imwrite(str(paths[name]), picture)
    engine = workspace.engine()
    pipeline.scan(engine, job, [paths["member"], paths["walkin"], paths["rescan"]], jobs=2)  # stored in this order
    with engine.connect() as conn:
        ids = {Path(r.source).stem: r.id for r in conn.execute(sa.select(db.scanned_pages))}
    return ReviewMonth(workspace, data, Review.open(engine, job.manifest_path), ids)
