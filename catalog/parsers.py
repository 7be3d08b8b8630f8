"""Cell parsers: one stripped, non-empty cell text in, one model value out.

Each parser either returns the value or raises ``CellError`` naming a message key of
``catalog.messages``; the caller locates and translates it. Parsers are lenient about what
spreadsheets and people actually produce (``2,50 €``, ``14 h 30``, ``Régulier``, ``12.0``).
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from babel import Locale

from cagettes.core import members
from cagettes.core.i18n import LANGS
from cagettes.forms.pictos import MAX_CODES, picto_path

Parser = Callable[[str], object]

CODE_MAX_CHARS = 32  # characters: codes name output files (FIVES.pdf); far below any file-name limit
MAX_EUROS = Decimal(10_000)  # euros: above any product price or supplier minimum of a food collective


class CellError(ValueError):
    """A cell that cannot be understood: message key plus the values the message shows."""

    def __init__(self, key: str, **params: object):
        super().__init__(key)
        self.key = key
        self.params = params


def fold(text: str) -> str:
    """Lower case, no accents, no spaces or punctuation: how headers and keywords are compared."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", bare.casefold())


def text(value: str) -> str:
    return value


# C0 and C1 controls but tab, line feed and carriage return, which a cell holds legitimately
# (Alt+Enter breaks a line in an address) and which print as spaces; then the bidi overrides and
# isolates, which make a name or an address read in another order than it is stored.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")


# Letters lost on the way: written as "?" by a program saving in an encoding that lacks them
# (Excel's plain CSV is Windows-1252: "?????" for an Arabic name, "Fran?oise"), or as U+FFFD by
# one reading bytes it could not decode. A "?" between letters of a web address is no loss.
_LOST_LETTERS = re.compile(r"\?{2,}|(?<=[^\W\d_])\?(?=[^\W\d_])|\ufffd")
_ADDRESS = re.compile(r"[/@]")


def check_characters(value: str) -> None:
    """Refuse the invisible characters no one types on purpose (a NUL, a right-to-left override),
    and text that was decoded in the wrong encoding somewhere between the keyboard and here."""
    fixed = _misdecoded(value)
    if fixed:
        raise CellError("misdecoded", value=value, fixed=fixed)
    if _LOST_LETTERS.search(value) and not _ADDRESS.search(value):
        raise CellError("lost_letters", value=value)
    for pattern, key in ((_CONTROLS, "control_char"), (_BIDI, "bidi_char")):
        found = pattern.search(value)
        if found:
            raise CellError(key, code=f"U+{ord(found[0]):04X}")


def _misdecoded(value: str) -> str:
    """The text before UTF-8 bytes were read as Windows-1252 or Latin-1 ("Ã©" for "é"), or "".

    Only such a misreading gives text whose characters, written back in that encoding, are valid
    UTF-8: a genuine accented letter alone (é is one byte there) never is."""
    if value.isascii():
        return ""
    for encoding in ("cp1252", "latin-1"):
        try:
            fixed = value.encode(encoding).decode("utf-8")
        except UnicodeError:
            continue
        return fixed
    return ""


_CODE = re.compile(r"[A-Za-z0-9_-]+")


def code(value: str) -> str:
    """A site, supplier or product code: it becomes a file name, so no path characters."""
    if not _CODE.fullmatch(value):
        raise CellError("code_bad", value=value)
    if len(value) > CODE_MAX_CHARS:
        raise CellError("code_too_long", value=value, length=len(value), high=CODE_MAX_CHARS)
    return value


def euros(kind: str) -> Parser:
    """Amount in euros; ``kind`` ("price" or "amount") picks the wording of errors."""

    def parse(value: str) -> Decimal:
        number = _decimal(value)
        if number is None:
            raise CellError(f"{kind}_not_number", value=value)
        if number < 0:
            raise CellError(f"{kind}_negative", value=value)
        if number > MAX_EUROS:  # also keeps quantize() within the 28 digits of Decimal's context
            raise CellError(f"{kind}_too_big", value=value, high=MAX_EUROS)
        cents = number.quantize(Decimal("0.01"))
        # Spreadsheets store 2,3 as the float 2.2999999999999998: tolerate that noise only.
        if abs(cents - number) > Decimal("0.000001"):
            raise CellError(f"{kind}_cents", value=value)
        return cents

    return parse


def _decimal(value: str) -> Decimal | None:
    cleaned = re.sub(r"(?i)\s|€|euros?|eur", "", value)
    if "," in cleaned and "." in cleaned:
        # Whichever comes last is the decimal mark; the other separates thousands.
        thousands = "." if cleaned.rfind(",") > cleaned.rfind(".") else ","
        cleaned = cleaned.replace(thousands, "")
    cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern above already rules this out
        return None


