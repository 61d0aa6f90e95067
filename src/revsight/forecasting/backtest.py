"""Backtests: each forecasting method replayed from rolling monthly origins, scored against what
was then booked.

An origin is the first day of a month. A method forecasting from origin O sees only what was
known at the end of the day before O: the pipeline rebuilt from stage history as it stood then
(`measures.open_in_period` with that as-of date), submissions made by then, bookings closed by
then. Horizons: the origin's month (`month`), the next (`month+1`), the one after (`month+2`,
about 60 days out) and the three months from the origin (`quarter`). A forecast is scored only
once its whole target period is over.

Before the scored origins, WARM_UP earlier ones are forecast too but not scored: they give the
combination a record to weigh the methods by from the first scored origin on, as a leader
using Revsight for a year would have.

A method that cannot forecast at an origin says why (`Skip`): the backtest lists those origins
with the reason instead of scoring them. Origins before the first won deal are not scored at all,
nor learnt from: there is nothing yet to forecast from.

`combined` is the number Revsight recommends: the methods that forecast at an origin, weighted
by how they did on the origins already over (combined.py). The others are the statistical
model, the leading indicators, and the baselines every better method must beat:
- `trailing_mean`: the mean monthly bookings of the three months before the origin;
- `rep_commit`: the forecasters' latest commits for the target made by the origin's first day;
- `weighted_pipeline`: the pipeline expected to close in the target × each stage's probability;
- `pipeline_conversion`: that pipeline × the share of such pipeline won in the six earlier
  origins (scored ones only), plus the run-rate of deals created and won within a period.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from revsight.analytics.engine import Engine, get_engine
from revsight.analytics.kept import keep, kept, kept_already
from revsight.core import periods
from revsight.core.models import Organisation
from revsight.core.periods import Period, add_months, month_index
from revsight.core.progress import SILENT, Progress
from revsight.forecasting import combined, indicators
from revsight.forecasting.history import History, open_deals
from revsight.forecasting.rollup import latest_submissions
from revsight.forecasting.scores import Distribution, Forecast, Score, Skip
from revsight.forecasting.statistical import Part, forecast_parts

__all__ = ["History", "open_deals"]  # read from here by the outlook and the tests

HORIZONS: dict[str, tuple[int, int]] = {  # months after the origin, length in months
    "month": (0, 1),
    "month+1": (1, 1),
    "month+2": (2, 1),
    "quarter": (0, 3),
}
METHODS = (
    "combined",
    "statistical",
    "leading_indicators",
    "rep_commit",
    "weighted_pipeline",
    "trailing_mean",
    "pipeline_conversion",
)
MIN_LESSONS = 3
TRAINING_MONTHS = 12
WARM_UP = 8
CONVERSION_HISTORY = 6


def target_of(origin: date, horizon: str) -> Period:
    offset, length = HORIZONS[horizon]
    start = add_months(origin, offset)
    end = add_months(start, length) - timedelta(days=1)
    return Period(f"{start:%Y-%m}+{length}m", "window", start, end)


Outcome = float | Distribution | Skip
Method = Callable[[History, date, str, list[date]], Outcome]
NO_CLOSE_DATES = "no open deal has an expected close date"
NO_OPEN_DEALS = "no deal was open at this origin"


def _trailing_mean(history: History, origin: date, horizon: str, _: list[date]) -> float:
    months = [
        (add_months(origin, -n), add_months(origin, -n + 1) - timedelta(days=1)) for n in (1, 2, 3)
    ]
    mean = sum(history.bookings(s, e) for s, e in months) / 3
    return mean * HORIZONS[horizon][1]


def _rep_commit(history: History, origin: date, horizon: str, _: list[date]) -> float | Skip:
    """Latest commits made by the end of the origin's first day, for the target's month (or
    for the quarter, when the target is a fiscal quarter with submissions)."""
    target = target_of(origin, horizon)
    kind = "month" if HORIZONS[horizon][1] == 1 else "quarter"
    if kind == "quarter":
        fiscal = Organisation.current().fiscal_year_start_month
        if periods.containing("quarter", target.start, fiscal).start != target.start:
            return Skip("the three months from this origin are not a fiscal quarter")
    latest = latest_submissions(kind, target.start, origin)
    commits = [amount for (_, category), amount in latest.items() if category == "commit"]
    if not commits:
        return Skip(f"no forecast submissions for this {kind} before this origin")
    return sum(commits)


def pipeline_gap(history: History, as_of: date) -> Skip | None:
    """Why the pipeline says nothing on that day: no deal open, or none with a close date."""
    deals = history.open_deals(as_of)
    if not deals:
        return Skip(NO_OPEN_DEALS)
    if all(deal.close is None for deal in deals):
        return Skip(NO_CLOSE_DATES)
    return None


def _weighted_pipeline(history: History, origin: date, horizon: str, _: list[date]) -> float | Skip:
    as_of = origin - timedelta(days=1)
    gap = pipeline_gap(history, as_of)
    if gap is not None:
        return gap
    return history.weighted_pipeline(as_of, target_of(origin, horizon))


def _pipeline_conversion(
    history: History, origin: date, horizon: str, earlier: list[date]
) -> float | Skip:
    """Start pipeline × the share of start pipeline won in earlier scored periods of the same
    shape, plus what deals created inside such a period went on to close in it."""
    gap = pipeline_gap(history, origin - timedelta(days=1))
    if gap is not None:
        return gap
    used = earlier[-CONVERSION_HISTORY:]
    if not used:
        return Skip("no earlier origin with a finished target to learn the conversion from")
    entered, won, run_rate = 0.0, 0.0, 0.0
    for past in used:
        past_target = target_of(past, horizon)
        pipeline = history.pipeline(past - timedelta(days=1), past_target)
        won_ids = history.won_in(past_target)
        entered += sum(amount for amount, _ in pipeline.values())
        won += sum(amount for pk, (amount, _) in pipeline.items() if pk in won_ids)
        run_rate += history.new_business(past, past_target)
    if not entered:
        return Skip(
            f"no pipeline was expected to close in the {len(used)} earlier periods it learns from"
        )
    start = history.pipeline(origin - timedelta(days=1), target_of(origin, horizon))
    return sum(amount for amount, _ in start.values()) * won / entered + run_rate / len(used)


def _statistical(
    history: History, origin: date, horizon: str, earlier: list[date]
) -> Distribution | Skip:
    """The win-probability model trained on the earlier scored origins (see statistical.py).
    A quarter is the sum of its months, each forecast by the model of that month's horizon."""
    if len(earlier) < MIN_LESSONS:
        return Skip(
            f"{_origins(len(earlier))} with a finished target to learn from before this origin "
            f"({MIN_LESSONS} needed)"
        )
    as_of = origin - timedelta(days=1)
    parts = [
        Part(
            target_of(origin, part),
            [history.lesson(past - timedelta(days=1), target_of(past, part)) for past in learnt],
        )
        for part, learnt in _parts(origin, horizon, earlier)
    ]
    target = target_of(origin, horizon)
    deals = history.open_deals(as_of)
    prediction = forecast_parts(
        parts,
        deals,
        as_of,
        history.seed(as_of, horizon),
        history.stage_rank,
        residuals=history.residuals,
        fiscal_start=history.fiscal_start,
        fits=history.fits,
    )
    won = history.won_in(target)
    return Distribution(
        prediction.p10,
        prediction.p50,
        prediction.p90,
        [(p, d.id in won) for p, d in zip(prediction.probabilities, deals, strict=True)],
        [
            history.probability.get(d.stage_id, 0.0)
            if d.close is not None and target.start <= d.close <= target.end
            else 0.0
            for d in deals
        ],
        prediction.fitted.model.name,
    )


