"""The aggregates metrics are made of, one query each, grouped by span and scope key.

A span is one period of the computation: 0 the period itself, 1… the earlier periods of its
trend (`Context.spans`), so a trend costs one query per measure, not one per period. Ratios are
finished in Python from these components (catalogue.py), so every engine applies the same null
rules. Each measure runs at most once per computation (cached on the context).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis import _

from revsight.analytics import compiled
from revsight.analytics.context import Context, end_of_day_utc
from revsight.analytics.staffing import staffing
from revsight.crm.models import ActivityType

ACTIVITY_TYPES = ActivityType.values


def median_by(table: ir.Table, value: str, name: str, keys: list[str]) -> ir.Table:
    """Median of `value` per group of `keys`, computed with window functions so that every
    engine (SQLite has no median) gives the same answer: the middle value, or the mean of the
    middle two."""
    rows = table.filter(table[value].notnull())
    ordered = rows.mutate(
        position=ibis.row_number().over(group_by=keys, order_by=[rows[value], rows.id]),
        size=rows[value].count().over(group_by=keys),
    )
    middle = ordered.filter(
        (ordered.position == (ordered.size - 1) // 2) | (ordered.position == ordered.size // 2)
    )
    return middle.group_by(keys).aggregate(**{name: middle[value].cast("float64").mean()})


def won_in_period(ctx: Context) -> ir.Table:
    return decided_in_period(ctx, "won")


def decided_deals(ctx: Context, statuses: tuple[str, ...] = ("won", "lost")) -> ir.Table:
    """Deals won or lost in each span (up to the as-of date)."""
    deals = ctx.fact("opportunities")
    return ctx.within(deals.filter(deals.status.isin(list(statuses))), "close_date")


def closed(ctx: Context) -> ir.Table:
    joined = ctx.by_member(decided_deals(ctx), "owner_id")
    won = joined.status == "won"
    lost = joined.status == "lost"
    return joined.group_by(["span", "key"]).aggregate(
        won_amount=won.ifelse(joined.amount, 0).sum(),
        won_margin=won.ifelse(joined.gross_margin, 0).sum(),
        won_count=won.ifelse(1, 0).sum(),
        lost_amount=lost.ifelse(joined.amount, 0).sum(),
        lost_count=lost.ifelse(1, 0).sum(),
    )


def created(ctx: Context) -> ir.Table:
    """Opportunities created in each span (up to the as-of date), whatever became of them: the
    pipeline a salesperson generates."""
    deals = ctx.within(ctx.fact("opportunities"), "created_date")
    joined = ctx.by_member(deals, "owner_id")
    return joined.group_by(["span", "key"]).aggregate(
        created_count=_.count(), created_amount=joined.amount.fill_null(0).sum()
    )


def decided_in_period(ctx: Context, status: str) -> ir.Table:
    return decided_deals(ctx, (status,))


def _cycle_of(ctx: Context, status: str) -> ir.Table:
    deals = ctx.by_member(decided_in_period(ctx, status), "owner_id")
    deals = deals.mutate(days=deals.close_date.delta(deals.created_date, unit="day"))
    keys = ["span", "key"]
    days = deals.days.cast("float64")
    if ctx.engine.name == "duckdb":
        # DuckDB's median is the same middle value (or mean of the middle two), in one pass.
        return deals.group_by(keys).aggregate(cycle_mean=days.mean(), cycle_median=days.median())
    mean = deals.group_by(keys).aggregate(cycle_mean=days.mean())
    median = median_by(deals, "days", "cycle_median", keys)
    return mean.join(median, keys)


def cycle(ctx: Context) -> ir.Table:
    return _cycle_of(ctx, "won")


def lost_cycle(ctx: Context) -> ir.Table:
    return _cycle_of(ctx, "lost")


def pipeline_state(ctx: Context) -> ir.Table:
    """Each opportunity as it stood at the end of the as-of date: its last recorded change up
    to then, or its current fields when it has no history."""
    deals = ctx.fact("opportunities").filter(_.created_date <= ctx.value("as_of"))
    changes = ctx.fact("stage_changes")
    changes = changes.filter(changes.changed_at < ctx.value("boundary"))
    latest = changes.mutate(
        position=ibis.row_number().over(
            group_by="opportunity_id", order_by=[changes.changed_at.desc(), changes.id.desc()]
        )
    ).filter(_.position == 0)
    stages = ctx.fact("stages").select(stage_id="id", stage_outcome="outcome")
    latest = latest.join(stages, latest.to_stage_id == stages.stage_id).select(
        "opportunity_id",
        "stage_outcome",
        last_amount="amount",
        last_close="close_date",
        last_stage="to_stage_id",
    )
    state = deals.left_join(latest, deals.id == latest.opportunity_id)
    known = state.opportunity_id.notnull()
    outcome = known.ifelse(state.stage_outcome, state.status)
    return state.select(
        "id",
        "owner_id",
        "created_date",
        outcome=outcome,
        is_open=outcome == "open",
        amount=known.ifelse(state.last_amount, state.amount),
        close_date=known.ifelse(state.last_close, state.close_date),
        stage_id=known.ifelse(state.last_stage, state.stage_id),
    )


def deal_history(ctx: Context, deals: ir.Column | None = None) -> ir.Table:
    """What each deal's history says at the end of the as-of date: when it entered the stage it
    stood in (the last row whose stage differs from the row before; close-date and amount
    changes keep the stage), and how many times its close date was pushed later. `deals`
    (a column of opportunity ids) limits it to those deals, so the history of the rest is not
    read."""
    changes = ctx.fact("stage_changes")
    changes = changes.filter(changes.changed_at < ctx.value("boundary"))
    if deals is not None:
        changes = changes.filter(changes.opportunity_id.isin(deals))
    order = ibis.window(group_by="opportunity_id", order_by=["changed_at", "id"])
    marked = changes.mutate(
        previous_stage=changes.to_stage_id.lag().over(order),
        previous_close=changes.close_date.lag().over(order),
    )
    entry = marked.previous_stage.isnull() | (marked.previous_stage != marked.to_stage_id)
    pushed = marked.previous_close.notnull() & (marked.close_date > marked.previous_close)
    return marked.group_by("opportunity_id").aggregate(
        stage_entered=entry.ifelse(marked.changed_at, ibis.null()).max(),
        pushes=pushed.ifelse(1, 0).sum(),
    )


def open_in_period(ctx: Context) -> ir.Table:
    """Deals open at the end of the as-of date and expected to close in each span."""
    state = pipeline_state(ctx)
    return ctx.within(state.filter(state.is_open), "close_date", until="end")


def pipeline(ctx: Context) -> ir.Table:
    deals = open_in_period(ctx)
    if ctx.split == "stage":
        names = ctx.fact("stages").select(split_stage="id", split="name")
        deals = deals.join(names, deals.stage_id == names.split_stage)
    joined = ctx.by_member(deals, "owner_id")
    return joined.group_by(ctx.group_keys()).aggregate(
        pipeline_value=joined.amount.sum(), pipeline_count=joined.count()
    )


def prorated(ctx: Context, table: ir.Table, month_column: str) -> ir.Table:
    """Monthly rows with the share of each month that falls in each span, as `weight`, and
    the span's number."""
    shares = ctx.share_table()
    joined = table.join(shares, table[month_column] == shares.weight_month)
    return joined.select(*table.columns, "span", "weight")


