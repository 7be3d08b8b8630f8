"""Month calendar around weekends and French public holidays, and dates written in full."""
from __future__ import annotations

import datetime as dt

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cagettes.core.calendar import (
    CalendarRules,
    Delivery,
    add_working_days,
    is_working_day,
    month_calendar,
    parse_month,
)
from cagettes.core.dates import hours, long_date, long_slot, month_name
from cagettes.core.errors import MonthError
from cagettes.core.model import Site

D = dt.date
MON, TUE, WED, THU, FRI, SAT, SUN = range(7)
WEEKDAY_CODES = ("LUN", "MAR", "MER", "JEU", "VEN", "SAM", "DIM")


def site(weekday: int, opens: dt.time = dt.time(14), closes: dt.time = dt.time(17)) -> Site:
    return Site(WEEKDAY_CODES[weekday], f"Site {weekday}", "centre social", "1 rue X", weekday, opens, closes)


ALL_WEEKDAYS = [site(w) for w in range(7)]


def delivery_dates(year: int, month: int, rules: CalendarRules) -> dict[str, D]:
    calendar = month_calendar(year, month, ALL_WEEKDAYS, rules)
    return {code: d.date for code, d in calendar.deliveries.items()}


# --- parse_month ----------------------------------------------------------------------------

def test_parse_month_accepts_year_dash_month():
    assert parse_month("2026-12") == (2026, 12)
    assert parse_month(" 2027-01 ") == (2027, 1)


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "12-2026", "déc", "", "2026/12", "2026-12-01"])
def test_parse_month_rejects_other_forms_with_an_example(text):
    with pytest.raises(MonthError) as caught:
        parse_month(text)
    assert "2026-12" in caught.value.message and "mois invalide" in caught.value.message


def test_parse_month_error_in_english():
    with pytest.raises(MonthError, match="invalid month"):
        parse_month("dec", lang="en")


# --- the month's key dates ----------------------------------------------------------------

def test_default_rules_in_may_2026_skip_pentecost_monday():
    calendar = month_calendar(2026, 5, ALL_WEEKDAYS, CalendarRules())
    assert calendar.month == "2026-05"
    assert calendar.forms_date == D(2026, 5, 5)
    assert calendar.deadline == D(2026, 5, 15)  # Friday after Ascension: a working day
    assert calendar.supplier_order_date == D(2026, 5, 18)
    # earliest delivery: Monday 25 May, Whit Monday -> a week later.
    assert calendar.deliveries["LUN"] == Delivery(D(2026, 6, 1), dt.time(14), dt.time(17))
    assert calendar.deliveries["MAR"].date == D(2026, 5, 26)


def test_forms_on_may_day_friday_move_to_monday():
    calendar = month_calendar(2026, 5, [], CalendarRules(forms_day=1, deadline_day=20))
    assert calendar.forms_date == D(2026, 5, 4)


def test_forms_on_victory_day_friday_move_to_monday():
    calendar = month_calendar(2026, 5, [], CalendarRules(forms_day=8, deadline_day=20))
    assert calendar.forms_date == D(2026, 5, 11)


def test_deadline_on_ascension_moves_back_and_order_skips_it():
    calendar = month_calendar(2026, 5, [], CalendarRules(forms_day=4, deadline_day=14, order_delay_days=1))
    assert calendar.deadline == D(2026, 5, 13)  # Wednesday before Ascension Thursday
    assert calendar.supplier_order_date == D(2026, 5, 15)  # Thursday 14 is no working day


def test_thursday_site_on_ascension_is_delivered_a_week_later():
    rules = CalendarRules(forms_day=1, deadline_day=5, order_delay_days=1, delivery_delay_days=7)
    dates = delivery_dates(2026, 5, rules)  # order Wednesday 6 May, earliest Wednesday 13
    assert dates["JEU"] == D(2026, 5, 21)
    assert dates["VEN"] == D(2026, 5, 15)


