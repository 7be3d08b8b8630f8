"""One scanned page, from pixels to an outcome: accepted, needs review, or rejected.

Pure computation on an image and the month's manifest: no database, no files. The pipeline
(``scan.pipeline``) stores what this returns.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np

from cagettes.core.records import Manifest, ManifestBox, ManifestLayout, ManifestPage
from cagettes.forms.manifest import page_boxes
from cagettes.scan import thresholds as T
from cagettes.scan.decide import (
    CANCELLED,
    DOUBTFUL,
    EMPTY,
    MARKED,
    BoxDecision,
    Line,
    apply_rules,
    decide_box,
    page_empty_max,
    page_trace_max,
)
from cagettes.scan.identify import identify
from cagettes.scan.measure import (
    BoxReading,
    Calibration,
    calibrate,
    crop,
    despeckle,
    read_boxes,
    scanned_area,
    warp,
    zone_ink,
)
from cagettes.scan.register import Registration, RegistrationError, refine_with_printed, register

ACCEPTED, REVIEW, REJECTED = "accepted", "needs_review", "rejected"
COLOURS = {EMPTY: (170, 170, 170), MARKED: (0, 160, 0), CANCELLED: (160, 0, 160), DOUBTFUL: (0, 0, 230)}  # BGR


@dataclass
class PageResult:
    outcome: str
    reason: str = ""  # for a rejected page: why; for review: the first reason
    page_id: str = ""
    page: ManifestPage | None = None  # the manifest entry
    fit_error_mm: float | None = None
    decisions: dict[str, BoxDecision] = field(default_factory=dict)
    lines: list[Line] = field(default_factory=list)
    review_reasons: list[str] = field(default_factory=list)
    comment: np.ndarray | None = None  # crop of the comment zone when inked
    overlay: np.ndarray | None = None  # BGR picture for volunteers
    registered: np.ndarray | None = None  # the normalised grey page, for crops on the review page
    detail: str = ""


def recognise(gray: np.ndarray, manifest: Manifest, pages_by_id: dict[str, ManifestPage], secret: str,
              draw: bool = True, reference: Callable[[ManifestPage], np.ndarray | None] | None = None) -> PageResult:
    """``reference(page)`` may give the blank printed page on the normalised grid (see
    ``scan.reference``), so that printing around boxes is never mistaken for a mark."""
    ident = identify(gray, secret, manifest["month"])
    if ident.page_id is None:
        return PageResult(REJECTED, ident.reason, ident.text, detail=ident.detail)
    page = pages_by_id.get(ident.text)
    if page is None:
        return PageResult(REJECTED, "not_in_manifest", ident.text)
    blank = reference(page) if reference else None
    try:
        registration = register_page(gray, manifest["layouts"][page["layout"]], ident.codes, blank)
    except RegistrationError as error:
        return PageResult(REJECTED, "registration_failed", ident.text, page, detail=error.detail)
    return read_page(gray, manifest, page, registration, draw, blank)


def register_page(gray: np.ndarray, layout: ManifestLayout, codes: list, blank: np.ndarray | None) -> Registration:
    """The marks' map, refitted on the printed boxes when a mark is missing (see
    ``refine_with_printed``)."""
    if blank is None:
        return register(gray, layout, codes)
    rects = [box["rect"] for box in layout["boxes"]]
    return register(gray, layout, codes, lambda found: refine_with_printed(gray, found, layout, rects, blank))


@dataclass
class Measured:
    """A registered page's boxes read: the normalised page, and what each box holds."""

    flat: np.ndarray
    calibration: Calibration
    boxes: list[ManifestBox]
    readings: list[BoxReading]
    decisions: dict[str, BoxDecision]


def measure_page(gray, manifest: Manifest, page: ManifestPage, registration, blank: np.ndarray | None) -> Measured:
    layout = manifest["layouts"][page["layout"]]
    speckled = warp(gray, registration, layout["width"], layout["height"])
    flat = despeckle(speckled)
    calibration = calibrate(flat, layout["marks"], scanned_area(gray.shape, registration, flat.shape))
    boxes = page_boxes(manifest, page)
    readings = read_boxes(flat, boxes, calibration, blank, speckled)
    empty_max, trace_max = page_empty_max(readings), page_trace_max(readings)
    return Measured(flat, calibration, boxes, readings, {r.id: decide_box(r, empty_max, trace_max) for r in readings})


def read_page(gray, manifest: Manifest, page: ManifestPage, registration, draw: bool, blank: np.ndarray | None) -> PageResult:
    layout = manifest["layouts"][page["layout"]]
    measured = measure_page(gray, manifest, page, registration, blank)
    flat, boxes, decisions = measured.flat, measured.boxes, measured.decisions
    lines = apply_rules(boxes, decisions)
    reasons = doubt_reasons(lines)
    result = PageResult(REVIEW if reasons else ACCEPTED, reasons[0] if reasons else "", page["id"], page,
                        registration.error_mm, decisions, lines, reasons)
    comment = layout["zones"].get("comment")
    if comment and zone_ink(flat, comment, measured.calibration) >= T.COMMENT_INK_MIN:
        result.comment = crop(flat, comment).copy()
    if draw:
        result.overlay = draw_overlay(flat, boxes, decisions, result)
    result.registered = flat
    return result


def doubt_reasons(lines: list[Line]) -> list[str]:
    """Why a page needs a volunteer, one ``kind:product:reason`` per doubtful line."""
    return [f"{line.kind}:{line.product or ''}:{line.reason}" for line in lines if line.status == "doubtful"]


def draw_overlay(flat: np.ndarray, boxes: list[ManifestBox], decisions: dict[str, BoxDecision], result: PageResult) -> np.ndarray:
    """Boxes coloured by decision on the normalised page, the identifier and outcome on top."""
    k = T.WARP_PX_PER_MM
    picture = cv2.cvtColor(flat, cv2.COLOR_GRAY2BGR)
    for box in boxes:
        x, y, w, h = (round(v * k) for v in box["rect"])
        decision = decisions[box["id"]]
        thickness = 1 if decision.state == EMPTY else 4
        cv2.rectangle(picture, (x - 3, y - 3), (x + w + 3, y + h + 3), COLOURS[decision.state], thickness)
    rects = {box["id"]: box["rect"] for box in boxes}
    for line in result.lines:
        if line.status == "doubtful":  # the whole group a volunteer must look at
            x0 = min(rects[b][0] for b in line.boxes) - 2.5
            y0 = min(rects[b][1] for b in line.boxes) - 2.5
            x1 = max(rects[b][0] + rects[b][2] for b in line.boxes) + 2.5
            y1 = max(rects[b][1] + rects[b][3] for b in line.boxes) + 2.5
            cv2.rectangle(picture, (round(x0 * k), round(y0 * k)), (round(x1 * k), round(y1 * k)), (0, 0, 230), 3)
    banner = f"{result.page_id}  {result.outcome}" + (f"  ({len(result.review_reasons)})" if result.review_reasons else "")
    cv2.rectangle(picture, (0, 0), (picture.shape[1], 48), (255, 255, 255), -1)
    colour = (0, 130, 0) if result.outcome == ACCEPTED else (0, 0, 200)
    cv2.putText(picture, banner, (10, 36), cv2.FONT_HERSHEY_SIMPLEX, 1.1, colour, 2, cv2.LINE_AA)
    return picture
