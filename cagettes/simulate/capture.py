"""Capture damage the scanner must survive and ``Degradation`` lacks: the sheet itself (paper
tone, tired toner, a lost edge or corner, feeder stretch, curl) and the light and dirt of the
scan (uneven lamp, lid or fold shadows, partial dust lines, roller bands).

    capture(image, dpi, rng, settings=None, steps=STEPS) -> (ndarray, params)
    unseen_boxes(boxes, lost) -> [box_id, ...]      boxes whose rect meets the lost band/corner

``corpus.degrade(..., capture=Capture())`` runs ``SHEET_STEPS`` on the clean page before the
scanner's geometry (so their regions and matrix are exact in clean-page coordinates) and
``SCAN_STEPS`` on the scanned image, before noise and compression. ``params["matrix"]`` is the
3x3 linear part of the sheet steps (clean page -> sheet); curl's displacement is not in it.

Grey (H, W) or BGR (H, W, 3) uint8, white paper 255. Pixel quantities are at 300 dpi and scaled
with dpi; lengths in mm use dpi / 25.4. This module must not import corpus (corpus imports it).
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

from cagettes.simulate.switches import Switches

MM_PER_INCH = 25.4
STRIP_ROWS = 512   # float work is done by strips of rows: no float copy of a whole 600 dpi page
SIDES = ("top", "right", "bottom", "left")
CORNERS = ("top_left", "top_right", "bottom_right", "bottom_left")


@dataclass
class Capture(Switches):
    """Capture damage. Each step runs with its probability ``p_*``; a range (low, high) is drawn
    uniformly. Grey levels are 0-255; px are at 300 dpi and scaled with dpi."""

    # the sheet (before the scanner's geometry, clean-page coordinates)
    p_paper: float = 0.2             # grey or yellowed recycled paper
    paper_white: tuple[int, int] = (215, 250)        # grey level of the paper (ink 0 stays 0)
    p_yellow: float = 0.5            # given paper, on a colour scan: yellowed (blue lowered more)
    yellow_tint: tuple[int, int] = (8, 25)           # grey levels taken off blue, a third off green
    p_speckle: float = 0.15          # photocopy speckle: small dark specks in clusters
    speckle_fraction: tuple[float, float] = (0.0001, 0.001)  # share of pixels covered
    speckle_px: tuple[int, int] = (1, 3)             # speck side, px at 300 dpi
    speckle_cluster_mm: tuple[float, float] = (2.0, 10.0)   # sd of a cluster's spread
    speckle_grey: tuple[int, int] = (0, 90)
    p_bleed: float = 0.15            # ink bleed: dark areas spread
    bleed_mm: tuple[float, float] = (0.05, 0.15)
    p_faded: float = 0.1             # faded toner: black raised, paper unchanged
    faded_black: tuple[int, int] = (60, 130)         # grey level black 0 becomes
    p_banding: float = 0.1           # drum banding: light stripes through solid areas only
    banding_period_mm: tuple[float, float] = (1.0, 4.0)
    banding_duty: tuple[float, float] = (0.25, 0.5)  # share of a period that is lightened
    banding_lift: tuple[float, float] = (0.3, 0.6)   # share of a pixel's darkness taken away
    p_lost_band: float = 0.1         # an edge off the platen / unprintable margin, or a corner lost
    lost_kinds: dict[str, float] = field(default_factory=lambda: dict(side=0.6, two_sides=0.2, corner=0.2))
    lost_depth_mm: tuple[float, float] = (3.0, 12.0)  # band depth from the sheet's edge
    lost_corner_mm: tuple[float, float] = (8.0, 25.0)  # legs of a folded or torn corner triangle
    p_lost_white: float = 0.6        # painted white (nothing scanned); else lid grey
    lost_grey: tuple[int, int] = (205, 250)
    p_stretch: float = 0.2           # feeder slip: the sheet stretched along the feed (vertical)
    stretch: tuple[float, float] = (0.01, 0.02)      # fraction longer (also shorter, half the time)
    p_curl: float = 0.15             # a curled edge: smooth displacement towards the page centre
    curl_mm: tuple[float, float] = (0.2, 0.6)        # maximum displacement, at the edge
    curl_depth_mm: tuple[float, float] = (15.0, 50.0)  # how far in from the edge the curl reaches
    # the scan (after the geometry, output pixels)
    p_gradient: float = 0.4          # uneven lamp: paper darker towards one side or the rim
    gradient_levels: tuple[float, float] = (10.0, 30.0)  # paper grey lost across the page
    p_radial: float = 0.3            # given gradient: radial (vignetting) rather than linear
    p_shadow: float = 0.15           # shadow of an open lid (an edge) or a fold (across)
    shadow_levels: tuple[float, float] = (20.0, 60.0)  # paper grey lost in the shadow's core
    shadow_soft_mm: tuple[float, float] = (5.0, 30.0)  # width of the soft edge
    shadow_core_mm: tuple[float, float] = (0.0, 15.0)  # width of the full-strength part
    p_fold_shadow: float = 0.3       # given shadow: a band across the page rather than at an edge
    p_rollers: float = 0.15          # roller bands: horizontal bands slightly darker or lighter
    roller_count: tuple[int, int] = (1, 3)
    roller_mm: tuple[float, float] = (3.0, 15.0)     # band height
    roller_levels: tuple[float, float] = (5.0, 25.0)  # grey levels, darker or (a third of the time) lighter
    p_dust: float = 0.15             # drum/feeder dust: partial, uneven vertical lines
    dust_count: tuple[int, int] = (1, 4)
    dust_height: tuple[float, float] = (0.2, 0.8)    # share of the image height a line covers
    dust_grey: tuple[int, int] = (40, 200)           # varies along a line
    dust_width_mm: tuple[float, float] = (0.1, 0.5)  # varies along a line
    p_dust_broken: float = 0.4       # a line with gaps

    @classmethod
    def step_names(cls) -> tuple[str, ...]:
        return STEPS  # p_dust_broken and the like are chances inside a step


def capture(image: np.ndarray, dpi: int, rng: np.random.Generator, settings: Capture | None = None,
            steps: Sequence[str] | None = None) -> tuple[np.ndarray, dict]:
    """``image`` with the capture damage of ``steps`` (default: all, in ``STEPS`` order), and
    ``params``: {step: its params or None, "matrix": 3x3 clean -> output linear part}. The
    input is left untouched."""
    s = settings or Capture()
    params: dict = {}
    matrix = np.eye(3)
    out = image.copy()  # steps may work in place
    for name in STEPS if steps is None else steps:
        if rng.random() < getattr(s, f"p_{name}"):
            out, params[name] = _STEP[name](out, dpi, rng, s)
            if "matrix" in params[name]:
                matrix = np.array(params[name].pop("matrix")) @ matrix
        else:
            params[name] = None
    params["matrix"] = matrix.tolist()
    return out, params


def unseen_boxes(boxes: Iterable[Mapping[str, Any]], lost: dict | None) -> list[Any]:
    """Ids of the boxes (``rect`` [x, y, w, h] in mm) that meet the region ``lost_band`` lost
    (its params): a reader cannot see them, whatever the scan's quality."""
    if not lost:
        return []
    unseen: list[Any] = []
    for box in boxes:
        x, y, w, h = box["rect"]
        hit = any(x < rx + rw and rx < x + w and y < ry + rh and ry < y + h for rx, ry, rw, rh in lost["rects_mm"])
        for cx, cy, size in lost["corners_mm"]:
            # the triangle's legs run along the sheet's edges from (cx, cy): the box meets it if
            # its point nearest to the corner is less than ``size`` away in the L1 sense
            hit |= abs(min(max(cx, x), x + w) - cx) + abs(min(max(cy, y), y + h) - cy) < size
        if hit:
            unseen.append(box["id"])
    return unseen