def _parts(origin: date, horizon: str, earlier: list[date]) -> list[tuple[str, list[date]]]:
    """The one-month horizons a target is the sum of, each with the origins it learns from:
    those from the first the horizon learns from whose same month ahead was over by the origin
    (a quarter's first month learns from two more recent origins than its last)."""
    offset, length = HORIZONS[horizon]
    if length == 1:
        return [(horizon, earlier)]
    months = [name for name, (o, n) in HORIZONS.items() if n == 1 and offset <= o < offset + length]
    found = []
    for name in months:
        ahead = HORIZONS[name][0]
        last = add_months(origin, -(ahead + 1))
        span = month_index(last) - month_index(earlier[0])
        found.append((name, [add_months(earlier[0], i) for i in range(span + 1)]))
    return found


def _origins(n: int) -> str:
    return "no earlier origin" if n == 0 else f"only {n} earlier origin{'s' if n > 1 else ''}"


def _leading_indicators(
    history: History, origin: date, horizon: str, _: list[date]
) -> float | Skip:
    """Activity counts per ramped rep before the origin, through the lags chosen out of sample
    on earlier months (see indicators.py); a quarter is the sum of its months."""
    offset, length = HORIZONS[horizon]
    start = indicators.month_index(origin)
    total = 0.0
    for target in range(start + offset, start + offset + length):
        predicted = indicators.predict_month(history.series, start, target)
        if predicted is None:
            months = indicators.training_months(history.series, start, target - start + 1)
            return Skip(
                f"{len(months)} month{'' if len(months) == 1 else 's'} of bookings and activity "
                "counts per ramped salesperson "
                f"before this origin to learn from ({indicators.MIN_MONTHS} needed)"
            )
        total += predicted[0]
    return total