def quota(ctx: Context) -> ir.Table:
    quotas = prorated(ctx, ctx.fact("quotas").filter(_.user_id.notnull()), "month")
    joined = ctx.by_member(quotas, "user_id")
    return joined.group_by(["span", "key"]).aggregate(quota=(joined.amount * joined.weight).sum())


def expenses(ctx: Context) -> ir.Table:
    rows = ctx.by_member(prorated(ctx, ctx.fact("expenses"), "month"), "user_id")
    return rows.group_by(["span", "key"]).aggregate(expenses=(rows.amount * rows.weight).sum())


def pay(ctx: Context) -> ir.Table:
    """Salespeople's base and variable pay for the period: annual pay × days / 365, for the
    days of the period each was employed."""
    people = ctx.each_span(ctx.fact("users").filter(_.role == "salesperson"))
    start, end = people.span_start, people.span_end
    first = people.hire_date.isnull().ifelse(start, ibis.greatest(people.hire_date, start))
    last = people.end_date.isnull().ifelse(end, ibis.least(people.end_date, end))
    days = (last.delta(first, unit="day") + 1).clip(lower=0)
    annual = people.base_salary.fill_null(0) + people.variable_pay.fill_null(0)
    people = people.mutate(cost=annual * days / 365.0)
    joined = ctx.by_member(people, "id")
    return joined.group_by(["span", "key"]).aggregate(pay=joined.cost.sum())


