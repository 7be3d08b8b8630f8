"""Synthetic returned forms, to measure the scanner: real printed pages, marks drawn the way
people really mark paper, the damage scanners and copiers do, and the truth of every box.

    render_page(pdf_path, index, dpi, color=False) -> ndarray           grey (H, W) or BGR (H, W, 3), uint8
    fill_page(image, boxes, zones, dpi, rng, policy=None, products=None, carried_total=0) -> (ndarray, truth)
    degrade(image, dpi, rng, settings=None, qr=None, capture=None, heldout=None, avoid_mm=None)
        -> (ndarray, params)
    iter_samples(manifest_path, pages=10, dpi=300, seed=0, policy=None, degradation=None,
                 color=False, page_ids=None, capture=None, heldout=None) -> iterator of (ndarray, truth)
    generate(manifest_path, out_dir, pages=10, dpi=300, seed=0, policy=None, degradation=None,
             fmt="jpg", color=False, page_ids=None, capture=None, heldout=None) -> list[Path]

``capture`` (a ``capture.Capture``) adds what real capture does beyond ``Degradation``: paper
tone, toner defects, a lost edge or corner, feeder stretch, curl, uneven light, shadows, dust.
``heldout`` (a ``heldout.HeldOut``) adds damage the scanner was never tuned on: creases,
stains, binder holes, margin notes, a copy of a copy, halftone, a JPEG saved twice
(``degradation["heldout"]``); the truth is unchanged (no box is touched).

Everything is drawn in the page's own pixel grid (manifest millimetres x dpi / 25.4) with OpenCV,
one page at a time: memory stays flat whatever the number of pages. The same seed gives the
same images and truth; sample k depends only on (seed, k), never on the samples before it.

The truth of a page (``fill_page`` gives the first part, ``iter_samples`` adds the rest)::

    {"page_id": "EC1-...", "layout": "fr/p1", "form": 1, "page": 1, "dpi": 300,
     "boxes": {box_id: {"state": "empty" | "marked" | "cancelled", "style": None | style}},
     "products": {ref: {"quantity": int | None, "tolerance": bool, "expect_doubt": bool,
                        "feedback": "like" | "dislike" | None, "scenario": str}},
     "payment": "especes" | ... | None, "amount": "12.40" | None, "member_number": "0421" | None,
     "comment_ink": bool, "name_ink": bool, "strays": [[x_mm, y_mm], ...], "pen": str,
     "page_total": "12.40" | None, "degradation": {...}}

With capture damage, also ``"unseen_boxes": [box_id, ...]`` and ``"unseen_qr": [index, ...]``:
what a lost edge or corner of the sheet cut off (``degradation["capture"]["lost_band"]``).

Mark styles (``STYLES``): tick, cross, light_tick, pencil_cross, felt_cross, scribble,
overflow (up to ~50 % outside the box), beside (a tick outside the box touching its edge:
still "marked"), fill (the box filled in: "cancelled"), and circle (a ring drawn around the
quantity's printed number instead of a mark in the box: the box stays "empty" but the product
has ``expect_doubt``: a reader must not count it silently). Stray dots and dashes land between
boxes, never inside one (their boxes stay "empty").

``degradation["matrix"]`` is the 3x3 homography from the clean page's pixels to the degraded
image's pixels: a reader's result can be checked against the truth at any rotation.

The images carry the members' names as printed on their forms: keep a corpus made from a real
month as private as the month's ``private/`` folder.
"""
from __future__ import annotations

import json
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from cagettes.core.records import Manifest, ManifestBox, ManifestPage, ManifestProduct, Rect
from cagettes.simulate import capture as capture_damage
from cagettes.simulate import heldout as heldout_damage
from cagettes.simulate.capture import Capture
from cagettes.simulate.heldout import HeldOut
from cagettes.simulate.switches import Switches

STATES = ("empty", "marked", "cancelled")
STYLES = ("tick", "cross", "light_tick", "pencil_cross", "felt_cross", "scribble", "overflow", "beside",
          "fill", "fill_zigzag", "fill_partial", "fill_scrawl", "circle")
FORMATS = {"jpg": ".jpg", "jpeg": ".jpg", "png": ".png", "tif": ".tif", "tiff": ".tif"}
SUPERSAMPLE = 4          # strokes are drawn 4x finer then averaged down: anti-aliased, fractional widths
OUTPUT_JPEG_QUALITY = 92  # files written by generate(); the scanner's own JPEG damage is a Degradation step
NOISE_STRIP_ROWS = 512   # noise is added by strips of rows so that a 600 dpi page needs no float copy
MM_PER_INCH = 25.4
INSIDE_INSET_MM = 1.1  # a box's printed outline and its blur: a reader looks inside it


# ---------------------------------------------------------------- settings

@dataclass(frozen=True)
class Pen:
    """A writing tool. Colour in BGR 0-255, stroke width in mm, ink opacity 0-1 (1 = fully
    covering), grain 0-1 (share of opacity lost at random per pixel: pencil on paper)."""

    color: tuple[int, int, int]
    width_mm: tuple[float, float]
    opacity: tuple[float, float]
    grain: float = 0.0


PENS = {
    "ballpoint_blue": Pen((150, 70, 25), (0.35, 0.6), (0.85, 1.0), grain=0.1),
    "ballpoint_black": Pen((40, 35, 30), (0.35, 0.6), (0.85, 1.0), grain=0.1),
    "felt": Pen((35, 30, 30), (0.9, 1.8), (0.92, 1.0)),  # the amc-survey blobs: ~1/5 of the box wide
    "pencil": Pen((80, 80, 80), (0.3, 0.5), (0.5, 0.75), grain=0.5),
    "light": Pen((130, 70, 40), (0.25, 0.35), (0.45, 0.7), grain=0.2),  # a ballpoint barely pressed
}


