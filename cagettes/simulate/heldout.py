"""Held-out damage: what real returns will bring and the scanner was never tuned on, to tell
whether its tuning generalises. A fold's crease, a coffee or water stain, binder holes, notes
written in the margins, a copy of a copy, a colour copier's halftone, a JPEG saved twice.

    held_out(image, dpi, rng, settings=None, steps=None, avoid_mm=None) -> (ndarray, params)

``corpus.degrade(..., heldout=HeldOut())`` runs ``SHEET_STEPS`` (the margin notes, ink on the
sheet, kept ``clearance_mm`` from every rect of ``avoid_mm``: the page's boxes, in clean-page
mm) on the clean page before the scanner's geometry, and ``SCAN_STEPS`` on the scanned image
after capture's scan steps, before noise and compression. No step moves the page's content:
``degrade``'s matrix stays exact.

Grey (H, W) or BGR (H, W, 3) uint8, white paper 255. Pixel quantities are at 300 dpi and scaled
with dpi; lengths in mm use dpi / 25.4. Every drawn value is in ``params`` (JSON-ready). This
module must not import corpus (corpus imports it).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from cagettes.simulate.switches import Switches

MM_PER_INCH = 25.4
STRIP_ROWS = 512   # float work on a whole page is done by strips of rows


@dataclass
class HeldOut(Switches):
    """Held-out damage. Each step runs with its probability ``p_*``; a range (low, high) is drawn
    uniformly. Grey levels are 0-255; px are at 300 dpi and scaled with dpi."""

    # a fold (scan step): a straight crease within +-crease_angle_deg of horizontal or vertical
    p_crease: float = 0.25
    p_crease_vertical: float = 0.4                   # given a crease: near vertical
    crease_angle_deg: float = 20.0                   # max deviation from the axis
    crease_at: tuple[float, float] = (0.15, 0.85)    # where it crosses the page's middle, share of H (or W)
    crease_grey: tuple[int, int] = (120, 200)        # grey of the crease line itself
    crease_width_mm: tuple[float, float] = (0.1, 0.3)
    crease_levels: tuple[float, float] = (5.0, 15.0)  # highlight (one side) and shadow (the other), each
    crease_band_mm: tuple[float, float] = (2.0, 6.0)  # width of the highlight and of the shadow, each
    # a coffee or water stain (scan step): translucent, multiplicative, a darker rim
    p_stain: float = 0.2
    stain_count: tuple[int, int] = (1, 2)
    stain_mm: tuple[float, float] = (15.0, 60.0)     # mean diameter of a blob
    stain_irregular: float = 0.12                    # bound of each harmonic's share of the radius
    stain_darken: tuple[float, float] = (0.05, 0.25)  # share of the light taken inside
    stain_rim_extra: tuple[float, float] = (0.05, 0.12)  # more taken on the rim
    stain_rim_mm: tuple[float, float] = (1.0, 2.0)   # rim width
    p_stain_coffee: float = 0.6                      # on a colour scan: brown (blue lowered more); else water
    # binder holes (scan step, output pixels): the lid shows through
    p_punch_holes: float = 0.15
    holes_four: float = 0.3                          # share of 4 holes (else 2)
    holes_diameter_mm: float = 6.0
    holes_spacing_mm: float = 80.0                   # centre to centre, about the image's middle
    holes_edge_mm: tuple[float, float] = (8.0, 12.0)  # centre from the left edge, capped by holes_max_x_mm
    holes_max_x_mm: float = 14.0                     # nothing drawn at or right of this: no box under a hole
    holes_jitter_mm: float = 4.0                     # vertical offset of the set, +-
    p_holes_dark: float = 0.5                        # a dark lid (else a light one)
    holes_dark_grey: tuple[int, int] = (0, 60)
    holes_light_grey: tuple[int, int] = (200, 250)
    # notes in the margins (sheet step, clean page): words, a phone number, an arrow or underline
    p_margin_notes: float = 0.2
    notes_count: tuple[int, int] = (1, 4)            # words or numbers written
    p_notes_phone: float = 0.35                      # a note is a phone number (else 1-3 words)
    notes_x_height_mm: tuple[float, float] = (1.6, 2.6)
    notes_pen_mm: tuple[float, float] = (0.3, 0.55)
    notes_opacity: tuple[float, float] = (0.85, 1.0)
    notes_margin_mm: float = 14.0                    # a "margin" note lands within this of an edge
    p_notes_between: float = 0.4                     # a note anywhere clear of the boxes (between rows)
    clearance_mm: float = 3.0                        # no ink this close to a rect of avoid_mm
    notes_blank: float = 0.02                        # most share of printed ink (< 160) under a note
    p_notes_underline: float = 0.6                   # the mark under a product: underline (else arrow)
    notes_tries: int = 40                            # placements tried per note
    # a copy of a copy (scan step)
    p_second_generation: float = 0.2
    copy_blur_px: tuple[float, float] = (0.8, 1.5)   # Gaussian sigma, px at 300 dpi
    copy_gain: tuple[float, float] = (1.2, 1.6)      # contrast around 128
    copy_speckle: tuple[float, float] = (0.00003, 0.0003)  # share of pixels that get a toner speck
    copy_speckle_grey: tuple[int, int] = (0, 90)
    # a colour copier's halftone (scan step)
    p_halftone: float = 0.15
    halftone_period_mm: tuple[float, float] = (0.2, 0.35)
    halftone_angle_deg: tuple[float, float] = (15.0, 45.0)
    halftone_depth: tuple[float, float] = (0.6, 1.0)  # dot contrast at mid-grey, share of the full swing
    # saved twice as JPEG (scan step), the second time after a crop
    p_jpeg_twice: float = 0.2
    jpeg_first: tuple[int, int] = (40, 70)
    jpeg_second: tuple[int, int] = (50, 80)
    jpeg_shift_px: tuple[int, int] = (1, 3)          # rows and columns cropped between (each)

    @classmethod
    def step_names(cls) -> tuple[str, ...]:
        return STEPS  # p_crease_vertical and the like are chances inside a step


def held_out(image: np.ndarray, dpi: int, rng: np.random.Generator, settings: HeldOut | None = None,
             steps: Sequence[str] | None = None,
             avoid_mm: Sequence[Sequence[float]] | None = None) -> tuple[np.ndarray, dict]:
    """``image`` with the held-out damage of ``steps`` (default: all, in ``STEPS`` order), and
    ``params`` {step: its params or None}. ``avoid_mm``: rects [x, y, w, h] in mm (the page's
    boxes) the margin notes keep clear of. The input is left untouched."""
    s = settings or HeldOut()
    params: dict = {}
    out = image.copy()  # steps may work in place
    for name in STEPS if steps is None else steps:
        if rng.random() < getattr(s, f"p_{name}"):
            if name == "margin_notes":
                out, params[name] = _margin_notes(out, dpi, rng, s, avoid_mm or [])
            else:
                out, params[name] = _STEP[name](out, dpi, rng, s)
        else:
            params[name] = None
    return out, params


# ---------------------------------------------------------------- helpers

def _px(dpi: int) -> float:
    return dpi / MM_PER_INCH


def _r(value: float, digits: int = 3) -> float:
    return round(float(value), digits)


def _raised_cosine(t: np.ndarray, width: float) -> np.ndarray:
    """1 at t = 0 falling smoothly to 0 at ``width`` (t >= 0)."""
    return (0.5 * (1 + np.cos(np.pi * np.clip(t / max(width, 1e-6), 0.0, 1.0)))).astype(np.float32)


def _lut(image: np.ndarray, table: np.ndarray) -> np.ndarray:
    return cv2.LUT(image, np.clip(np.round(table), 0, 255).astype(np.uint8))


def _blend_disc_like(region: np.ndarray, coverage: np.ndarray, paint: float) -> None:
    """``region`` (a view) towards ``paint`` by ``coverage`` (0-1, float32, region's (h, w))."""
    c = coverage[..., None] if region.ndim == 3 else coverage
    region[...] = np.clip(region * (1 - c) + paint * c + 0.5, 0, 255).astype(np.uint8)


# ---------------------------------------------------------------- the scan

def _crease(image, dpi, rng, s):
    """A fold flattened on the glass: a thin grey line, the paper lit on one side of it (a
    highlight) and in the shade on the other. Only a band around the line is touched."""
    px = _px(dpi)
    vertical = bool(rng.random() < s.p_crease_vertical)
    angle = float(rng.uniform(-s.crease_angle_deg, s.crease_angle_deg))
    at = float(rng.uniform(*s.crease_at))
    grey = int(rng.integers(s.crease_grey[0], s.crease_grey[1] + 1))
    width = float(rng.uniform(*s.crease_width_mm))
    light, shade = (float(rng.uniform(*s.crease_levels)) for _ in range(2))
    light_mm, shade_mm = (float(rng.uniform(*s.crease_band_mm)) for _ in range(2))
    side = 1 if rng.random() < 0.5 else -1        # the highlight's side: +1 below/right of the line
    view = image.swapaxes(0, 1) if vertical else image  # the line runs along the view's columns
    rows, cols = view.shape[:2]
    tan, cos = math.tan(math.radians(angle)), math.cos(math.radians(angle))
    centre = at * (rows - 1)
    line = centre + (np.arange(cols, dtype=np.float64) - (cols - 1) / 2) * tan  # the line's row at each column
    reach = max(light_mm, shade_mm) * px + width * px
    half = int(math.ceil(reach / cos)) + 2
    offsets = np.arange(-half, half + 1)
    r = np.floor(line).astype(np.int64)[None, :] + offsets[:, None]       # (2 half + 1, cols)
    c = np.broadcast_to(np.arange(cols), r.shape)
    inside = (r >= 0) & (r < rows)
    r, c = r[inside], c[inside]
    t = ((r - line[c]) * cos).astype(np.float32)   # signed distance to the line, px
    values = view[r, c].astype(np.float32)
    lw = width * px
    cover = np.clip(lw / 2 + 0.5 - np.abs(t), 0.0, 1.0)
    lit = np.where(t * side > 0, light * _raised_cosine(np.abs(t), light_mm * px), 0.0).astype(np.float32)
    dim = np.where(t * side < 0, 1 - shade / 255 * _raised_cosine(np.abs(t), shade_mm * px), 1.0).astype(np.float32)
    if values.ndim == 2:
        cover, lit, dim = cover[:, None], lit[:, None], dim[:, None]
    values = values * dim + lit
    values = values * (1 - cover) + np.minimum(values, grey) * cover
    view[r, c] = np.clip(values + 0.5, 0, 255).astype(np.uint8)
    return image, {"vertical": vertical, "angle_deg": _r(angle, 2), "at": _r(at), "at_px": _r(centre, 1),
                   "grey": grey, "width_mm": _r(width), "highlight_levels": _r(light, 2),
                   "highlight_mm": _r(light_mm, 2), "shadow_levels": _r(shade, 2), "shadow_mm": _r(shade_mm, 2),
                   "highlight_side": side}


def _stain(image, dpi, rng, s):
    """A cup's or a drop's mark: an irregular blob that takes a share of the light (ink stays
    dark), a little less in the middle, more on a rim where the liquid dried."""
    h, w = image.shape[:2]
    px = _px(dpi)
    blobs = []
    for _ in range(int(rng.integers(s.stain_count[0], s.stain_count[1] + 1))):
        diameter = float(rng.uniform(*s.stain_mm))
        radius = diameter / 2 * px
        cx, cy = float(rng.uniform(0, w)), float(rng.uniform(0, h))
        harmonics = [(k, float(rng.uniform(0, s.stain_irregular)) * 2 / k, float(rng.uniform(0, 2 * math.pi)))
                     for k in range(2, 6)]
        darken, extra = float(rng.uniform(*s.stain_darken)), float(rng.uniform(*s.stain_rim_extra))
        rim = float(rng.uniform(*s.stain_rim_mm)) * px
        coffee = image.ndim == 3 and bool(rng.random() < s.p_stain_coffee)
        outer = radius * (1 + sum(a for _, a, _ in harmonics)) + 2
        x0, x1 = max(0, int(cx - outer)), min(w, int(cx + outer) + 1)
        y0, y1 = max(0, int(cy - outer)), min(h, int(cy + outer) + 1)
        blobs.append({"centre_px": [round(cx), round(cy)], "diameter_mm": _r(diameter, 2), "darken": _r(darken),
                      "rim_extra": _r(extra), "rim_mm": _r(rim / px), "coffee": coffee,
                      "harmonics": [[k, _r(a, 4), _r(p, 4)] for k, a, p in harmonics]})
        if x1 <= x0 or y1 <= y0:
            continue
        dx = np.arange(x0, x1, dtype=np.float32)[None, :] - np.float32(cx)
        dy = np.arange(y0, y1, dtype=np.float32)[:, None] - np.float32(cy)
        rho = np.sqrt(dx * dx + dy * dy)
        theta = np.arctan2(dy, dx)
        edge = np.full_like(rho, radius)
        for k, a, p in harmonics:
            edge += np.float32(radius * a) * np.cos(k * theta + np.float32(p))
        depth = edge - rho                                     # px inside the edge (radial)
        inner = darken * (0.8 + 0.2 * np.clip(rho / edge, 0, 1) ** 2)  # a little lighter in the middle
        ring = extra * _raised_cosine(np.abs(depth - rim / 2), rim / 2)
        loss = (inner + ring) * np.clip(depth + 0.5, 0.0, 1.0)   # anti-aliased outer edge
        region = image[y0:y1, x0:x1]
        if region.ndim == 3:
            tint = np.array([1.25, 1.0, 0.75] if coffee else [1.0, 1.0, 1.0], np.float32)
            factor = 1 - np.clip(loss[..., None] * tint, 0, 0.95)
        else:
            factor = 1 - loss
        region[...] = np.clip(region * factor + 0.5, 0, 255).astype(np.uint8)
    return image, {"blobs": blobs}


def _punch_holes(image, dpi, rng, s):
    """Two or four binder holes near the left edge: the lid shows through them."""
    h = image.shape[0]
    px = _px(dpi)
    count = 4 if rng.random() < s.holes_four else 2
    radius = s.holes_diameter_mm / 2
    # the hole and its anti-aliased pixel stay left of holes_max_x_mm
    high = min(s.holes_edge_mm[1], s.holes_max_x_mm - radius - 1.5 / px)
    centre_x = float(rng.uniform(s.holes_edge_mm[0], max(s.holes_edge_mm[0], high)))
    centre_x = min(centre_x, high)
    offset = float(rng.uniform(-s.holes_jitter_mm, s.holes_jitter_mm))
    dark = bool(rng.random() < s.p_holes_dark)
    grey = s.holes_dark_grey if dark else s.holes_light_grey
    paint = int(rng.integers(grey[0], grey[1] + 1))
    middle = h / px / 2 + offset
    ys = [middle + (i - (count - 1) / 2) * s.holes_spacing_mm for i in range(count)]
    r, cx = radius * px, centre_x * px
    drawn = []
    for y_mm in ys:
        cy = y_mm * px
        y0, y1 = max(0, int(cy - r) - 2), min(h, int(cy + r) + 3)
        x0, x1 = max(0, int(cx - r) - 2), min(image.shape[1], int(cx + r) + 3)
        if y1 <= y0 or x1 <= x0:
            continue
        xs = np.arange(x0, x1, dtype=np.float32)[None, :] - np.float32(cx)
        yy = np.arange(y0, y1, dtype=np.float32)[:, None] - np.float32(cy)
        cover = np.clip(r + 0.5 - np.sqrt(xs * xs + yy * yy), 0.0, 1.0).astype(np.float32)
        _blend_disc_like(image[y0:y1, x0:x1], cover, paint)
        drawn.append(_r(y_mm, 2))
    return image, {"count": count, "centre_x_mm": _r(centre_x, 2), "centres_y_mm": drawn,
                   "diameter_mm": s.holes_diameter_mm, "dark": dark, "grey": paint}


def _second_generation(image, dpi, rng, s):
    """A photocopy of a photocopy: softer (blur), harder (contrast), dirtier (toner specks)."""
    sigma = float(rng.uniform(*s.copy_blur_px)) * dpi / 300
    gain = float(rng.uniform(*s.copy_gain))
    out = cv2.GaussianBlur(image, (0, 0), sigma)
    out = _lut(out, (np.arange(256, dtype=np.float32) - 128) * gain + 128)
    h, w = out.shape[:2]
    fraction = float(rng.uniform(*s.copy_speckle))
    count = int(fraction * h * w)
    side = max(1, round(2 * dpi / 300))
    ys, xs = rng.integers(0, h, count), rng.integers(0, w, count)
    sizes = rng.integers(1, side + 1, count)
    greys = rng.integers(s.copy_speckle_grey[0], s.copy_speckle_grey[1] + 1, count).astype(np.uint8)
    for d in range(side):
        for e in range(side):
            keep = (sizes > max(d, e)) & (ys + d < h) & (xs + e < w)
            y, x, g = ys[keep] + d, xs[keep] + e, greys[keep]
            out[y, x] = np.minimum(out[y, x], g[:, None] if out.ndim == 3 else g)
    return out, {"sigma_px": _r(sigma), "gain": _r(gain), "speckle_fraction": _r(fraction, 6), "specks": count}


def _halftone(image, dpi, rng, s):
    """A colour copier's dot screen: grey is printed as a rotated grid of dots. The dots' swing
    is largest at mid-grey and falls to nothing at white and at black, so paper stays white and
    solid black stays black; the local mean is kept."""
    px = _px(dpi)
    period = float(rng.uniform(*s.halftone_period_mm))
    angle = float(rng.uniform(*s.halftone_angle_deg))
    depth = float(rng.uniform(*s.halftone_depth))
    phase = rng.uniform(0, 2 * math.pi, 2)
    k = 2 * math.pi / (period * px)
    a = math.radians(angle)
    kx, ky = k * math.cos(a), k * math.sin(a)
    h, w = image.shape[:2]
    xs, ys = np.arange(w, dtype=np.float64), np.arange(h, dtype=np.float64)
    # u = kx x + ky y + p0, v = -ky x + kx y + p1; cos(u) = cos(kx x) cos(ky y + p0) - sin(..) sin(..)
    cux, sux = np.cos(kx * xs).astype(np.float32), np.sin(kx * xs).astype(np.float32)
    cvx, svx = np.cos(-ky * xs).astype(np.float32), np.sin(-ky * xs).astype(np.float32)
    cuy, suy = np.cos(ky * ys + phase[0]).astype(np.float32), np.sin(ky * ys + phase[0]).astype(np.float32)
    cvy, svy = np.cos(kx * ys + phase[1]).astype(np.float32), np.sin(kx * ys + phase[1]).astype(np.float32)
    # a pixel averages the screen over its area: a fine screen at a low dpi is mostly washed out
    # (and what is left aliases into moire), as on a real scan
    pixel = float(np.sinc(kx / (2 * math.pi)) * np.sinc(ky / (2 * math.pi)))
    # swing in grey levels by input level: 0 at <= 3 and >= 252, depth * 127 at 128
    levels = np.arange(256, dtype=np.float32)
    swing = np.clip(np.minimum(levels - 3, 252 - levels) / 125, 0, 1) * depth * pixel * 127.0 * 0.5  # screen: [-2, 2]
    for top in range(0, h, STRIP_ROWS):
        strip = image[top:top + STRIP_ROWS]
        rows = slice(top, top + strip.shape[0])
        screen = cuy[rows, None] * cux - suy[rows, None] * sux
        screen += cvy[rows, None] * cvx
        screen -= svy[rows, None] * svx
        amp = swing[strip]
        if strip.ndim == 3:
            screen = screen[..., None]
        strip[...] = np.clip(strip + amp * screen + 0.5, 0, 255).astype(np.uint8)
    return image, {"period_mm": _r(period), "angle_deg": _r(angle, 2), "depth": _r(depth),
                   "pixel_gain": _r(pixel), "phase": [_r(p, 4) for p in phase]}


def _jpeg_twice(image, dpi, rng, s):
    """Saved as JPEG, cropped by a few pixels (the 8x8 blocks no longer line up) and saved again.
    The cropped rows and columns come back from the first save: the content does not move."""
    first = int(rng.integers(s.jpeg_first[0], s.jpeg_first[1] + 1))
    second = int(rng.integers(s.jpeg_second[0], s.jpeg_second[1] + 1))
    dx, dy = (int(rng.integers(s.jpeg_shift_px[0], s.jpeg_shift_px[1] + 1)) for _ in range(2))
    once = jpeg_round_trip(image, first)
    out = once.copy()
    out[dy:, dx:] = jpeg_round_trip(np.ascontiguousarray(once[dy:, dx:]), second)
    return out, {"first_quality": first, "second_quality": second, "shift_px": [dx, dy]}


def jpeg_round_trip(image: np.ndarray, quality: int) -> np.ndarray:
    """``image`` saved as JPEG at ``quality`` and read back (the simulators' one JPEG step)."""
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    decoded = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    if decoded is None:
        raise RuntimeError("JPEG decoding failed")
    return decoded


# ---------------------------------------------------------------- margin notes (the sheet)

_DIGITS = {  # strokes of each digit in a 0.6 x 1 cell, y down
    "0": [[(0.3, 0.0), (0.05, 0.25), (0.05, 0.75), (0.3, 1.0), (0.55, 0.75), (0.55, 0.25), (0.3, 0.0)]],
    "1": [[(0.15, 0.2), (0.35, 0.0), (0.35, 1.0)]],
    "2": [[(0.05, 0.25), (0.3, 0.0), (0.55, 0.2), (0.5, 0.45), (0.05, 1.0), (0.6, 1.0)]],
    "3": [[(0.05, 0.1), (0.35, 0.0), (0.55, 0.2), (0.3, 0.45), (0.55, 0.7), (0.35, 1.0), (0.05, 0.9)]],
    "4": [[(0.45, 1.0), (0.45, 0.0), (0.05, 0.7), (0.6, 0.7)]],
    "5": [[(0.55, 0.0), (0.1, 0.0), (0.05, 0.45), (0.35, 0.4), (0.55, 0.65), (0.35, 1.0), (0.05, 0.9)]],
    "6": [[(0.5, 0.05), (0.2, 0.2), (0.05, 0.7), (0.3, 1.0), (0.55, 0.75), (0.3, 0.5), (0.08, 0.65)]],
    "7": [[(0.05, 0.0), (0.6, 0.0), (0.25, 1.0)]],
    "8": [[(0.3, 0.5), (0.05, 0.25), (0.3, 0.0), (0.55, 0.25), (0.3, 0.5), (0.05, 0.75), (0.3, 1.0),
           (0.55, 0.75), (0.3, 0.5)]],
    "9": [[(0.5, 0.35), (0.3, 0.5), (0.05, 0.3), (0.3, 0.0), (0.55, 0.2), (0.5, 0.6), (0.35, 1.0)]],
}
_PENS = {"ballpoint_blue": (150, 70, 25), "ballpoint_black": (40, 35, 30), "felt_black": (35, 30, 30)}


def _smooth(points: np.ndarray, rounds: int = 2) -> np.ndarray:
    """Chaikin corner cutting: a hand does not draw corners."""
    for _ in range(rounds):
        if len(points) < 3:
            return points
        q = 0.75 * points[:-1] + 0.25 * points[1:]
        r = 0.25 * points[:-1] + 0.75 * points[1:]
        points = np.vstack([points[:1], np.column_stack([q, r]).reshape(-1, 2), points[-1:]])
    return points


def _word_mm(rng, letters: int, x_height: float) -> list[np.ndarray]:
    """Cursive-looking loops (a prolate trochoid), some letters taller, slanted; mm, baseline y = 0."""
    t = np.linspace(0.0, 2 * math.pi * letters, 12 * letters)
    advance, loop = rng.uniform(1.6, 2.4) * x_height / 2.2, rng.uniform(0.4, 0.9) * x_height / 2.2
    heights = np.repeat(rng.choice([1.0, 1.0, 1.0, 1.9], letters), 12) * x_height
    x = advance * t / (2 * math.pi) - loop * np.sin(t)
    y = -heights * (1 - np.cos(t)) / 2
    return [np.column_stack([x - 0.3 * y, y]) + rng.normal(0.0, 0.04, (len(t), 2))]


def _number_mm(rng, text: str, x_height: float) -> list[np.ndarray]:
    """Digits (spaces kept), 1.5 x-heights tall, baseline y = 0, in mm."""
    size = 1.5 * x_height
    strokes, cursor = [], 0.0
    for char in text:
        if char == " ":
            cursor += 0.5 * size
            continue
        for stroke in _DIGITS[char]:
            points = np.array(stroke, float) + rng.normal(0.0, 0.03, (len(stroke), 2))
            points = _smooth(points) * size
            strokes.append(np.column_stack([cursor + points[:, 0] - 0.15 * (size - points[:, 1]),
                                            points[:, 1] - size]))
        cursor += 0.75 * size * rng.uniform(0.9, 1.1)
    return strokes


def _phone(rng) -> str:
    pairs = [f"{int(rng.integers(0, 100)):02d}" for _ in range(4)]
    return f"0{int(rng.integers(6, 8))} " + " ".join(pairs)


def _transform(strokes: list[np.ndarray], x: float, y: float, angle_deg: float) -> list[np.ndarray]:
    a = math.radians(angle_deg)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return [p @ rot.T + (x, y) for p in strokes]


def _densify(points: np.ndarray, step: float) -> np.ndarray:
    """Points along the polyline no more than ``step`` apart."""
    out = [points[:1]]
    for a, b in zip(points[:-1], points[1:], strict=True):
        n = max(1, int(math.ceil(float(np.hypot(*(b - a))) / step)))
        out.append(a + (b - a) * (np.arange(1, n + 1)[:, None] / n))
    return np.vstack(out)


def _clear(strokes: list[np.ndarray], rects: np.ndarray, size_mm: tuple[float, float], margin: float,
           edge: float) -> bool:
    """Every point of the strokes (mm) at least ``margin`` from every rect and ``edge`` inside the page."""
    points = np.vstack([_densify(p, 0.2) for p in strokes])
    if (points < edge).any() or (points[:, 0] > size_mm[0] - edge).any() or (points[:, 1] > size_mm[1] - edge).any():
        return False
    if not len(rects):
        return True
    x, y = points[:, 0, None], points[:, 1, None]
    dx = np.maximum(np.maximum(rects[None, :, 0] - x, 0), x - (rects[None, :, 0] + rects[None, :, 2]))
    dy = np.maximum(np.maximum(rects[None, :, 1] - y, 0), y - (rects[None, :, 1] + rects[None, :, 3]))
    return bool((np.hypot(dx, dy) >= margin).all())


def _blank(image: np.ndarray, strokes: list[np.ndarray], px: float, most: float) -> bool:
    """Little print under the strokes' box (mm): a note goes on blank paper, not over the text."""
    points = np.vstack(strokes) * px
    x0, y0 = np.maximum(np.floor(points.min(0) - px), 0).astype(int)
    x1, y1 = np.ceil(points.max(0) + px).astype(int)
    region = image[y0:y1, x0:x1]
    if region.ndim == 3:
        region = region.min(axis=2)
    return not region.size or float((region < 160).mean()) <= most


def _ink(image: np.ndarray, strokes: list[np.ndarray], px: float, width_mm: float, colour: tuple[int, int, int],
         opacity: float) -> None:
    """Draw the strokes (mm) with an anti-aliased pen; ink darkens what is under it (multiply)."""
    pad = width_mm * px + 3
    points = np.vstack(strokes) * px
    x0, y0 = (np.maximum(np.floor(points.min(0) - pad), 0)).astype(int)
    x1 = min(int(math.ceil(points[:, 0].max() + pad)), image.shape[1])
    y1 = min(int(math.ceil(points[:, 1].max() + pad)), image.shape[0])
    if x1 <= x0 or y1 <= y0:
        return
    mask = np.zeros((y1 - y0, x1 - x0), np.uint8)
    fixed = 16  # cv2 'shift' = 4 bits
    thickness = max(1, int(round(width_mm * px)))
    polys = [np.round((p * px - (x0, y0)) * fixed).astype(np.int32) for p in strokes]
    cv2.polylines(mask, polys, False, 255, thickness, cv2.LINE_AA, 4)
    alpha = mask.astype(np.float32) * np.float32(opacity / 255)
    colour_f = np.array(colour, np.float32) / 255
    region = image[y0:y1, x0:x1]
    if image.ndim == 2:
        colour_f = np.array(colour_f @ np.array([0.114, 0.587, 0.299], np.float32), np.float32)
    else:
        alpha = alpha[:, :, None]
    region[...] = np.clip(region * (1 - alpha + alpha * colour_f) + 0.5, 0, 255).astype(np.uint8)


def _rows(rects: np.ndarray) -> list[tuple[float, float, float]]:
    """Rows of boxes: (top, bottom, leftmost x), in mm, top to bottom."""
    rows: list[list[float]] = []
    for x, y, _, h in sorted(rects.tolist(), key=lambda r: r[1] + r[3] / 2):
        centre = y + h / 2
        if rows and abs(centre - (rows[-1][0] + rows[-1][1]) / 2) < 2.0:
            rows[-1] = [min(rows[-1][0], y), max(rows[-1][1], y + h), min(rows[-1][2], x)]
        else:
            rows.append([y, y + h, x])
    return [(a, b, c) for a, b, c in rows if b - a <= 12.0]  # tick-box rows, not a code or a mark


def _margin_notes(image, dpi, rng, s, avoid_mm):
    """A member's or a volunteer's notes: words or a phone number in the margins and between
    rows (on blank paper: ``notes_blank``), an underline under a product's name or an arrow pointing at it from the margin. No
    ink comes within ``clearance_mm`` of a rect of ``avoid_mm`` (clean-page mm)."""
    px = _px(dpi)
    size_mm = (image.shape[1] / px, image.shape[0] / px)
    rects = np.array([list(r) for r in avoid_mm], float).reshape(-1, 4)
    pen = str(rng.choice(sorted(_PENS)))
    width = float(rng.uniform(*s.notes_pen_mm))
    opacity = float(rng.uniform(*s.notes_opacity))
    margin = s.clearance_mm + width / 2 + 2.5 / px  # the pen's half width and its anti-aliasing
    edge = 2.0 + width / 2
    notes: list[dict] = []
    for _ in range(int(rng.integers(s.notes_count[0], s.notes_count[1] + 1))):
        x_height = float(rng.uniform(*s.notes_x_height_mm))
        phone = bool(rng.random() < s.p_notes_phone)
        if phone:
            text = _phone(rng)
            shape = _number_mm(rng, text, x_height)
        else:
            text = ""
            shape, cursor = [], 0.0
            for _ in range(int(rng.integers(1, 4))):
                word = [p + (cursor, 0.0) for p in _word_mm(rng, int(rng.integers(2, 8)), x_height)]
                shape += word
                cursor = max(float(p[:, 0].max()) for p in word) + float(rng.uniform(1.5, 3.0)) * x_height / 2
        length = max(float(p[:, 0].max()) for p in shape)
        between = bool(rng.random() < s.p_notes_between)
        for _ in range(s.notes_tries):
            angle = float(rng.normal(0.0, 3.0))
            if between:
                x, y = rng.uniform(edge, size_mm[0] - length - edge), rng.uniform(edge + 3 * x_height, size_mm[1] - edge)
                where = "between"
            else:
                where = str(rng.choice(["top", "bottom", "left", "right"]))
                m = s.notes_margin_mm
                x = {"left": rng.uniform(edge, m), "right": rng.uniform(size_mm[0] - m, size_mm[0] - edge)}.get(
                    where, rng.uniform(edge, size_mm[0] - length - edge))
                y = {"top": rng.uniform(edge + 3 * x_height, m), "bottom": rng.uniform(size_mm[1] - m, size_mm[1] - edge)}.get(
                    where, rng.uniform(edge + 3 * x_height, size_mm[1] - edge))
                if where in ("left", "right"):
                    angle = float(rng.choice([-90.0, 90.0])) + angle if length > m - 2 else angle
            placed = _transform(shape, float(x), float(y), angle)
            if _clear(placed, rects, size_mm, margin, edge) and _blank(image, placed, px, s.notes_blank):
                _ink(image, placed, px, width, _PENS[pen], opacity)
                notes.append({"kind": "phone" if phone else "words", "text": text or None, "where": where,
                              "at_mm": [_r(x, 2), _r(y, 2)], "angle_deg": _r(angle, 2),
                              "x_height_mm": _r(x_height), "length_mm": _r(length, 2)})
                break
    mark = _product_mark(image, rng, s, rects, size_mm, px, margin, edge, width, _PENS[pen], opacity)
    return image, {"pen": pen, "width_mm": _r(width), "opacity": _r(opacity), "notes": notes, "mark": mark,
                   "clearance_mm": s.clearance_mm}


def _product_mark(image, rng, s, rects, size_mm, px, margin, edge, width, colour, opacity) -> dict | None:
    """An underline under a product's name (left of its row's boxes, below the row) or an arrow
    from the left margin pointing at the row; None when no row leaves room for either."""
    rows = _rows(rects)
    order = rng.permutation(len(rows)) if rows else []
    underline_first = bool(rng.random() < s.p_notes_underline)
    for i in order:
        top, bottom, left = rows[int(i)]
        for kind in ("underline", "arrow") if underline_first else ("arrow", "underline"):
            if kind == "underline":
                x0, x1 = 15.0 + float(rng.uniform(0, 5)), left - margin - float(rng.uniform(0, 10))
                y = bottom + float(rng.uniform(0.3, 1.5))  # just under the row's text line
                if x1 - x0 < 15:
                    continue
                xs = np.linspace(x0, x1, 24)
                line = np.column_stack([xs, y + np.cumsum(rng.normal(0, 0.08, len(xs)))
                                        + (xs - x0) * float(rng.normal(0, 0.01))])
                strokes = [_smooth(line)]
            else:
                y = (top + bottom) / 2 + float(rng.normal(0, 0.5))
                x0 = edge + float(rng.uniform(0, 2))
                x1 = min(left - margin, x0 + float(rng.uniform(8, 20)))
                if x1 - x0 < 6:
                    continue
                head = float(rng.uniform(1.5, 2.5))
                shaft = np.column_stack([np.linspace(x0, x1, 8), y + rng.normal(0, 0.15, 8)])
                strokes = [_smooth(shaft), np.array([[x1 - head, y - head * 0.7], [x1, y], [x1 - head, y + head * 0.7]])]
            if _clear(strokes, rects, size_mm, margin, edge):
                _ink(image, strokes, px, width, colour, opacity)
                return {"kind": kind, "from_mm": [_r(x0, 2), _r(y, 2)], "to_mm": [_r(x1, 2), _r(y, 2)],
                        "row_mm": [_r(top, 2), _r(bottom, 2)]}
    return None


# Sheet: ink written on the sheet before it is scanned (clean-page mm, before the geometry).
# Scan: the page's history and the scanned file's, in output pixels.
SHEET_STEPS = ("margin_notes",)
SCAN_STEPS = ("crease", "stain", "punch_holes", "second_generation", "halftone", "jpeg_twice")
STEPS = SHEET_STEPS + SCAN_STEPS
_STEP = {"crease": _crease, "stain": _stain, "punch_holes": _punch_holes, "second_generation": _second_generation,
         "halftone": _halftone, "jpeg_twice": _jpeg_twice}
