"""Backtests: each forecasting method replayed from rolling monthly origins, scored against what
was then booked.

An origin is the first day of a month. A method forecasting from origin O sees only what was
known at the end of the day before O: the pipeline rebuilt from stage history as it stood then
(`measures.open_in_period` with that as-of date), submissions made by then, bookings closed by
then. Horizons: the origin's month (`month`), the next (`month+1`), the one after (`month+2`,
about 60 days out) and the three months from the origin (`quarter`). A forecast is scored only
once its whole target period is over.

Methods so far are the baselines every better method must beat:
- `trailing_mean`: the mean monthly bookings of the three months before the origin;
- `rep_commit`: the forecasters' latest commits for the target made by the origin's first day;
- `weighted_pipeline`: the pipeline expected to close in the target × each stage's probability;
- `pipeline_conversion`: that pipeline × the share of such pipeline won in the six earlier
  origins (scored ones only), plus the run-rate of deals created and won within a period.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from hashlib import sha256
from typing import Any

import pandas as pd

from revsight.analytics import measures
from revsight.analytics.context import Context
from revsight.analytics.engine import Engine, get_engine
from revsight.analytics.kept import keep, kept_already, version_stamp
from revsight.analytics.records import number
from revsight.analytics.scopes import Membership, membership
from revsight.analytics.weighting import weighted_total
from revsight.core import clock
from revsight.core.periods import Period, add_months
from revsight.core.progress import SILENT, Progress
from revsight.crm.models import Stage
from revsight.forecasting import indicators
from revsight.forecasting.rollup import latest_submissions
from revsight.forecasting.statistical import Lesson, OpenDeal, Residuals, forecast

HORIZONS: dict[str, tuple[int, int]] = {  # months after the origin, length in months
    "month": (0, 1),
    "month+1": (1, 1),
    "month+2": (2, 1),
    "quarter": (0, 3),
}
METHODS = (
    "statistical",
    "leading_indicators",
    "rep_commit",
    "weighted_pipeline",
    "trailing_mean",
    "pipeline_conversion",
)
MIN_LESSONS = 3
TRAINING_MONTHS = 12
CONVERSION_HISTORY = 6


def target_of(origin: date, horizon: str) -> Period:
    offset, length = HORIZONS[horizon]
    start = add_months(origin, offset)
    end = add_months(start, length) - timedelta(days=1)
    return Period(f"{start:%Y-%m}+{length}m", "window", start, end)


@dataclass
class Forecast:
    origin: date
    horizon: str
    method: str
    value: float  # the point forecast (the median, for a distribution)
    actual: float
    p10: float | None = None
    p90: float | None = None
    # (probability, won within the horizon) of each open deal, for the Brier score.
    deals: list[tuple[float, bool]] = field(default_factory=list)


@dataclass
class Distribution:
    p10: float
    p50: float
    p90: float
    deals: list[tuple[float, bool]]


RELIABILITY_BINS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)


def reliability(deals: list[tuple[float, bool]]) -> list[dict[str, Any]]:
    """Deal probabilities grouped by how high they were: in each band, how many deals, the mean
    probability given and the share actually won. Calibrated probabilities have the two close."""
    rows = []
    low = 0.0
    for high in RELIABILITY_BINS:
        inside = [(p, y) for p, y in deals if low <= p < high or (high == 1.0 and p == 1.0)]
        if inside:
            rows.append(
                {
                    "from": low,
                    "to": high,
                    "n": len(inside),
                    "predicted": round(sum(p for p, _ in inside) / len(inside), 4),
                    "observed": round(sum(1 for _, y in inside if y) / len(inside), 4),
                }
            )
        low = high
    return rows


def pinball(forecast: float, actual: float, quantile: float) -> float:
    error = actual - forecast
    return max(quantile * error, (quantile - 1) * error)


@dataclass
class Score:
    method: str
    horizon: str
    forecasts: list[Forecast] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        actual = sum(f.actual for f in self.forecasts)
        errors = [f.value - f.actual for f in self.forecasts]

        def within(share: float) -> float | None:
            scored = [f for f in self.forecasts if f.actual > 0]
            if not scored:
                return None
            hits = sum(1 for f in scored if abs(f.value - f.actual) <= share * f.actual)
            return round(hits / len(scored), 4)

        banded = [
            (f.p10, f.actual, f.p90)
            for f in self.forecasts
            if f.p10 is not None and f.p90 is not None
        ]
        covered = sum(1 for low, real, high in banded if low <= real <= high)
        deals = [pair for f in self.forecasts for pair in f.deals]

        def mean_pinball(quantile: float, pick: Callable[[Forecast], float | None]) -> Any:
            values = [pick(f) for f in self.forecasts]
            if not values or any(v is None for v in values):
                return None
            losses = [
                pinball(v, f.actual, quantile)
                for v, f in zip(values, self.forecasts, strict=True)
                if v is not None
            ]
            return round(sum(losses) / len(losses), 2)

        return {
            "method": self.method,
            "horizon": self.horizon,
            "n": len(self.forecasts),
            "wape": round(sum(abs(e) for e in errors) / actual, 4) if actual else None,
            "bias": round(sum(errors) / actual, 4) if actual else None,
            "within_5pct": within(0.05),
            "within_10pct": within(0.10),
            # Only a distribution has an interval: point forecasts leave these empty.
            "p10_p90_coverage": round(covered / len(banded), 4) if banded else None,
            "pinball_p10": mean_pinball(0.1, lambda f: f.p10),
            "pinball_p50": mean_pinball(0.5, lambda f: f.value),
            "pinball_p90": mean_pinball(0.9, lambda f: f.p90),
            "brier": round(sum((p - float(y)) ** 2 for p, y in deals) / len(deals), 4)
            if deals
            else None,
            "reliability": reliability(deals) if deals else None,
        }


class History:
    """What the methods read, fetched once: the won deals, and pipelines by as-of date."""

    def __init__(
        self,
        engine: Engine,
        as_of: date | None = None,
        members: Membership | None = None,
        version: str | None = None,
    ) -> None:
        self.engine = engine
        # The data's version: with the as-of date it seeds every simulation, so the same data
        # gives the same figures and a change to it draws afresh.
        self.version = version if version is not None else version_stamp()
        known = as_of or clock.today()
        everything = Period("history", "window", date(1900, 1, 1), known)
        self.members = members or membership("company", everything)
        # The deals the bookings metric counts (`measures.decided_deals`), over all history:
        # (id, close date, amount, created date).
        self.known, self.everything = known, everything
        ctx = Context.for_organisation(engine, everything, known, self.members)
        won = ctx.by_member(measures.decided_deals(ctx, ("won",)), "owner_id")
        frame = won.select("id", "close_date", "amount", "created_date").execute()
        # In date order whatever order the engine returns rows in (DuckDB's threads change
        # it from run to run): sums of amounts then add up in the same order every time.
        self.won: list[tuple[int, date, float, date]] = sorted(
            (
                (int(r.id), _as_date(r.close_date), _amount(r.amount), _as_date(r.created_date))
                for r in frame.itertuples()
            ),
            key=lambda row: (row[1], row[0]),
        )
        stages = list(Stage.objects.values_list("pk", "probability"))  # in stage order
        self.probability = {pk: float(p) for pk, p in stages}
        self.stage_rank = {pk: rank for rank, (pk, _) in enumerate(stages)}
        self._open: dict[date, list[OpenDeal]] = {}
        self.residuals: Residuals = {}

    @cached_property
    def series(self) -> indicators.Series:
        """Monthly activity counts, bookings and ramped salespeople over the whole history."""
        ctx = Context.for_organisation(self.engine, self.everything, self.known, self.members)
        counts = indicators.monthly_counts(ctx)
        bookings: dict[int, float] = {}
        for _, day, amount, _ in self.won:
            month = indicators.month_index(day)
            bookings[month] = bookings.get(month, 0.0) + amount
        months = [m for by_month in counts.values() for m in by_month] + list(bookings)
        first = min(months) if months else indicators.month_index(self.known)
        last = indicators.month_index(self.known)
        people = {user_id for user_id, _ in self.members.pairs}
        return indicators.Series(
            counts, bookings, indicators.ramped_salespeople(range(first, last + 1), people), first
        )

    def seed(self, as_of: date, *parts: str) -> int:
        """The simulation's seed for a forecast made as of that day (and `parts`: the horizon,
        the period): the same for the same data, another after any change to it."""
        digest = sha256(":".join([as_of.isoformat(), self.version, *parts]).encode()).digest()
        return int.from_bytes(digest[:8], "big")

    def _context(self, period: Period, as_of: date) -> Context:
        return Context.for_organisation(self.engine, period, as_of, self.members)

    def open_deals(self, as_of: date) -> list[OpenDeal]:
        """Every deal open at the end of `as_of`, whatever its close date, as it stood then."""
        if as_of not in self._open:
            ctx = self._context(Period("any", "window", as_of, as_of), as_of)
            self._open[as_of] = open_deals(ctx)
        return self._open[as_of]

    def pipeline(self, as_of: date, target: Period) -> dict[int, tuple[float, int]]:
        """Deals open at the end of `as_of` expected to close in the target: amount, stage (the
        deals `measures.open_in_period` counts, read from the day's open deals)."""
        return {
            deal.id: (deal.amount, deal.stage_id)
            for deal in self.open_deals(as_of)
            if deal.close is not None and target.start <= deal.close <= target.end
        }

    def weighted_pipeline(self, as_of: date, target: Period) -> float:
        """That pipeline, each deal × its stage's probability (the CRM-weighted pipeline)."""
        return weighted_total(self.pipeline(as_of, target).values(), self.probability)

    def lesson(self, as_of: date, target: Period) -> Lesson:
        """The deals open at the end of `as_of` and what came of them in `target` (which must
        be over): the statistical model learns from it."""
        return Lesson(
            as_of,
            target,
            self.open_deals(as_of),
            self.won_in(target),
            self.bookings(target.start, target.end),
            self.new_business(as_of + timedelta(days=1), target),
        )

    def won_in(self, target: Period) -> set[int]:
        return {pk for pk, day, _, _ in self.won if target.start <= day <= target.end}

    def bookings(self, start: date, end: date) -> float:
        """Won amounts closed in [start, end]."""
        return sum(amount for _, day, amount, _ in self.won if start <= day <= end)

    def new_business(self, origin: date, target: Period) -> float:
        """Bookings in the target from deals created on or after the origin."""
        return sum(
            amount
            for _, day, amount, created in self.won
            if target.start <= day <= target.end and created >= origin
        )


Method = Callable[[History, date, str, list[date]], "float | Distribution | None"]


def _trailing_mean(history: History, origin: date, horizon: str, _: list[date]) -> float:
    months = [
        (add_months(origin, -n), add_months(origin, -n + 1) - timedelta(days=1)) for n in (1, 2, 3)
    ]
    mean = sum(history.bookings(s, e) for s, e in months) / 3
    return mean * HORIZONS[horizon][1]


def _rep_commit(history: History, origin: date, horizon: str, _: list[date]) -> float | None:
    """Latest commits made by the end of the origin's first day, for the target's month (or
    for the quarter, when the target is a fiscal quarter with submissions)."""
    target = target_of(origin, horizon)
    kind = "month" if HORIZONS[horizon][1] == 1 else "quarter"
    latest = latest_submissions(kind, target.start, origin)
    commits = [amount for (_, category), amount in latest.items() if category == "commit"]
    return sum(commits) if commits else None


def _weighted_pipeline(history: History, origin: date, horizon: str, _: list[date]) -> float:
    return history.weighted_pipeline(origin - timedelta(days=1), target_of(origin, horizon))


def _pipeline_conversion(
    history: History, origin: date, horizon: str, earlier: list[date]
) -> float | None:
    """Start pipeline × the share of start pipeline won in earlier scored periods of the same
    shape, plus what deals created inside such a period went on to close in it."""
    entered, won, run_rate = 0.0, 0.0, 0.0
    used = earlier[-CONVERSION_HISTORY:]
    for past in used:
        past_target = target_of(past, horizon)
        pipeline = history.pipeline(past - timedelta(days=1), past_target)
        won_ids = history.won_in(past_target)
        entered += sum(amount for amount, _ in pipeline.values())
        won += sum(amount for pk, (amount, _) in pipeline.items() if pk in won_ids)
        run_rate += history.new_business(past, past_target)
    if not used or not entered:
        return None
    start = history.pipeline(origin - timedelta(days=1), target_of(origin, horizon))
    return sum(amount for amount, _ in start.values()) * won / entered + run_rate / len(used)


def _statistical(
    history: History, origin: date, horizon: str, earlier: list[date]
) -> Distribution | None:
    """The win-probability model trained on the earlier scored origins (see statistical.py)."""
    lessons = [
        history.lesson(past - timedelta(days=1), target_of(past, horizon)) for past in earlier
    ]
    if len(lessons) < MIN_LESSONS:
        return None
    target = target_of(origin, horizon)
    deals = history.open_deals(origin - timedelta(days=1))
    seed = history.seed(origin - timedelta(days=1), horizon)
    prediction = forecast(
        lessons,
        deals,
        origin - timedelta(days=1),
        target,
        seed,
        history.stage_rank,
        residuals=history.residuals,
    )
    won = history.won_in(target)
    return Distribution(
        prediction.p10,
        prediction.p50,
        prediction.p90,
        [(p, d.id in won) for p, d in zip(prediction.probabilities, deals, strict=True)],
    )


def open_deals(ctx: Context) -> list[OpenDeal]:
    """Every deal in the context's members open at the end of its as-of date, as it stood."""
    state = ctx.by_member(measures.pipeline_state(ctx), "owner_id")
    state = state.filter(state.is_open)
    history = measures.deal_history(ctx, state.id)
    joined = state.left_join(history, state.id == history.opportunity_id)
    frame = joined.select(
        "id",
        "amount",
        "stage_id",
        "created_date",
        "close_date",
        "owner_id",
        "stage_entered",
        "pushes",
    ).execute()
    # Whole columns converted at once: a large organisation has 100,000 open deals a day.
    columns = (
        frame["id"].astype("int64").tolist(),
        frame["amount"].astype("float64").fillna(0.0).tolist(),
        frame["stage_id"].astype("int64").tolist(),
        _dates(frame["created_date"]),
        _dates(frame["close_date"]),
        frame["owner_id"].astype("int64").tolist(),
        _dates(frame["stage_entered"]),
        frame["pushes"].fillna(0).astype("int64").tolist(),
    )
    # By id, whatever order the engine returned them in: the simulation draws deal by deal and
    # the models sample and learn in this order, so it must be the same on every run.
    deals = [OpenDeal(*values) for values in zip(*columns, strict=True)]
    return sorted(deals, key=lambda deal: deal.id)


def _dates(column: Any) -> list[date | None]:
    """A column of dates or timestamps as plain dates, None where missing."""
    values = pd.to_datetime(column)
    return [None if pd.isna(v) else v.date() for v in values]


def _leading_indicators(
    history: History, origin: date, horizon: str, _: list[date]
) -> float | None:
    """Activity counts per ramped rep before the origin, through the lags chosen out of sample
    on earlier months (see indicators.py); a quarter is the sum of its months."""
    offset, length = HORIZONS[horizon]
    start = indicators.month_index(origin)
    total = 0.0
    for target in range(start + offset, start + offset + length):
        predicted = indicators.predict_month(history.series, start, target)
        if predicted is None:
            return None
        total += predicted[0]
    return total


def _as_date(value: Any) -> date:
    """A plain date from what an engine returns (a pandas Timestamp is a datetime)."""
    return value.date() if isinstance(value, datetime) else value


def _amount(value: Any) -> float:
    """An engine's amount as a float; a missing one (None or NaN) is 0."""
    return number(value) or 0.0


METHOD_FUNCTIONS: dict[str, Method] = {
    "statistical": _statistical,
    "leading_indicators": _leading_indicators,
    "rep_commit": _rep_commit,
    "weighted_pipeline": _weighted_pipeline,
    "trailing_mean": _trailing_mean,
    "pipeline_conversion": _pipeline_conversion,
}


def backtest(
    as_of: date,
    months: int = 12,
    engine: Engine | None = None,
    progress: Progress = SILENT,
) -> tuple[list[date], list[Score]]:
    """Scores of every method and horizon over the last `months` monthly origins whose
    target periods are over by the as-of date. `progress` hears each origin of each horizon
    (`months` × 4 of them at most)."""
    history = History(engine or get_engine(), as_of)
    current = as_of.replace(day=1)
    # Earlier origins are kept as training history for the methods that learn from it.
    candidates = [add_months(current, -n) for n in range(months + TRAINING_MONTHS, 0, -1)]
    scores = {(m, h): Score(m, h) for h in HORIZONS for m in METHODS}
    used: set[date] = set()
    progress.start(len(HORIZONS) * months, unit="origins", note="Backtesting the forecast methods")
    for horizon in HORIZONS:
        scored_origins = [o for o in candidates if target_of(o, horizon).end < current]
        kept = scored_origins[-months:]
        # Only the kept origins are forecast; the earlier ones are what the methods learn from.
        for origin in kept:
            target = target_of(origin, horizon)
            actual = history.bookings(target.start, target.end)
            # Earlier origins count as history only once their own target is over.
            earlier = [o for o in scored_origins if target_of(o, horizon).end < origin]
            for method, function in METHOD_FUNCTIONS.items():
                value = function(history, origin, horizon, earlier)
                if isinstance(value, Distribution):
                    scores[(method, horizon)].forecasts.append(
                        Forecast(
                            origin,
                            horizon,
                            method,
                            value.p50,
                            actual,
                            value.p10,
                            value.p90,
                            value.deals,
                        )
                    )
                elif value is not None:
                    scores[(method, horizon)].forecasts.append(
                        Forecast(origin, horizon, method, value, actual)
                    )
            progress.advance(1)
        used |= set(kept)
    return sorted(used), list(scores.values())


def _kept_name(as_of: date) -> str:
    return f"backtest:{as_of}"


def remember(as_of: date, origins: list[date], scores: list[Score]) -> None:
    """Keep the default backtest of the current data for the Forecast page."""
    keep(_kept_name(as_of), {"origins": origins, "rows": [score.as_json() for score in scores]})


def remembered(as_of: date) -> dict[str, Any] | None:
    """The backtest kept for the current data as of that day, if one was run."""
    found: dict[str, Any] | None = kept_already(_kept_name(as_of))
    return found