@dataclass
class FillPolicy:
    """How members and volunteers fill a page. Probabilities are per product, per page or per
    box as said; weights need not sum to 1. Sizes are fractions of the box's side."""

    # per product row: what happens to it (expected reading in brackets)
    scenarios: dict[str, float] = field(default_factory=lambda: dict(
        nothing=0.70,        # no box touched (quantity None)
        one=0.21,            # one quantity marked (that quantity)
        correction=0.04,     # one box filled in (cancelled) and another marked (the marked one)
        two_marked=0.02,     # two quantities marked (doubtful)
        filled_alone=0.01,   # a filled box and nothing else (doubtful)
        circled_label=0.02,  # the printed number circled, the box empty (doubtful)
    ))
    p_tolerance: float = 0.35        # a case product with a quantity also gets its "+1" box ticked
    # how a member marks a box (weights)
    mark_styles: dict[str, float] = field(default_factory=lambda: dict(
        tick=0.30, cross=0.25, light_tick=0.07, pencil_cross=0.06, felt_cross=0.10, scribble=0.06,
        overflow=0.10, beside=0.06))
    digit_styles: dict[str, float] = field(default_factory=lambda: dict(  # 6 mm boxes 1 mm apart
        tick=0.4, cross=0.4, felt_cross=0.1, scribble=0.1))
    feedback_styles: dict[str, float] = field(default_factory=lambda: dict(tick=0.5, cross=0.4, felt_cross=0.1))
    volunteer_styles: dict[str, float] = field(default_factory=lambda: dict(tick=0.5, cross=0.5))
    page_pens: dict[str, float] = field(default_factory=lambda: dict(
        ballpoint_blue=0.4, ballpoint_black=0.3, felt=0.2, pencil=0.1))
    volunteer_pens: dict[str, float] = field(default_factory=lambda: dict(ballpoint_blue=0.5, ballpoint_black=0.5))
    style_pens: dict[str, str] = field(default_factory=lambda: {
        "light_tick": "light", "pencil_cross": "pencil", "felt_cross": "felt"})
    p_feedback: float = 0.5          # per product with like/dislike boxes
    p_like: float = 0.7              # given feedback
    p_payment: float = 0.85          # per page with payment boxes: a volunteer ticked method and amount
    payment_methods: dict[str, float] = field(default_factory=lambda: dict(
        especes=0.5, cheque=0.15, cheque_alimentaire=0.25, avoir=0.1))
    p_blank_leading_zero: float = 0.3  # amount under 10 EUR: the tens column left blank, not "0"
    random_amount_eur: tuple[float, float] = (1.0, 60.0)  # when the form's total is unknown
    p_member_number: float = 0.8     # walk-in page with a member grid: the number is filled in
    p_name: float = 0.9              # walk-in page with a name zone: a name is written
    p_comment: float = 0.15          # page with a comment zone: a few handwritten lines
    comment_lines: tuple[int, int] = (1, 4)  # handwritten lines, count
    stray_rate: float = 0.4          # mean stray dots/dashes per page (Poisson)
    stray_clearance_mm: float = 1.5  # a stray stays at least this far from every box
    mark_size: tuple[float, float] = (0.7, 1.1)
    small_size: tuple[float, float] = (0.35, 0.55)   # light_tick
    overflow_size: tuple[float, float] = (1.2, 1.5)
    mark_offset: float = 0.12        # max shift of a mark's centre from the box's centre
    overflow_offset: float = 0.25
    beside_size: tuple[float, float] = (0.6, 0.9)
    beside_touch: float = 0.08       # how far a "beside" tick reaches over the box's edge (the outline is ~0.075)
    circle_radius: tuple[float, float] = (0.3, 0.38)  # ring around the number printed left of the box
    rotation_deg: float = 12.0       # max hand rotation of a mark, degrees
    jitter: float = 0.05             # sd of each control point's wobble
    hatch_step: tuple[float, float] = (0.35, 0.5)  # fill zigzag step, in stroke widths: <= 0.5 leaves no gap
    # how a member fills a box in to cancel it (weights). Real fills (the AMC scans) cover 55-87 %
    # of the box: "dense" is the textbook fill, the others are what hands do.
    fill_styles: dict[str, float] = field(default_factory=lambda: dict(
        dense=0.25,     # two crossed zigzags, no paper left
        zigzag=0.30,    # one zigzag with gaps between its turns
        partial=0.20,   # a dense zigzag over part of the box only, one side left
        scrawl=0.25))   # the pen goes round and round: a scribbled-out box
    zigzag_step: tuple[float, float] = (1.0, 1.8)  # gappy zigzag step, in stroke widths
    partial_reach: tuple[float, float] = (0.0, 0.25)
    scrawl_coverage: tuple[float, float] = (0.55, 0.9)  # of the box's inside, as the real fills
    scribble_max_coverage: float = 0.45  # of the box's inside: a blob meant as a mark covers less  # where a partial fill stops, box units from the centre
    max_tries: int = 8               # attempts to place a mark clear of the other boxes

    @classmethod
    def careful(cls) -> "FillPolicy":
        """Members who tick clearly and volunteers who fill in the payment box: the demo month."""
        return cls(scenarios=dict(nothing=0.62, one=0.37, correction=0.01),
                   mark_styles=dict(tick=0.4, cross=0.4, felt_cross=0.2), stray_rate=0.0, p_payment=0.95)


@dataclass
class Degradation(Switches):
    """What scanners and copiers do. Each step runs with its probability ``p_*``; a range
    (low, high) is drawn uniformly. Pixel quantities are given at 300 dpi and scaled with dpi."""

    p_skew: float = 0.9              # a fed page is rarely straight
    skew_sd_deg: float = 1.5         # usual skew: normal, sd in degrees
    p_large_rotation: float = 0.1    # a page laid on the glass carelessly: uniform up to the max
    max_rotation_deg: float = 10.0   # bound of |angle|, degrees, skew or careless
    p_upside_down: float = 0.1       # fed head first: +180 degrees
    p_scale: float = 0.4
    scale: tuple[float, float] = (0.94, 1.06)        # copier zoom
    p_perspective: float = 0.3
    perspective: float = 0.015       # corner jitter, fraction of the page's width/height
    p_margin: float = 0.3            # scan area larger than the paper: the lid shows around it
    margin_mm: tuple[float, float] = (1.0, 8.0)      # per side
    lid_grey: tuple[int, int] = (205, 250)           # grey level 0-255 of the lid around the sheet
    p_dark_border: float = 0.1       # misplaced page on a black lid: dark margins (implies margins)
    dark_grey: tuple[int, int] = (0, 45)             # grey level 0-255 of a black lid
    p_blur: float = 0.5
    blur_sigma_px: tuple[float, float] = (0.3, 1.2)  # Gaussian sigma, px at 300 dpi
    p_levels: float = 0.5
    brightness: tuple[float, float] = (-30.0, 15.0)  # grey levels added
    contrast: tuple[float, float] = (0.75, 1.1)      # gain around mid-grey
    p_binarize: float = 0.1          # fax-like black and white
    # >= 150 keeps pencil (a mark no one could see is no truth); <= 190 keeps the paper white
    # even after the darkest levels (255 -> 193)
    binarize_threshold: tuple[int, int] = (150, 190)
    p_gaussian_noise: float = 0.4
    noise_sigma: tuple[float, float] = (2.0, 8.0)    # grey levels
    p_salt_pepper: float = 0.15
    salt_pepper_fraction: tuple[float, float] = (0.002, 0.02)  # share of pixels
    p_streaks: float = 0.15          # feeder dust: full-height vertical lines
    streak_count: tuple[int, int] = (1, 3)
    streak_width_mm: tuple[float, float] = (0.08, 0.4)
    streak_grey: tuple[int, int] = (40, 170)         # grey level 0-255 of a streak
    p_jpeg: float = 0.5
    jpeg_quality: tuple[int, int] = (30, 60)
    p_qr_damage: float = 0.05        # one code (never both) painted over from its page corner
    qr_damage_fraction: tuple[float, float] = (0.5, 1.0)  # of the code's width and height



# ---------------------------------------------------------------- rendering

