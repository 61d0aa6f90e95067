"""The core dashboard set against the limit: `compute()` on the DuckDB replica beside one
hand-written DuckDB query computing the same values on the same replica file.

The query is what an engineer would write by hand for this one page: every measure over the
month's decided deals, the pipeline as it stood at the end of the as-of date (reconstructed
from stage history, as `measures.pipeline_state` does) and the month's activities, joined per
salesperson. Its values are compared with `compute()`'s before any timing counts."""

from __future__ import annotations

from datetime import date
from typing import Any

CORE = [
    "bookings",
    "won_count",
    "lost_count",
    "win_rate",
    "average_order_value",
    "sales_cycle_days_median",
    "pipeline_value",
    "pipeline_count",
    "activity_count",
]

HAND_WRITTEN = """
with reps as (
    select id, email from users
    where role = 'salesperson'
      and (hire_date is null or hire_date <= $end)
      and (end_date is null or end_date >= $start)
),
decided as (
    select owner_id,
        sum(case when status = 'won' then amount else 0 end) as won_amount,
        sum(case when status = 'won' then 1 else 0 end) as won_count,
        sum(case when status = 'lost' then 1 else 0 end) as lost_count,
        median(case when status = 'won' then close_date - created_date end) as cycle_median
    from opportunities
    where status in ('won', 'lost') and close_date between $start and least($end, $as_of)
    group by owner_id
),
latest as (
    select opportunity_id, to_stage_id, close_date, amount,
        row_number() over (
            partition by opportunity_id order by changed_at desc, id desc
        ) as position
    from stage_changes where changed_at < $boundary
),
state as (
    select d.owner_id,
        case when l.opportunity_id is null then d.status else s.outcome end as outcome,
        case when l.opportunity_id is null then d.amount else l.amount end as amount,
        case when l.opportunity_id is null then d.close_date else l.close_date end as close_date
    from opportunities d
    left join latest l on l.opportunity_id = d.id and l.position = 0
    left join stages s on s.id = l.to_stage_id
    where d.created_date <= $as_of
),
pipeline as (
    select owner_id, sum(amount) as pipeline_value, count(*) as pipeline_count
    from state
    where outcome = 'open' and close_date between $start and $end
    group by owner_id
),
acts as (
    select owner_id, count(*) as activity_count from activities
    where date between $start and least($end, $as_of)
    group by owner_id
)
select r.email,
    coalesce(d.won_amount, 0) as bookings,
    coalesce(d.won_count, 0) as won_count,
    coalesce(d.lost_count, 0) as lost_count,
    d.won_count / nullif(d.won_count + d.lost_count, 0) as win_rate,
    d.won_amount / nullif(d.won_count, 0) as average_order_value,
    d.cycle_median as sales_cycle_days_median,
    coalesce(p.pipeline_value, 0) as pipeline_value,
    coalesce(p.pipeline_count, 0) as pipeline_count,
    coalesce(a.activity_count, 0) as activity_count
from reps r
left join decided d on d.owner_id = r.id
left join pipeline p on p.owner_id = r.id
left join acts a on a.owner_id = r.id
order by r.email
"""


def hand_written(connection: Any, start: date, end: date, as_of: date, boundary: Any) -> dict:
    """The core set by salesperson email, from one query on an open DuckDB connection."""
    rows = connection.execute(
        HAND_WRITTEN, {"start": start, "end": end, "as_of": as_of, "boundary": boundary}
    ).fetchall()
    return {row[0]: dict(zip(CORE, row[1:], strict=True)) for row in rows}


def same_values(computed: dict, by_hand: dict) -> list[str]:
    """Where the two disagree (beyond the catalogue's rounding), as readable lines."""
    differences = []
    for email in sorted(set(computed) | set(by_hand)):
        for metric in CORE:
            ours = computed.get(email, {}).get(metric)
            theirs = by_hand.get(email, {}).get(metric)
            if ours is None and theirs is None:
                continue
            if ours is None or theirs is None or abs(float(ours) - float(theirs)) > 0.011:
                differences.append(f"{email} {metric}: compute() {ours}, by hand {theirs}")
    return differences
