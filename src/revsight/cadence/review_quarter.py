"""What a quarterly review's packet adds to the monthly part: the quarter's bookings against
quota, and its win/loss analysis: deals won and lost (count and value, the records behind
`won_count` and `lost_count`), the lost value by loss reason, and the salesperson's median sales
cycle against their team's (`sales_cycle_days_median`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from revsight.analytics.computation import compute
from revsight.analytics.records import listed
from revsight.analytics.scopes import membership, narrowed, person
from revsight.core import periods
from revsight.crm.models import Opportunity
from revsight.org.models import User

LISTED = 5  # the largest lost deals named; the counts are of all of them
NO_REASON = "No reason given"


def _deals(ids: list[int]) -> list[Opportunity]:
    rows = Opportunity.objects.filter(pk__in=ids).select_related("account")
    return sorted(rows, key=lambda d: (-(d.amount or Decimal(0)), d.pk))


def _value(deals: list[Opportunity]) -> float:
    return round(float(sum((d.amount or Decimal(0)) for d in deals)), 2)


def _reasons(lost: list[Opportunity]) -> list[dict[str, Any]]:
    """The lost deals by reason, the largest lost value first."""
    by_reason: dict[str, list[Opportunity]] = {}
    for deal in lost:
        by_reason.setdefault(deal.loss_reason.strip() or NO_REASON, []).append(deal)
    rows = [
        {"reason": reason, "count": len(deals), "value": _value(deals)}
        for reason, deals in by_reason.items()
    ]
    return sorted(rows, key=lambda r: (-r["value"], r["reason"]))


def _team_cycle(rep: User, quarter: periods.Period, as_of: date) -> float | None:
    if rep.team is None:
        return None
    team = narrowed(membership("team", quarter), [rep.team.name])
    if not team.keys:
        return None
    found = compute(["sales_cycle_days_median"], quarter, as_of, by="team", members=team)
    value = found.value("sales_cycle_days_median", rep.team.name)
    return None if value is None else float(value)


def quarter(rep: User, period: periods.Period, as_of: date) -> dict[str, Any]:
    members = person(rep)
    ids = ["bookings", "quota", "quota_attainment", "sales_cycle_days_median"]
    result = compute(ids, period, as_of, by="rep", members=members)
    won = _deals([r.id for r in listed("won", period, as_of, members)])
    lost = _deals([r.id for r in listed("lost", period, as_of, members)])
    return {
        "bookings": result.value("bookings", rep.email),
        "quota": result.value("quota", rep.email),
        "attainment": result.value("quota_attainment", rep.email),
        "won": {"count": len(won), "value": _value(won)},
        "lost": {"count": len(lost), "value": _value(lost)},
        "loss_reasons": _reasons(lost),
        "lost_deals": [
            {
                "id": d.pk,
                "name": d.name,
                "account": d.account.name if d.account else None,
                "amount": round(float(d.amount or 0), 2),
                "reason": d.loss_reason,
            }
            for d in lost[:LISTED]
        ],
        "cycle_days": result.value("sales_cycle_days_median", rep.email),
        "team_cycle_days": _team_cycle(rep, period, as_of),
    }