def render_page(pdf_path: Path | str, index: int, dpi: int, color: bool = False) -> np.ndarray:
    """Page ``index`` (0-based) of a PDF, rasterised by PDFium: grey (H, W) or BGR (H, W, 3)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf_path))
    try:
        return _render(document, index, dpi, color)
    finally:
        document.close()


def _render(document, index: int, dpi: int, color: bool) -> np.ndarray:
    page = document[index]
    try:
        bitmap = page.render(scale=dpi / 72, grayscale=not color)
        array = bitmap.to_numpy()
        # grey bitmaps come as (H, W) or (H, W, 1); colour ones as BGR or BGRx
        array = array[:, :, :3] if color else (array[:, :, 0] if array.ndim == 3 else array)
        out = np.ascontiguousarray(array).copy()
        bitmap.close()
        return out
    finally:
        page.close()


class _Pdfs:
    """Bundle PDFs opened once each, pages rendered one at a time (PDFium loads pages lazily)."""

    def __init__(self, root: Path):
        self.root = root
        self.documents: dict[str, Any] = {}  # relative path → pypdfium2.PdfDocument (imported lazily)

    def render(self, relative: str, index: int, dpi: int, color: bool) -> np.ndarray:
        import pypdfium2

        if relative not in self.documents:
            self.documents[relative] = pypdfium2.PdfDocument(str(self.root / relative))
        return _render(self.documents[relative], index, dpi, color)

    def __enter__(self) -> "_Pdfs":
        return self

    def __exit__(self, *exc) -> None:
        for document in self.documents.values():
            document.close()


# ---------------------------------------------------------------- shapes, in box units

# A shape is a list of strokes; a stroke is (points, width at start, width at end), points in
# box units: the box spans -0.5..0.5 both ways, y down; widths are factors of the pen's width.

def _chaikin(points: np.ndarray, rounds: int = 3) -> np.ndarray:
    """Corner cutting: a few control points become a smooth hand-drawn curve, ends kept."""
    for _ in range(rounds):
        p, q = points[:-1], points[1:]
        inner = np.empty((2 * len(p), 2))
        inner[0::2], inner[1::2] = 0.75 * p + 0.25 * q, 0.25 * p + 0.75 * q
        points = np.vstack([points[:1], inner, points[-1:]])
    return points


def _wobble(rng, points, jitter: float) -> np.ndarray:
    return np.asarray(points, float) + rng.normal(0.0, jitter, (len(points), 2))


def _tick(rng, jitter: float) -> list:
    """Short stroke down to the bottom, long one up to the right, tapering as the hand flicks;
    each arm is smoothed on its own so that the turn at the bottom stays sharp."""
    a, b, c = _wobble(rng, [(-0.4, -0.02), (-0.12, 0.4), (0.45, -0.48)], jitter)
    arms = [_chaikin(np.array([p, (p + q) / 2 + rng.normal(0.0, 0.04, 2), q]), 2) for p, q in ((a, b), (b, c))]
    return [(np.vstack([arms[0], arms[1][1:]]), 1.0, rng.uniform(0.55, 0.9))]


def _cross(rng, jitter: float) -> list:
    strokes = []
    for start, end in (((-0.42, -0.42), (0.42, 0.42)), ((0.42, -0.42), (-0.42, 0.42))):
        bow = rng.normal(0.0, 0.05, 2)
        mid = ((start[0] + end[0]) / 2 + bow[0], (start[1] + end[1]) / 2 + bow[1])
        strokes.append((_chaikin(_wobble(rng, [start, mid, end], jitter), 2), 1.0, rng.uniform(0.7, 1.0)))
    return strokes


def _scribble(rng, jitter: float) -> list:
    """A blob: the pen goes back and forth a few times inside the box."""
    points = rng.uniform(-0.3, 0.3, (int(rng.integers(6, 12)), 2))
    return [(_chaikin(_wobble(rng, points, jitter)), 1.4, 1.2)]


def _hatch(rng, step: float) -> list:
    """Filling a box in: two dense zigzags across each other, turning near the outline,
    sometimes short of it, sometimes past it (step in box units)."""
    strokes = []
    for _ in range(2):
        reach = rng.uniform(0.44, 0.54)
        ys = np.arange(-reach, reach + step, step) + rng.normal(0.0, step * 0.3)
        xs = np.where(np.arange(len(ys)) % 2 == 0, -reach, reach) + rng.normal(0.0, 0.03, len(ys))
        strokes.append(np.column_stack([xs, ys]))
    return [(strokes[0], 1.0, 1.0), (strokes[1][:, ::-1], 1.0, 1.0)]


def _zigzag(rng, step: float) -> list:
    """One zigzag, top to bottom, paper showing between its turns (step in box units)."""
    reach = rng.uniform(0.40, 0.52)
    ys = np.arange(-reach, reach + step / 2, step) + rng.normal(0.0, step * 0.15)
    xs = np.where(np.arange(len(ys)) % 2 == 0, -reach, reach) + rng.normal(0.0, 0.05, len(ys))
    return [(np.column_stack([xs, ys]), 1.0, 1.0)]


def _partial(rng, step: float, stop: float) -> list:
    """A dense zigzag that stops short of one side of the box (``stop``: box units past the centre)."""
    reach = rng.uniform(0.42, 0.5)
    ys = np.arange(-reach, reach + step, step)
    xs = np.where(np.arange(len(ys)) % 2 == 0, -reach, stop) + rng.normal(0.0, 0.03, len(ys))
    return [(np.column_stack([xs, ys]), 1.0, 1.0)]


def _scrawl(rng) -> list:
    """Round and round inside the box, as one scribbles a word out."""
    t = np.cumsum(rng.uniform(0.6, 1.4, int(rng.integers(24, 40))))
    radius = rng.uniform(0.05, 0.45, len(t))
    drift = rng.normal(0.0, 0.08, (len(t), 2)).cumsum(0) * 0.5
    points = np.column_stack([radius * np.cos(t), radius * np.sin(t)]) + np.clip(drift, -0.15, 0.15)
    return [(_chaikin(points, 2), 1.3, 1.3)]


def _ring(rng, radius: float, centre: tuple[float, float]) -> list:
    """A ring drawn around something, a little more than one turn, wobbling."""
    turns = rng.uniform(1.05, 1.25)
    t = np.linspace(0.0, 2 * math.pi * turns, int(48 * turns)) + rng.uniform(0, 2 * math.pi)
    r = radius * (1 + rng.normal(0.0, 0.04, len(t)).cumsum() / len(t) ** 0.5)
    return [(np.column_stack([centre[0] + r * np.cos(t), centre[1] + 1.1 * r * np.sin(t)]), 1.0, 0.8)]


def _stray(rng) -> list:
    """A dot (the pen rested) or a short dash (the pen slipped)."""
    if rng.random() < 0.5:
        return [(np.array([[0.0, 0.0], [0.02, 0.01]]), 1.6, 1.6)]
    return [(_wobble(rng, [[-0.25, 0.0], [0.0, 0.03], [0.25, 0.0]], 0.02), 1.0, 0.7)]


def _word(rng, letters: int, x_height: float) -> np.ndarray:
    """Cursive-looking loops (a prolate trochoid), some letters taller, slanted right; in mm."""
    t = np.linspace(0.0, 2 * math.pi * letters, 14 * letters)
    advance, loop = rng.uniform(1.8, 2.6), rng.uniform(0.5, 1.0)
    heights = np.repeat(rng.choice([1.0, 1.0, 1.0, 1.9], letters), 14) * x_height
    x = advance * t / (2 * math.pi) - loop * np.sin(t)
    y = -heights * (1 - np.cos(t)) / 2
    return np.column_stack([x - 0.3 * y, y]) + rng.normal(0.0, 0.05, (len(t), 2))


# ---------------------------------------------------------------- drawing

def _place(shape: list, centre, size: float, angle_deg: float, width: float) -> list:
    """Box units to page pixels: scale by the box's side, rotate, centre; widths in px."""
    a = math.radians(angle_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return [(points @ rot.T * size + centre, w0 * width, w1 * width) for points, w0, w1 in shape]


def _ink_box(strokes: list) -> np.ndarray:
    """[x0, y0, x1, y1] in px covering every stroke with its width."""
    pad = max(max(w0, w1) for _, w0, w1 in strokes) / 2
    points = np.vstack([p for p, _, _ in strokes])
    return np.concatenate([points.min(0) - pad, points.max(0) + pad])


def _coverage(strokes: list, x0: int, y0: int, width: int, height: int) -> np.ndarray:
    """Share of each pixel covered by the strokes (0-1), drawn supersampled with anti-aliasing."""
    mask = np.zeros((height * SUPERSAMPLE, width * SUPERSAMPLE), np.uint8)
    fixed = 16  # cv2 'shift' = 4 bits: coordinates to 1/16 of a supersampled pixel
    for points, w0, w1 in strokes:
        local = np.round((points - (x0, y0)) * SUPERSAMPLE * fixed).astype(np.int64)
        for i in range(len(local) - 1):
            w = w0 + (w1 - w0) * i / max(1, len(local) - 2)
            cv2.line(mask, tuple(map(int, local[i])), tuple(map(int, local[i + 1])), 255,
                     max(1, int(round(w * SUPERSAMPLE))), cv2.LINE_AA, shift=4)
    return cv2.resize(mask, (width, height), interpolation=cv2.INTER_AREA).astype(np.float32) / 255


def _lay_ink(image: np.ndarray, strokes: list, pen: Pen, opacity: float, rng) -> None:
    """Ink darkens what is under it (multiply), so a mark over printed text stays dark."""
    box = _ink_box(strokes)
    x0, y0 = np.maximum(np.floor(box[:2]).astype(int) - 1, 0)
    x1 = min(int(math.ceil(box[2])) + 1, image.shape[1])
    y1 = min(int(math.ceil(box[3])) + 1, image.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    alpha = _coverage(strokes, x0, y0, x1 - x0, y1 - y0) * opacity
    if pen.grain:
        alpha *= rng.uniform(1 - pen.grain, 1.0, alpha.shape).astype(np.float32)
    region = image[y0:y1, x0:x1]
    color = np.array(pen.color, np.float32) / 255
    if image.ndim == 2:
        color = np.array(color @ np.array([0.114, 0.587, 0.299], np.float32), np.float32)  # BGR luminance
    else:
        alpha = alpha[:, :, None]
    region[...] = np.clip(region * (1 - alpha + alpha * color), 0, 255).astype(np.uint8)


def _choice(rng, weights: dict):
    keys = list(weights)
    p = np.array([weights[k] for k in keys], float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _overlaps(a: np.ndarray, rect: np.ndarray, margin: float = 0.0) -> bool:
    """Ink box [x0, y0, x1, y1] against a box rect [x, y, w, h], both px."""
    return not (a[2] < rect[0] - margin or a[0] > rect[0] + rect[2] + margin
                or a[3] < rect[1] - margin or a[1] > rect[1] + rect[3] + margin)


# ---------------------------------------------------------------- filling a page

class _Sheet:
    """One page being filled: its image, its boxes in pixels, the truth so far."""

    def __init__(self, image: np.ndarray, boxes: list[ManifestBox], dpi: int, rng, policy: FillPolicy):
        self.image, self.dpi, self.rng, self.policy = image, dpi, rng, policy
        self.px = dpi / MM_PER_INCH
        self.rects = {b["id"]: np.array(b["rect"], float) * self.px for b in boxes}
        self.truth = {b["id"]: {"state": "empty", "style": None} for b in boxes}
        self.pen = _choice(rng, policy.page_pens)
        self.strays: list[list[float]] = []

    def pen_sample(self, pen_name: str) -> tuple[float, float]:
        """(stroke width in px, opacity) of one mark: hands vary from mark to mark."""
        pen = PENS[pen_name]
        return self.rng.uniform(*pen.width_mm) * self.px, self.rng.uniform(*pen.opacity)

    def clear_of_others(self, strokes: list, own: str | None, margin: float = 0.0) -> bool:
        ink = _ink_box(strokes)
        return not any(_overlaps(ink, rect, margin) for key, rect in self.rects.items() if key != own)

    def mark(self, box_id: str, styles: dict[str, float], pen: str | None = None) -> str:
        """A mark of a style drawn from ``styles``; a plain centred tick if it can't be placed
        clear of the other boxes (the truth must say which box a mark belongs to)."""
        style = _choice(self.rng, styles)
        pen = self.policy.style_pens.get(style, pen or self.pen)
        width, opacity = self.pen_sample(pen)
        for _ in range(self.policy.max_tries):
            strokes = self.plan(style, self.rects[box_id], width)
            # a blob over half the box is a scribbled-out box, which the truth calls cancelled
            dense = style == "scribble" and self.covered(box_id, strokes) > self.policy.scribble_max_coverage
            if self.clear_of_others(strokes, box_id) and not dense:
                break
        else:
            style = "tick"
            strokes = _place(_tick(self.rng, 0.0), self.centre(box_id), 0.6 * self.side(box_id), 0.0, width)
        _lay_ink(self.image, strokes, PENS[pen], opacity, self.rng)
        self.truth[box_id] = {"state": "marked", "style": style}
        return style

    def centre(self, box_id: str) -> np.ndarray:
        x, y, w, h = self.rects[box_id]
        return np.array([x + w / 2, y + h / 2])

    def side(self, box_id: str) -> float:
        return float(self.rects[box_id][2:].mean())

    def plan(self, style: str, rect: np.ndarray, width: float) -> list:
        """Strokes in px for one mark of ``style`` on the box at ``rect``."""
        p, rng = self.policy, self.rng
        side, centre = float(rect[2:].mean()), rect[:2] + rect[2:] / 2
        if style == "overflow":
            shape, size, shift = _choice(rng, {"tick": 1, "cross": 1}), p.overflow_size, p.overflow_offset
        else:
            shape, shift = style, p.mark_offset
            size = {"light_tick": p.small_size, "beside": p.beside_size}.get(style, p.mark_size)
        make = {"tick": _tick, "light_tick": _tick, "beside": _tick, "scribble": _scribble}.get(shape, _cross)
        offset = rng.uniform(-shift, shift, 2) * side
        strokes = _place(make(rng, p.jitter), centre + offset, rng.uniform(*size) * side,
                         rng.uniform(-p.rotation_deg, p.rotation_deg), width)
        return self.beside(strokes, rect) if style == "beside" else strokes

    def beside(self, strokes: list, rect: np.ndarray) -> list:
        """Move a tick out of the box, to its right or above it, just touching the edge."""
        ink, side = _ink_box(strokes), float(rect[2:].mean())
        touch = self.rng.uniform(0.0, self.policy.beside_touch) * side
        if self.rng.random() < 0.5:  # right of the box, level with it
            shift = (rect[0] + rect[2] - touch - ink[0], rect[1] + rect[3] / 2 - (ink[1] + ink[3]) / 2)
        else:  # above it, leaning right as a hand does
            shift = (rect[0] + self.rng.uniform(0.3, 0.9) * side - (ink[0] + ink[2]) / 2, rect[1] + touch - ink[3])
        return [(points + shift, w0, w1) for points, w0, w1 in strokes]

    def fill(self, box_id: str) -> None:
        """The form's instruction to cancel a box: fill it in, as a hand does it."""
        p, rng = self.policy, self.rng
        style = _choice(rng, p.fill_styles)
        width, opacity = self.pen_sample(self.pen)
        side = self.side(box_id)
        shape = {"dense": lambda: _hatch(rng, rng.uniform(*p.hatch_step) * width / side),
                 "zigzag": lambda: _zigzag(rng, rng.uniform(*p.zigzag_step) * width / side),
                 "partial": lambda: _partial(rng, rng.uniform(*p.hatch_step) * width / side, rng.uniform(*p.partial_reach)),
                 "scrawl": lambda: _scrawl(rng)}[style]()
        centre = self.centre(box_id) + rng.normal(0.0, 0.02, 2) * side
        # a partial fill may leave any side: turn it by a quarter turn or more
        turn = float(rng.choice([0, 90, 180, 270])) if style == "partial" else 0.0
        strokes = _place(shape, centre, side, turn + rng.uniform(-4, 4), width)
        if style == "scrawl":  # a thin pen goes round more times before the box looks scribbled out
            target = rng.uniform(*p.scrawl_coverage)
            for _ in range(p.max_tries):
                if self.covered(box_id, strokes) >= target:
                    break
                strokes += _place(_scrawl(rng), centre, side, rng.uniform(0, 360), width)
        _lay_ink(self.image, strokes, PENS[self.pen], opacity, rng)
        self.truth[box_id] = {"state": "cancelled", "style": "fill" if style == "dense" else f"fill_{style}"}

    def covered(self, box_id: str, strokes: list) -> float:
        """Share of the box's inside under ``strokes`` (its printed outline left out)."""
        inset = INSIDE_INSET_MM * self.px
        x, y, w, h = (self.rects[box_id] + (inset, inset, -2 * inset, -2 * inset)).astype(int)
        return float(_coverage(strokes, int(x), int(y), int(w), int(h)).mean())

    def circle_label(self, box_id: str) -> None:
        """A ring around the quantity printed left of the box: an attempt, not a mark."""
        width, opacity = self.pen_sample(self.pen)
        side = self.side(box_id)
        radius = self.rng.uniform(*self.policy.circle_radius) + width / 2 / side  # a wide pen rings wider
        # around the number's centre (box units), but the ring's ink stops at the box's outline:
        # ink inside the box would make it a mark, and the truth says the box is empty
        x = min(-0.81, -0.46 - 1.1 * radius - width / side / 2) + self.rng.normal(0.0, 0.02)
        label = (x, self.rng.normal(0.0, 0.04))
        strokes = _place(_ring(self.rng, radius, label), self.centre(box_id), side, 0.0, width)
        _lay_ink(self.image, strokes, PENS[self.pen], opacity, self.rng)
        self.truth[box_id]["style"] = "circle"

    def stray(self) -> None:
        """A dot or dash near a box, between boxes, never inside one."""
        clearance = self.policy.stray_clearance_mm * self.px
        width, opacity = self.pen_sample(self.pen)
        for _ in range(self.policy.max_tries if self.rects else 0):
            near = self.rng.choice(list(self.rects))
            angle = self.rng.uniform(0, 2 * math.pi)
            centre = self.centre(near) + self.rng.uniform(0.9, 1.6) * self.side(near) * np.array([math.cos(angle), math.sin(angle)])
            strokes = _place(_stray(self.rng), centre, self.side(near), self.rng.uniform(-90, 90), width)
            if self.clear_of_others(strokes, None, clearance):
                _lay_ink(self.image, strokes, PENS[self.pen], opacity, self.rng)
                self.strays.append([round(float(v) / self.px, 2) for v in centre])
                return

    def write(self, zone_mm: Sequence[float], lines: int) -> None:
        """Handwriting-like lines in a zone, words cut at its right edge."""
        x, y, w, h = zone_mm
        width, opacity = self.pen_sample(self.pen)
        # a felt pen writes bigger: letters at least 3 strokes high, or they would be blots
        x_height = max(self.rng.uniform(1.8, 2.8), 3.0 * width / self.px)
        spacing = max(self.rng.uniform(7.0, 9.0), 3.2 * x_height)
        strokes = []
        for line in range(lines):
            base = y + 4 + x_height * 2 + line * spacing
            if base > y + h - 2:
                break
            strokes += self.write_line(x + 3, x + w - 3, base, x_height, width)
        if strokes:
            _lay_ink(self.image, strokes, PENS[self.pen], opacity, self.rng)

    def write_line(self, left: float, right: float, base: float, x_height: float, width: float) -> list:
        strokes: list[tuple[np.ndarray, float, float]] = []  # points, start width, end width
        cursor = left + self.rng.uniform(0, 4)
        while True:
            word = _word(self.rng, int(self.rng.integers(2, 8)), x_height) + (cursor, base)
            if word[:, 0].max() > right:
                return strokes
            strokes.append((word * self.px, width, width))
            cursor = word[:, 0].max() + self.rng.uniform(2.0, 4.0)


def fill_page(image: np.ndarray, boxes: list[ManifestBox], zones: dict[str, Rect], dpi: int, rng: np.random.Generator,
              policy: FillPolicy | None = None, products: list[ManifestProduct] | None = None,
              carried_total: Decimal = Decimal("0"), members: Sequence[str] = ()) -> tuple[np.ndarray, dict]:
    """Mark a copy of a clean page as a member (and a volunteer) would, and say what was done.

    ``boxes`` are the page's manifest boxes (layout boxes + extra_boxes), ``zones`` its zones,
    ``products`` the manifest's product list (for prices: ``page_total``), ``carried_total``
    what the same form's earlier pages cost: the volunteer writes carried + this page's total
    in the amount grid (a random amount when that is 0, unknown or 100 EUR or more); a walk-in
    form's member ticks one of ``members`` (the month's numbers), or any number without them."""
    policy = policy or FillPolicy()
    sheet = _Sheet(image.copy(), boxes, dpi, rng, policy)
    product_truth = {ref: _fill_product(sheet, ref, own) for ref, own in _by_product(boxes).items()}
    truth = {"boxes": sheet.truth, "products": product_truth, "pen": sheet.pen,
             "page_total": _page_total(product_truth, products)}
    owed = carried_total + Decimal(truth["page_total"] or "0")
    truth.update(_fill_payment(sheet, boxes, owed if Decimal("0") < owed < Decimal("100") else None))
    truth["member_number"] = _fill_member_number(sheet, boxes, members)
    truth.update(_fill_zones(sheet, zones))
    for _ in range(int(rng.poisson(policy.stray_rate))):
        sheet.stray()
    truth["strays"] = sheet.strays
    return sheet.image, truth


def _by_product(boxes: list[ManifestBox]) -> dict[str, list[ManifestBox]]:
    """Boxes of each product row (quantity, tolerance, feedback), in page order."""
    rows: dict[str, list[ManifestBox]] = {}
    for box in boxes:
        if box.get("product") is not None:
            rows.setdefault(box["product"], []).append(box)
    return rows


def _fill_product(sheet: _Sheet, ref: str, boxes: list[ManifestBox]) -> dict:
    """One product row: a scenario drawn from the policy, then the +1 and feedback boxes."""
    policy, rng = sheet.policy, sheet.rng
    quantities = sorted((b for b in boxes if b["kind"] == "quantity"), key=lambda b: b["value"])
    scenario = _choice(rng, policy.scenarios) if quantities else "nothing"
    if scenario in ("correction", "two_marked") and len(quantities) < 2:
        scenario = "one"
    quantity, doubt = _play(sheet, scenario, quantities)
    tolerance = next((b for b in boxes if b["kind"] == "tolerance"), None)
    tolerant = bool(tolerance and quantity and rng.random() < policy.p_tolerance)
    if tolerant and tolerance is not None:
        sheet.mark(tolerance["id"], policy.mark_styles)
    return {"quantity": quantity, "tolerance": tolerant, "expect_doubt": doubt,
            "feedback": _fill_feedback(sheet, boxes), "scenario": scenario}


def _play(sheet: _Sheet, scenario: str, quantities: list[ManifestBox]) -> tuple[int | None, bool]:
    """Draw one scenario on a product's quantity boxes: (the quantity a reader should find, doubtful?)."""
    if scenario == "nothing":
        return None, False
    # people ask for small quantities far more often: weight 1/value
    p = np.array([1.0 / int(b["value"]) for b in quantities])
    order = sheet.rng.choice(len(quantities), size=min(2, len(quantities)), replace=False, p=p / p.sum())
    first, second = (quantities[i] for i in (list(order) * 2)[:2])
    if scenario == "one":
        sheet.mark(first["id"], sheet.policy.mark_styles)
        return first["value"], False
    if scenario == "correction":
        sheet.fill(first["id"])
        sheet.mark(second["id"], sheet.policy.mark_styles)
        return second["value"], False
    if scenario == "two_marked":
        sheet.mark(first["id"], sheet.policy.mark_styles)
        sheet.mark(second["id"], sheet.policy.mark_styles)
    elif scenario == "filled_alone":
        sheet.fill(first["id"])
    else:  # circled_label
        sheet.circle_label(first["id"])
    return None, True


def _fill_feedback(sheet: _Sheet, boxes: list[ManifestBox]) -> str | None:
    pair = {b["value"]: b for b in boxes if b["kind"] == "feedback"}
    if not pair or sheet.rng.random() >= sheet.policy.p_feedback:
        return None
    opinion = "like" if sheet.rng.random() < sheet.policy.p_like else "dislike"
    if opinion not in pair:
        return None
    sheet.mark(pair[opinion]["id"], sheet.policy.feedback_styles)
    return opinion


def _page_total(products: dict, catalog: list[ManifestProduct] | None) -> str | None:
    """What the quantities read on this page cost, in euros: the amount a volunteer collects."""
    if catalog is None:
        return None
    prices = {p["ref"]: Decimal(str(p["price"])) for p in catalog}
    total = sum((prices[ref] * t["quantity"] for ref, t in products.items() if t["quantity"] and ref in prices),
                Decimal("0"))
    return f"{total:.2f}"


def _fill_payment(sheet: _Sheet, boxes: list[ManifestBox], amount: Decimal | None) -> dict:
    """The volunteers' box: a method and the amount, one digit per column, in their own pen."""
    methods = {b["value"]: b for b in boxes if b["kind"] == "payment"}
    digits = {(b["column"], b["value"]): b for b in boxes if b["kind"] == "amount_digit"}
    if not methods or sheet.rng.random() >= sheet.policy.p_payment:
        return {"payment": None, "amount": None}
    pen = _choice(sheet.rng, sheet.policy.volunteer_pens)
    method = _choice(sheet.rng, {m: w for m, w in sheet.policy.payment_methods.items() if m in methods})
    sheet.mark(methods[method]["id"], sheet.policy.volunteer_styles, pen)
    if amount is None:
        amount = Decimal(str(round(sheet.rng.uniform(*sheet.policy.random_amount_eur), 1))).quantize(Decimal("0.01"))
    written = f"{amount:05.2f}".replace(".", "")  # tens, units, tenths, hundredths
    blank_tens = written[0] == "0" and sheet.rng.random() < sheet.policy.p_blank_leading_zero
    for column, digit in enumerate(written):
        if (column, int(digit)) in digits and not (column == 0 and blank_tens):
            sheet.mark(digits[(column, int(digit))]["id"], sheet.policy.volunteer_styles, pen)
    return {"payment": method, "amount": f"{amount:.2f}"}


def _fill_member_number(sheet: _Sheet, boxes: list[ManifestBox], members: Sequence[str]) -> str | None:
    """Walk-in forms: the member number, one digit ticked per column (a number of no member
    goes to review, so a real member's when the month's are known)."""
    grid = {(b["column"], b["value"]): b for b in boxes if b["kind"] == "member_digit"}
    if not grid or sheet.rng.random() >= sheet.policy.p_member_number:
        return None
    columns = sorted({c for c, _ in grid})
    known = [m.zfill(len(columns)) for m in members if m.isdigit() and len(m) <= len(columns)]
    number = (known[int(sheet.rng.integers(0, len(known)))] if known
              else "".join(str(int(sheet.rng.integers(0, 10))) for _ in columns))
    for column, digit in zip(columns, number, strict=False):
        sheet.mark(grid[(column, int(digit))]["id"], sheet.policy.digit_styles)
    return number


def _fill_zones(sheet: _Sheet, zones: dict[str, Rect]) -> dict:
    policy, rng = sheet.policy, sheet.rng
    comment = "comment" in zones and rng.random() < policy.p_comment
    if comment:
        sheet.write(zones["comment"], int(rng.integers(policy.comment_lines[0], policy.comment_lines[1] + 1)))
    name = "name" in zones and rng.random() < policy.p_name
    if name:
        sheet.write(zones["name"], 1)
    return {"comment_ink": bool(comment), "name_ink": bool(name)}


# ---------------------------------------------------------------- degrading

def degrade(image: np.ndarray, dpi: int, rng: np.random.Generator, settings: Degradation | None = None,
            qr: Sequence[Sequence[float]] | None = None, capture: Capture | None = None,
            heldout: HeldOut | None = None,
            avoid_mm: Sequence[Sequence[float]] | None = None) -> tuple[np.ndarray, dict]:
    """A scanned copy of ``image``, and what was done to it. ``qr`` (the page's two code
    rectangles, mm) allows the damaged-corner step. ``capture`` adds the sheet's damage before
    the geometry and the scan's light and dirt after it (``params["capture"]``). ``heldout``
    adds its margin notes (clear of the ``avoid_mm`` rects) before the geometry and its other
    damage after capture's (``params["heldout"]``). The input is left untouched."""
    s = settings or Degradation()
    params: dict = {"qr_damaged": 0}
    out = image.copy()
    if qr and rng.random() < s.p_qr_damage:
        params.update(_damage_qr(out, qr, dpi, rng, s))
    # a child stream (spawning leaves rng's state alone): with or without capture damage, the
    # same seed gives the same geometry and pixel steps
    crng = rng.spawn(1)[0] if capture is not None else rng
    hrng = rng.spawn(1)[0] if heldout is not None else rng  # spawned after capture's: its child is unchanged
    if heldout is not None:  # ink on the sheet, like the member's, before the sheet's own damage
        out, params["heldout"] = heldout_damage.held_out(out, dpi, hrng, heldout, heldout_damage.SHEET_STEPS,
                                                         avoid_mm=avoid_mm)
    if capture is not None:
        out, params["capture"] = capture_damage.capture(out, dpi, crng, capture, capture_damage.SHEET_STEPS)
    out, params["geometry"] = _geometry(out, dpi, rng, s)
    params["matrix"] = params["geometry"].pop("matrix")
    if capture is not None:
        sheet = np.array(params["capture"].pop("matrix"))
        params["matrix"] = (np.array(params["matrix"]) @ sheet).tolist()
        out, scan = capture_damage.capture(out, dpi, crng, capture, capture_damage.SCAN_STEPS)
        scan.pop("matrix")
        params["capture"].update(scan)
    if heldout is not None:
        out, scan = heldout_damage.held_out(out, dpi, hrng, heldout, heldout_damage.SCAN_STEPS)
        params["heldout"].update(scan)
    for name, step in _PIXEL_STEPS:
        if rng.random() < getattr(s, f"p_{name}"):
            out, params[name] = step(out, dpi, rng, s)
        else:
            params[name] = None
    return out, params


def _damage_qr(image: np.ndarray, qr, dpi: int, rng, s: Degradation) -> dict:
    """Paint over one code from its page corner (a torn, stained or taped corner); never both."""
    px = dpi / MM_PER_INCH
    index = int(rng.integers(len(qr)))
    x, y, w, h = (np.array(qr[index], float) * px).tolist()
    fx, fy = rng.uniform(*s.qr_damage_fraction, 2)
    right = x + w / 2 > image.shape[1] / 2  # which side of the page the code's corner is on
    below = y + h / 2 > image.shape[0] / 2
    x0 = int(x + w * (1 - fx)) if right else int(x - px)
    x1 = int(x + w + px) if right else int(x + w * fx)
    y0 = int(y + h * (1 - fy)) if below else int(y - px)
    y1 = int(y + h + px) if below else int(y + h * fy)
    paint = int(rng.choice([255, int(rng.integers(60, 140))]))  # white paper or a dark stain
    image[max(0, y0):y1, max(0, x0):x1] = paint
    return {"qr_damaged": 1, "qr_damaged_index": index, "qr_damage_fraction": [round(float(fx), 3), round(float(fy), 3)]}


def _geometry(image: np.ndarray, dpi: int, rng, s: Degradation) -> tuple[np.ndarray, dict]:
    """A copier's zoom (content on the same sheet), then the sheet on the glass: rotation,
    upside down, perspective, lid margins. The matrix maps clean-page pixels to the output."""
    angle, scale, upside_down = _pose(rng, s)
    h, w = image.shape[:2]
    # OpenCV puts pixel centres at integer coordinates: the page's centre is ((w-1)/2, (h-1)/2)
    zoom = np.vstack([cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), 0.0, scale), [0, 0, 1]])
    if scale != 1.0:  # the sheet stays A4: white paper shows around a reduced copy
        image = cv2.warpAffine(image, zoom[:2], (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                               borderValue=(255,) * (3 if image.ndim == 3 else 1))
    image, glass, lid = _on_glass(image, dpi, rng, s, angle + (180.0 if upside_down else 0.0))
    return image, {"rotation_deg": round(angle, 3), "upside_down": upside_down, "scale": round(scale, 4),
                   **lid, "size": [image.shape[1], image.shape[0]], "matrix": (glass @ zoom).tolist()}


def _on_glass(image: np.ndarray, dpi: int, rng, s: Degradation, angle: float) -> tuple[np.ndarray, np.ndarray, dict]:
    """One warp (one interpolation) onto a canvas that holds the whole sheet plus lid margins."""
    h, w = image.shape[:2]
    corners = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)  # pixel centres, as OpenCV
    turn = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), angle, 1.0)
    moved = (corners @ turn[:, :2].T + turn[:, 2]).astype(np.float32)
    if rng.random() < s.p_perspective:
        moved += (rng.uniform(-1, 1, (4, 2)) * s.perspective * (w, h)).astype(np.float32)
    dark = rng.random() < s.p_dark_border
    margins = rng.uniform(*s.margin_mm, 4) * dpi / MM_PER_INCH if dark or rng.random() < s.p_margin else np.zeros(4)
    lid = int(rng.integers(*s.dark_grey)) if dark else int(rng.integers(*s.lid_grey))
    moved += (margins[0] - moved[:, 0].min(), margins[1] - moved[:, 1].min())
    size = (int(math.ceil(moved[:, 0].max() + margins[2])) + 1, int(math.ceil(moved[:, 1].max() + margins[3])) + 1)
    matrix = cv2.getPerspectiveTransform(corners, moved)
    if not np.allclose(matrix, np.eye(3), atol=1e-9) or size != (w, h):
        image = cv2.warpPerspective(image, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                                    borderValue=(lid,) * (3 if image.ndim == 3 else 1))
    return image, matrix, {"margins_mm": [round(float(m) * MM_PER_INCH / dpi, 2) for m in margins],
                           "lid_grey": lid, "dark_border": bool(dark)}  # lid: around a tilted sheet too


