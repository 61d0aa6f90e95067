"""Pipeline math: how much pipeline a quota takes, from the last months of the organisation's
own history (nine complete months by default; six at least).

- **Closing ratio by stage**: of the deals decided in the window that reached a stage, the share
  won, by count and by value. The first stage's ratio is the ratio from creation.
- **Pipeline to enter each month**: the month's quota ÷ the value ratio from creation, the new
  pipeline that must be created, at the usual rate, to close the quota in time.
- **Pipeline needed at the start of a month**: quota × the window's start-of-month pipeline
  (deals open the day before, expected to close in the month, at their amounts then) ÷ what
  those months booked. As a multiple of quota, the coverage a month needs. Bookings also come
  from deals whose close date was elsewhere (overdue, pulled in) and from deals created inside
  the month; the ratio counts them all, as the quota does. How much of the start pipeline was
  itself won is shown beside it.
- **Each salesperson's version**: the same coverage from their own months when they decided at
  least MIN_OWN_DEALS deals in the window (the scope's otherwise), beside the coverage they
  have for next month: "you need 3.1× quota in pipeline; you have 2.4×".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from revsight.analytics import compute, measures
from revsight.analytics.context import Context
from revsight.analytics.engine import Engine, get_engine
from revsight.analytics.records import number
from revsight.analytics.scopes import Membership, membership, narrowed
from revsight.core import periods
from revsight.core.errors import InvalidInput
from revsight.core.periods import Period, add_months, months_spanned
from revsight.crm.models import Stage

DEFAULT_MONTHS = 9
MIN_MONTHS = 6
MIN_OWN_DEALS = 10
AHEAD = 3


@dataclass
class StageRatio:
    stage: str
    reached: int
    won: int
    value_reached: float
    value_won: float

    def as_json(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "reached": self.reached,
            "won": self.won,
            "count_ratio": _ratio(self.won, self.reached),
            "value_reached": round(self.value_reached, 2),
            "value_won": round(self.value_won, 2),
            "value_ratio": _ratio(self.value_won, self.value_reached),
        }


@dataclass
class Conversion:
    """Start-of-month pipeline and what came of it, summed over the window's months."""

    start_pipeline: float = 0.0
    booked: float = 0.0  # everything won in those months
    won_from_start: float = 0.0  # the start pipeline's deals won in their month
    decided: int = 0

    @property
    def ratio(self) -> float | None:
        """Bookings per unit of start-of-month pipeline."""
        return self.booked / self.start_pipeline if self.start_pipeline else None


@dataclass
class MonthNeed:
    month: str
    quota: float | None
    to_enter: float | None
    needed_at_start: float | None
    pipeline_now: float

    def as_json(self) -> dict[str, Any]:
        quota = self.quota
        return {
            "month": self.month,
            "quota": quota,
            "pipeline_to_enter": _money(self.to_enter),
            "pipeline_needed_at_start": _money(self.needed_at_start),
            "pipeline_now": round(self.pipeline_now, 2),
            "coverage_needed": _ratio(self.needed_at_start, quota),
            "coverage_now": _ratio(self.pipeline_now, quota),
        }


@dataclass
class RepNeed:
    email: str
    name: str
    decided: int
    own_ratios: bool
    quota: float | None
    coverage_needed: float | None
    pipeline: float

    @property
    def coverage_now(self) -> float | None:
        return _ratio(self.pipeline, self.quota)

    @property
    def gap(self) -> float | None:
        """Pipeline still to find for next month (negative: more than enough)."""
        if self.coverage_needed is None or not self.quota:
            return None
        return round(self.coverage_needed * self.quota - self.pipeline, 2)

    def sentence(self) -> str:
        if self.coverage_needed is None or self.coverage_now is None:
            return "not enough history or no quota for next month"
        return (
            f"you need {self.coverage_needed:.1f}× quota in pipeline; "
            f"you have {self.coverage_now:.1f}×"
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "email": self.email,
            "name": self.name,
            "decided": self.decided,
            "own_ratios": self.own_ratios,
            "quota": self.quota,
            "pipeline": round(self.pipeline, 2),
            "coverage_needed": self.coverage_needed,
            "coverage_now": self.coverage_now,
            "gap": self.gap,
            "sentence": self.sentence(),
        }