def integer(low: int, high: int | None = None) -> Parser:
    """Whole number in [low, high]; ``12.0`` is accepted because spreadsheets write it so."""

    def parse(value: str) -> int:
        number = _decimal(value)
        if number is None or number != number.to_integral_value():
            raise CellError("int_not_integer", value=value, low=low)
        if number < low or (high is not None and number > high):
            key = "int_too_small" if high is None else "int_out_of_range"
            raise CellError(key, value=value, low=low, high=high)
        return int(number)

    return parse


_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def weekday(value: str) -> int:
    try:
        return _WEEKDAYS.index(fold(value))
    except ValueError:
        raise CellError("weekday_bad", value=value) from None


# 14:00, 14h, 14 h 30, 9h30, 14.30, 14, 14:00:00, and "1899-12-30 14:00:00" from time cells.
_TIME = re.compile(
    r"(?:\d{4}-\d{2}-\d{2}[ T])?(\d{1,2})(?:\s*[:hH.]\s*(\d{2})?(?:\s*:\s*\d{2}(?:\.\d+)?)?)?"
)


def time_of_day(value: str) -> dt.time:
    match = _TIME.fullmatch(value.strip())
    if not match:
        raise CellError("time_bad", value=value)
    hour, minute = int(match[1]), int(match[2] or 0)
    if hour > 23 or minute > 59:
        raise CellError("time_bad", value=value)
    return dt.time(hour, minute)


def tags(value: str) -> tuple[str, ...]:
    """Tags are compared by machines downstream, so "Protéine" and "proteine" must be one tag."""
    return tuple(dict.fromkeys(fold(t) for t in re.split(r"[,;]", value) if fold(t)))


def keyword(choices: dict[str, str], error: str) -> Parser:
    """One of a few words, written in any case and with or without accents."""

    def parse(value: str) -> str:
        try:
            return choices[fold(value)]
        except KeyError:
            raise CellError(error, value=value) from None

    return parse


def language_names() -> dict[str, str]:
    """Every way a spreadsheet may name a language of LANGS: "fr", "français", "French", "francais"…"""
    names = {}
    for code in LANGS:
        for name in (code, *(Locale.parse(code).get_display_name(side) for side in (code, *LANGS))):
            names[fold(name or code)] = code
    return names


language = keyword(language_names(), "language_bad")
lab_status = keyword(
    {"essai": "essai", "regulier": "regulier", "retire": "retire"},
    "status_bad",
)
_YES_NO = {"oui": True, "yes": True, "1": True, "x": True, "vrai": True, "true": True,
           "non": False, "no": False, "0": False, "faux": False, "false": False}


def yes_no(value: str) -> bool:
    try:
        return _YES_NO[fold(value)]
    except KeyError:
        raise CellError("yes_no_bad", value=value) from None


def member_number(value: str) -> str:
    """Digits 0-9, written as every member number is (``core.members``): 41 is 0041."""
    if value.isdigit() and not value.isascii():
        # ٤٢ is a number to Python, but forms have 0-9 grids to tick: no one could write it there.
        raise CellError("member_number_digits", value=value)
    # An .ods number cell reaches us as "41.0": it is the member LibreOffice turned 0041 into.
    digits = re.fullmatch(r"([0-9]{1,6})(?:\.0+)?", value)
    if digits is None:
        raise CellError("member_number_bad", value=value)
    return members.member_number(digits[1])


def email(value: str) -> str:
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value):
        raise CellError("email_bad", value=value)
    return value


def picto(value: str) -> str:
    """OpenMoji code such as ``1F95A`` (or the emoji itself), checked against installed SVGs."""
    code = _picto_code(value)
    for candidate in (code, code.replace("-FE0F", "")):
        # OpenMoji names files without the trailing emoji-presentation selector.
        if picto_path(candidate) is not None:
            return candidate
    raise CellError("picto_unknown", value=value, code=code)


def _picto_code(value: str) -> str:
    ascii_code = re.sub(r"(?i)u\+", "", value).strip()
    if ascii_code.isascii():
        parts = [p for p in re.split(r"[\s\-_]+", ascii_code) if p]
        if not parts or not all(re.fullmatch(r"[0-9A-Fa-f]{2,6}", p) for p in parts):
            raise CellError("picto_malformed", value=value)
        codes = [p.upper().lstrip("0").zfill(4) for p in parts]
    elif any(ord(c) < 0x80 and not c.isspace() for c in value):
        raise CellError("picto_malformed", value=value)
    else:
        codes = [f"{ord(c):04X}" for c in value if not c.isspace()]
    if len(codes) > MAX_CODES:
        raise CellError("picto_too_long", value=value, count=len(codes), high=MAX_CODES)
    return "-".join(codes)