def _pose(rng, s: Degradation) -> tuple[float, float, bool]:
    """(counter-clockwise angle in degrees, zoom, upside down) of the paper on the glass."""
    angle = 0.0
    if rng.random() < s.p_skew:
        angle = float(np.clip(rng.normal(0.0, s.skew_sd_deg), -s.max_rotation_deg, s.max_rotation_deg))
    if rng.random() < s.p_large_rotation:
        angle = float(rng.uniform(-s.max_rotation_deg, s.max_rotation_deg))
    scale = float(rng.uniform(*s.scale)) if rng.random() < s.p_scale else 1.0
    return angle, scale, bool(rng.random() < s.p_upside_down)


def _blur(image, dpi, rng, s):
    sigma = float(rng.uniform(*s.blur_sigma_px)) * dpi / 300
    return cv2.GaussianBlur(image, (0, 0), sigma), {"sigma_px": round(sigma, 3)}


def _levels(image, dpi, rng, s):
    """Brightness and contrast through a lookup table (no float copy of the page)."""
    gain, shift = float(rng.uniform(*s.contrast)), float(rng.uniform(*s.brightness))
    table = np.clip((np.arange(256) - 128.0) * gain + 128.0 + shift, 0, 255).astype(np.uint8)
    return cv2.LUT(image, table), {"contrast": round(gain, 3), "brightness": round(shift, 2)}