@dataclass
class PipelineMath:
    window: Period
    stages: list[StageRatio]
    conversion: Conversion
    months: list[MonthNeed]
    reps: list[RepNeed] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        months = months_spanned(self.window)
        return {
            "window": {"start": self.window.start, "end": self.window.end, "months": months},
            "stages": [s.as_json() for s in self.stages],
            "bookings_per_start_pipeline": _ratio(
                self.conversion.booked, self.conversion.start_pipeline
            ),
            "start_pipeline_won": _ratio(
                self.conversion.won_from_start, self.conversion.start_pipeline
            ),
            "months": [m.as_json() for m in self.months],
            "reps": [r.as_json() for r in self.reps],
        }


def _ratio(part: float | None, whole: float | None) -> float | None:
    return round(part / whole, 4) if part is not None and whole else None


def _money(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def pipeline_math(
    as_of: date,
    members: Membership,
    months: int = DEFAULT_MONTHS,
    engine: Engine | None = None,
) -> PipelineMath:
    """The math for one scope (its first key) from the `months` complete months before as-of."""
    if months < MIN_MONTHS:
        raise InvalidInput("months", str(months), f"must be at least {MIN_MONTHS}")
    engine = engine or get_engine()
    this_month = as_of.replace(day=1)
    window = Period(
        f"last-{months}m", "window", add_months(this_month, -months), this_month - timedelta(1)
    )
    key = members.keys[0]
    people = {uid for uid, k in members.pairs if k == key}
    # Everyone who sold in the window teaches the ratios, leavers included.
    reps_here = _among(membership("rep", window), people)
    stages = _stage_ratios(engine, window, as_of, members)
    by_rep = _conversions(engine, window, reps_here)
    total = Conversion()
    for conversion in by_rep.values():
        total.start_pipeline += conversion.start_pipeline
        total.won_from_start += conversion.won_from_start
        total.booked += conversion.booked
        total.decided += conversion.decided
    creation_ratio = (
        stages[0].value_won / stages[0].value_reached
        if stages and stages[0].value_reached
        else None
    )
    result = PipelineMath(window, stages, total, [])
    for k in range(1, AHEAD + 1):
        month = add_months(this_month, k)
        period = periods.containing("month", month)
        figures = compute(
            ["quota", "pipeline_value"],
            period.id,
            as_of,
            members.scope,
            engine=engine,
            members=members,
        )
        quota = number(figures.value("quota", key))
        result.months.append(
            MonthNeed(
                period.id,
                quota,
                quota / creation_ratio if quota is not None and creation_ratio else None,
                _needed(quota, total),
                number(figures.value("pipeline_value", key)) or 0.0,
            )
        )
    next_month = add_months(this_month, 1)
    period = periods.containing("month", next_month)
    # Each salesperson's line is for those in post next month.
    sellers = _among(membership("rep", period), people)
    figures = compute(
        ["quota", "pipeline_value"], period.id, as_of, "rep", engine=engine, members=sellers
    )
    for rep_key in sellers.keys:
        own = by_rep.get(rep_key, Conversion())
        uses_own = own.decided >= MIN_OWN_DEALS and own.ratio is not None
        needed = _needed(1.0, own if uses_own else total)
        result.reps.append(
            RepNeed(
                rep_key,
                sellers.label(rep_key),
                own.decided,
                uses_own,
                number(figures.value("quota", rep_key)),
                None if needed is None else round(needed, 2),
                number(figures.value("pipeline_value", rep_key)) or 0.0,
            )
        )
    return result


def _among(reps: Membership, people: set[int]) -> Membership:
    """The salespeople of `reps` who are among `people` (the scope's members)."""
    return narrowed(reps, [key for user_id, key in reps.pairs if user_id in people])


def _needed(quota: float | None, conversion: Conversion) -> float | None:
    """Start-of-month pipeline that books `quota` at the window's ratio (with a quota of 1:
    the coverage multiple)."""
    if quota is None or not conversion.ratio:
        return None
    return quota / conversion.ratio


def _stage_ratios(
    engine: Engine, window: Period, as_of: date, members: Membership
) -> list[StageRatio]:
    ctx = Context.for_organisation(engine, window, as_of, members)
    decided = ctx.by_member(measures.decided_deals(ctx), "owner_id")
    decided = decided.filter(decided.key == members.keys[0])
    changes = ctx.fact("stage_changes")
    reached = changes.join(decided, changes.opportunity_id == decided.id).select(
        deal=changes.opportunity_id,
        stage=changes.to_stage_id,
        status=decided.status,
        amount=decided.amount,
    )
    frame = reached.distinct().execute()
    outcome = dict(Stage.objects.values_list("pk", "outcome"))
    counts: dict[int, list[float]] = defaultdict(lambda: [0, 0, 0.0, 0.0])
    for row in frame.itertuples():
        if outcome.get(int(row.stage)) != Stage.Outcome.OPEN:
            continue
        cell = counts[int(row.stage)]
        won = row.status == "won"
        cell[0] += 1
        cell[1] += int(won)
        cell[2] += number(row.amount) or 0.0
        cell[3] += (number(row.amount) or 0.0) if won else 0.0
    ratios = []
    for stage in Stage.objects.filter(outcome=Stage.Outcome.OPEN).order_by("order", "name"):
        reached_n, won_n, value, value_won = counts.get(stage.pk, [0, 0, 0.0, 0.0])
        ratios.append(StageRatio(stage.name, int(reached_n), int(won_n), value, value_won))
    # Deals created straight into a later stage never reached the first one: the ratio from
    # creation counts every decided deal.
    if ratios:
        every = decided.select("id", "status", "amount").execute()
        ratios[0] = StageRatio(
            ratios[0].stage,
            len(every),
            int((every.status == "won").sum()),
            float(every.amount.fillna(0).sum()),
            float(every.amount.where(every.status == "won", 0).fillna(0).sum()),
        )
    return ratios


def _conversions(engine: Engine, window: Period, reps: Membership) -> dict[str, Conversion]:
    """Per salesperson, over the window's months: start-of-month pipeline, what of it was won
    in the month, and everything booked."""
    result: dict[str, Conversion] = defaultdict(Conversion)
    month = window.start
    while month <= window.end:
        period = periods.containing("month", month)
        eve = month - timedelta(days=1)
        start_ctx = Context.for_organisation(engine, period, eve, reps)
        start = start_ctx.by_member(measures.open_in_period(start_ctx), "owner_id")
        start_frame = start.select("id", "key", "amount").execute()
        end_ctx = Context.for_organisation(engine, period, period.end, reps)
        decided = end_ctx.by_member(measures.decided_deals(end_ctx), "owner_id")
        decided_frame = decided.select("id", "key", "status", "amount").execute()
        won = {int(r.id): r for r in decided_frame.itertuples() if r.status == "won"}
        for r in start_frame.itertuples():
            conversion = result[str(r.key)]
            conversion.start_pipeline += number(r.amount) or 0.0
            if int(r.id) in won:  # at its amount then, as the pipeline was counted
                conversion.won_from_start += number(r.amount) or 0.0
        for r in decided_frame.itertuples():
            conversion = result[str(r.key)]
            conversion.decided += 1
            if r.status == "won":
                conversion.booked += number(r.amount) or 0.0
        month = add_months(month, 1)
    return result