# ---------------------------------------------------------------- helpers

def _px(dpi: int) -> float:
    return dpi / MM_PER_INCH


def _by_strips(image: np.ndarray, factor: Callable[[int, int], np.ndarray]) -> np.ndarray:
    """Multiply ``image`` in place by ``factor(top, bottom)`` (float32, broadcastable to the
    strip's (rows, width)): light falls on paper and ink alike, so ink stays dark."""
    for top in range(0, image.shape[0], STRIP_ROWS):
        strip = image[top:top + STRIP_ROWS]
        f = factor(top, top + strip.shape[0])
        if strip.ndim == 3:
            f = f[..., None]
        strip[...] = np.clip(strip * f + 0.5, 0, 255).astype(np.uint8)
    return image


def _soft_profile(t: np.ndarray, core: float, soft: float) -> np.ndarray:
    """1 up to ``core``, a raised-cosine fall to 0 over ``soft``, 0 beyond (t, core, soft in px)."""
    ramp = np.clip((t - core) / max(soft, 1e-6), 0.0, 1.0)
    return (0.5 * (1 + np.cos(np.pi * ramp))).astype(np.float32)


def _smooth_walk(rng, length: int, knots: int, low: float, high: float) -> np.ndarray:
    """A value that wanders smoothly within [low, high] along ``length`` samples."""
    values = rng.uniform(low, high, knots)
    return np.interp(np.arange(length), np.linspace(0, length - 1, knots), values).astype(np.float32)