def _binarize(image, dpi, rng, s):
    """Fax-like: every pixel black or white; a colour scan becomes grey."""
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    threshold = int(rng.integers(s.binarize_threshold[0], s.binarize_threshold[1] + 1))
    return cv2.threshold(grey, threshold, 255, cv2.THRESH_BINARY)[1], {"threshold": threshold}


def _streaks(image, dpi, rng, s):
    """Dust on the feeder glass: dark vertical lines over the whole height."""
    out, lines = image.copy(), []
    for _ in range(int(rng.integers(s.streak_count[0], s.streak_count[1] + 1))):
        x = int(rng.integers(0, image.shape[1]))
        width = max(1, int(round(rng.uniform(*s.streak_width_mm) * dpi / MM_PER_INCH)))
        grey = int(rng.integers(*s.streak_grey))
        np.minimum(out[:, x:x + width], grey, out=out[:, x:x + width])
        lines.append([x, width, grey])
    return out, {"lines": lines}


def _gaussian_noise(image, dpi, rng, s):
    sigma = float(rng.uniform(*s.noise_sigma))
    out = image.copy()
    for top in range(0, out.shape[0], NOISE_STRIP_ROWS):
        strip = out[top:top + NOISE_STRIP_ROWS]
        noise = rng.standard_normal(strip.shape, dtype=np.float32) * sigma
        strip[...] = np.clip(strip + noise, 0, 255).astype(np.uint8)
    return out, {"sigma": round(sigma, 2)}


