"""A salesperson's review packet: the month's numbers drawn from the data, as a JSON-able
document (`build`). Held reviews keep it as it was drawn (`review_services.hold`).

Every figure is one Revsight already defines, for the salesperson alone, seen at the end of the
as-of day (the month's last day once it is over, today within it):

- `metrics`: the month's bookings against the quota, and quota attainment, deals won, win rate,
  opportunities and pipeline created, average order value and median sales cycle, each against
  the salesperson's goal for the month where one is set (Settings → Goals), with the gap and
  the six months before it.
- `activities`: each activity standard of salespeople (`activities_vs_standard_*`: done against
  what the standard expects by the as-of day, 1.0 on standard), with the counts and the trend.
- `forecast`: forecast accuracy and bias month by month and rolling, with the label
  (`forecasting.accuracy`), as known the day after the month, when its own accuracy is known.
- `coverage`: open pipeline closing in the next 30, 60 and 90 days against the quota of those
  days; `pipeline_math`: the salesperson's line of their team's pipeline math.
- `discipline`: the CRM discipline findings on their deals at the as-of day.
- `coaching`: their joint calls against the monthly target, and the month's coaching entries.
- `business_plan`: the month in their business plan for the half, when they have one.

A quarterly packet adds `quarter` (`review_quarter`); `review_services` adds the previous
review's actions with their outcomes.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from revsight.analytics.computation import Result, Row, compute, gap
from revsight.analytics.kept import kept
from revsight.analytics.scopes import person
from revsight.cadence import coaching, review_quarter
from revsight.cadence.report import audience, discipline
from revsight.core import periods
from revsight.core.models import Organisation
from revsight.crm.models import ActivityType
from revsight.forecasting.accuracy import track_records
from revsight.forecasting.page import my_math
from revsight.org.models import ActivityStandard, Goal, Role, User
from revsight.planning import business_services

TREND = 6  # months shown before the review's month
METRICS = [
    "bookings",
    "quota_attainment",
    "won_count",
    "win_rate",
    "opportunities_created",
    "pipeline_created",
    "average_order_value",
    "sales_cycle_days_median",
]
COVERAGE = {"pipeline_coverage_30d": 30, "pipeline_coverage_60d": 60, "pipeline_coverage_90d": 90}
NAMES = {
    "bookings": "Bookings against quota",
    "quota_attainment": "Quota attainment",
    "won_count": "Deals won",
    "win_rate": "Win rate",
    "opportunities_created": "Opportunities created",
    "pipeline_created": "Pipeline created",
    "average_order_value": "Average order value",
    "sales_cycle_days_median": "Sales cycle (median days)",
}


def seen_at(period: periods.Period, today: date) -> date:
    """The day a review's numbers are seen at: today within the period, its last day after."""
    return min(today, period.end)


def month_of(kind: str, period: periods.Period, as_of: date) -> periods.Period:
    """The month a packet's monthly part is of: the review's month, or for a quarter the month
    of its as-of day."""
    if kind == "monthly":
        return period
    return periods.containing("month", as_of, Organisation.current().fiscal_year_start_month)


# -- metrics against goals -------------------------------------------------------------------


def _goals(rep: User, metrics: list[str], ids: list[str]) -> dict[tuple[str, str], float]:
    """The salesperson's own goals of those metrics in those months."""
    rows = Goal.objects.filter(scope="user", user=rep, metric__in=metrics, period__in=ids)
    return {(m, p): float(t) for m, p, t in rows.values_list("metric", "period", "target")}


def _line(row: Row, ids: list[str], goals: list[float | None], name: str) -> dict[str, Any]:
    values = [*(row.trend or []), row.value]
    return {
        "id": row.metric,
        "name": name,
        "unit": row.unit,
        "value": row.value,
        "goal": goals[-1],
        "gap": gap(row.value, goals[-1], row.unit),
        "trend": [
            {"period": p, "value": v, "goal": g} for p, v, g in zip(ids, values, goals, strict=True)
        ],
    }


def _rows(result: Result, key: str) -> dict[str, Row]:
    return {row.metric: row for row in result.rows if row.key == key}


def _metrics(rep: User, month: periods.Period, as_of: date) -> dict[str, Any]:
    """The month's metrics against goals, each with the six months before it."""
    standards = _standards()
    against = [f"activities_vs_standard_{kind}" for kind in standards]
    counts = [f"{p}_{kind}" for kind in standards for p in ("activities", "activities_expected")]
    result = compute(
        [*METRICS, "quota", *against, *counts],
        month,
        as_of,
        by="rep",
        trend=TREND,
        members=person(rep),
    )
    ids = [p.id for p in result.trend_periods] + [month.id]
    rows = _rows(result, rep.email)
    own = _goals(rep, METRICS, ids)
    quota = rows["quota"]
    quotas = [*(quota.trend or []), quota.value]
    lines = []
    for metric in METRICS:
        goals: list[float | None] = [own.get((metric, p)) for p in ids]
        if metric == "bookings":  # against the quota
            goals = [None if q is None else float(q) for q in quotas]
        lines.append(_line(rows[metric], ids, goals, NAMES[metric]))
    activities = []
    for kind, label in standards.items():
        line = _line(rows[f"activities_vs_standard_{kind}"], ids, [1.0] * len(ids), label)
        line["done"] = rows[f"activities_{kind}"].value
        line["expected"] = rows[f"activities_expected_{kind}"].value
        activities.append(line)
    return {"months": ids, "metrics": lines, "activities": activities}


