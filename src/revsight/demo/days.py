"""Vectorised calendar arithmetic on day numbers (days since 1970-01-01) for the generator."""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt

IntArray = npt.NDArray[np.int64]


def day_number(value: date) -> int:
    return int(np.datetime64(value, "D").astype(np.int64))


def to_date(day: int) -> date:
    result: date = np.datetime64(int(day), "D").astype(object)
    return result


def month_index(days: IntArray) -> IntArray:
    """Months since 1970-01 for each day number."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def month_start(months: IntArray) -> IntArray:
    """Day number of the first day of each month index."""
    return (
        np.asarray(months, dtype="int64")
        .astype("datetime64[M]")
        .astype("datetime64[D]")
        .astype(np.int64)
    )


def calendar_month(months: IntArray) -> IntArray:
    """1..12 for each month index."""
    return np.asarray(months, dtype=np.int64) % 12 + 1


def weekday(days: IntArray) -> IntArray:
    """Monday = 0 … Sunday = 6 (1970-01-01 was a Thursday)."""
    return (np.asarray(days, dtype=np.int64) + 3) % 7


def next_weekday_on_or_after(days: IntArray) -> IntArray:
    """Move Saturdays and Sundays to the following Monday."""
    wd = weekday(days)
    return days + np.where(wd == 5, 2, np.where(wd == 6, 1, 0))


def previous_weekday_before(days: IntArray) -> IntArray:
    """The last weekday strictly before each day."""
    prior = np.asarray(days, dtype=np.int64) - 1
    wd = weekday(prior)
    return prior - np.where(wd == 5, 1, np.where(wd == 6, 2, 0))
