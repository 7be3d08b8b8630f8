"""The dates of one month's ordering round: forms out, deadline, supplier order, deliveries.

The rhythm follows the members' budget: forms go out just after social benefits are paid
(``jour_bons``), orders are collected until ``jour_limite``, the association orders from the
suppliers shortly after, and each pickup site receives its share on its usual weekday.

Working days are Monday to Friday minus French public holidays (metropolitan France, as the
``holidays`` package defines them without a subdivision): the volunteers who collect forms
and the suppliers who take orders do not work on those days.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import holidays

from cagettes.core.errors import MonthError
from cagettes.core.i18n import DEFAULT_LANG, N_, Messages, translate
from cagettes.core.model import Site

ONE_DAY = dt.timedelta(days=1)
ONE_WEEK = dt.timedelta(days=7)
# Opening freezes prices and members: further ahead than this, they would be frozen too early.
MAX_MONTHS_AHEAD = 2

_MESSAGES: Messages = {
    "bad_month": N_("mois invalide « {text} » : écrivez l'année puis le mois en chiffres, par exemple 2026-12"),
    "inverted": N_("{month} : la date limite ({deadline}) tombe avant l'envoi des bons ({forms}) ; écartez davantage jour_bons et jour_limite dans cagettes.toml"),
}

_MONTH_PATTERN = re.compile(r"(\d{4})-(\d{1,2})")


@dataclass(frozen=True)
class CalendarRules:
    """The ``[calendrier]`` section of cagettes.toml, in English; defaults match the sample."""

    forms_day: int = 5  # day of month the forms go out (when social benefits are paid)
    deadline_day: int = 15  # day of month orders must be returned by
    order_delay_days: int = 1  # working days from the deadline to the supplier order
    delivery_delay_days: int = 7  # calendar days, at least, from supplier order to delivery


@dataclass(frozen=True)
class Delivery:
    date: dt.date
    opens: dt.time
    closes: dt.time


@dataclass(frozen=True)
class MonthCalendar:
    month: str  # "YYYY-MM"
    forms_date: dt.date
    deadline: dt.date
    supplier_order_date: dt.date
    # hash=False: a dict cannot be hashed, and equality is all that callers need.
    deliveries: dict[str, Delivery] = field(hash=False)


def parse_month(text: str, lang: str = DEFAULT_LANG) -> tuple[int, int]:
    """"2026-12" -> (2026, 12); anything else is a MonthError the CLI can show as is."""
    match = _MONTH_PATTERN.fullmatch(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise MonthError(translate(_MESSAGES, "bad_month", lang, text=text))
    return int(match.group(1)), int(match.group(2))


def months_ahead(today: dt.date, year: int, month: int) -> int:
    """How many months ``year-month`` is after today's month (negative: before it)."""
    return (year - today.year) * 12 + month - today.month


def first_closing_day(deadline: dt.date) -> dt.date:
    """Forms may still come back on the deadline itself: a month is closed from the day after."""
    return deadline + ONE_DAY


def french_holidays(year: int) -> holidays.HolidayBase:
    """Public holidays of metropolitan France; the object extends itself to later years on
    lookup, so a December round whose deliveries fall in January is still covered."""
    return holidays.France(years=(year, year + 1))


def is_working_day(day: dt.date, public_holidays: holidays.HolidayBase) -> bool:
    return day.weekday() < 5 and day not in public_holidays


def next_working_day(day: dt.date, public_holidays: holidays.HolidayBase) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day, public_holidays):
        day += ONE_DAY
    return day


def previous_working_day(day: dt.date, public_holidays: holidays.HolidayBase) -> dt.date:
    """``day`` itself when it is a working day, else the last working day before it."""
    while not is_working_day(day, public_holidays):
        day -= ONE_DAY
    return day


def add_working_days(day: dt.date, count: int, public_holidays: holidays.HolidayBase) -> dt.date:
    """The ``count``-th working day after ``day`` (``day`` itself when count is 0)."""
    for _ in range(count):
        day = next_working_day(day + ONE_DAY, public_holidays)
    return day


def delivery_date(earliest: dt.date, weekday: int, public_holidays: holidays.HolidayBase) -> dt.date:
    """First date on or after ``earliest`` that is ``weekday`` and not a public holiday.

    A holiday skips a whole week rather than a day: members know their site by its weekday
    and its opening hours, and the site itself is closed on holidays.
    """
    day = earliest + dt.timedelta(days=(weekday - earliest.weekday()) % 7)
    while day in public_holidays:
        day += ONE_WEEK
    return day


def month_calendar(year: int, month: int, sites: Sequence[Site], rules: CalendarRules) -> MonthCalendar:
    public_holidays = french_holidays(year)
    # Forms move forward: benefits are paid on the day or after, never before, so sending
    # forms earlier would reach members before they can budget their order.
    forms_date = next_working_day(dt.date(year, month, rules.forms_day), public_holidays)
    # The deadline moves back, not forward: the supplier order and every site's delivery are
    # counted from it, so a later deadline would push the whole chain past what was announced.
    deadline = previous_working_day(dt.date(year, month, rules.deadline_day), public_holidays)
    label = f"{year:04d}-{month:02d}"
    if deadline < forms_date:
        raise MonthError(translate(_MESSAGES, "inverted", month=label, deadline=deadline, forms=forms_date))
    order_date = add_working_days(deadline, rules.order_delay_days, public_holidays)
    earliest = order_date + dt.timedelta(days=rules.delivery_delay_days)
    deliveries = {
        site.code: Delivery(delivery_date(earliest, site.weekday, public_holidays), site.opens, site.closes)
        for site in sites
    }
    return MonthCalendar(label, forms_date, deadline, order_date, deliveries)
