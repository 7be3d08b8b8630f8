"""Dates and opening hours written out in full, as members read them on forms and posters.

Style choices (printed text, read by people who may not read easily):

* French dates: "mardi 22 décembre 2026", with the ordinal "1er" for the first of the month,
  as French typography requires ("vendredi 1er janvier 2027").
* French hours: "14 h – 17 h", "9 h 30 – 12 h". Plain spaces, not the narrow no-break spaces
  of strict typography: they survive copy-paste, CSV exports and every font, and the PDF
  templates keep a slot on one line themselves. The range uses an en dash (U+2013).
* English: "Tuesday 22 December 2026" (day before month, as in the UK and in France) and
  24-hour times "14:00 – 17:00": the same clock as the French signs on the site's door, and
  no am/pm ambiguity around noon.

An unknown language falls back to French, like ``cagettes.i18n.translate``.
"""
from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from cagettes.core.i18n import DEFAULT_LANG, LANGS

# Babel's locale for our language codes; another language of LANGS (one added later) goes to
# Babel by its code, and a code cagettes does not know is written in French.
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}
EN_DASH = "\u2013"


def _locale(lang: str) -> str:
    return _LOCALES.get(lang) or (lang if lang in LANGS else _LOCALES[DEFAULT_LANG])


def today() -> dt.date:
    """The computer's date: the one place the calendar's guard rails read the clock (the services
    take ``today`` as a parameter, so that a test gives its own)."""
    return dt.date.today()


def long_date(day: dt.date, lang: str = DEFAULT_LANG) -> str:
    """"mardi 22 décembre 2026" / "Tuesday 22 December 2026"."""
    # Babel has no ordinal for French days, so "1er" goes in as a quoted literal.
    day_field = "'1er'" if day.day == 1 and _locale(lang) == _LOCALES["fr"] else "d"
    return format_date(day, f"EEEE {day_field} MMMM y", locale=_locale(lang))


def time_of_day(moment: dt.time, lang: str = DEFAULT_LANG) -> str:
    """"14 h", "9 h 30" in French; "14:00", "09:30" in English."""
    if _locale(lang) != _LOCALES["fr"]:
        return f"{moment.hour:02d}:{moment.minute:02d}"
    return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"


def hours(opens: dt.time, closes: dt.time, lang: str = DEFAULT_LANG) -> str:
    """"14 h – 17 h" / "14:00 – 17:00"."""
    return f"{time_of_day(opens, lang)} {EN_DASH} {time_of_day(closes, lang)}"


def long_slot(day: dt.date, opens: dt.time, closes: dt.time, lang: str = DEFAULT_LANG) -> str:
    """"mardi 22 décembre 2026, 14 h – 17 h": a delivery as printed on forms and posters."""
    return f"{long_date(day, lang)}, {hours(opens, closes, lang)}"


def local_time(moment: dt.datetime, with_year: bool = True) -> str:
    """A stored moment (UTC; SQLite gives it back without a zone) on this computer's clock:
    "27/11/2026 01:41", or "27/11 01:41" without the year."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone().strftime("%d/%m/%Y %H:%M" if with_year else "%d/%m %H:%M")


def month_name(year: int, month: int, lang: str = DEFAULT_LANG) -> str:
    """"décembre 2026" / "December 2026" (stand-alone form: no capital in French)."""
    return format_date(dt.date(year, month, 1), "LLLL y", locale=_locale(lang))
