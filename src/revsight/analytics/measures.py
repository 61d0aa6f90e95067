"""The aggregates metrics are made of, one query each, grouped by scope key.

Ratios are finished in Python from these components (catalogue.py), so every engine applies
the same null rules. Each measure runs at most once per computation (cached on the context).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis import _

from revsight.analytics.context import Context
from revsight.crm.models import ActivityType

ACTIVITY_TYPES = [t.value for t in ActivityType]


def median_by(table: ir.Table, value: str, name: str) -> ir.Table:
    """Median of `value` per key, computed with window functions so that every engine (SQLite
    has no median) gives the same answer: the middle value, or the mean of the middle two."""
    rows = table.filter(table[value].notnull())
    ordered = rows.mutate(
        position=ibis.row_number().over(group_by="key", order_by=[rows[value], rows.id]),
        size=rows[value].count().over(group_by="key"),
    )
    middle = ordered.filter(
        (ordered.position == (ordered.size - 1) // 2) | (ordered.position == ordered.size // 2)
    )
    return middle.group_by("key").aggregate(**{name: middle[value].cast("float64").mean()})


def won_in_period(ctx: Context) -> ir.Table:
    deals = ctx.fact("opportunities")
    return deals.filter(
        (deals.status == "won")
        & (deals.close_date >= ctx.period.start)
        & (deals.close_date <= ctx.last_day)
    )


def closed(ctx: Context) -> ir.Table:
    deals = ctx.fact("opportunities")
    decided = deals.filter(
        deals.status.isin(["won", "lost"])
        & (deals.close_date >= ctx.period.start)
        & (deals.close_date <= ctx.last_day)
    )
    joined = ctx.by_member(decided, "owner_id")
    won = joined.status == "won"
    lost = joined.status == "lost"
    return joined.group_by("key").aggregate(
        won_amount=won.ifelse(joined.amount, 0).sum(),
        won_count=won.ifelse(1, 0).sum(),
        lost_amount=lost.ifelse(joined.amount, 0).sum(),
        lost_count=lost.ifelse(1, 0).sum(),
    )


def cycle(ctx: Context) -> ir.Table:
    won = ctx.by_member(won_in_period(ctx), "owner_id")
    won = won.mutate(days=won.close_date.delta(won.created_date, unit="day"))
    mean = won.group_by("key").aggregate(cycle_mean=won.days.cast("float64").mean())
    median = median_by(won, "days", "cycle_median")
    return mean.join(median, "key")


def pipeline_state(ctx: Context) -> ir.Table:
    """Each opportunity as it stood at the end of the as-of date: its last recorded change up
    to then, or its current fields when it has no history."""
    deals = ctx.fact("opportunities").filter(_.created_date <= ctx.as_of)
    changes = ctx.fact("stage_changes")
    changes = changes.filter(changes.changed_at < ibis.timestamp(ctx.as_of_boundary))
    latest = changes.mutate(
        position=ibis.row_number().over(
            group_by="opportunity_id", order_by=[changes.changed_at.desc(), changes.id.desc()]
        )
    ).filter(_.position == 0)
    stages = ctx.fact("stages").select(stage_id="id", stage_outcome="outcome")
    latest = latest.join(stages, latest.to_stage_id == stages.stage_id).select(
        "opportunity_id", "stage_outcome", last_amount="amount", last_close="close_date"
    )
    state = deals.left_join(latest, deals.id == latest.opportunity_id)
    known = state.opportunity_id.notnull()
    return state.select(
        "id",
        "owner_id",
        is_open=known.ifelse(state.stage_outcome, state.status) == "open",
        amount=known.ifelse(state.last_amount, state.amount),
        close_date=known.ifelse(state.last_close, state.close_date),
    )


def pipeline(ctx: Context) -> ir.Table:
    state = pipeline_state(ctx)
    open_in_period = state.filter(
        state.is_open
        & (state.close_date >= ctx.period.start)
        & (state.close_date <= ctx.period.end)
    )
    joined = ctx.by_member(open_in_period, "owner_id")
    return joined.group_by("key").aggregate(
        pipeline_value=joined.amount.sum(), pipeline_count=joined.count()
    )


def quota_fractions(start: date, end: date) -> dict[date, float]:
    """Share of each month's quota that falls in [start, end], prorated by days."""
    fractions: dict[date, float] = {}
    month = start.replace(day=1)
    while month <= end:
        following = (month + timedelta(days=32)).replace(day=1)
        month_end = following - timedelta(days=1)
        overlap = (min(end, month_end) - max(start, month)).days + 1
        fractions[month] = overlap / month_end.day
        month = following
    return fractions