def invoicing(ctx: Context) -> ir.Table:
    """Invoiced sales in the period and receivables open at its end (or the as-of date), owned
    through the deal invoiced, or else the account."""
    invoices = ctx.fact("invoices")
    deals = ctx.fact("opportunities").select(deal_id="id", deal_owner="owner_id")
    accounts = ctx.fact("accounts").select(account_ref="id", account_owner="owner_id")
    owned = invoices.left_join(deals, invoices.opportunity_id == deals.deal_id).left_join(
        accounts, invoices.account_id == accounts.account_ref
    )
    owned = owned.mutate(owner=owned.deal_owner.fill_null(owned.account_owner))
    joined = ctx.each_span(ctx.by_member(owned, "owner"))
    end = joined.span_last
    in_period = (joined.invoice_date >= joined.span_start) & (joined.invoice_date <= end)
    open_at_end = (joined.invoice_date <= end) & (
        joined.paid_date.isnull() | (joined.paid_date > end)
    )
    return joined.group_by(["span", "key"]).aggregate(
        invoiced=in_period.ifelse(joined.amount, 0).sum(),
        receivables=open_at_end.ifelse(joined.amount, 0).sum(),
        days=joined.span_days.max(),
    )


def time_in_period(ctx: Context) -> ir.Table:
    """The consultants' time entries dated in each span (up to the as-of date)."""
    return ctx.within(ctx.fact("time_entries"), "date")


def consulting(ctx: Context) -> ir.Table:
    joined = ctx.by_member(time_in_period(ctx), "consultant_id")
    spans = ctx.span_table().select("span", "span_workdays")
    joined = joined.join(spans, "span")
    billable = joined.billable
    return joined.group_by(["span", "key"]).aggregate(
        hours=joined.hours.sum(),
        billable_hours=billable.ifelse(joined.hours, 0).sum(),
        billed=billable.ifelse(joined.billed_amount, 0).sum(),
        standard_value=billable.ifelse(joined.hours * joined.standard_rate, 0).sum(),
        workdays=joined.span_workdays.max(),
    )


def backlog(ctx: Context) -> ir.Table:
    """Each consultant's latest backlog on or before each span's end (or the as-of date)."""
    rows = ctx.each_span(ctx.fact("backlog"))
    rows = rows.filter(rows.as_of <= rows.span_last)
    latest = rows.mutate(
        position=ibis.row_number().over(
            group_by=["span", "consultant_id"], order_by=rows.as_of.desc()
        )
    ).filter(_.position == 0)
    joined = ctx.by_member(latest, "consultant_id")
    return joined.group_by(["span", "key"]).aggregate(backlog_hours=joined.hours.sum())


def marketing(ctx: Context) -> ir.Table:
    """Leads created and marketing spend in the period: company-wide, since spend belongs to a
    lead source rather than to a person; by lead source when split by it."""
    if ctx.members.scope != "company":
        return _empty(ctx, leads="int64", spend="float64")
    group = ["span", "key", *(["lead_source"] if ctx.split == "lead_source" else [])]
    leads = ctx.within(ctx.fact("leads"), "created_date")
    counted = leads.mutate(key=ibis.literal("company")).group_by(group)
    counted = counted.aggregate(leads=_.count())
    spend = prorated(ctx, ctx.fact("marketing_spend"), "month")
    spent = spend.mutate(key=ibis.literal("company")).group_by(group)
    spent = spent.aggregate(spend=(_.amount * _.weight).sum())
    both = counted.outer_join(spent, group)
    columns = {
        "span": ibis.coalesce(both.span, both.span_right),
        "key": ibis.coalesce(both.key, both.key_right),
        "leads": both.leads.fill_null(0),
        "spend": both.spend.fill_null(0),
    }
    if ctx.split == "lead_source":
        columns["split"] = ibis.coalesce(both.lead_source, both.lead_source_right)
    return both.select(**columns)