def test_friday_site_skips_two_holiday_fridays_in_a_row():
    # April round: order Tuesday 28 April, earliest Friday 1 May (holiday), then 8 May (holiday).
    rules = CalendarRules(forms_day=6, deadline_day=27, order_delay_days=1, delivery_delay_days=3)
    assert delivery_dates(2026, 4, rules)["VEN"] == D(2026, 5, 15)


def test_armistice_wednesday_moves_the_wednesday_site_a_week():
    rules = CalendarRules(forms_day=1, deadline_day=3, order_delay_days=1, delivery_delay_days=7)
    calendar = month_calendar(2026, 11, ALL_WEEKDAYS, rules)
    assert calendar.forms_date == D(2026, 11, 2)  # Sunday 1 Nov, All Saints' Day as well
    assert calendar.supplier_order_date == D(2026, 11, 4)
    assert calendar.deliveries["MER"].date == D(2026, 11, 18)
    assert calendar.deliveries["JEU"].date == D(2026, 11, 12)


def test_november_2026_deadline_on_sunday_moves_to_friday():
    calendar = month_calendar(2026, 11, [], CalendarRules())
    assert calendar.deadline == D(2026, 11, 13)
    assert calendar.supplier_order_date == D(2026, 11, 16)


def test_december_2026_christmas_and_new_year_fridays():
    calendar = month_calendar(2026, 12, ALL_WEEKDAYS, CalendarRules())
    assert calendar.forms_date == D(2026, 12, 7)  # Saturday 5 -> Monday 7
    assert calendar.deadline == D(2026, 12, 15)
    assert calendar.supplier_order_date == D(2026, 12, 16)
    # earliest Wednesday 23: Friday 25 Dec and Friday 1 Jan are both holidays.
    assert calendar.deliveries["VEN"].date == D(2027, 1, 8)
    assert calendar.deliveries["JEU"].date == D(2026, 12, 24)


def test_january_2027_forms_on_new_year_move_to_monday():
    calendar = month_calendar(2027, 1, [], CalendarRules(forms_day=1, deadline_day=15))
    assert calendar.forms_date == D(2027, 1, 4)
    assert calendar.supplier_order_date == D(2027, 1, 18)  # Friday deadline, order on Monday


def test_deadline_on_a_saturday_moves_to_friday():
    calendar = month_calendar(2026, 6, [], CalendarRules(forms_day=1, deadline_day=13))
    assert calendar.deadline == D(2026, 6, 12)


def test_deadline_on_assumption_saturday_moves_to_friday():
    calendar = month_calendar(2026, 8, [], CalendarRules())
    assert calendar.deadline == D(2026, 8, 14)


def test_forms_day_on_a_sunday_moves_to_monday():
    calendar = month_calendar(2026, 7, [], CalendarRules())
    assert calendar.forms_date == D(2026, 7, 6)


def test_no_order_delay_means_ordering_on_the_deadline():
    calendar = month_calendar(2027, 1, [], CalendarRules(order_delay_days=0))
    assert calendar.supplier_order_date == calendar.deadline == D(2027, 1, 15)


def test_deadline_before_forms_is_refused():
    # Forms: Friday 1 May is a holiday -> Monday 4; deadline 2 May (Saturday) -> Thursday 30 April.
    with pytest.raises(MonthError, match="2026-05"):
        month_calendar(2026, 5, [], CalendarRules(forms_day=1, deadline_day=2))


def test_site_hours_are_carried_to_its_delivery():
    morning = site(SAT, dt.time(9, 30), dt.time(12))
    calendar = month_calendar(2026, 12, [morning], CalendarRules())
    assert calendar.deliveries["SAM"] == Delivery(D(2026, 12, 26), dt.time(9, 30), dt.time(12))


def test_add_working_days_crosses_weekends_and_holidays():
    fr = holidays.France(years=2026)
    assert add_working_days(D(2026, 12, 24), 1, fr) == D(2026, 12, 28)
    assert add_working_days(D(2026, 12, 24), 0, fr) == D(2026, 12, 24)
    assert not is_working_day(D(2026, 7, 14), fr)


