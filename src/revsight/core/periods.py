"""Reporting periods: ISO weeks, months, quarters, years and year-to-date.

Ids: `2026-W09` (ISO week), `2026-03` (month), `2026-Q1` (quarter), `2026-H1` (half-year: the
fiscal year's first two quarters), `2026` (year) and `2026-YTD` (the year's start up to the
as-of date). Quarters and years follow the organisation's
fiscal-year start month and are named by the calendar year in which they start: with an April
start, `2026` runs from 2026-04-01 to 2027-03-31 and `2026-Q1` is April to June 2026.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from revsight.core.errors import InvalidInput

_PATTERNS = {
    "week": re.compile(r"^(\d{4})-W(\d{2})$"),
    "month": re.compile(r"^(\d{4})-(\d{2})$"),
    "quarter": re.compile(r"^(\d{4})-Q([1-4])$"),
    "half": re.compile(r"^(\d{4})-H([12])$"),
    "ytd": re.compile(r"^(\d{4})-YTD$"),
    "year": re.compile(r"^(\d{4})$"),
}


@dataclass(frozen=True)
class Period:
    id: str
    kind: str  # week, month, quarter, half, year, ytd
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def month_index(day: date) -> int:
    """Months since year 0: consecutive months have consecutive indices."""
    return day.year * 12 + day.month - 1


def month_of(index: int) -> date:
    """The first day of the month with this `month_index`."""
    return date(index // 12, index % 12 + 1, 1)


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` after (or before) the day's month."""
    return month_of(month_index(day) + months)


def shift(day: date, months: int) -> date:
    """The same day `months` months away, clamped to the end of a shorter month."""
    first = add_months(day, months)
    return first.replace(day=min(day.day, _days_in_month(first)))


def months_spanned(period: Period) -> int:
    """How many calendar months a period touches."""
    return month_index(period.end) - month_index(period.start) + 1


def fiscal_year_start(year: int, start_month: int) -> date:
    return date(year, start_month, 1)


# The days Revsight computes for: periods, trends and horizons are reckoned years either side
# of a day, so one near the calendar's ends would overflow. Every door checks a day it is given.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def check_year(field: str, year: int, shown: str | None = None) -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        message = f"must be a year from {FIRST_YEAR} to {LAST_YEAR}"
        raise InvalidInput(field, shown if shown is not None else str(year), message)
    return year


def check_day(field: str, day: date) -> date:
    """The day itself, or `InvalidInput` when Revsight does not compute for it."""
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput(
            field, day.isoformat(), f"must be a day from {FIRST_YEAR}-01-01 to {LAST_YEAR}-12-31"
        )
    return day


def parse_day(field: str, raw: Any, example: str = "2026-03-31") -> date | None:
    """A day as typed (`2026-03-31`, nothing else) or given, checked by `check_day`; None when
    blank (the caller says whether it may be)."""
    if isinstance(raw, date):
        return check_day(field, raw)
    text = "" if raw is None else str(raw).strip()
    if not text:
        return None
    try:
        parsed = date.fromisoformat(text)
    except ValueError:
        parsed = None
    if parsed is None or len(text) != 10:
        raise InvalidInput(field, text, f"must be a date such as {example}")
    return check_day(field, parsed)


def parse(period_id: str, as_of: date, fiscal_start_month: int = 1) -> Period:
    """The period an id names. YTD ends on the as-of date (or its year's end, if earlier)."""
    text = period_id.strip().upper()
    for kind, pattern in _PATTERNS.items():
        match = pattern.match(text)
        if match:
            return _build(kind, match.groups(), as_of, fiscal_start_month, text)
    raise InvalidInput(
        "period",
        period_id,
        "is not a period id; use 2026-W09, 2026-03, 2026-Q1, 2026-H1, 2026 or 2026-YTD",
    )


def _build(kind: str, parts: tuple[str, ...], as_of: date, fiscal: int, text: str) -> Period:
    year = check_year("period", int(parts[0]), text)
    if kind == "week":
        week = int(parts[1])
        try:
            start = date.fromisocalendar(year, week, 1)
        except ValueError:
            raise InvalidInput("period", text, f"{year} has no ISO week {week}") from None
        return Period(text, kind, start, start + timedelta(days=6))
    if kind == "month":
        month = int(parts[1])
        if not 1 <= month <= 12:
            raise InvalidInput("period", text, "has no such month")
        start = date(year, month, 1)
        return Period(text, kind, start, add_months(start, 1) - timedelta(days=1))
    year_start = fiscal_year_start(year, fiscal)
    if kind == "quarter":
        start = add_months(year_start, 3 * (int(parts[1]) - 1))
        return Period(text, kind, start, add_months(start, 3) - timedelta(days=1))
    if kind == "half":
        start = add_months(year_start, 6 * (int(parts[1]) - 1))
        return Period(text, kind, start, add_months(start, 6) - timedelta(days=1))
    year_end = add_months(year_start, 12) - timedelta(days=1)
    if kind == "year":
        return Period(text, kind, year_start, year_end)
    return Period(text, "ytd", year_start, min(as_of, year_end))


