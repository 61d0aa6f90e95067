"""What the capacity form starts from, taken from the data rather than invented: the next five
fiscal quarters with their quotas as objectives, the salespeople's usual monthly quota, their
measured attainment, last year's attrition and a lead time of three months."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from statistics import median

from django.db.models import Sum

from revsight.access.directory import quotas_by_team, team_quota
from revsight.analytics.scopes import salespeople_in
from revsight.core import periods
from revsight.core.models import Organisation
from revsight.org.models import Quota, Team, TeamTree
from revsight.planning.capacity import DEFAULT_RAMP
from revsight.planning.inputs import MEASURED, share_text
from revsight.planning.team import current_salespeople

QUARTERS = 5
LEAD_TIME = 3


def next_quarters(as_of: date, count: int = QUARTERS) -> list[periods.Period]:
    fiscal = Organisation.current().fiscal_year_start_month
    quarter = periods.containing("quarter", periods.add_months(as_of, 1), fiscal)
    if quarter.start < periods.add_months(as_of, 1):  # the plan starts the month after as-of
        quarter = periods.following(quarter, fiscal)
    found = []
    for _ in range(count):
        found.append(quarter)
        quarter = periods.following(quarter, fiscal)
    return found


def quarter_quota(quarter: periods.Period, team: Team | None) -> Decimal | None:
    months = (quarter.start, quarter.end)
    if team is None:
        total = Quota.objects.filter(month__range=months, user__isnull=False).aggregate(
            total=Sum("amount")
        )["total"]
        return Decimal(total) if total else None
    return team_quota(TeamTree.load(), team.pk, quotas_by_team(months))


def attrition_last_year(as_of: date, team: Team | None) -> float | None:
    """Salespeople who left in the twelve months to the as-of date, over those employed at
    their start; None when there was nobody."""
    start = periods.shift(as_of, -12) + timedelta(days=1)
    below = TeamTree.load().descendants(team.pk) if team else None
    people = [
        p
        for p in salespeople_in(periods.Period("start", "day", start, start))
        if below is None or p.team_id in below
    ]
    if not people:
        return None
    left = sum(1 for p in people if p.end_date is not None and p.end_date <= as_of)
    return left / len(people)


def monthly_quota(as_of: date, team: Team | None) -> Decimal | None:
    """The current salespeople's usual monthly quota: each one's mean over the twelve months
    to the as-of month (quotas are often seasonal), the median of those."""
    people = current_salespeople(as_of, team)
    last = periods.containing("month", as_of).start
    rows = Quota.objects.filter(
        user__in=people, month__range=(periods.add_months(last, -11), last)
    ).values_list("user_id", "amount")
    by_person: dict[int, list[Decimal]] = {}
    for user_id, amount in rows:
        by_person.setdefault(user_id, []).append(amount)
    means = [sum(a, Decimal(0)) / len(a) for a in by_person.values()]
    return Decimal(median(means)).quantize(Decimal(1)) if means else None


def suggested(as_of: date, team: Team | None) -> dict[str, str]:
    objectives = []
    for quarter in next_quarters(as_of):
        amount = quarter_quota(quarter, team)
        objectives.append(f"{quarter.id}={amount.quantize(Decimal(1)) if amount else ''}")
    quota = monthly_quota(as_of, team)
    attrition = attrition_last_year(as_of, team)
    return {
        "objectives": ", ".join(objectives),
        "quota": str(quota) if quota else "",
        "attainment": MEASURED,
        "ramp": ", ".join(share_text(r) for r in DEFAULT_RAMP),
        "attrition": share_text(round(attrition, 2)) if attrition is not None else "",
        "lead_time": str(LEAD_TIME),
    }
