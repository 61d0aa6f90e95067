"""The recommended forecast of a period as known today: the combined forecast (combined.py) of
what each method says of the period now, each weighed by its record at the matching horizon of
the organisation's backtest (the last twelve monthly origins).

Every method forecasts the whole period: what has closed so far plus its figure for the rest.
The statistical forecast, the CRM-weighted pipeline and the commit say so already; the methods
that forecast a month as a whole (the average of the last three months, the leading
indicators) count the share of each month still ahead, so on a month's first day each method
says exactly what the backtest scored it on. Later in the month the record still ranks the
methods, and what has closed is known to all of them alike.

The record is the whole organisation's, for a team too: a team has fewer deals, and a method's
record on them would mostly be noise.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from revsight.core.periods import Period, add_months, month_index, month_of, months_spanned
from revsight.forecasting import combined, indicators
from revsight.forecasting.backtest import (
    CONVERSION_HISTORY,
    MIN_LESSONS,
    History,
    Outcome,
    pipeline_gap,
)
from revsight.forecasting.scores import Distribution, Skip
from revsight.forecasting.statistical import Lesson

NO_SUBMISSIONS = "no forecast submissions for this period yet"


@dataclass(frozen=True)
class Part:
    """One method's figure for the period and the share of the recommended forecast it carries;
    or why it says nothing."""

    method: str
    forecast: float | None
    weight: float
    skipped: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "forecast": None if self.forecast is None else round(self.forecast, 2),
            "weight": round(self.weight, 4),
            "skipped": self.skipped,
        }


@dataclass(frozen=True)
class Recommendation:
    p50: float
    p10: float | None
    p90: float | None
    horizon: str | None  # the backtest horizon the weights come from; None: none matches
    origins: int  # earlier origins the weights were learnt from (0: the methods' median)
    parts: list[Part]  # heaviest first, then the methods that said nothing

    def as_json(self) -> dict[str, Any]:
        def money(value: float | None) -> float | None:
            return None if value is None else round(value, 2)

        return {
            "p10": money(self.p10),
            "p50": money(self.p50),
            "p90": money(self.p90),
            "horizon": self.horizon,
            "origins": self.origins,
            "methods": [part.as_json() for part in self.parts],
        }


def horizon_of(period: Period, as_of: date) -> str | None:
    """The backtest horizon a forecast of `period` made at the end of `as_of` stands for: the
    month under way (or one a month or two ahead), or three months."""
    offset = month_index(period.start) - month_index(as_of + timedelta(days=1))
    length = months_spanned(period)
    if length == 3:
        return "quarter"
    if length == 1 and offset <= 2:
        return ("month", "month+1", "month+2")[max(offset, 0)]
    return None


@dataclass(frozen=True)
class Known:
    """What the outlook of a period has found that the methods read."""

    period: Period
    as_of: date
    closed: float
    statistical: Distribution | None
    commit: float | None
    weighted_pipeline: float  # closed + the open pipeline × stage probability
    lessons: Sequence[Lesson]


def methods_now(history: History, known: Known) -> dict[str, Outcome]:
    """What each method says of the whole period as known at the end of the day, or why it
    says nothing."""
    gap = pipeline_gap(history, known.as_of)
    return {
        "statistical": known.statistical
        if known.statistical is not None
        else Skip(f"{len(known.lessons)} earlier periods to learn from ({MIN_LESSONS} needed)"),
        "leading_indicators": _leading_indicators(history, known),
        "rep_commit": Skip(NO_SUBMISSIONS) if known.commit is None else known.commit,
        "weighted_pipeline": gap or known.weighted_pipeline,
        "trailing_mean": _trailing_mean(history, known),
        "pipeline_conversion": gap or _pipeline_conversion(history, known),
    }


def _months_ahead(period: Period, as_of: date) -> list[tuple[date, float]]:
    """Each month of the period with the share of its days still ahead after `as_of`."""
    shares = []
    for index in range(month_index(period.start), month_index(period.end) + 1):
        first = month_of(index)
        last = add_months(first, 1) - timedelta(days=1)
        start, end = max(first, period.start, as_of + timedelta(days=1)), min(last, period.end)
        if start <= end:
            shares.append((first, ((end - start).days + 1) / ((last - first).days + 1)))
    return shares


def _whole_months(known: Known, month: Callable[[date], float | None]) -> float | None:
    """Closed so far plus each month's figure × the share of it still ahead; None when a
    month has no figure."""
    total = known.closed
    for first, share in _months_ahead(known.period, known.as_of):
        figure = month(first)
        if figure is None:
            return None
        total += figure * share
    return total


def _trailing_mean(history: History, known: Known) -> float:
    origin = add_months(known.as_of + timedelta(days=1), 0)
    months = [
        (add_months(origin, -n), add_months(origin, -n + 1) - timedelta(days=1)) for n in (1, 2, 3)
    ]
    mean = sum(history.bookings(start, end) for start, end in months) / 3
    found = _whole_months(known, lambda _: mean)
    return known.closed if found is None else found


def _leading_indicators(history: History, known: Known) -> Outcome:
    origin = month_index(known.as_of + timedelta(days=1))

    def month(first: date) -> float | None:
        predicted = indicators.predict_month(history.series, origin, month_index(first))
        return None if predicted is None else predicted[0]

    found = _whole_months(known, month)
    if found is None:
        return Skip(
            "too few months of bookings and activity counts per ramped salesperson to learn "
            f"from ({indicators.MIN_MONTHS} needed)"
        )
    return found


def _pipeline_conversion(history: History, known: Known) -> Outcome:
    """The pipeline expected to close in the rest of the period × the share of such pipeline
    won at the same moment of the earlier periods, plus their run-rate of deals created and
    won within the period."""
    used = list(known.lessons)[-CONVERSION_HISTORY:]
    if not used:
        return Skip("no earlier period to learn the conversion from")
    entered, won = 0.0, 0.0
    for lesson in used:
        for deal in lesson.deals:
            if deal.close is not None and lesson.target.start <= deal.close <= lesson.target.end:
                entered += deal.amount
                won += deal.amount if deal.id in lesson.won else 0.0
    if not entered:
        return Skip(f"no pipeline was expected to close in the {len(used)} earlier periods")
    rest = Period(
        "rest", "window", max(known.as_of + timedelta(days=1), known.period.start), known.period.end
    )
    start = sum(amount for amount, _ in history.pipeline(known.as_of, rest).values())
    run_rate = sum(lesson.new_business for lesson in used) / len(used)
    return known.closed + start * won / entered + run_rate


def recommend(
    methods: Mapping[str, Outcome], horizon: str | None, record: Mapping[str, combined.Past]
) -> Recommendation | None:
    """The combined forecast of the methods' figures, weighed by their record; None when no
    method says anything."""
    found = combined.combine(
        methods, record, record["combined"].forecasts if "combined" in record else []
    )
    if isinstance(found, Skip):
        return None
    points = combined.points_of(methods)
    # A method trimmed for its poor record keeps its figure on the page, at no weight.
    shares = dict.fromkeys(points, 0.0) | combined.weights(combined.trimmed(points, record), record)
    parts = sorted(
        (Part(method, value, shares[method]) for method, value in points.items()),
        key=lambda part: (-part.weight, part.method),
    )
    parts += [
        Part(method, None, 0.0, outcome.reason)
        for method, outcome in methods.items()
        if isinstance(outcome, Skip)
    ]
    origins = {f.origin for past in record.values() for f in past.forecasts}
    if isinstance(found, Distribution):
        return Recommendation(found.p50, found.p10, found.p90, horizon, len(origins), parts)
    return Recommendation(found, None, None, horizon, len(origins), parts)
