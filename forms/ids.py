"""Signed page identifiers: what the QR codes on every printed page hold.

Text form (QR alphanumeric alphabet only, so the code stays small: version 2-M at most)::

    EC1-202612-K7Q2-00421-1-7KQ2M3XP9A
    │   │      │    │     │ └ signature: HMAC-SHA256 over everything before it, 50 bits, base32
    │   │      │    │     └ page number within the form (1-based)
    │   │      │    └ form number within the month (members and walk-ins alike)
    │   │      └ workspace tag: tells "another association's page" from "forged"
    │   └ month YYYYMM
    └ "EC" + layout version: pages printed by an incompatible layout are refused, not misread

The signature uses the workspace secret, so a page from another workspace, another month, or
with a hand-edited number is recognised as such instead of being counted.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass

LAYOUT_VERSION = 1
SAMPLE_PREFIX = "EC-MODELE-"  # then the month as YYYYMM (sample_code)
SIGNATURE_CHARS = 10  # 50 bits: forging one page takes ~10^15 tries
_PATTERN = re.compile(r"^EC(\d)-(\d{6})-([A-Z2-7]{4})-(\d{5})-(\d{1,2})-([A-Z2-7]{10})$")
# The same fields run together, as a volunteer may type them without the dashes.
_TYPED = re.compile(r"^EC(\d)(\d{6})([A-Z0-9]{4})(\d{5})(\d{1,2})([A-Z0-9]{10})$")
# Base32 has no 0, 1 or 8: typed where a letter must be, they are the letters they look like.
_LOOK_ALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


class PageIdError(ValueError):
    """Why a decoded text is not one of our valid page identifiers (``reason`` is a code)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason  # not_ours | sample_form | layout_version | other_workspace | bad_signature | other_month


@dataclass(frozen=True)
class PageId:
    month: str  # "YYYY-MM"
    form: int
    page: int
    layout_version: int = LAYOUT_VERSION

    def encode(self, secret: str) -> str:
        body = f"EC{self.layout_version}-{self.month.replace('-', '')}-{workspace_tag(secret)}-{self.form:05d}-{self.page}"
        return f"{body}-{_sign(secret, body)}"


def workspace_tag(secret: str) -> str:
    digest = hashlib.sha256(b"cagettes-workspace\0" + secret.encode()).digest()
    return _b32(digest)[:4]


def sample_code(month: str) -> str:
    """The code of the public site's sample form: no signature, no form, no one's name. A sample
    printed at home, filled in and handed in is then told apart from a stranger's QR code."""
    return f"{SAMPLE_PREFIX}{month.replace('-', '')}"


def decode(text: str, secret: str, month: str | None = None) -> PageId:
    """Parse and verify; raise PageIdError with the precise reason when it can't be trusted."""
    if text.strip().startswith(SAMPLE_PREFIX):
        raise PageIdError("sample_form", text.strip()[:60])
    match = _PATTERN.match(text.strip())
    if not match:
        raise PageIdError("not_ours", text[:60])
    version, yyyymm, tag, form, page, signature = match.groups()
    if int(version) != LAYOUT_VERSION:
        raise PageIdError("layout_version", version)
    if tag != workspace_tag(secret):
        raise PageIdError("other_workspace", tag)
    if not hmac.compare_digest(signature, _sign(secret, text.strip().rsplit("-", 1)[0])):
        raise PageIdError("bad_signature")
    page_id = PageId(f"{yyyymm[:4]}-{yyyymm[4:]}", int(form), int(page), int(version))
    if month is not None and page_id.month != month:
        raise PageIdError("other_month", page_id.month)
    return page_id


def canonical(typed: str) -> str:
    """An identifier as a volunteer copied it from the page (any case, with or without spaces
    or dashes, 0 for O) in the printed form, to be given to :func:`decode`; what does not
    have its fields comes back tidied only, and ``decode`` says why it is not ours."""
    compact = re.sub(r"[^A-Z0-9]", "", typed.upper())
    match = _TYPED.match(compact)
    if not match:
        return " ".join(typed.split()).upper()
    version, yyyymm, tag, form, page, signature = match.groups()
    tag, signature = tag.translate(_LOOK_ALIKES), signature.translate(_LOOK_ALIKES)
    return f"EC{version}-{yyyymm}-{tag}-{form}-{int(page)}-{signature}"


def written_month(text: str) -> str | None:
    """The month ("YYYY-MM") an identifier says it is for, unchecked: for messages about it."""
    match = _PATTERN.match(text.strip())
    return f"{match[2][:4]}-{match[2][4:]}" if match else None


def _sign(secret: str, body: str) -> str:
    mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).digest()
    return _b32(mac)[:SIGNATURE_CHARS]


def _b32(data: bytes) -> str:
    return base64.b32encode(data).decode().rstrip("=")
