"""Plan against actual: for each month of a saved scenario that has begun, what it planned
(capacity, effective salespeople, hires starting) beside what happened (bookings, the
salespeople employed, who started and who left), so a VP sees where the plan went wrong."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from revsight.analytics.computation import compute
from revsight.analytics.scopes import salespeople_in
from revsight.core import periods
from revsight.org.models import TeamTree
from revsight.planning.services import CapacityPlan


@dataclass(frozen=True)
class MonthActual:
    month: periods.Period
    complete: bool
    planned_capacity: float
    bookings: float
    planned_effective_reps: float
    salespeople: int
    planned_starts: int
    started: int
    left: int

    @property
    def difference(self) -> float:
        return self.bookings - self.planned_capacity


def against_actuals(result: CapacityPlan, today: date) -> list[MonthActual]:
    """The plan's months up to today's, oldest first (none before the plan starts)."""
    months = [m for m in result.plan.months if periods.month_of(m.month) <= today]
    if not months:
        return []
    spans = [periods.containing("month", periods.month_of(m.month)) for m in months]
    scope, key = ("team", result.team.name) if result.team else ("company", "company")
    last = spans[-1]
    booked = compute(["bookings"], last, min(today, last.end), by=scope, trend=len(spans) - 1)
    row = next(r for r in booked.rows if r.key == key)
    values = [*(row.trend or []), row.value]
    below = TeamTree.load().descendants(result.team.pk) if result.team else None
    rows = []
    for month, span, value in zip(months, spans, values, strict=True):
        people = [p for p in salespeople_in(span) if below is None or p.team_id in below]
        rows.append(
            MonthActual(
                month=span,
                complete=periods.is_complete(span, today),
                planned_capacity=month.planned_capacity,
                bookings=float(value or 0),
                planned_effective_reps=month.planned_effective_reps,
                salespeople=len(people),
                planned_starts=month.starting,
                started=sum(1 for p in people if p.hire_date and span.contains(p.hire_date)),
                left=sum(1 for p in people if p.end_date and span.contains(p.end_date)),
            )
        )
    return rows