# --- invariants over ten years --------------------------------------------------------------

def _rules():
    """Rules as cagettes.toml allows them (ranges and the week-long order window)."""
    return st.integers(1, 21).flatmap(
        lambda forms: st.builds(
            CalendarRules,
            forms_day=st.just(forms),
            deadline_day=st.integers(forms + 7, 28),
            order_delay_days=st.integers(0, 10),
            delivery_delay_days=st.integers(1, 21),
        )
    )


@settings(max_examples=400, deadline=None, database=None)  # no .hypothesis/ left in the tree
@given(year=st.integers(2026, 2035), month=st.integers(1, 12), rules=_rules())
def test_calendar_invariants(year, month, rules):
    fr = holidays.France(years=range(year, year + 2))
    calendar = month_calendar(year, month, ALL_WEEKDAYS, rules)
    nominal_forms, nominal_deadline = D(year, month, rules.forms_day), D(year, month, rules.deadline_day)

    assert is_working_day(calendar.forms_date, fr) and calendar.forms_date >= nominal_forms
    assert not any(is_working_day(d, fr) for d in _days(nominal_forms, calendar.forms_date))
    assert is_working_day(calendar.deadline, fr) and calendar.deadline <= nominal_deadline
    assert not any(is_working_day(d, fr) for d in _days(calendar.deadline + dt.timedelta(1), nominal_deadline))
    assert calendar.forms_date < calendar.deadline

    order = calendar.supplier_order_date
    assert is_working_day(order, fr)
    between = _days(calendar.deadline + dt.timedelta(1), order + dt.timedelta(1))
    assert sum(is_working_day(d, fr) for d in between) == rules.order_delay_days

    earliest = order + dt.timedelta(days=rules.delivery_delay_days)
    for place in ALL_WEEKDAYS:
        day = calendar.deliveries[place.code].date
        assert day.weekday() == place.weekday and day not in fr and day >= earliest
        # Any earlier candidate on the site's weekday was a holiday.
        assert all(d in fr for d in _days(earliest, day) if d.weekday() == place.weekday)


def _days(start: D, stop: D):
    """Days from start included to stop excluded."""
    return [start + dt.timedelta(days=n) for n in range((stop - start).days)]


# --- dates written in full ----------------------------------------------------------------

def test_long_date_french_and_english():
    assert long_date(D(2026, 12, 22)) == "mardi 22 décembre 2026"
    assert long_date(D(2026, 12, 22), "en") == "Tuesday 22 December 2026"


def test_long_date_first_of_month_is_1er_in_french_only():
    assert long_date(D(2027, 1, 1)) == "vendredi 1er janvier 2027"
    assert long_date(D(2027, 1, 1), "en") == "Friday 1 January 2027"
    assert long_date(D(2027, 1, 11)) == "lundi 11 janvier 2027"


def test_hours_french_typographic_style_and_english_24_hour_clock():
    assert hours(dt.time(14), dt.time(17)) == "14 h – 17 h"
    assert hours(dt.time(9, 30), dt.time(12)) == "9 h 30 – 12 h"
    assert hours(dt.time(9, 5), dt.time(12, 45), "fr") == "9 h 05 – 12 h 45"
    assert hours(dt.time(14), dt.time(17), "en") == "14:00 – 17:00"
    assert hours(dt.time(9, 30), dt.time(12), "en") == "09:30 – 12:00"


def test_long_slot():
    assert long_slot(D(2026, 12, 22), dt.time(14), dt.time(17)) == "mardi 22 décembre 2026, 14 h – 17 h"
    assert long_slot(D(2026, 12, 22), dt.time(14), dt.time(17), "en") == "Tuesday 22 December 2026, 14:00 – 17:00"


def test_month_name():
    assert month_name(2026, 12) == "décembre 2026"
    assert month_name(2026, 12, "en") == "December 2026"
    assert month_name(2027, 8, "fr") == "août 2027"


def test_unknown_language_falls_back_to_french():
    assert long_date(D(2026, 12, 22), "de") == "mardi 22 décembre 2026"
