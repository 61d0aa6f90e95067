"""A dashboard's figures: a metric's value against its goal, paced through the period, read in
the metric's direction, and beside the period it is compared with.

- **Pacing**: a metric that builds up through the period (`Metric.accumulates`: bookings, deals
  won, activities) is measured against its goal to date — the goal × the share of the period's
  selling days (or calendar days: `Organisation.pacing`) gone by at the end of the as-of day —
  beside the goal for the whole period.
- **Direction**: green or red comes from `Metric.good`, so a sales cycle or days sales
  outstanding above its goal is red.
- **Complete periods**: forecast accuracy and bias score a month's (or a quarter's) commit
  against its bookings, so they are shown for the last period that has ended, never for the one
  in progress (`scored_period`), with the average of the last six complete months.
- **Comparison**: the previous period, or the same period a year earlier, as it stood the same
  number of days into it (all of it, once the current period is complete); the change is
  coloured in the metric's direction too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from revsight.analytics.catalogue import BY_ID
from revsight.analytics.computation import Result
from revsight.core import periods
from revsight.core.errors import InvalidInput

Value = float | int | None
COMPARISONS = {"previous": "the previous period", "last_year": "the same period last year"}
AVERAGED_MONTHS = 6


@dataclass(frozen=True)
class Pace:
    """Where a building-up metric should stand by the as-of day."""

    goal_to_date: float
    gap_to_date: float
    on_pace: bool | None  # in the metric's direction
    elapsed: int  # selling (or calendar) days gone by, the as-of day included
    total: int  # in the whole period
    basis: str  # selling | calendar


@dataclass(frozen=True)
class Comparison:
    """The period a dashboard is compared with, and the day it is seen as of."""

    kind: str  # previous | last_year
    period: periods.Period
    as_of: date

    @property
    def label(self) -> str:
        if self.as_of >= self.period.end:
            return self.period.id
        return f"{self.period.id} (to {self.as_of:%-d %b})"


@dataclass(frozen=True)
class Figure:
    """One metric for the scope: its value, goal, gap, the previous period and the trend."""

    id: str
    name: str
    unit: str
    value: Value
    goal: float | None
    gap: float | None
    previous: Value
    trend: list[tuple[str, Value]]
    drill: str = ""  # the kind of records behind it (`won`, `pipeline`, …)
    better: str = "higher"
    good: bool | None = None  # against the goal to date when paced, else the goal
    pace: Pace | None = None
    period: str = ""  # the period it is for, when not the dashboard's (forecast accuracy)
    average: Value = None  # forecast accuracy over the last six complete months
    compared: Value = None  # in the comparison period
    compared_with: str = ""  # which: `2026-11`, `2025-12 to 1 Dec`
    change: Value = None  # value − compared (percentage points for a ratio)
    improved: bool | None = None  # the change read in the metric's direction; None: no change


def pace(
    metric_id: str,
    value: Value,
    goal: float | None,
    period: periods.Period,
    as_of: date,
    basis: str,
) -> Pace | None:
    """The goal to date of a metric that builds up through the period; None for any other
    metric, or without a goal."""
    metric = BY_ID[metric_id]
    if not metric.accumulates or goal is None:
        return None
    elapsed, total = periods.days_elapsed(period, as_of, basis)
    to_date = round(goal * periods.elapsed_share(period, as_of, basis), 2)
    gap = round(float(value or 0) - to_date, 2)
    return Pace(to_date, gap, metric.good(value or 0, to_date), elapsed, total, basis)


def figure(
    result: Result,
    metric_id: str,
    key: str,
    *,
    trend: bool = True,
    basis: str = "selling",
    period_id: str = "",
) -> Figure:
    """The figure of one metric and key in a result, paced to the result's as-of day."""
    row = next(r for r in result.rows if r.metric == metric_id and r.key == key)
    history = row.trend if trend else None
    points = list(zip([p.id for p in result.trend_periods], history or [], strict=False))
    metric = BY_ID[metric_id]
    paced = pace(metric_id, row.value, row.goal, result.period, result.as_of, basis)
    return Figure(
        metric_id,
        metric.name,
        metric.unit,
        row.value,
        row.goal,
        row.gap,
        history[-1] if history else None,
        points,
        better=metric.better,
        good=paced.on_pace if paced else metric.good(row.value, row.goal),
        pace=paced,
        period=period_id,
    )


def compared(figure: Figure, value: Value, label: str) -> Figure:
    """The figure beside its value in the comparison period (named by `label`), and whether
    it has moved the way its metric is better (a shorter cycle, a higher win rate)."""
    change, improved = None, None
    if figure.value is not None and value is not None:
        change = round(float(figure.value) - float(value), 6)
        improved = BY_ID[figure.id].good(figure.value, value) if change else None
    return replace(figure, compared=value, change=change, compared_with=label, improved=improved)


def scored_period(period: periods.Period, as_of: date, fiscal: int) -> periods.Period:
    """The period forecast accuracy and bias are shown for: the last complete quarter on a
    quarter's dashboard, else the last complete month."""
    kind = "quarter" if period.kind == "quarter" else "month"
    return periods.last_completed(kind, as_of, fiscal)


def average(values: list[Value]) -> Value:
    """The mean of the values that are defined; None when none is."""
    known = [float(v) for v in values if v is not None]
    return round(sum(known) / len(known), 4) if known else None


def comparison(kind: str, period: periods.Period, as_of: date, fiscal: int) -> Comparison:
    """The period to compare with, seen as of the same number of days into it as `as_of` is
    into `period` (its last day at the latest)."""
    if kind not in COMPARISONS:
        raise InvalidInput("compare", kind, f"must be one of: {', '.join(COMPARISONS)}")
    if kind == "previous":
        other = periods.previous(period, 1, fiscal)[0]
    else:
        other = periods.year_earlier(period, fiscal)
    day = other.start + timedelta(days=(min(as_of, period.end) - period.start).days)
    return Comparison(kind, other, min(day, other.end) if as_of < period.end else other.end)