def _lut(image: np.ndarray, table: np.ndarray) -> np.ndarray:
    table = np.clip(np.round(table), 0, 255).astype(np.uint8)
    if image.ndim == 3 and table.ndim == 2:  # one table per channel, (256, 3)
        return cv2.LUT(image, table.reshape(256, 1, 3))
    return cv2.LUT(image, table)


# ---------------------------------------------------------------- the sheet

def _paper(image, dpi, rng, s):
    """Recycled paper: 255 -> paper, 0 -> 0, linearly (ink keeps its darkness)."""
    white = int(rng.integers(s.paper_white[0], s.paper_white[1] + 1))
    levels = np.arange(256, dtype=np.float32) / 255
    if image.ndim == 3 and rng.random() < s.p_yellow:
        tint = int(rng.integers(s.yellow_tint[0], s.yellow_tint[1] + 1))
        targets = np.array([white - tint, white - tint / 3, white], np.float32)  # BGR: less blue is yellow
        return _lut(image, levels[:, None] * targets), {"white": white, "yellow_tint": tint}
    return _lut(image, levels * white), {"white": white}


def _speckle(image, dpi, rng, s):
    """Toner specks where a copier's drum is dirty: they come in clusters, not evenly."""
    h, w = image.shape[:2]
    fraction = float(rng.uniform(*s.speckle_fraction))
    side = max(1, round(s.speckle_px[1] * dpi / 300))
    sizes_px = (max(1, round(s.speckle_px[0] * dpi / 300)), side)
    count = max(1, int(fraction * h * w / (np.mean(sizes_px) ** 2)))
    clusters = max(1, count // int(rng.integers(20, 80)))
    centres = rng.uniform((0, 0), (w, h), (clusters, 2))
    spread = rng.uniform(*s.speckle_cluster_mm, clusters) * _px(dpi)
    which = rng.integers(0, clusters, count)
    xy = centres[which] + rng.normal(0.0, 1.0, (count, 2)) * spread[which, None]
    sizes = rng.integers(sizes_px[0], sizes_px[1] + 1, count)
    greys = rng.integers(s.speckle_grey[0], s.speckle_grey[1] + 1, count).astype(np.uint8)
    xs, ys = np.clip(xy[:, 0], 0, w - 1).astype(int), np.clip(xy[:, 1], 0, h - 1).astype(int)
    for dy in range(side):
        for dx in range(side):
            inside = (sizes > max(dx, dy)) & (ys + dy < h) & (xs + dx < w)
            y, x, g = ys[inside] + dy, xs[inside] + dx, greys[inside]
            image[y, x] = np.minimum(image[y, x], g[:, None] if image.ndim == 3 else g)
    return image, {"fraction": round(fraction, 5), "specks": count, "clusters": clusters}


def _bleed(image, dpi, rng, s):
    """Ink spreading into the paper: a grey erosion by the spread, a sub-pixel part by blending,
    then softened."""
    spread = float(rng.uniform(*s.bleed_mm)) * _px(dpi)
    radius = max(1, math.ceil(spread))
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
    eroded = cv2.erode(image, kernel)
    out = cv2.addWeighted(eroded, min(1.0, spread / radius), image, 1 - min(1.0, spread / radius), 0)
    return cv2.GaussianBlur(out, (0, 0), max(0.3, spread / 2)), {"spread_mm": round(spread / _px(dpi), 3)}


def _faded(image, dpi, rng, s):
    black = int(rng.integers(s.faded_black[0], s.faded_black[1] + 1))
    levels = np.arange(256, dtype=np.float32)
    return _lut(image, black + levels * (255 - black) / 255), {"black": black}


def _banding(image, dpi, rng, s):
    """A worn drum prints solid areas with light stripes across the feed: darkness is taken
    off on the stripes' rows, so paper (no darkness) is untouched."""
    period = float(rng.uniform(*s.banding_period_mm)) * _px(dpi)
    duty, lift = float(rng.uniform(*s.banding_duty)), float(rng.uniform(*s.banding_lift))
    phase = float(rng.uniform(0, period))
    rows = np.flatnonzero(((np.arange(image.shape[0]) + phase) % period) < duty * period)
    levels = np.arange(256, dtype=np.float32)
    image[rows] = _lut(image[rows], 255 - (255 - levels) * (1 - lift))
    return image, {"period_mm": round(period / _px(dpi), 3), "duty": round(duty, 3), "lift": round(lift, 3)}


def _lost_band(image, dpi, rng, s):
    """Part of the sheet never reaches the sensor: an edge off the platen (one side or two
    adjacent ones, the sheet shifted) or a folded/torn corner. Regions in clean-page mm."""
    h, w = image.shape[:2]
    px = _px(dpi)
    paint = 255 if rng.random() < s.p_lost_white else int(rng.integers(s.lost_grey[0], s.lost_grey[1] + 1))
    kind = _choice(rng, s.lost_kinds)
    size_mm = (w / px, h / px)
    params: dict = {"kind": kind, "paint": paint, "rects_mm": [], "corners_mm": []}
    if kind == "corner":
        corner = CORNERS[int(rng.integers(4))]
        legs = float(rng.uniform(*s.lost_corner_mm))
        cx, cy = (size_mm[0] if "right" in corner else 0.0), (size_mm[1] if "bottom" in corner else 0.0)
        a = legs * px
        apex = (cx * px, cy * px)
        triangle = np.array([apex, (apex[0] + (a if cx == 0 else -a), apex[1]),
                             (apex[0], apex[1] + (a if cy == 0 else -a))], np.float32)
        cv2.fillPoly(image, [np.round(triangle).astype(np.int32)], (paint,) * (3 if image.ndim == 3 else 1))
        params.update(corner=corner, size_mm=round(legs, 2), corners_mm=[[cx, cy, round(legs, 2)]])
        return image, params
    first = int(rng.integers(4))
    sides = [SIDES[first]] + ([SIDES[(first + int(rng.choice([1, 3]))) % 4]] if kind == "two_sides" else [])
    params["sides"] = {}
    for side in sides:
        depth = float(rng.uniform(*s.lost_depth_mm))
        d = int(round(depth * px))
        region = {"top": (slice(0, d), slice(None)), "bottom": (slice(h - d, h), slice(None)),
                  "left": (slice(None), slice(0, d)), "right": (slice(None), slice(w - d, w))}[side]
        image[region] = paint
        depth = d / px  # what was painted, in whole pixels
        params["sides"][side] = round(depth, 2)
        rect = {"top": [0.0, 0.0, size_mm[0], depth], "bottom": [0.0, size_mm[1] - depth, size_mm[0], depth],
                "left": [0.0, 0.0, depth, size_mm[1]], "right": [size_mm[0] - depth, 0.0, depth, size_mm[1]]}[side]
        params["rects_mm"].append([round(v, 3) for v in rect])
    return image, params


def _stretch(image, dpi, rng, s):
    """The feeder slips or overdrives: the sheet comes out longer (or shorter) along the feed,
    about the page's centre (pixel centres at integer coordinates, as OpenCV)."""
    factor = 1 + float(rng.uniform(*s.stretch)) * (1 if rng.random() < 0.5 else -1)
    h, w = image.shape[:2]
    cy = (h - 1) / 2
    matrix = np.array([[1.0, 0.0, 0.0], [0.0, factor, cy * (1 - factor)], [0.0, 0.0, 1.0]])
    out = cv2.warpAffine(image, matrix[:2], (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                         borderValue=(255,) * (3 if image.ndim == 3 else 1))
    return out, {"factor": round(factor, 5), "matrix": matrix.tolist()}


def _curl(image, dpi, rng, s):
    """A curled edge lifts off the glass and its print comes nearer the page's centre, most at
    the edge, fading to nothing ``depth`` in, unevenly along the edge. Only the edge's strip
    is remapped (small maps); the matrix is left to the linear steps."""
    h, w = image.shape[:2]
    px = _px(dpi)
    edge = SIDES[int(rng.integers(4))]
    most, depth = float(rng.uniform(*s.curl_mm)) * px, float(rng.uniform(*s.curl_depth_mm)) * px
    vertical = edge in ("left", "right")
    along, across = (h, w) if vertical else (w, h)
    n = min(int(math.ceil(depth)) + 2, across)
    t = np.arange(n, dtype=np.float32)                        # strip column (or row), outward last for right/bottom
    distance = t if edge in ("left", "top") else n - 1 - t
    fall = np.clip(1 - distance / depth, 0, 1) ** 2
    wave = _smooth_walk(rng, along, int(rng.integers(3, 7)), 0.4, 1.0)  # the curl is not even along the edge
    shift = most * wave[:, None] * fall[None, :]              # (along, n)
    sign = -1.0 if edge in ("left", "top") else 1.0           # sample from the edge's side
    idx = t if edge in ("left", "top") else (across - n + t)
    local = (idx[None, :] + sign * shift).astype(np.float32)
    grid = np.broadcast_to(np.arange(along, dtype=np.float32)[:, None], local.shape)
    if vertical:
        cols = slice(across - n, across) if edge == "right" else slice(0, n)
        map_x, map_y = local - (across - n if edge == "right" else 0), np.ascontiguousarray(grid)
        image[:, cols] = cv2.remap(np.ascontiguousarray(image[:, cols]), map_x, map_y, cv2.INTER_LINEAR,
                                   borderMode=cv2.BORDER_REPLICATE)
    else:
        rows = slice(across - n, across) if edge == "bottom" else slice(0, n)
        map_y, map_x = (local - (across - n if edge == "bottom" else 0)).T, np.ascontiguousarray(grid.T)
        image[rows] = cv2.remap(np.ascontiguousarray(image[rows]), map_x, np.ascontiguousarray(map_y),
                                cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return image, {"edge": edge, "max_mm": round(float(shift.max()) / px, 3), "depth_mm": round(depth / px, 2)}


# ---------------------------------------------------------------- the scan

def _gradient(image, dpi, rng, s):
    """The lamp lights the glass unevenly: the paper loses up to ``levels`` grey levels across
    the page, linearly along a random direction or radially from a random point."""
    h, w = image.shape[:2]
    levels = float(rng.uniform(*s.gradient_levels))
    radial = bool(rng.random() < s.p_radial)
    xs = np.arange(w, dtype=np.float32)
    if radial:
        cx, cy = float(rng.uniform(0, w)), float(rng.uniform(0, h))
        reach = max(math.hypot(x - cx, y - cy) for x in (0, w - 1) for y in (0, h - 1))

        def loss(top, bottom):
            ys = np.arange(top, bottom, dtype=np.float32)[:, None]
            return ((xs - cx) ** 2 + (ys - cy) ** 2) / np.float32(reach ** 2)
        where: dict = {"centre": [round(cx), round(cy)]}
    else:
        angle = float(rng.uniform(0, 2 * math.pi))
        dx, dy = math.cos(angle), math.sin(angle)
        span = [x * dx + y * dy for x in (0, w - 1) for y in (0, h - 1)]
        low, extent = min(span), max(span) - min(span)

        def loss(top, bottom):
            ys = np.arange(top, bottom, dtype=np.float32)[:, None]
            return (xs * np.float32(dx) + ys * np.float32(dy) - np.float32(low)) / np.float32(extent)
        where = {"angle_deg": round(math.degrees(angle), 2)}
    k = np.float32(levels / 255)
    _by_strips(image, lambda top, bottom: 1 - k * loss(top, bottom))
    return image, {"levels": round(levels, 2), "radial": radial, **where}


def _shadow(image, dpi, rng, s):
    """An open lid's shadow along an edge, or a fold's across the page: a soft dark band."""
    h, w = image.shape[:2]
    px = _px(dpi)
    levels = float(rng.uniform(*s.shadow_levels))
    soft, core = float(rng.uniform(*s.shadow_soft_mm)) * px, float(rng.uniform(*s.shadow_core_mm)) * px
    vertical = bool(rng.random() < 0.5)  # a band running top to bottom
    n = w if vertical else h
    t = np.arange(n, dtype=np.float32)
    if rng.random() < s.p_fold_shadow:
        at = float(rng.uniform(0.2, 0.8)) * n
        profile, where = _soft_profile(np.abs(t - at), core / 2, soft), {"fold_at_px": round(at)}
    else:
        edge = int(rng.integers(2))
        profile, where = _soft_profile(t if edge == 0 else n - 1 - t, core, soft), {"edge": ("start", "end")[edge]}
    factor = 1 - np.float32(levels / 255) * profile
    if vertical:
        _by_strips(image, lambda top, bottom: factor[None, :])
    else:
        _by_strips(image, lambda top, bottom: factor[top:bottom, None])
    return image, {"levels": round(levels, 2), "soft_mm": round(soft / px, 2), "core_mm": round(core / px, 2),
                   "vertical": vertical, **where}


def _rollers(image, dpi, rng, s):
    """Worn or dirty rollers: horizontal bands a little darker (or lighter), soft-edged."""
    h = image.shape[0]
    px = _px(dpi)
    bands = []
    for _ in range(int(rng.integers(s.roller_count[0], s.roller_count[1] + 1))):
        height = max(2, int(rng.uniform(*s.roller_mm) * px))
        top = int(rng.integers(0, max(1, h - height)))
        delta = float(rng.uniform(*s.roller_levels)) * (1 if rng.random() < 1 / 3 else -1)
        t = np.abs(np.arange(height, dtype=np.float32) - (height - 1) / 2)
        shape = _soft_profile(t, 0.3 * height, 0.2 * height)[:, None]
        band = image[top:top + height]
        if band.ndim == 3:
            shape = shape[..., None]
        band[...] = np.clip(band + delta * shape[:band.shape[0]], 0, 255).astype(np.uint8)
        bands.append([top, height, round(delta, 1)])
    return image, {"bands": bands}


def _dust(image, dpi, rng, s):
    """Dust on the feeder glass or drum: vertical lines over part of the page only, their
    darkness and width changing along them, sometimes broken."""
    h, w = image.shape[:2]
    px = _px(dpi)
    lines = []
    for _ in range(int(rng.integers(s.dust_count[0], s.dust_count[1] + 1))):
        length = max(2, int(rng.uniform(*s.dust_height) * h))
        top, x = int(rng.integers(0, h - length + 1)), int(rng.integers(0, w))
        knots = int(rng.integers(4, 12))
        grey = _smooth_walk(rng, length, knots, *s.dust_grey)
        width = _smooth_walk(rng, length, knots, s.dust_width_mm[0] * px, s.dust_width_mm[1] * px)
        width = np.maximum(1, np.round(width)).astype(int)
        broken = bool(rng.random() < s.p_dust_broken)
        if broken:  # a few gaps where the dust was not touching
            for _ in range(int(rng.integers(1, 4))):
                g0 = int(rng.integers(0, length))
                width[g0:g0 + int(rng.uniform(0.03, 0.15) * length)] = 0
        cols = min(int(width.max()), w - x)
        patch = np.where(np.arange(cols)[None, :] < width[:, None], grey[:, None], 255).astype(np.uint8)
        region = image[top:top + length, x:x + cols]
        np.minimum(region, patch[..., None] if image.ndim == 3 else patch, out=region)
        lines.append({"x": x, "top": top, "length": length, "max_width_px": cols, "broken": broken})
    return image, {"lines": lines}


def _choice(rng, weights: dict):
    keys = list(weights)
    p = np.array([weights[k] for k in keys], float)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


# Sheet: the print's own defects (paper, toner), then what the feed does to the sheet (a lost
# edge, stretch, curl): all before the glass, so they rotate with the page and spare the lid.
# Scan: the light and dirt of the scanner itself, in output pixels.
SHEET_STEPS = ("paper", "speckle", "bleed", "faded", "banding", "lost_band", "stretch", "curl")
SCAN_STEPS = ("gradient", "shadow", "rollers", "dust")
STEPS = SHEET_STEPS + SCAN_STEPS
_STEP = {"paper": _paper, "speckle": _speckle, "bleed": _bleed, "faded": _faded, "banding": _banding,
         "lost_band": _lost_band, "stretch": _stretch, "curl": _curl, "gradient": _gradient, "shadow": _shadow,
         "rollers": _rollers, "dust": _dust}