def _salt_pepper(image, dpi, rng, s):
    fraction = float(rng.uniform(*s.salt_pepper_fraction))
    out = image.copy()
    count = int(fraction * out.shape[0] * out.shape[1])
    ys, xs = rng.integers(0, out.shape[0], count), rng.integers(0, out.shape[1], count)
    values = rng.choice(np.array([0, 255], np.uint8), count)
    out[ys, xs] = values[:, None] if out.ndim == 3 else values
    return out, {"fraction": round(fraction, 4)}


def _jpeg(image, dpi, rng, s):
    quality = int(rng.integers(s.jpeg_quality[0], s.jpeg_quality[1] + 1))
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(data, cv2.IMREAD_UNCHANGED), {"quality": quality}


# in scanning order: optics, the scanner's levels and thresholding, dust, sensor noise, compression
_PIXEL_STEPS = (("blur", _blur), ("levels", _levels), ("binarize", _binarize), ("streaks", _streaks),
                ("gaussian_noise", _gaussian_noise), ("salt_pepper", _salt_pepper), ("jpeg", _jpeg))


# ---------------------------------------------------------------- a corpus

def select_pages(manifest: Manifest, count: int, rng: np.random.Generator) -> list[ManifestPage]:
    """Whole forms in a shuffled order, as volunteers scan them, cut at ``count`` pages; the
    month is gone through again (other marks) when it has fewer pages."""
    forms: dict[int, list[ManifestPage]] = {}
    for page in manifest["pages"]:
        forms.setdefault(page["form"], []).append(page)
    stacks = [sorted(pages, key=lambda p: p["page"]) for pages in forms.values()]
    chosen: list[ManifestPage] = []
    while len(chosen) < count and stacks:
        for i in rng.permutation(len(stacks)):
            chosen.extend(stacks[i])
            if len(chosen) >= count:
                break
    return chosen[:count]


