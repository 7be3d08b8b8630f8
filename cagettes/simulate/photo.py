"""Phone photos of filled forms, for sites without a scanner: the sheet lies on a table and a
volunteer photographs it from above, by hand, under the room's light.

    photograph(page, dpi, rng, settings=None) -> (BGR uint8 photo, params)

``page`` is a clean filled page (grey or BGR uint8 at ``dpi``, white paper), as
``corpus.iter_samples(..., degradation=Degradation.off())`` gives it. ``params["matrix"]`` is the
3x3 homography from the page's pixels to the photo's pixels (a curled sheet departs from it by
at most ``curl_mm``), and ``params["expect_refusal"]`` tells the few photos made unreadable on
purpose (``PhotoSettings.p_unreadable``): a reader should refuse those, and read all the others.

Everything heavy is done once per photo at full size in uint8 (one warp, one multiply by the
light, one blur, noise, JPEG); light fields are drawn at 1/8 of the frame and enlarged, since
light varies over centimetres.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from cagettes.simulate.heldout import jpeg_round_trip

A4_MM = (210.0, 297.0)
MM_PER_INCH = 25.4
LIGHT_STEP = 8        # light and shadow fields are computed on a grid 8x coarser than the frame
MAP_STEP = 8          # so is the warp's coordinate map (a homography is smooth over 8 px)
POSE_ATTEMPTS = 60    # poses drawn before giving up on the wanted resolution (then: straight on)


@dataclass(frozen=True)
class PhotoSettings:
    """How photos vary. Ranges (low, high) are drawn uniformly; ``p_*`` are probabilities."""

    frames: tuple[tuple[int, int], ...] = ((3000, 4000), (3024, 4032), (2250, 3000))  # (w, h) px: 12 MP and 6.75 MP phones
    p_landscape: float = 0.2          # phone held sideways: the frame is wider than high
    span: tuple[float, float] = (0.55, 0.90)  # share of the frame the sheet's bounding box spans (tighter direction)
    max_tilt_deg: float = 25.0        # angle between the camera's axis and the table's normal
    rotation_sd_deg: float = 5.0      # in-plane jitter around a held-straight or quarter-turned phone, degrees
    p_quarter_turn: float = 0.25      # the sheet lies at 90 / 180 / 270 degrees to the frame
    p_any_rotation: float = 0.1       # any in-plane angle at all
    focal_diagonals: tuple[float, float] = (0.55, 0.75)  # focal length / frame diagonal (26 mm equiv. = 0.6)
    min_readable_dpi: float = 140.0   # readable photos: the sheet gets at least this many px per inch (area mean)
    table_kinds: tuple[tuple[str, float], ...] = (("wood", 0.35), ("laminate", 0.25), ("cloth", 0.2), ("tablecloth", 0.2))
    table_luminance: tuple[float, float] = (0.12, 0.72)  # table grey / paper grey: people choose a contrasting table
    paper_white: tuple[float, float] = (228.0, 252.0)    # grey level of lit paper at the frame's brightest
    gradient: tuple[float, float] = (0.0, 0.35)       # share of light lost from one side of the frame to the other
    vignetting: tuple[float, float] = (0.05, 0.35)    # share of light lost in the frame's corners
    p_shadow: float = 0.75            # a hand's or the phone's shadow falls partly on the sheet
    shadow_darkening: tuple[float, float] = (0.2, 0.5)  # share of light the shadow's core removes
    shadow_softness_mm: tuple[float, float] = (4.0, 15.0)  # Gaussian sigma of the penumbra, mm on the sheet
    color_cast: tuple[float, float] = (-0.08, 0.08)   # red gain - 1 (blue moves the other way): warm > 0 > cool
    defocus_px300: tuple[float, float] = (0.2, 1.3)   # Gaussian sigma, px at the page's scale at 300 dpi
    p_motion: float = 0.2
    motion_px300: tuple[float, float] = (1.5, 4.0)    # length of a shaken hand's blur, px at 300 dpi
    noise_sigma: tuple[float, float] = (1.5, 5.0)     # sensor noise, grey levels (std), correlated over 2 px
    jpeg_quality: tuple[int, int] = (75, 95)
    p_curl: float = 0.25
    curl_mm: tuple[float, float] = (0.5, 1.5)         # how far a curled edge's content moves, mm on the sheet
    p_unreadable: float = 0.03        # photos made unreadable on purpose (expect_refusal)
    unreadable_kinds: tuple[str, ...] = ("blur", "small")  # how, drawn alike
    unreadable_blur_px300: tuple[float, float] = (4.5, 8.0)  # Gaussian sigma, px at 300 dpi: text is mush
    unreadable_span: tuple[float, float] = (0.24, 0.33)      # a sheet this small in the frame: < 100 dpi
    max_unreadable_dpi: float = 100.0  # a small sheet is drawn again until it is under this


def photograph(page: np.ndarray, dpi: int, rng: np.random.Generator,
               settings: PhotoSettings | None = None) -> tuple[np.ndarray, dict]:
    """A phone photo of ``page`` lying on a table, and how it was taken (JSON-ready)."""
    s = settings or PhotoSettings()
    unreadable = None
    if rng.random() < s.p_unreadable:
        unreadable = str(s.unreadable_kinds[int(rng.integers(len(s.unreadable_kinds)))])
    frame = _frame(rng, s)
    quad, pose = _pose(frame, rng, s, small=unreadable == "small")
    h, w = page.shape[:2]
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    matrix = cv2.getPerspectiveTransform(corners, quad.astype(np.float32))
    white = float(rng.uniform(*s.paper_white))
    table, table_params = _table(frame, rng, s, white)
    photo, curl = _lay_sheet(page, matrix, table, pose["effective_dpi"] / dpi, white, rng, s)
    light = _light(photo, quad, pose["effective_dpi"], rng, s)
    blur = _optics(photo, pose["effective_dpi"], rng, s, heavy=unreadable == "blur")
    noise = _noise(photo, rng, s)
    photo, quality = _jpeg(photo, rng, s)
    params = {"matrix": matrix.tolist(), "expect_refusal": unreadable is not None, "unreadable": unreadable,
              "frame": list(frame), **pose, "corners": np.round(quad, 2).tolist(), "table": table_params,
              "light": light, "blur": blur, "noise_sigma": noise, "jpeg_quality": quality, "curl": curl}
    return photo, params


# ---------------------------------------------------------------- where the sheet lies

def _frame(rng, s: PhotoSettings) -> tuple[int, int]:
    w, h = s.frames[int(rng.integers(len(s.frames)))]
    return (h, w) if rng.random() < s.p_landscape else (w, h)


def _rotation(rng, s: PhotoSettings) -> float:
    """In-plane angle of the sheet in the frame, degrees counter-clockwise."""
    if rng.random() < s.p_any_rotation:
        return float(rng.uniform(0, 360))
    base = 90.0 * int(rng.integers(1, 4)) if rng.random() < s.p_quarter_turn else 0.0
    return base + float(rng.normal(0, s.rotation_sd_deg))


def _pose(frame: tuple[int, int], rng, s: PhotoSettings, small: bool) -> tuple[np.ndarray, dict]:
    """The sheet's four corners in the photo (TL, TR, BR, BL of the page), drawn again until the
    resolution suits the photo's kind: readable above ``min_readable_dpi``, small below
    ``max_unreadable_dpi``. Rejection keeps every drawn range honest instead of clipping."""
    span_range = s.unreadable_span if small else s.span
    for attempt in range(POSE_ATTEMPTS):
        straight = attempt == POSE_ATTEMPTS - 1
        angle = 0.0 if straight else _rotation(rng, s)
        tilt = 0.0 if straight else float(rng.uniform(0, s.max_tilt_deg))
        azimuth = float(rng.uniform(0, 360))
        focal = float(rng.uniform(*s.focal_diagonals)) * math.hypot(*frame)
        span = float(rng.uniform(*span_range))
        quad = _fit(_project(angle, tilt, azimuth, focal, span, frame), frame, span, rng)
        dpi = effective_dpi(quad)
        if (dpi <= s.max_unreadable_dpi) if small else (dpi >= s.min_readable_dpi):
            break
    return quad, {"rotation_deg": round(angle % 360, 2), "tilt_deg": round(tilt, 2), "tilt_azimuth_deg": round(azimuth, 1),
                  "focal_px": round(focal, 1), "span": round(span, 3), "effective_dpi": round(dpi, 1)}


def _project(angle: float, tilt: float, azimuth: float, focal: float, span: float,
             frame: tuple[int, int]) -> np.ndarray:
    """The A4 sheet's corners seen by a pinhole camera: turned in the table's plane, the table
    tilted about an axis at ``azimuth``, at a distance where the sheet fills about ``span``."""
    w, h = A4_MM
    sheet = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0], [-w / 2, h / 2, 0]])
    turn, _ = cv2.Rodrigues(np.array([0.0, 0.0, -math.radians(angle)]))
    axis = np.array([math.cos(math.radians(azimuth)), math.sin(math.radians(azimuth)), 0.0])
    lean, _ = cv2.Rodrigues(axis * math.radians(tilt))
    points = sheet @ turn.T @ lean.T
    distance = focal * h / (span * max(frame))
    return focal * points[:, :2] / (distance + points[:, 2:3])


def _fit(quad: np.ndarray, frame: tuple[int, int], span: float, rng) -> np.ndarray:
    """Scaled so that its bounding box spans ``span`` of the frame, placed anywhere inside it."""
    low, high = quad.min(axis=0), quad.max(axis=0)
    scale = span / max((high - low) / np.array(frame, float))
    quad = (quad - low) * scale
    room = np.array(frame, float) - quad.max(axis=0)
    return quad + rng.uniform(0.15, 0.85, 2) * room


def effective_dpi(quad: np.ndarray) -> float:
    """Pixels per inch on the sheet, as the square root of the quad's area over A4's."""
    area = cv2.contourArea(np.asarray(quad, np.float32).reshape(-1, 1, 2))
    return math.sqrt(area / (A4_MM[0] * A4_MM[1])) * MM_PER_INCH


# ---------------------------------------------------------------- the table

def _table(frame: tuple[int, int], rng, s: PhotoSettings, white: float) -> tuple[np.ndarray, dict]:
    """A BGR table top at the frame's size, drawn at half size (its grain is coarse) and enlarged."""
    kinds, weights = zip(*s.table_kinds, strict=True)
    kind = str(rng.choice(kinds, p=np.array(weights) / sum(weights)))
    small = (frame[0] // 2, frame[1] // 2)
    luminance = float(rng.uniform(*s.table_luminance)) * white
    colour = _colour(rng, luminance, kind)
    texture = _TEXTURES[kind](small, rng, colour)
    table = cv2.resize(np.clip(texture, 0, 255).astype(np.uint8), frame, interpolation=cv2.INTER_LINEAR)
    return table, {"kind": kind, "bgr": [round(float(c)) for c in colour]}


def _colour(rng, luminance: float, kind: str) -> np.ndarray:
    """A BGR colour of the given grey level: wood is brown, cloth any hue."""
    hue = rng.uniform(8, 25) if kind in ("wood", "laminate") else rng.uniform(0, 180)
    saturation = rng.uniform(0.25, 0.7) if kind in ("wood", "laminate") else rng.uniform(0.05, 0.8)
    hsv = np.array([[[hue, saturation * 255, 200]]], np.uint8)
    bgr = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0].astype(float)
    grey = 0.114 * bgr[0] + 0.587 * bgr[1] + 0.299 * bgr[2]
    return bgr * luminance / max(grey, 1.0)


