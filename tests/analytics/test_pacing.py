"""Goals to date: a goal pro-rated by the selling days (or calendar days) gone by, the way a
sales leader reads "are we on pace" on the 1st and the 20th of a month."""

from __future__ import annotations

from datetime import date

import pytest

from revsight.analytics.dashboard_figures import comparison, pace, scored_period
from revsight.core import periods

JUNE = periods.parse("2026-06", date(2026, 6, 30))  # starts on a Monday: 22 selling days
DECEMBER = periods.parse("2026-12", date(2026, 12, 31))  # starts on a Tuesday: 23 selling days


@pytest.mark.parametrize(
    ("period", "day", "selling", "calendar"),
    [
        (JUNE, date(2026, 6, 1), (1, 22), (1, 30)),
        (JUNE, date(2026, 6, 20), (15, 22), (20, 30)),  # a Saturday
        (JUNE, date(2026, 6, 30), (22, 22), (30, 30)),
        (DECEMBER, date(2026, 12, 1), (1, 23), (1, 31)),
        (DECEMBER, date(2026, 12, 20), (14, 23), (20, 31)),  # a Sunday
        (DECEMBER, date(2027, 1, 5), (23, 23), (31, 31)),
        (DECEMBER, date(2026, 11, 30), (0, 23), (0, 31)),
    ],
)
def test_days_gone_by_count_the_as_of_day(
    period: periods.Period, day: date, selling: tuple[int, int], calendar: tuple[int, int]
) -> None:
    assert periods.days_elapsed(period, day, "selling") == selling
    assert periods.days_elapsed(period, day, "calendar") == calendar


def test_selling_days_are_monday_to_friday() -> None:
    assert periods.selling_days(date(2026, 6, 6), date(2026, 6, 7)) == 0  # a weekend
    assert periods.selling_days(date(2026, 1, 1), date(2026, 12, 31)) == 261
    assert periods.selling_days(date(2026, 6, 2), date(2026, 6, 1)) == 0


@pytest.mark.parametrize(
    ("day", "basis", "to_date"),
    [
        (date(2026, 6, 1), "selling", 10_000.0),  # 220,000 × 1 / 22
        (date(2026, 6, 20), "selling", 150_000.0),  # 220,000 × 15 / 22
        (date(2026, 6, 1), "calendar", 7_333.33),  # 220,000 × 1 / 30
        (date(2026, 6, 20), "calendar", 146_666.67),  # 220,000 × 20 / 30
    ],
)
def test_a_months_bookings_goal_to_date(day: date, basis: str, to_date: float) -> None:
    paced = pace("bookings", 120_000.0, 220_000.0, JUNE, day, basis)
    assert paced is not None
    assert paced.goal_to_date == to_date
    assert paced.gap_to_date == round(120_000.0 - to_date, 2)
    assert paced.on_pace is (to_date <= 120_000.0)


def test_the_first_of_december_is_one_of_23_selling_days() -> None:
    paced = pace("bookings", 43_900.0, 2_415_200.0, DECEMBER, date(2026, 12, 1), "selling")
    assert paced is not None
    assert paced.goal_to_date == 105_008.70  # 2,415,200 / 23
    assert paced.on_pace is False
    on_the_20th = pace("won_count", 12, 23, DECEMBER, date(2026, 12, 20), "selling")
    assert on_the_20th is not None
    assert on_the_20th.goal_to_date == 14.0  # 23 × 14 / 23
    assert on_the_20th.on_pace is False


def test_lost_deals_are_on_pace_while_below_their_goal_to_date() -> None:
    paced = pace("lost_count", 3, 22, JUNE, date(2026, 6, 20), "selling")
    assert paced is not None
    assert (paced.goal_to_date, paced.on_pace) == (15.0, True)


def test_only_metrics_that_build_up_are_paced() -> None:
    day = date(2026, 6, 20)
    assert pace("win_rate", 0.3, 0.35, JUNE, day, "selling") is None
    assert pace("average_order_value", 9_000.0, 10_000.0, JUNE, day, "selling") is None
    assert pace("pipeline_value", 1.0, 2.0, JUNE, day, "selling") is None
    assert pace("bookings", 1.0, None, JUNE, day, "selling") is None


@pytest.mark.parametrize(
    ("kind", "day", "scored"),
    [
        ("month", date(2026, 12, 1), "2026-11"),
        ("month", date(2026, 12, 20), "2026-11"),
        ("month", date(2026, 11, 30), "2026-11"),  # its last day: complete
        ("quarter", date(2026, 12, 1), "2026-Q3"),
        ("quarter", date(2026, 12, 31), "2026-Q4"),
        ("week", date(2026, 12, 1), "2026-11"),
        ("ytd", date(2026, 12, 1), "2026-11"),
    ],
)
def test_forecasts_are_scored_on_the_last_complete_period(
    kind: str, day: date, scored: str
) -> None:
    period = periods.containing(kind, day)
    assert scored_period(period, day, 1).id == scored


def test_a_comparison_is_seen_the_same_number_of_days_in() -> None:
    previous = comparison("previous", DECEMBER, date(2026, 12, 20), 1)
    assert (previous.period.id, previous.as_of, previous.label) == (
        "2026-11",
        date(2026, 11, 20),
        "2026-11 (to 20 Nov)",
    )
    last_year = comparison("last_year", JUNE, date(2026, 6, 30), 1)
    assert (last_year.period.id, last_year.as_of, last_year.label) == (
        "2025-06",
        date(2025, 6, 30),
        "2025-06",
    )
    # 31 days in: the 30-day month before is seen whole.
    march = periods.parse("2026-03", date(2026, 3, 31))
    assert comparison("previous", march, date(2026, 3, 31), 1).as_of == date(2026, 2, 28)


def test_the_same_period_last_year() -> None:
    day = date(2026, 12, 1)
    assert periods.year_earlier(periods.parse("2026-W53", day), 1).id == "2025-W52"
    assert periods.year_earlier(periods.parse("2026-Q2", day, 4), 4).id == "2025-Q2"
    assert periods.year_earlier(periods.parse("2026", day), 1).id == "2025"
    assert periods.following(periods.parse("2026-12", day), 1).id == "2027-01"
