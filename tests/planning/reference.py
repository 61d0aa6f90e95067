"""The capacity model of issue 16, written again from its statement, loop by loop, so the
tests check `planning.capacity` against a second reading rather than against itself."""

from __future__ import annotations

from datetime import date


def months_between(first: date, day: date) -> int:
    return (day.year - first.year) * 12 + day.month - first.month


def ramp_share(ramp: list[float], tenure_month: int) -> float:
    if tenure_month < 1:
        return 0.0
    return ramp[min(tenure_month, len(ramp)) - 1]


def month_capacity(
    month: date,
    plan_start: date,
    quota: float,
    attrition: float,
    ramp: list[float],
    team: list[tuple[date | None, float]],  # (hire date, attainment)
    hires: list[date],  # start months
    hire_attainment: float,
) -> tuple[float, float]:
    """(effective salespeople, capacity) in one month."""
    s = (1 - attrition) ** (1 / 12)
    reps = capacity = 0.0
    for hire_date, attainment in team:
        tenure = 10_000 if hire_date is None else months_between(hire_date, month) + 1
        share = ramp_share(ramp, tenure) * s ** months_between(plan_start, month)
        reps += share
        capacity += quota * attainment * share
    for start in hires:
        if month < start:
            continue
        share = ramp_share(ramp, months_between(start, month) + 1) * s ** months_between(
            start, month
        )
        reps += share
        capacity += quota * hire_attainment * share
    return reps, capacity
