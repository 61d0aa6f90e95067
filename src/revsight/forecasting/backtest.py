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

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from revsight.analytics import measures
from revsight.analytics.context import Context, end_of_day_utc
from revsight.analytics.engine import Engine, get_engine
from revsight.analytics.periods import Period
from revsight.analytics.scopes import Membership, membership
from revsight.crm.models import Opportunity, Stage
from revsight.forecasting.models import ForecastSubmission
from revsight.forecasting.statistical import Lesson, OpenDeal, forecast
from revsight.org.models import Organisation

HORIZONS: dict[str, tuple[int, int]] = {  # months after the origin, length in months
    "month": (0, 1),
    "month+1": (1, 1),
    "month+2": (2, 1),
    "quarter": (0, 3),
}
METHODS = ("statistical", "rep_commit", "weighted_pipeline", "trailing_mean", "pipeline_conversion")
MIN_LESSONS = 3
TRAINING_MONTHS = 12
CONVERSION_HISTORY = 6


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


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
        }


class History:
    """What the methods read, fetched once: bookings by month, and pipelines by as-of date."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        organisation = Organisation.current()
        self.zone = organisation.time_zone
        self.fiscal = organisation.fiscal_year_start_month
        self.members: Membership | None = None
        # (id, close date, amount, created date) of every won deal.
        self.won: list[tuple[int, date, float, date]] = [
            (pk, closed, float(amount or 0), created)
            for pk, closed, amount, created in Opportunity.objects.filter(
                status="won", close_date__isnull=False
            ).values_list("id", "close_date", "amount", "created_date")
            if closed is not None
        ]
        self.probability = {
            pk: float(p) for pk, p in Stage.objects.values_list("pk", "probability")
        }
        self._pipelines: dict[tuple[date, date, date], dict[int, tuple[float, int]]] = {}
        self._open: dict[date, list[OpenDeal]] = {}

    def open_deals(self, as_of: date) -> list[OpenDeal]:
        """Every deal open at the end of `as_of`, whatever its close date, as it stood then."""
        if as_of not in self._open:
            period = Period("any", "window", as_of, as_of)
            if self.members is None:
                self.members = membership("company", period)
            ctx = Context(self.engine, period, as_of, self.members, self.zone, self.fiscal)
            state = ctx.by_member(measures.pipeline_state(ctx), "owner_id")
            frame = (
                state.filter(state.is_open)
                .select("id", "amount", "stage_id", "created_date", "close_date")
                .execute()
            )
            self._open[as_of] = [
                OpenDeal(
                    int(r.id),
                    float(r.amount) if r.amount == r.amount and r.amount is not None else 0.0,
                    int(r.stage_id),
                    _as_date(r.created_date),
                    _as_date(r.close_date) if r.close_date == r.close_date else None,
                )
                for r in frame.itertuples()
            ]
        return self._open[as_of]

    def won_in(self, target: Period) -> set[int]:
        return {pk for pk, day, _, _ in self.won if target.start <= day <= target.end}

    def bookings(self, start: date, end: date, known_on: date | None = None) -> float:
        """Won amounts closed in [start, end] (and by `known_on` when given)."""
        last = min(end, known_on) if known_on else end
        return sum(amount for _, day, amount, _ in self.won if start <= day <= last)

    def pipeline(self, as_of: date, target: Period) -> dict[int, tuple[float, int]]:
        """Deals open at the end of `as_of` expected to close in the target: amount, stage."""
        key = (as_of, target.start, target.end)
        if key not in self._pipelines:
            if self.members is None:
                self.members = membership("company", target)
            ctx = Context(self.engine, target, as_of, self.members, self.zone, self.fiscal)
            rows = ctx.by_member(measures.open_in_period(ctx), "owner_id")
            frame = rows.select("id", "amount", "stage_id").execute()
            self._pipelines[key] = {
                int(r.id): (float(r.amount) if r.amount == r.amount else 0.0, int(r.stage_id))
                for r in frame.itertuples()
            }
        return self._pipelines[key]


def _trailing_mean(history: History, origin: date, target: Period, _: list[date]) -> float:
    months = [
        (add_months(origin, -n), add_months(origin, -n + 1) - timedelta(days=1)) for n in (1, 2, 3)
    ]
    mean = sum(history.bookings(s, e) for s, e in months) / 3
    return mean * _months(target)


def _months(target: Period) -> int:
    return (target.end.year - target.start.year) * 12 + target.end.month - target.start.month + 1


def _rep_commit(history: History, origin: date, target: Period, _: list[date]) -> float | None:
    """Latest commits made by the end of the origin's first day, for the target's month(s)
    (or for the quarter, when the target is a fiscal quarter with submissions)."""
    boundary = end_of_day_utc(origin, history.zone).replace(tzinfo=UTC)
    kind = "month" if _months(target) == 1 else "quarter"
    rows = (
        ForecastSubmission.objects.filter(
            category="commit",
            period_type=kind,
            period_start=target.start,
            submitted_at__lt=boundary,
        )
        .order_by("user_id", "submitted_at", "id")
        .values_list("user_id", "amount")
    )
    latest: dict[int, float] = {}
    for user_id, amount in rows:
        latest[user_id] = float(amount)
    return sum(latest.values()) if latest else None


def _weighted_pipeline(history: History, origin: date, target: Period, _: list[date]) -> float:
    pipeline = history.pipeline(origin - timedelta(days=1), target)
    return sum(amount * history.probability.get(stage, 0.0) for amount, stage in pipeline.values())


def _pipeline_conversion(
    history: History, origin: date, target: Period, earlier: list[date]
) -> float | None:
    """Start pipeline × the share of start pipeline won in earlier scored periods of the same
    shape, plus what deals created inside such a period went on to close in it."""
    offset = (target.start.year - origin.year) * 12 + target.start.month - origin.month
    length = _months(target)
    ratios_in, ratios_won, run_rate = 0.0, 0.0, 0.0
    used = 0
    for past in earlier[-CONVERSION_HISTORY:]:
        past_target = target_of(past, _horizon(offset, length))
        pipeline = history.pipeline(past - timedelta(days=1), past_target)
        ratios_in += sum(amount for amount, _ in pipeline.values())
        won_ids = {
            pk for pk, day, _, _ in history.won if past_target.start <= day <= past_target.end
        }
        ratios_won += sum(amount for pk, (amount, _) in pipeline.items() if pk in won_ids)
        run_rate += sum(
            amount
            for _, day, amount, created in history.won
            if past_target.start <= day <= past_target.end and created >= past
        )
        used += 1
    if not used or not ratios_in:
        return None
    start_pipeline = history.pipeline(origin - timedelta(days=1), target)
    value = sum(amount for amount, _ in start_pipeline.values())
    return value * ratios_won / ratios_in + run_rate / used


def _statistical(
    history: History, origin: date, target: Period, earlier: list[date]
) -> Distribution | None:
    """The win-probability model trained on the earlier scored origins (see statistical.py)."""
    offset = (target.start.year - origin.year) * 12 + target.start.month - origin.month
    horizon = _horizon(offset, _months(target))
    lessons = []
    for past in earlier:
        past_target = target_of(past, horizon)
        won = history.won_in(past_target)
        lessons.append(
            Lesson(
                past - timedelta(days=1),
                past_target,
                history.open_deals(past - timedelta(days=1)),
                won,
                history.bookings(past_target.start, past_target.end),
                sum(
                    amount
                    for _, day, amount, created in history.won
                    if past_target.start <= day <= past_target.end and created >= past
                ),
            )
        )
    if len(lessons) < MIN_LESSONS:
        return None
    deals = history.open_deals(origin - timedelta(days=1))
    seed = origin.toordinal() * 10 + list(HORIZONS).index(horizon)
    p10, p50, p90, chances = forecast(lessons, deals, origin - timedelta(days=1), target, seed)
    won = history.won_in(target)
    return Distribution(
        p10, p50, p90, [(p, d.id in won) for p, d in zip(chances, deals, strict=True)]
    )


def _as_date(value: Any) -> date:
    """A plain date from what an engine returns (a pandas Timestamp is a datetime)."""
    return value.date() if isinstance(value, datetime) else value


def _horizon(offset: int, length: int) -> str:
    for name, shape in HORIZONS.items():
        if shape == (offset, length):
            return name
    raise KeyError((offset, length))


METHOD_FUNCTIONS: dict[
    str, Callable[[History, date, Period, list[date]], float | Distribution | None]
] = {
    "statistical": _statistical,
    "rep_commit": _rep_commit,
    "weighted_pipeline": _weighted_pipeline,
    "trailing_mean": _trailing_mean,
    "pipeline_conversion": _pipeline_conversion,
}


def backtest(
    as_of: date, months: int = 12, engine: Engine | None = None
) -> tuple[list[date], list[Score]]:
    """Scores of every method and horizon over the last `months` monthly origins whose
    target periods are over by the as-of date."""
    history = History(engine or get_engine())
    current = as_of.replace(day=1)
    # Earlier origins are kept as training history for the methods that learn from it.
    candidates = [add_months(current, -n) for n in range(months + TRAINING_MONTHS, 0, -1)]
    scores = {(m, h): Score(m, h) for m in METHODS for h in HORIZONS}
    used: set[date] = set()
    for horizon in HORIZONS:
        scored_origins: list[date] = []
        for origin in candidates:
            target = target_of(origin, horizon)
            if target.end >= current:
                continue
            actual = history.bookings(target.start, target.end)
            for method, function in METHOD_FUNCTIONS.items():
                # Earlier origins count as history only once their own target is over.
                earlier = [o for o in scored_origins if target_of(o, horizon).end < origin]
                value = function(history, origin, target, earlier)
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
            scored_origins.append(origin)
        kept = scored_origins[-months:]
        for method in METHODS:
            score = scores[(method, horizon)]
            score.forecasts = [f for f in score.forecasts if f.origin in set(kept)]
        used |= set(kept)
    by_horizon = defaultdict(list)
    for score in scores.values():
        by_horizon[score.horizon].append(score)
    ordered = [s for h in HORIZONS for s in by_horizon[h]]
    return sorted(used), ordered
