"""The records behind a number: the same expressions the metrics aggregate, listed instead.

A drill-down from a win rate lists exactly the deals the win rate counted, because both read
`measures.decided_deals`; a pipeline figure lists `measures.open_in_period`, as it stood on the
as-of date; the deals supported list `measures.supported_deals`, the time behind a consultant's
utilisation `measures.time_in_period`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from revsight.analytics import measures
from revsight.analytics.context import Context
from revsight.analytics.engine import Engine, get_engine
from revsight.analytics.scopes import Membership
from revsight.core.errors import InvalidInput
from revsight.core.periods import Period

KINDS = {
    "won": "Won deals",
    "lost": "Lost deals",
    "decided": "Won and lost deals",
    "pipeline": "Open pipeline",
    "activities": "Activities",
    "supported": "Deals supported",
    "time": "Time entries",
}


@dataclass(frozen=True)
class Listed:
    """One record as the number saw it: its id and, for the pipeline, its state then."""

    id: int
    stage_id: int | None = None
    amount: float | None = None
    close_date: date | None = None


def listed(
    kind: str,
    period: Period,
    as_of: date,
    members: Membership,
    engine: Engine | None = None,
) -> list[Listed]:
    if kind not in KINDS:
        raise InvalidInput("kind", kind, f"must be one of: {', '.join(KINDS)}")
    ctx = Context.for_organisation(engine or get_engine(), period, as_of, members)
    if kind == "pipeline":
        table = ctx.by_member(measures.open_in_period(ctx), "owner_id")
        rows = table.select("id", "stage_id", "amount", "close_date").execute()
        return [
            Listed(int(r.id), int(r.stage_id), number(r.amount), day(r.close_date))
            for r in rows.itertuples()
        ]
    if kind == "activities":
        table = ctx.by_member(measures.activities_in_period(ctx), "owner_id")
    elif kind == "supported":
        table = measures.supported_deals(ctx)
    elif kind == "time":
        table = ctx.by_member(measures.time_in_period(ctx), "consultant_id")
    else:
        statuses = ("won", "lost") if kind == "decided" else (kind,)
        table = ctx.by_member(measures.decided_deals(ctx, statuses), "owner_id")
    return [Listed(int(i)) for i in table.select("id").execute()["id"].tolist()]


def number(value: Any) -> float | None:
    """A number from what an engine returns; None for NULL or NaN."""
    return None if value is None or value != value else float(value)


def day(value: Any) -> date | None:
    """A plain date from the date or timestamp an engine returns; None for NULL or NaT."""
    if value is None or value != value:
        return None
    # A timestamp (a datetime, or pandas' Timestamp, both dates too) is cut to its day.
    return value.date() if isinstance(value, datetime) else value