def quota(ctx: Context) -> ir.Table:
    fractions = quota_fractions(ctx.period.start, ctx.period.end)
    weights = ibis.memtable(
        {"weight_month": list(fractions), "weight": list(fractions.values())},
        schema={"weight_month": "date", "weight": "float64"},
    )
    quotas = ctx.fact("quotas").filter(_.user_id.notnull())
    quotas = quotas.join(weights, quotas.month == weights.weight_month)
    joined = ctx.by_member(quotas, "user_id")
    return joined.group_by("key").aggregate(quota=(joined.amount * joined.weight).sum())


def account_mix(ctx: Context) -> ir.Table:
    """Won amount in the period split by whether the account had won before."""
    deals = ctx.fact("opportunities")
    first_wins = (
        deals.filter((deals.status == "won") & (deals.close_date <= ctx.as_of))
        .group_by("account_id")
        .aggregate(first_win=_.close_date.min())
    )
    won = won_in_period(ctx)
    won = won.left_join(first_wins, won.account_id == first_wins.account_id)
    is_new = won.account_id.isnull() | (won.first_win >= won.close_date)
    won = won.mutate(new_amount=is_new.ifelse(won.amount, 0))
    joined = ctx.by_member(won, "owner_id")
    return joined.group_by("key").aggregate(
        new_amount=joined.new_amount.sum(), total_amount=joined.amount.sum()
    )


def activities(ctx: Context) -> ir.Table:
    acts = ctx.fact("activities")
    acts = acts.filter((acts.date >= ctx.period.start) & (acts.date <= ctx.last_day))
    joined = ctx.by_member(acts, "owner_id")
    counts = {f"n_{kind}": (joined.type == kind).ifelse(1, 0).sum() for kind in ACTIVITY_TYPES}
    return joined.group_by("key").aggregate(n_all=joined.count(), **counts)


def forecast(ctx: Context) -> ir.Table:
    """Each forecaster's latest commit made on or before the period's first day (F), beside what
    they then booked in the period (A), pooled per key over the people who forecast."""
    if ctx.period.kind not in ("month", "quarter"):
        return ibis.memtable(
            {"key": [], "forecast": [], "actual": [], "forecasters": []},
            schema={
                "key": "string",
                "forecast": "float64",
                "actual": "float64",
                "forecasters": "int64",
            },
        )
    subs = ctx.fact("forecasts")
    cutoff = ibis.timestamp(_first_moment_after(ctx, ctx.period.start))
    subs = subs.filter(
        (subs.period_type == ctx.period.kind)
        & (subs.period_start == ctx.period.start)
        & (subs.category == "commit")
        & (subs.submitted_at < cutoff)
    )
    latest = subs.mutate(
        position=ibis.row_number().over(group_by="user_id", order_by=subs.submitted_at.desc())
    ).filter(_.position == 0)
    won = won_in_period(ctx).group_by("owner_id").aggregate(booked=_.amount.sum())
    per_rep = latest.left_join(won, latest.user_id == won.owner_id).select(
        "user_id", committed=latest.amount, booked=won.booked.fill_null(0)
    )
    joined = ctx.by_member(per_rep, "user_id")
    return joined.group_by("key").aggregate(
        forecast=joined.committed.sum(),
        actual=joined.booked.sum(),
        forecasters=joined.count(),
    )


def _first_moment_after(ctx: Context, day: date) -> Any:
    from revsight.analytics.context import end_of_day_utc

    return end_of_day_utc(day, ctx.time_zone)


MEASURES: dict[str, Callable[[Context], ir.Table]] = {
    "closed": closed,
    "cycle": cycle,
    "pipeline": pipeline,
    "quota": quota,
    "account_mix": account_mix,
    "activities": activities,
    "forecast": forecast,
}


def measure(ctx: Context, name: str) -> dict[str, dict[str, Any]]:
    """The measure's components per key, computed once per context."""
    if name not in ctx.cache:
        frame = MEASURES[name](ctx).execute()
        ctx.cache[name] = {
            row["key"]: {k: _plain(v) for k, v in row.items() if k != "key"}
            for row in frame.to_dict("records")
        }
    result: dict[str, dict[str, Any]] = ctx.cache[name]
    return result


def _plain(value: Any) -> Any:
    """numpy / pandas scalars to Python, NaN and NA to None."""
    if value is None:
        return None
    try:
        if value != value:  # NaN
            return None
    except (TypeError, ValueError):
        return None
    return value.item() if hasattr(value, "item") else value