def customers(ctx: Context) -> ir.Table:
    """Bookings and distinct customers over the year ending with each span."""
    deals = ctx.fact("opportunities")
    won = ctx.each_span(deals.filter((deals.status == "won") & deals.account_id.notnull()))
    won = won.filter((won.close_date > won.span_year_before) & (won.close_date <= won.span_last))
    joined = ctx.by_member(won, "owner_id")
    return joined.group_by(["span", "key"]).aggregate(
        year_bookings=joined.amount.sum(), customers=joined.account_id.nunique()
    )


def _empty(ctx: Context, **columns: str) -> ir.Table:
    """No rows, with the span, the key and `columns` (name: type): a measure that does not apply
    to the context. Made from the span table rather than in memory, so a compiled query of it
    names no table of its own."""
    spans = ctx.span_table()
    nothing = spans.filter(ibis.literal(False))
    return nothing.select(
        span=nothing.span,
        key=ibis.null("string"),
        **{name: ibis.null(kind) for name, kind in columns.items()},
    )


def account_mix(ctx: Context) -> ir.Table:
    """Won amount in the period split by whether the account had won before."""
    deals = ctx.fact("opportunities")
    first_wins = (
        deals.filter((deals.status == "won") & (deals.close_date <= ctx.value("as_of")))
        .group_by("account_id")
        .aggregate(first_win=_.close_date.min())
    )
    won = won_in_period(ctx)
    won = won.left_join(first_wins, won.account_id == first_wins.account_id)
    is_new = won.account_id.isnull() | (won.first_win >= won.close_date)
    won = won.mutate(new_amount=is_new.ifelse(won.amount, 0))
    joined = ctx.by_member(won, "owner_id")
    return joined.group_by(["span", "key"]).aggregate(
        new_amount=joined.new_amount.sum(), total_amount=joined.amount.sum()
    )


def activities_in_period(ctx: Context) -> ir.Table:
    return ctx.within(ctx.fact("activities"), "date")


def activities(ctx: Context) -> ir.Table:
    """Activities by type (`n_<type>`), and the salespeople's own (`sales_<type>`): a presales
    engineer who logs the call they joined does not raise the salespeople's rates."""
    users = ctx.fact("users").select(user_id="id", role="role")
    dated = activities_in_period(ctx)
    dated = dated.left_join(users, dated.owner_id == users.user_id)
    joined = ctx.by_member(dated, "owner_id")
    selling = joined.role == "salesperson"
    counts = {f"n_{kind}": (joined.type == kind).ifelse(1, 0).sum() for kind in ACTIVITY_TYPES}
    sales = {
        f"sales_{kind}": ((joined.type == kind) & selling).ifelse(1, 0).sum()
        for kind in ACTIVITY_TYPES
    }
    return joined.group_by(["span", "key"]).aggregate(n_all=joined.count(), **counts, **sales)


def supported_deals(ctx: Context) -> ir.Table:
    """Each key with the opportunities (`id`) its people logged an activity on in the period."""
    joined = ctx.by_member(activities_in_period(ctx), "owner_id")
    joined = joined.filter(joined.opportunity_id.notnull())
    return joined.select("span", "key", id=joined.opportunity_id).distinct()


def support(ctx: Context) -> ir.Table:
    pairs = supported_deals(ctx)
    return pairs.group_by(["span", "key"]).aggregate(deals=pairs.count())