METHOD_FUNCTIONS: dict[str, Method] = {
    "statistical": _statistical,
    "leading_indicators": _leading_indicators,
    "rep_commit": _rep_commit,
    "weighted_pipeline": _weighted_pipeline,
    "trailing_mean": _trailing_mean,
    "pipeline_conversion": _pipeline_conversion,
}


def forecasts_at(
    history: History, origin: date, horizon: str, earlier: list[date]
) -> dict[str, Outcome]:
    """What each method says at the origin for the horizon, or why it says nothing."""
    first = history.first_won
    if first is None or first >= origin:
        reason = (
            "no deal has been won yet"
            if first is None
            else f"before the first won deal ({first.isoformat()})"
        )
        return {method: Skip(reason) for method in METHOD_FUNCTIONS}
    learnt = [o for o in earlier if o > first]
    return {
        method: function(history, origin, horizon, learnt)
        for method, function in METHOD_FUNCTIONS.items()
    }


def _record(
    score: Score, origin: date, outcome: Outcome, actual: float, scored: bool = True
) -> None:
    forecasts = score.forecasts if scored else score.warm_up
    if isinstance(outcome, Skip):
        if scored:
            score.skipped.append((origin, outcome.reason))
    elif isinstance(outcome, Distribution):
        forecasts.append(
            Forecast(
                origin,
                score.horizon,
                score.method,
                outcome.p50,
                actual,
                outcome.p10,
                outcome.p90,
                outcome.deals,
                outcome.baseline,
                outcome.model,
            )
        )
    else:
        forecasts.append(Forecast(origin, score.horizon, score.method, outcome, actual))