def iter_samples(manifest_path: Path | str, pages: int = 10, dpi: int = 300, seed: int = 0,
                 policy: FillPolicy | None = None, degradation: Degradation | None = None,
                 color: bool = False, page_ids: Sequence[str] | None = None,
                 capture: Capture | None = None, heldout: HeldOut | None = None) -> Iterator[tuple[np.ndarray, dict]]:
    """(degraded image, truth) for ``pages`` pages of a printed month, one page in memory at a
    time. ``page_ids`` picks exact pages instead (in that order; ``pages`` is then ignored).
    With ``capture``, the truth also lists ``unseen_boxes``: boxes the lost band cut off."""
    manifest_path = Path(manifest_path)
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    if page_ids is not None:
        by_id = {p["id"]: p for p in manifest["pages"]}
        chosen = [by_id[i] for i in page_ids]
    else:
        chosen = select_pages(manifest, pages, np.random.default_rng([seed, 0]))
    totals: dict[int, Decimal] = {}  # running total of each form, for the amount on its last page
    with _Pdfs(manifest_path.parent.parent) as pdfs:  # manifest: <month>/private/; PDFs: relative to <month>/
        for k, page in enumerate(chosen):
            rng = np.random.default_rng([seed, 1, k])
            yield _sample(manifest, page, pdfs.render(page["pdf"], page["pdf_page"], dpi, color), dpi, rng,
                          policy, degradation, totals, capture, heldout=heldout)


