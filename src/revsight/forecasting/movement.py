"""Pipeline movement: how the pipeline of a target period changed between two dates.

The pipeline of a period, as of a date, is every deal open at the end of that date and expected
to close in the period (`measures.open_in_period`, rebuilt from stage history). Between two dates
each deal's change falls in exactly one bucket, so

    start + new + pulled_in + increased − decreased − pushed_out − won − lost = end

holds by construction (tests check it on the demo organisation):

- **new**: in the pipeline at the end, created after the start date;
- **pulled in**: in it at the end, not at the start, though it existed then (its close date moved
  into the period, or it was reopened);
- **increased / decreased**: in it at both dates, with a larger / smaller amount;
- **pushed out**: in it at the start, still open at the end but no longer expected in the period;
- **won / lost**: in it at the start, decided by the end.

Amounts leaving are counted at their start value, amounts entering at their end value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from revsight.analytics import measures
from revsight.analytics.context import Context
from revsight.analytics.engine import Engine, get_engine
from revsight.analytics.scopes import Membership
from revsight.core.errors import InvalidInput
from revsight.core.periods import Period

BUCKETS = ("new", "pulled_in", "increased", "decreased", "pushed_out", "won", "lost")
ENTERING = {"new", "pulled_in", "increased"}


@dataclass
class Movement:
    key: str
    start: float = 0.0
    end: float = 0.0
    amounts: dict[str, float] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0.0))
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))
    deals: dict[str, list[int]] = field(default_factory=lambda: {b: [] for b in BUCKETS})

    def explained_end(self) -> float:
        """The end value rebuilt from the start and the buckets (equal to `end`)."""
        signed = sum(
            amount if bucket in ENTERING else -amount for bucket, amount in self.amounts.items()
        )
        return self.start + signed

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "start": round(self.start, 2),
            **{bucket: round(self.amounts[bucket], 2) for bucket in BUCKETS},
            "end": round(self.end, 2),
            "counts": self.counts,
        }


@dataclass(frozen=True)
class DealState:
    key: str
    amount: float
    outcome: str  # open, won or lost
    in_period: bool  # open and expected to close in the period


def _state(
    engine: Engine, period: Period, as_of: date, members: Membership
) -> dict[tuple[int, str], DealState]:
    """Every deal that existed at the end of the date, per scope key it counts in (a deal
    counts in its owner's team and in every team above): its amount, outcome and whether it
    was in the period's pipeline."""
    ctx = Context.for_organisation(engine, period, as_of, members)
    state = ctx.by_member(measures.pipeline_state(ctx), "owner_id")
    in_period = (
        state.is_open & (state.close_date >= period.start) & (state.close_date <= period.end)
    )
    frame = state.select("id", "key", "amount", "outcome", in_period=in_period).execute()
    return {
        (int(row.id), str(row.key)): DealState(
            str(row.key),
            float(row.amount) if row.amount == row.amount and row.amount is not None else 0.0,
            str(row.outcome),
            bool(row.in_period),
        )
        for row in frame.itertuples()
    }


def movement(
    period: Period,
    start: date,
    end: date,
    members: Membership,
    engine: Engine | None = None,
) -> list[Movement]:
    """How the period's pipeline moved from the end of `start` to the end of `end`, per key."""
    if end < start:
        raise InvalidInput("to", end.isoformat(), "must not be before --from")
    runner = engine or get_engine()
    before = _state(runner, period, start, members)
    after = _state(runner, period, end, members)
    result = {key: Movement(key) for key in members.keys}
    for deal, key in set(before) | set(after):
        was, now = before.get((deal, key)), after.get((deal, key))
        move = result.setdefault(key, Movement(key))
        if was and was.in_period:
            move.start += was.amount
        if now and now.in_period:
            move.end += now.amount
        bucket, amount = _bucket(was, now)
        if bucket:
            move.amounts[bucket] += amount
            move.counts[bucket] += 1
            move.deals[bucket].append(deal)
    return [result[key] for key in members.keys if key in result]


def _bucket(was: DealState | None, now: DealState | None) -> tuple[str | None, float]:
    """The one bucket a deal's change falls in, and the amount it moved."""
    was_in = bool(was and was.in_period)
    now_in = bool(now and now.in_period)
    if was and now and was_in and now_in:
        change = now.amount - was.amount
        if change > 0:
            return "increased", change
        if change < 0:
            return "decreased", -change
        return None, 0.0
    if now and now_in:
        # A deal that did not exist at the start is new; one that did was pulled in.
        return ("new" if was is None else "pulled_in"), now.amount
    if was and was_in:
        outcome = now.outcome if now else "open"
        return (outcome if outcome in ("won", "lost") else "pushed_out"), was.amount
    return None, 0.0