def _grid(size: tuple[int, int], angle: float) -> tuple[np.ndarray, np.ndarray]:
    """Pixel coordinates turned by ``angle`` radians: along and across a pattern."""
    ys, xs = np.mgrid[0:size[1], 0:size[0]].astype(np.float32)
    c, s = math.cos(angle), math.sin(angle)
    return xs * c + ys * s, -xs * s + ys * c


def _streaks(size: tuple[int, int], rng, across: int, along: int, vertical: bool) -> np.ndarray:
    """Smooth noise stretched one way: wood grain, or the light folds of a cloth."""
    shape = (along, across) if vertical else (across, along)
    return cv2.resize(rng.standard_normal(shape).astype(np.float32), size, interpolation=cv2.INTER_CUBIC)


def _wood(size: tuple[int, int], rng, colour: np.ndarray) -> np.ndarray:
    vertical = bool(rng.random() < 0.5)
    grain = _streaks(size, rng, size[1 - int(vertical)] // 6, 5, vertical)
    rings = np.sin(_streaks(size, rng, 40, 3, vertical) * 3 + grain * 0.8)
    shade = 1 + 0.06 * grain + float(rng.uniform(0.03, 0.1)) * rings
    return shade[:, :, None] * colour


def _laminate(size: tuple[int, int], rng, colour: np.ndarray) -> np.ndarray:
    """Wood-printed planks: each its own shade, dark seams between them."""
    wood = _wood(size, rng, colour)
    plank = int(rng.uniform(0.08, 0.2) * max(size))
    vertical = bool(rng.random() < 0.5)
    across = np.arange(size[0] if vertical else size[1])
    gains = rng.uniform(0.9, 1.1, across.size // plank + 1)[across // plank] * np.where(across % plank < 3, 0.6, 1.0)
    gains = gains[None, :, None] if vertical else gains[:, None, None]
    return wood * gains.astype(np.float32)


def _cloth(size: tuple[int, int], rng, colour: np.ndarray) -> np.ndarray:
    """A woven cloth: a fine weave, fibre noise and soft folds."""
    u, v = _grid(size, float(rng.uniform(0, math.pi)))
    period = float(rng.uniform(3, 7))
    weave = np.sin(u * 2 * math.pi / period) * np.sin(v * 2 * math.pi / period)
    folds = _streaks(size, rng, 6, 3, bool(rng.random() < 0.5))
    fibres = rng.standard_normal((size[1], size[0])).astype(np.float32)
    shade = 1 + 0.05 * weave + 0.05 * folds + 0.03 * fibres
    return shade[:, :, None] * colour


def _tablecloth(size: tuple[int, int], rng, colour: np.ndarray) -> np.ndarray:
    """Gingham checks or stripes of the colour and a paler one, never as white as the paper."""
    u, v = _grid(size, float(rng.uniform(0, math.pi)))
    period = float(rng.uniform(0.02, 0.06) * max(size))
    a, b = (u // period) % 2, (v // period) % 2
    amount = (a + b) / 2 if rng.random() < 0.6 else a  # gingham: half-tones where stripes cross
    pale = np.minimum(colour * 1.35 + 20, 0.8 * 255)
    cloth = _cloth(size, rng, np.ones(3)) * (pale + (colour - pale) * amount[:, :, None])
    return cloth


_TEXTURES = {"wood": _wood, "laminate": _laminate, "cloth": _cloth, "tablecloth": _tablecloth}


# ---------------------------------------------------------------- the sheet on it

def _lay_sheet(page: np.ndarray, matrix: np.ndarray, table: np.ndarray, scale: float, white: float, rng,
               s: PhotoSettings) -> tuple[np.ndarray, dict | None]:
    """The page drawn onto ``table`` (in place) through ``matrix``, bent a little when curled.
    The page is first reduced near the photo's resolution: a warp alone would alias."""
    colour = cv2.cvtColor(page, cv2.COLOR_GRAY2BGR) if page.ndim == 2 else page
    h, w = page.shape[:2]
    factor = min(1.0, 1.25 * scale)
    size = (max(1, round(w * factor)), max(1, round(h * factor)))
    small = cv2.resize(colour, size, interpolation=cv2.INTER_AREA) if factor < 1 else colour
    small = cv2.convertScaleAbs(small, alpha=white / 255.0)
    shrink = np.diag([size[0] / w, size[1] / h, 1.0])
    curl = _curl(rng, s, page.shape) if rng.random() < s.p_curl else None
    map_x, map_y = _maps(shrink @ np.linalg.inv(matrix), table.shape, curl, shrink)
    cv2.remap(small, map_x, map_y, cv2.INTER_LINEAR, dst=table, borderMode=cv2.BORDER_TRANSPARENT)
    return table, None if curl is None else {"edge": curl["edge"], "mm": curl["mm"]}


def _curl(rng, s: PhotoSettings, shape: tuple[int, ...]) -> dict:
    """One edge of the sheet lifts: content near it is drawn in by up to ``curl_mm``."""
    mm = float(rng.uniform(*s.curl_mm))
    edge = str(rng.choice(["top", "bottom", "left", "right"]))
    px = mm * shape[0] / A4_MM[1]  # page px per mm times mm
    return {"edge": edge, "mm": round(mm, 2), "px": px, "size": (shape[1], shape[0])}


def _maps(inverse: np.ndarray, shape: tuple[int, ...], curl: dict | None,
          shrink: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each photo pixel, where to read the (reduced) page: computed on a coarse grid, enlarged."""
    height, width = shape[:2]
    ys, xs = np.mgrid[0:height + MAP_STEP:MAP_STEP, 0:width + MAP_STEP:MAP_STEP].astype(np.float32)
    points = cv2.perspectiveTransform(np.dstack([xs, ys]).reshape(-1, 1, 2), inverse).reshape(xs.shape + (2,))
    if curl is not None:
        points = _bend(points, curl, shrink)
    full = (points.shape[1] - 1) * MAP_STEP, (points.shape[0] - 1) * MAP_STEP
    maps = [cv2.resize(points[:, :, i], full, interpolation=cv2.INTER_LINEAR)[:height, :width] for i in (0, 1)]
    return maps[0], maps[1]


def _bend(points: np.ndarray, curl: dict, shrink: np.ndarray) -> np.ndarray:
    """Reading farther toward the lifted edge, the more so the nearer it: its content shows
    drawn in, as the edge's rise foreshortens it."""
    axis = 1 if curl["edge"] in ("top", "bottom") else 0
    extent = (curl["size"][axis]) * shrink[axis, axis]
    position = points[:, :, axis] / extent
    t = np.clip(position if curl["edge"] in ("bottom", "right") else 1 - position, 0, 1)
    sign = 1.0 if curl["edge"] in ("bottom", "right") else -1.0
    points[:, :, axis] += sign * curl["px"] * shrink[axis, axis] * t ** 3
    return points


# ---------------------------------------------------------------- light, optics, sensor

def _light(photo: np.ndarray, quad: np.ndarray, dpi: float, rng, s: PhotoSettings) -> dict:
    """Multiply ``photo`` (in place) by the room's light: a gradient, vignetting, a hand's or
    phone's soft shadow (a little blue: lit by the sky, not the lamp) and a colour cast."""
    height, width = photo.shape[:2]
    grid = (math.ceil(width / LIGHT_STEP), math.ceil(height / LIGHT_STEP))
    ys, xs = np.mgrid[0:grid[1], 0:grid[0]].astype(np.float32)
    direction = float(rng.uniform(0, 2 * math.pi))
    ramp = (xs * math.cos(direction) + ys * math.sin(direction))
    ramp = (ramp - ramp.min()) / max(float(np.ptp(ramp)), 1.0)
    gradient, vignetting = float(rng.uniform(*s.gradient)), float(rng.uniform(*s.vignetting))
    radius = ((xs - grid[0] / 2) ** 2 + (ys - grid[1] / 2) ** 2) / ((grid[0] / 2) ** 2 + (grid[1] / 2) ** 2)
    light = (1 - gradient * ramp) * (1 - vignetting * radius)
    shadow, shadow_params = _shadow(grid, quad / LIGHT_STEP, dpi / LIGHT_STEP, rng, s)
    cast = float(rng.uniform(*s.color_cast))
    gains = np.array([1 - cast, 1.0, 1 + cast])
    fields = [light * (1 - shadow * shadow_params.get("darkening", 0) * tint) * gain
              for tint, gain in zip((0.85, 1.0, 1.08), gains, strict=True)]
    scale = 200.0  # the light as uint8 over 200: 0.5 % steps, and one integer multiply per pixel
    field = cv2.resize(np.dstack(fields) * scale, (width, height), interpolation=cv2.INTER_LINEAR)
    cv2.multiply(photo, np.clip(field, 0, 255).astype(np.uint8), dst=photo, scale=1 / scale)
    return {"gradient": round(gradient, 3), "vignetting": round(vignetting, 3), "cast": round(cast, 3),
            "shadow": shadow_params or None}


def _shadow(grid: tuple[int, int], quad: np.ndarray, px_per_inch: float, rng,
            s: PhotoSettings) -> tuple[np.ndarray, dict]:
    """A soft blob 0-1 (core = 1) shaped like a hand or a phone, lying across the sheet's edge."""
    none = np.zeros((grid[1], grid[0]), np.float32)
    if rng.random() >= s.p_shadow:
        return none, {}
    px_mm = px_per_inch / MM_PER_INCH
    sheet = np.zeros_like(none, np.uint8)
    cv2.fillConvexPoly(sheet, np.round(quad).astype(np.int32), 1)
    for _ in range(10):  # until it covers between a tenth and a half of the sheet
        kind = "hand" if rng.random() < 0.6 else "phone"
        mask = _shadow_shape(none.shape, quad, px_mm, kind, rng)
        share = float((mask & sheet).sum()) / max(1, int(sheet.sum()))
        if 0.1 <= share <= 0.5:
            break
    softness = float(rng.uniform(*s.shadow_softness_mm))
    blob = np.asarray(cv2.GaussianBlur(mask.astype(np.float32), (0, 0), max(0.5, softness * px_mm)), np.float32)
    blob /= max(float(blob.max()), 1e-6)
    darkening = float(rng.uniform(*s.shadow_darkening))
    return blob, {"kind": kind, "darkening": round(darkening, 3), "softness_mm": round(softness, 1),
                  "sheet_share": round(share, 3)}


def _shadow_shape(shape: tuple[int, int], quad: np.ndarray, px_mm: float, kind: str, rng) -> np.ndarray:
    """A hand (palm and fingers) or a phone (rounded slab), centred near a point of the sheet's edge."""
    edge = int(rng.integers(4))
    t = float(rng.uniform(0.1, 0.9))
    point = quad[edge] * (1 - t) + quad[(edge + 1) % 4] * t
    centre = point + (quad.mean(axis=0) - point) * float(rng.uniform(-0.3, 0.4))
    angle = float(rng.uniform(0, 360))
    mask = np.zeros(shape, np.uint8)
    if kind == "phone":
        box = cv2.boxPoints(((float(centre[0]), float(centre[1])), (75 * px_mm, 150 * px_mm), angle))
        cv2.fillConvexPoly(mask, np.round(box).astype(np.int32), 1)
        return mask
    palm = (90 * px_mm, 100 * px_mm)
    cv2.ellipse(mask, (round(centre[0]), round(centre[1])), (round(palm[0] / 2), round(palm[1] / 2)), angle, 0, 360, 1, -1)
    for k in range(4):  # fingers fan out from the palm's far side
        a = math.radians(angle - 90 + (k - 1.5) * 12)
        tip = centre + np.array([math.cos(a), math.sin(a)]) * 130 * px_mm
        cv2.line(mask, (round(centre[0]), round(centre[1])), (round(tip[0]), round(tip[1])), 1, max(1, round(18 * px_mm)))
    return mask


def _optics(photo: np.ndarray, dpi: float, rng, s: PhotoSettings, heavy: bool) -> dict:
    """Defocus (Gaussian) and sometimes a shaken hand (a line), in place; sizes are given at the
    page's scale at 300 dpi, so a photo taken from farther is not blurred more on paper."""
    to_photo = dpi / 300.0
    sigma300 = float(rng.uniform(*(s.unreadable_blur_px300 if heavy else s.defocus_px300)))
    cv2.GaussianBlur(photo, (0, 0), max(0.1, sigma300 * to_photo), dst=photo)
    motion = None
    if rng.random() < s.p_motion and not heavy:
        length300 = float(rng.uniform(*s.motion_px300))
        angle = float(rng.uniform(0, 180))
        cv2.filter2D(photo, -1, _line_kernel(length300 * to_photo, angle), dst=photo)
        motion = {"length_px300": round(length300, 2), "angle_deg": round(angle, 1)}
    return {"sigma_px300": round(sigma300, 2), "motion": motion}


def _line_kernel(length: float, angle: float) -> np.ndarray:
    size = max(3, int(math.ceil(length)) | 1)
    fine = np.zeros((size * 4, size * 4), np.float32)  # drawn 4x finer: fractional lengths
    c = size * 2
    dx, dy = math.cos(math.radians(angle)) * length * 2, math.sin(math.radians(angle)) * length * 2
    cv2.line(fine, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 4)
    kernel = cv2.resize(fine, (size, size), interpolation=cv2.INTER_AREA)
    return kernel / kernel.sum()


def _noise(photo: np.ndarray, rng, s: PhotoSettings) -> float:
    """Sensor noise, in place: drawn at half size and enlarged, as demosaicing spreads it."""
    sigma = float(rng.uniform(*s.noise_sigma))
    height, width = photo.shape[:2]
    half = rng.standard_normal(((height + 1) // 2, (width + 1) // 2, 3), dtype=np.float32) * (sigma * 1.6)
    noise = cv2.resize(half, (width, height), interpolation=cv2.INTER_LINEAR)
    np.copyto(photo, np.clip(photo + noise, 0, 255).astype(np.uint8))
    return round(sigma, 2)


def _jpeg(photo: np.ndarray, rng, s: PhotoSettings) -> tuple[np.ndarray, int]:
    quality = int(rng.integers(s.jpeg_quality[0], s.jpeg_quality[1] + 1))
    return jpeg_round_trip(photo, quality), quality
