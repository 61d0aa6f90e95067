from __future__ import annotations

from datetime import date

import pytest

from revsight.core import periods
from revsight.core.errors import InvalidInput

AS_OF = date(2026, 4, 15)


@pytest.mark.parametrize(
    ("period_id", "start", "end"),
    [
        ("2026-W09", date(2026, 2, 23), date(2026, 3, 1)),
        ("2026-W01", date(2025, 12, 29), date(2026, 1, 4)),
        ("2026-03", date(2026, 3, 1), date(2026, 3, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-Q1", date(2026, 1, 1), date(2026, 3, 31)),
        ("2026-Q4", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
        ("2026-H2", date(2026, 7, 1), date(2026, 12, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        ("2026-YTD", date(2026, 1, 1), AS_OF),
        ("2025-YTD", date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_period_ids_name_calendar_spans(period_id: str, start: date, end: date) -> None:
    period = periods.parse(period_id, AS_OF)
    assert (period.start, period.end) == (start, end)


def test_a_fiscal_year_starting_in_april_moves_quarters_and_years() -> None:
    assert periods.parse("2026-Q1", AS_OF, 4).start == date(2026, 4, 1)
    assert periods.parse("2026-Q4", AS_OF, 4).end == date(2027, 3, 31)
    assert periods.parse("2026", AS_OF, 4).end == date(2027, 3, 31)
    assert periods.containing("quarter", date(2026, 2, 10), 4).id == "2025-Q4"
    assert periods.containing("ytd", date(2026, 5, 2), 4).start == date(2026, 4, 1)
    assert periods.parse("2026-H2", AS_OF, 4) == periods.Period(
        "2026-H2", "half", date(2026, 10, 1), date(2027, 3, 31)
    )
    assert periods.containing("half", date(2026, 2, 10), 4).id == "2025-H2"
    assert periods.following(periods.parse("2026-H2", AS_OF, 4), 4).id == "2027-H1"


@pytest.mark.parametrize("bad", ["2026-13", "2026-W54", "26-03", "March", "2026-Q5", "2026-H3", ""])
def test_a_bad_period_id_says_what_is_accepted(bad: str) -> None:
    with pytest.raises(InvalidInput, match="period"):
        periods.parse(bad, AS_OF)


@pytest.mark.parametrize(
    ("period_id", "earlier"),
    [
        ("2026-02", ["2025-11", "2025-12", "2026-01"]),
        ("2026-Q1", ["2025-Q2", "2025-Q3", "2025-Q4"]),
        ("2026-W02", ["2025-W52", "2026-W01"]),
        ("2026-YTD", ["2024-YTD", "2025-YTD"]),
    ],
)
def test_trend_periods_are_the_ones_just_before(period_id: str, earlier: list[str]) -> None:
    period = periods.parse(period_id, AS_OF)
    assert [p.id for p in periods.previous(period, len(earlier))] == earlier


def test_last_years_ytd_covers_the_same_span() -> None:
    (last,) = periods.previous(periods.parse("2026-YTD", AS_OF), 1)
    assert (last.start, last.end) == (date(2025, 1, 1), date(2025, 4, 15))