def forecast(ctx: Context) -> ir.Table:
    """Each forecaster's latest commit made on or before the period's first day (F), beside what
    they then booked in the period (A), pooled per key over the people who forecast."""
    if ctx.period.kind not in ("month", "quarter"):
        return _empty(ctx, forecast="float64", actual="float64", forecasters="int64")
    subs = ctx.fact("forecasts")
    subs = subs.filter((subs.period_type == ctx.period.kind) & (subs.category == "commit"))
    starts = ctx.span_table().select("span", "span_start", *(["span_cutoff"] * ctx.compiling))
    subs = subs.join(starts, subs.period_start == starts.span_start)
    subs = subs.filter(subs.submitted_at < _cutoff(ctx, subs))
    latest = subs.mutate(
        position=ibis.row_number().over(
            group_by=["span", "user_id"], order_by=subs.submitted_at.desc()
        )
    ).filter(_.position == 0)
    won = won_in_period(ctx).group_by(["span", "owner_id"]).aggregate(booked=_.amount.sum())
    per_rep = latest.left_join(
        won, (latest.span == won.span) & (latest.user_id == won.owner_id)
    ).select("span", "user_id", committed=latest.amount, booked=won.booked.fill_null(0))
    joined = ctx.by_member(per_rep, "user_id")
    return joined.group_by(["span", "key"]).aggregate(
        forecast=joined.committed.sum(),
        actual=joined.booked.sum(),
        forecasters=joined.count(),
    )


def _cutoff(ctx: Context, subs: ir.Table) -> ir.TimestampValue:
    """The end of each span's first day in the organisation's time zone: a commit counts for
    a period only when made by then. Literals rather than the span table's column, so that
    every engine compares timestamps as it compares its own; a compiled query (DuckDB's
    alone) reads the column, as it must hold no value."""
    if ctx.compiling:
        cutoff: ir.TimestampValue = subs.span_cutoff
        return cutoff
    ends = [ibis.timestamp(end_of_day_utc(p.start, ctx.time_zone)) for p in ctx.spans]
    if len(ends) == 1:
        return ends[0]
    return ibis.cases(*((subs.span == number, end) for number, end in enumerate(ends)))


MEASURES: dict[str, Callable[[Context], Any]] = {
    "closed": closed,
    "created": created,
    "cycle": cycle,
    "lost_cycle": lost_cycle,
    "pipeline": pipeline,
    "quota": quota,
    "account_mix": account_mix,
    "activities": activities,
    "support": support,
    "forecast": forecast,
    "expenses": expenses,
    "pay": pay,
    "invoicing": invoicing,
    "consulting": consulting,
    "backlog": backlog,
    "marketing": marketing,
    "customers": customers,
    "staffing": staffing,
}


Cell = tuple[int, str]  # a span's number, and a split key


def measure(ctx: Context, name: str) -> dict[Cell, dict[str, Any]]:
    """The measure's components per span and key (per key and split value when split),
    computed once per context.

    `pipeline@30` is the measure `pipeline` over the 30 days after the as-of date (a window
    rather than the period): the same for every span."""
    if name not in ctx.cache:
        base, _, window = name.partition("@")
        run_on = ctx.window(int(window)) if window else ctx
        components = _components(compiled.run(run_on, name, MEASURES[base]))
        if window:
            components = {
                (number, key): values
                for (_, key), values in components.items()
                for number in range(len(ctx.spans))
            }
        ctx.cache[name] = components
    result: dict[Cell, dict[str, Any]] = ctx.cache[name]
    return result


def _components(produced: Any) -> dict[Cell, dict[str, Any]]:
    """A measure's rows (or the dict a measure computed in Python gives) per span and key."""
    if isinstance(produced, dict):
        return produced
    return {
        (int(row["span"]), split_key(row["key"], row.get("split"))): {
            k: _plain(v) for k, v in row.items() if k not in ("span", "key", "split")
        }
        for row in produced
    }


def split_key(key: str, split: str | None) -> str:
    """The cache key of one scope key and one value of the split dimension."""
    return key if split is None else f"{key}\x1f{split}"


COMPONENT_DECIMALS = 4


def _plain(value: Any) -> Any:
    """numpy / pandas scalars to Python, NaN and NA to None. Floats are rounded to 4 places:
    engines add floats in different orders, and the last bits must not reach a metric."""
    if value is None:
        return None
    try:
        if value != value:  # NaN
            return None
    except (TypeError, ValueError):
        return None
    plain = value.item() if hasattr(value, "item") else value
    return round(plain, COMPONENT_DECIMALS) if isinstance(plain, float) else plain