def containing(kind: str, day: date, fiscal_start_month: int = 1) -> Period:
    """The period of a kind (week, month, quarter, year, ytd) that contains a day."""
    if kind == "week":
        iso = day.isocalendar()
        return parse(f"{iso.year}-W{iso.week:02d}", day)
    if kind == "month":
        return parse(f"{day:%Y-%m}", day)
    fiscal_year = day.year if day.month >= fiscal_start_month else day.year - 1
    if kind in ("year", "ytd"):
        suffix = "-YTD" if kind == "ytd" else ""
        return parse(f"{fiscal_year}{suffix}", day, fiscal_start_month)
    months_in = (day.year * 12 + day.month) - (fiscal_year * 12 + fiscal_start_month)
    if kind == "quarter":
        return parse(f"{fiscal_year}-Q{months_in // 3 + 1}", day, fiscal_start_month)
    if kind == "half":
        return parse(f"{fiscal_year}-H{months_in // 6 + 1}", day, fiscal_start_month)
    raise InvalidInput("period kind", kind, "must be week, month, quarter, half, year or ytd")


def previous(period: Period, count: int, fiscal_start_month: int = 1) -> list[Period]:
    """The `count` periods of the same kind before `period`, oldest first. The year-to-date
    trend compares the same span of earlier years."""
    result: list[Period] = []
    current = period
    for _ in range(count):
        if current.kind == "ytd":
            start = add_months(current.start, -12)
            end = add_months(current.end.replace(day=1), -12)
            end = end.replace(day=min(current.end.day, _days_in_month(end)))
            label = f"{int(current.id[:4]) - 1}-YTD"
            current = Period(label, "ytd", start, end)
        else:
            current = containing(
                current.kind, current.start - timedelta(days=1), fiscal_start_month
            )
        result.append(current)
    return list(reversed(result))


def _days_in_month(day: date) -> int:
    return (add_months(day.replace(day=1), 1) - timedelta(days=1)).day


# Pacing: how much of a period has gone by on a day, in selling days (Monday to Friday) or in
# calendar days, as the organisation chooses (`Organisation.pacing`).
PACING_BASES = {"selling": "selling days (Monday to Friday)", "calendar": "calendar days"}


def selling_days(start: date, end: date) -> int:
    """Weekdays (Monday to Friday) from `start` to `end`, both included; 0 when end < start."""
    if end < start:
        return 0
    weeks, extra = divmod((end - start).days + 1, 7)
    return weeks * 5 + sum(1 for n in range(extra) if (start + timedelta(n)).weekday() < 5)


def days_elapsed(period: Period, as_of: date, basis: str = "selling") -> tuple[int, int]:
    """(days gone by, days in all) of a period at the end of `as_of`, counting selling days or
    calendar days: the as-of day itself has gone by."""
    last = min(as_of, period.end)
    if basis == "calendar":
        return max((last - period.start).days + 1, 0), period.days
    if basis != "selling":
        raise InvalidInput("pacing", basis, f"must be one of: {', '.join(PACING_BASES)}")
    return selling_days(period.start, last), selling_days(period.start, period.end)


def elapsed_share(period: Period, as_of: date, basis: str = "selling") -> float:
    """The share of a period gone by at the end of `as_of` (0.0 before it starts, 1.0 once it
    has ended)."""
    gone, total = days_elapsed(period, as_of, basis)
    return gone / total if total else (1.0 if as_of >= period.end else 0.0)


def is_complete(period: Period, as_of: date) -> bool:
    """Whether a period has ended by the end of `as_of`."""
    return as_of >= period.end


def following(period: Period, fiscal_start_month: int = 1) -> Period:
    """The period of the same kind after `period` (a year-to-date: the next year's, in full)."""
    kind = "year" if period.kind == "ytd" else period.kind
    return containing(kind, period.end + timedelta(days=1), fiscal_start_month)


def last_completed(kind: str, as_of: date, fiscal_start_month: int = 1) -> Period:
    """The latest period of a kind that has ended by the end of `as_of`: the one containing
    `as_of` when that is its last day, else the one before."""
    current = containing(kind, as_of, fiscal_start_month)
    if is_complete(current, as_of):
        return current
    return containing(kind, current.start - timedelta(days=1), fiscal_start_month)


def year_earlier(period: Period, fiscal_start_month: int = 1) -> Period:
    """The same period a year before: the same ISO week number (the last week of a year with
    no such week), month, quarter, fiscal year or span of a year to date."""
    if period.kind == "ytd":
        return previous(period, 1, fiscal_start_month)[0]
    if period.kind == "week":
        year, week = int(period.id[:4]) - 1, int(period.id[-2:])
        last_week = date(year, 12, 28).isocalendar().week
        return parse(f"{year}-W{min(week, last_week):02d}", period.start)
    return containing(period.kind, shift(period.start, -12), fiscal_start_month)
