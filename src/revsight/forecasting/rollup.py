"""The forecast roll-up: per company, team or salesperson, the quota, what is closed, the latest
commit and best case of its forecasters, and the open pipeline, for a month or a quarter."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date
from typing import Any

from revsight.access.permissions import FORECASTERS
from revsight.analytics import compute
from revsight.analytics.context import end_of_day_utc
from revsight.core.models import Organisation
from revsight.crm.models import ForecastSubmission
from revsight.forecasting.services import forecast_period
from revsight.org.models import User


def latest_submissions(
    period_type: str, period_start: date, as_of: date
) -> dict[tuple[int, str], float]:
    """Each person's latest amount per category for the period, as known at the as-of date."""
    boundary = end_of_day_utc(as_of, Organisation.current().time_zone).replace(tzinfo=UTC)
    rows = (
        ForecastSubmission.objects.filter(
            period_type=period_type, period_start=period_start, submitted_at__lt=boundary
        )
        .order_by("user_id", "category", "submitted_at", "id")
        .values_list("user_id", "category", "amount")
    )
    latest: dict[tuple[int, str], float] = {}
    for user_id, category, amount in rows:
        latest[(user_id, category)] = float(amount)
    return latest


@dataclass(frozen=True)
class Committed:
    """What some forecasters committed to for a period, as known at a date."""

    commit: float | None  # None when none of them submitted
    best_case: float | None
    submitted: int


def committed(latest: dict[tuple[int, str], float], people: Iterable[int]) -> Committed:
    """The sum of `people`'s latest commits and best cases (a best case not given counts as
    the commit), from `latest_submissions`."""
    commits, best = [], []
    for user_id in people:
        if (user_id, "commit") in latest:
            commits.append(latest[(user_id, "commit")])
            best.append(latest.get((user_id, "best_case"), commits[-1]))
    if not commits:
        return Committed(None, None, 0)
    return Committed(round(sum(commits), 2), round(sum(best), 2), len(commits))


def rollup(period_id: str, as_of: date, by: str) -> dict[str, Any]:
    period = forecast_period(period_id, as_of)
    result = compute(["quota", "bookings", "pipeline_value"], period.id, as_of, by)
    members = result.members
    assert members is not None
    latest = latest_submissions(period.kind, period.start, as_of)
    forecasters = set(User.objects.filter(role__in=FORECASTERS).values_list("id", flat=True))
    rows = []
    for key in members.keys:
        people = [uid for uid, k in members.pairs if k == key and uid in forecasters]
        sums = committed(latest, people)
        rows.append(
            {
                "key": key,
                "name": members.label(key),
                "quota": result.value("quota", key),
                "closed": result.value("bookings", key),
                "commit": sums.commit,
                "best_case": sums.best_case,
                "pipeline": result.value("pipeline_value", key),
                "forecasters": len(people),
                "submitted": sums.submitted,
            }
        )
    return {
        "period": {"id": period.id, "start": period.start, "end": period.end},
        "as_of": as_of,
        "by": by,
        "rows": rows,
    }