def _standards() -> dict[str, str]:
    """The activity kinds salespeople have a standard for, with their names, in order."""
    kinds = (
        ActivityStandard.objects.filter(role=Role.SALESPERSON)
        .order_by("id")
        .values_list("activity_type", flat=True)
    )
    return {
        kind: f"{ActivityType(kind).label}s against standard"
        for kind in dict.fromkeys(kinds)
        if kind in ActivityType.values and kind != ActivityType.OTHER
    }


# -- forecast, coverage, pipeline math -------------------------------------------------------


def forecast_day(month: periods.Period, today: date) -> date:
    """The day the track record is seen at: the day after the month (a month's accuracy is
    known once it is over), or today while it is going on (the record ends the month before)."""
    return min(today, month.end + timedelta(days=1))


def _forecast(rep: User, day: date) -> dict[str, Any]:
    found = track_records(day, "rep", TREND, members=person(rep))
    if not found:
        return {"months": [], "rolling_accuracy": None, "rolling_bias": None, "label": ""}
    record = found[0].as_json()
    return {key: record[key] for key in ("months", "rolling_accuracy", "rolling_bias", "label")}


def _coverage(rep: User, month: periods.Period, as_of: date) -> list[dict[str, Any]]:
    result = compute(list(COVERAGE), month, as_of, by="rep", members=person(rep))
    return [
        {"id": metric, "days": days, "value": result.value(metric, rep.email)}
        for metric, days in COVERAGE.items()
    ]


def _pipeline_math(rep: User, month: periods.Period, as_of: date) -> dict[str, Any] | None:
    need = my_math(rep, month, as_of)
    return None if need is None else need.as_json()


def drawn(rep: User, month: periods.Period, as_of: date, today: date) -> dict[str, Any]:
    """The packet's analytics, kept under the data's version (a draft is opened again and
    again; its numbers change only when the data does)."""
    day = forecast_day(month, today)
    name = f"review:{rep.email}:{month.id}:{as_of}:{day}"
    return kept(
        name,
        lambda: {
            **_metrics(rep, month, as_of),
            "forecast": _forecast(rep, day),
            "coverage": _coverage(rep, month, as_of),
            "pipeline_math": _pipeline_math(rep, month, as_of),
        },
    )


# -- discipline, coaching, the business plan -------------------------------------------------


def _discipline(rep: User, as_of: date) -> dict[str, Any]:
    report = discipline(as_of, audience(None, user=rep))
    return report.as_json()


def _coaching(rep: User, month: periods.Period, as_of: date) -> dict[str, Any]:
    found = coaching.rep_months([rep], month, as_of)[0]
    entries = coaching.entries_in(None, [rep], month)
    return {
        "month": month.id,
        "target": found.target,
        "expected": found.expected,
        "joint_calls": found.joint_calls,
        "behind": found.behind,
        "entries": [
            {
                "date": e.date.isoformat(),
                "kind": e.get_kind_display(),
                "skill": e.skill,
                "coach": e.coach.display_name,
                "notes": e.notes,
                "action": e.action,
                "due": e.action_due.isoformat() if e.action_due else None,
            }
            for e in reversed(entries)
        ],
    }


def _business_plan(rep: User, month: periods.Period, as_of: date) -> dict[str, Any] | None:
    """The month in the salesperson's plan of the half containing it, if they have one."""
    fiscal = Organisation.current().fiscal_year_start_month
    half = periods.containing("half", month.start, fiscal)
    plan = business_services.plan_of(None, rep, half)
    if plan is None:
        return None
    shown = business_services.view(rep, half, as_of, plan)
    tracked = next((t for t in shown.tracked if t.month == month.start), None)
    if tracked is None:
        return {"half": half.id, "status": shown.status, "month": None}
    return {
        "half": half.id,
        "status": shown.status,
        "month": {
            "on_track": tracked.on_track,
            "bookings_to_date": round(tracked.bookings_to_date, 2),
            "quota_to_date": round(tracked.quota_to_date, 2),
            "opportunities_to_date": tracked.opportunities_to_date,
            "opportunities_needed": _round(tracked.opportunities_needed),
            "pipeline": round(tracked.pipeline, 2),
            "pipeline_needed": round(tracked.pipeline_needed, 2),
        },
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def build(rep: User, kind: str, period: periods.Period, today: date) -> dict[str, Any]:
    """The packet of `rep`'s review of `period` (a month, or a quarter for `kind` quarterly),
    seen at the end of `today` (or of the period's last day, once it is over)."""
    as_of = seen_at(period, today)
    month = month_of(kind, period, as_of)
    packet: dict[str, Any] = {
        "salesperson": {
            "email": rep.email,
            "name": rep.display_name,
            "team": rep.team.name if rep.team else None,
        },
        "kind": kind,
        "period": period.id,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "as_of": as_of.isoformat(),
        "month": month.id,
        "currency": Organisation.current().currency,
        **drawn(rep, month, as_of, today),
        "discipline": _discipline(rep, as_of),
        "coaching": _coaching(rep, month, as_of),
        "business_plan": _business_plan(rep, month, as_of),
    }
    if kind == "quarterly":
        packet["quarter"] = review_quarter.quarter(rep, period, as_of)
    return packet
