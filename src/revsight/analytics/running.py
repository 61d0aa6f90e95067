"""How a metric that builds up through a period (a sum or a count: `Metric.accumulates`)
grew day by day: what a contest's "first to" rule reads the day each reached a threshold from.

Each day from the period's first to its last counted day is a span of its own (the period's
first day to that day), so every day is computed in the same query, as a trend's periods are
(context.py). Values are the catalogue's, rounded as every output rounds them."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from revsight.analytics.catalogue import BY_ID, Metric
from revsight.analytics.computation import span_values
from revsight.analytics.context import Context
from revsight.analytics.engine import Engine, get_engine
from revsight.analytics.scopes import Membership
from revsight.core.errors import InvalidInput
from revsight.core.periods import Period


def accumulating(metric_id: str) -> Metric:
    """The catalogue's metric, refused unless it builds up through a period."""
    metric = BY_ID.get(metric_id)
    if metric is None:
        raise InvalidInput("metric", metric_id, "is not in the catalogue (see docs/metrics.md)")
    if not metric.accumulates:
        raise InvalidInput(
            "metric",
            metric_id,
            "does not build up through a period (it is not a sum or a count), so nobody "
            "reaches a threshold of it first: choose a sum or a count such as bookings",
        )
    return metric


def daily_values(
    metric_id: str,
    period: Period,
    as_of: date,
    members: Membership,
    engine: Engine | str | None = None,
) -> dict[date, dict[str, float | int | None]]:
    """The metric from the period's first day to each day up to the as-of date (or the
    period's end), by key."""
    metric = accumulating(metric_id)
    last = min(period.end, as_of)
    if last < period.start:
        return {}
    days = [period.start + timedelta(days=n) for n in range((last - period.start).days + 1)]
    spans = [Period(f"{period.id}:{day}", period.kind, period.start, day) for day in days]
    runner = engine if engine is not None and not isinstance(engine, str) else get_engine(engine)
    context = replace(
        Context.for_organisation(runner, spans[0], as_of, members), others=tuple(spans[1:])
    )
    by_span = span_values(context, [metric], [None])
    return {
        day: {key: found[(metric.id, key, None)] for key in members.keys}
        for day, found in zip(days, by_span, strict=True)
    }