def _sample(manifest: Manifest, page: ManifestPage, image: np.ndarray, dpi: int, rng, policy, degradation,
            totals: dict, capture: Capture | None = None, heldout: HeldOut | None = None) -> tuple[np.ndarray, dict]:
    layout = manifest["layouts"][page["layout"]]
    boxes = layout["boxes"] + page["extra_boxes"]
    carried = totals.get(page["form"], Decimal("0"))
    members = sorted({str(p["member"]) for p in manifest.get("pages", []) if p.get("member")})
    filled, truth = fill_page(image, boxes, layout.get("zones", {}), dpi, rng,
                              policy, manifest["products"], carried_total=carried, members=members)
    totals[page["form"]] = carried + Decimal(truth["page_total"])
    avoid = None
    if heldout is not None:  # margin notes keep clear of the boxes, the codes and the corner marks
        avoid = [b["rect"] for b in boxes] + list(layout.get("qr") or []) + list((layout.get("marks") or {}).values())
    degraded, params = degrade(filled, dpi, rng, degradation, qr=layout.get("qr"), capture=capture,
                               heldout=heldout, avoid_mm=avoid)
    header = {"page_id": page["id"], "layout": page["layout"], "form": page["form"], "page": page["page"], "dpi": dpi}
    if capture is not None:  # only then: without capture damage the truth stays as it always was
        lost = params["capture"]["lost_band"]
        truth["unseen_boxes"] = capture_damage.unseen_boxes(boxes, lost)
        codes = [{"id": i, "rect": rect} for i, rect in enumerate(layout.get("qr") or [])]
        truth["unseen_qr"] = capture_damage.unseen_boxes(codes, lost)  # indices into the layout's "qr"
    return degraded, {**header, **truth, "degradation": params}


def generate(manifest_path: Path | str, out_dir: Path | str, pages: int = 10, dpi: int = 300, seed: int = 0,
             policy: FillPolicy | None = None, degradation: Degradation | None = None, fmt: str = "jpg",
             color: bool = False, page_ids: Sequence[str] | None = None, capture: Capture | None = None,
             heldout: HeldOut | None = None) -> list[Path]:
    """Write one image per page (``00001.jpg``...) and ``truth.jsonl`` (one line per image:
    file, page_id, layout, dpi, truth) into ``out_dir``; return the image paths in order."""
    if fmt.lower() not in FORMATS:
        raise ValueError(f"format {fmt!r}: expected one of {', '.join(FORMATS)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    with (out_dir / "truth.jsonl").open("w", encoding="utf-8") as lines:
        for k, (image, truth) in enumerate(iter_samples(manifest_path, pages, dpi, seed, policy, degradation,
                                                        color, page_ids, capture, heldout=heldout)):
            path = out_dir / f"{k + 1:05d}{FORMATS[fmt.lower()]}"
            _write_image(path, image, dpi)
            record = {"file": path.name, "page_id": truth["page_id"], "layout": truth["layout"], "dpi": dpi,
                      "truth": truth}
            lines.write(json.dumps(record, ensure_ascii=False) + "\n")
            paths.append(path)
    return paths


def _write_image(path: Path, image: np.ndarray, dpi: int) -> None:
    options = {".jpg": [cv2.IMWRITE_JPEG_QUALITY, OUTPUT_JPEG_QUALITY],
               ".tif": [cv2.IMWRITE_TIFF_XDPI, dpi, cv2.IMWRITE_TIFF_YDPI, dpi, cv2.IMWRITE_TIFF_RESUNIT, 2],
               ".png": []}[path.suffix]
    if not cv2.imwrite(str(path), image, options):
        raise OSError(f"could not write {path}")
