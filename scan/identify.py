"""Find and verify the page identifier printed twice on every page, at any orientation.

zxing-cpp reads first: on the measured synthetic pages it decoded 100 % of blurred 150-dpi
pages where pyzbar read 0–5 %, and it is 5–10 times faster (../shared/MEASURED.md). pyzbar,
the design card's decoder, is kept as a second opinion for the pages zxing-cpp gives up on.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
import zxingcpp
from pyzbar import pyzbar

from cagettes.forms.ids import PageId, PageIdError, canonical, decode
from cagettes.scan import thresholds as T

A4_SHORT_SIDE_MM = 210.0


@dataclass(frozen=True)
class Code:
    text: str
    corners: np.ndarray  # 4 × 2 float, image px: the symbol's top-left, top-right, bottom-right, bottom-left


@dataclass
class Identification:
    page_id: PageId | None
    text: str = ""
    codes: list[Code] = field(default_factory=list)  # the codes that carry ``text``
    reason: str = ""  # when page_id is None: blank_page | unreadable_code | not_ours | bad_signature ...
    detail: str = ""


def identify(gray: np.ndarray, secret: str, month: str | None) -> Identification:
    codes = read_codes(gray)
    if not codes:
        reason = "blank_page" if ink_fraction(gray) < T.BLANK_PAGE_INK else "unreadable_code"
        return Identification(None, reason=reason)
    verdicts = [verify(code, secret, month) for code in codes]
    good = [v for v in verdicts if v.page_id is not None]
    if not good:
        return verdicts[0]
    if len({v.text for v in good}) > 1:
        return Identification(None, reason="conflicting_codes", detail=" / ".join(v.text for v in good))
    return Identification(good[0].page_id, good[0].text, [c for v in good for c in v.codes])


def verify(code: Code, secret: str, month: str | None) -> Identification:
    try:
        return Identification(decode(code.text, secret, month), code.text, [code])
    except PageIdError as error:
        return Identification(None, code.text, [code], reason=error.reason, detail=str(error))


def identify_typed(typed: str, secret: str, month: str | None) -> Identification:
    """The identifier a volunteer copied from a page whose codes could not be read (printed in
    clear beside them), verified as a code's text is: signature, workspace, month."""
    return verify(Code(canonical(typed), np.zeros((4, 2))), secret, month)


def read_codes(gray: np.ndarray) -> list[Code]:
    """Cheapest pass first; the slower ones only run on pages the earlier ones could not read."""
    # a whole reduction factor: OpenCV's area resize is ~20 times slower for any other one
    scale = 1.0 / max(1, int(estimated_dpi(gray) // T.QR_FAST_DPI))
    for attempt in (lambda: _zxing(gray, scale), lambda: _zxing(gray, 1.0),
                    lambda: _zxing(cv2.medianBlur(gray, 3), 1.0), lambda: _pyzbar(gray)):
        codes = attempt()
        if codes:
            return codes
    return []


def estimated_dpi(gray: np.ndarray) -> float:
    """Assumes an A4 page filling the scan; only used to pick a fast decoding scale."""
    return min(gray.shape[:2]) / A4_SHORT_SIDE_MM * 25.4


def _zxing(gray: np.ndarray, scale: float) -> list[Code]:
    image = gray if scale >= 1.0 else cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode))
    return [Code(r.text, _corners(r.position) / scale) for r in found if r.valid and r.text]


def _corners(position) -> np.ndarray:
    points = (position.top_left, position.top_right, position.bottom_right, position.bottom_left)
    return np.array([[p.x, p.y] for p in points], dtype=np.float64)


def _pyzbar(gray: np.ndarray) -> list[Code]:
    """pyzbar gives an unordered polygon: order its corners by the symbol's finder patterns later."""
    codes = []
    for symbol in pyzbar.decode(gray, symbols=[pyzbar.ZBarSymbol.QRCODE]):
        polygon = np.array([[p.x, p.y] for p in symbol.polygon], dtype=np.float64)
        if len(polygon) == 4:
            codes.append(Code(symbol.data.decode("ascii", "replace"), _order_by_orientation(polygon, symbol.orientation)))
    return codes


def _order_by_orientation(polygon: np.ndarray, orientation: str | None) -> np.ndarray:
    """zbar reports UP/RIGHT/DOWN/LEFT; rotate the clockwise corner list to start at the symbol's top-left."""
    centre = polygon.mean(axis=0)
    angles = np.arctan2(polygon[:, 1] - centre[1], polygon[:, 0] - centre[0])
    clockwise = polygon[np.argsort(angles)]  # image y down: increasing angle = clockwise
    start = int(np.argmin(clockwise.sum(axis=1)))  # the image's top-left corner
    shift = {"UP": 0, "RIGHT": 3, "DOWN": 2, "LEFT": 1}.get(orientation or "UP", 0)
    return np.roll(clockwise, -(start + shift) % 4, axis=0)


def ink_fraction(gray: np.ndarray) -> float:
    small = cv2.resize(gray, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    _, dark = cv2.threshold(small, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    # Otsu on a blank page splits paper noise in two: demand real contrast as well.
    if float(small.max()) - float(small.min()) < 60:
        return 0.0
    return float(np.count_nonzero(dark)) / dark.size