def backtest(
    as_of: date,
    months: int = 12,
    engine: Engine | None = None,
    progress: Progress = SILENT,
    horizons: Sequence[str] = tuple(HORIZONS),
) -> tuple[list[date], list[Score]]:
    """Scores of every method at each horizon over the last `months` monthly origins whose
    target periods are over by the as-of date, after up to WARM_UP earlier origins forecast for
    the combination's record alone. `progress` hears each scored origin of each horizon
    (`months` × 4 of them at most)."""
    history = History(engine or get_engine(), as_of)
    current = as_of.replace(day=1)
    # Earlier origins are kept as training history for the methods that learn from it; the
    # warm-up origins are the last of them, so the kept ones learn from the same history with
    # or without a warm-up.
    candidates = [add_months(current, -n) for n in range(months + TRAINING_MONTHS, 0, -1)]
    scores = {(m, h): Score(m, h) for h in horizons for m in METHODS}
    used: set[date] = set()
    progress.start(len(horizons) * months, unit="origins", note="Backtesting the forecast methods")
    for horizon in horizons:
        scored_origins = [o for o in candidates if target_of(o, horizon).end < current]
        kept = scored_origins[-months:]
        warm_up = scored_origins[-(months + WARM_UP) : -months]
        # The kept origins and the warm-up before them are forecast; the earlier ones are only
        # learnt from.
        for origin in warm_up + kept:
            scored = origin in kept
            target = target_of(origin, horizon)
            actual = history.bookings(target.start, target.end)
            # Earlier origins count as history only once their own target is over.
            earlier = [o for o in scored_origins if target_of(o, horizon).end < origin]
            outcomes = forecasts_at(history, origin, horizon, earlier)
            outcomes["combined"] = _combined(scores, horizon, origin, outcomes)
            for method, outcome in outcomes.items():
                _record(scores[(method, horizon)], origin, outcome, actual, scored)
            if scored:
                progress.advance(1)
        used |= set(kept)
    return sorted(used), list(scores.values())


def _combined(
    scores: dict[tuple[str, str], Score], horizon: str, origin: date, outcomes: dict[str, Outcome]
) -> Outcome:
    """The combined forecast at the origin, weighted by what each method did on the origins
    whose targets were over by then (never on this origin's or a later one's)."""
    first = next(iter(outcomes.values()), None)
    if isinstance(first, Skip) and all(o == first for o in outcomes.values()):
        return first  # before the first won deal: the same reason as every method

    def over(method: str) -> list[Forecast]:
        return [
            f
            for f in (*scores[(method, horizon)].warm_up, *scores[(method, horizon)].forecasts)
            if target_of(f.origin, horizon).end < origin
        ]

    past = {method: combined.Past(over(method)) for method in outcomes}
    return combined.combine(outcomes, past, over("combined"))


def _kept_name(as_of: date) -> str:
    return f"backtest:{as_of}"


RecordJson = dict[str, list[tuple[str, float, float]]]  # method -> (origin, forecast, actual)


def _record_json(scores: list[Score]) -> dict[str, RecordJson]:
    """Each horizon's forecasts of every method, oldest origin first: what the combination of
    today's forecasts weighs the methods by."""
    found: dict[str, RecordJson] = {}
    for score in scores:
        found.setdefault(score.horizon, {})[score.method] = [
            (f.origin.isoformat(), f.value, f.actual) for f in (*score.warm_up, *score.forecasts)
        ]
    return found


def remember(as_of: date, origins: list[date], scores: list[Score]) -> None:
    """Keep the default backtest of the current data for the Forecast page."""
    keep(
        _kept_name(as_of),
        {
            "origins": origins,
            "rows": [score.as_json() for score in scores],
            "record": _record_json(scores),
        },
    )


def remembered(as_of: date) -> dict[str, Any] | None:
    """The backtest kept for the current data as of that day, if one was run."""
    found: dict[str, Any] | None = kept_already(_kept_name(as_of))
    return found


def record(as_of: date, horizon: str, engine: Engine | None = None) -> dict[str, combined.Past]:
    """What each method forecast at the horizon from the last twenty origins, on the whole
    organisation: from the backtest kept for the current data when there is one, else from a
    backtest of that horizon alone, kept for the data's version."""
    found = remembered(as_of)
    if found is not None and horizon in found.get("record", {}):
        rows: RecordJson = found["record"][horizon]
    else:
        rows = kept(
            f"forecast-record:{horizon}:{as_of}",
            lambda: _record_json(backtest(as_of, engine=engine, horizons=(horizon,))[1])[horizon],
        )
    return {
        method: combined.Past(
            [Forecast(date.fromisoformat(o), horizon, method, v, a) for o, v, a in forecasts]
        )
        for method, forecasts in rows.items()
    }
