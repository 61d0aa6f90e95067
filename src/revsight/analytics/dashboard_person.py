"""What the page of a presales engineer or a consultant shows, as typed figures.

The same machinery as the sales dashboards (`dashboard.py`): the metric catalogue computed in
one session for the person's own records, each figure paced, read in its metric's direction and
set beside the comparison period, and the result kept under the data's version.

- A **presales engineer**: their activities and the deals they support (the opportunities they
  logged an activity on), and their role's activity standards with what is expected by the
  as-of day (`activities_expected_*`, paced like every goal to date).
- A **consultant**: utilisation, realisation, blended rate and backlog against their goals,
  the hours of their timesheets week by week.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from revsight.analytics.catalogue import BY_ID
from revsight.analytics.computation import Result
from revsight.analytics.dashboard import TREND, Builder, Series, Value
from revsight.analytics.dashboard_figures import Comparison, Figure, compared, figure
from revsight.analytics.dashboard_scope import Scope
from revsight.analytics.kept import kept
from revsight.analytics.records import listed
from revsight.analytics.session import session
from revsight.core import periods
from revsight.core.models import Organisation
from revsight.crm.models import LARGEST_FIRST, ActivityType, Opportunity
from revsight.org.models import ActivityStandard, Role

TILES: dict[str, list[tuple[str, str]]] = {
    Role.PRESALES: [("activity_count", "activities"), ("deals_supported", "supported")],
    Role.CONSULTANT: [
        ("consultant_utilization", "time"),
        ("consultant_realization", "time"),
        ("consultant_blended_rate", "time"),
        ("consultant_backlog_days", "time"),
        ("consultant_billable_hours", "time"),
        ("consultant_hours", "time"),
    ],
}
# The month-by-month lines of the trend chart, besides each standard's share (presales).
MONTHLY: dict[str, list[str]] = {
    Role.CONSULTANT: ["consultant_utilization", "consultant_realization"]
}
WEEKLY = ["consultant_hours", "consultant_billable_hours", "consultant_utilization"]
MONTHS = 12
WEEKS = 6
DEALS_SHOWN = 10


@dataclass(frozen=True)
class StandardRow:
    """One activity standard of the person's role, and how they stand against it."""

    kind: str
    label: str
    per: str  # week | month
    count: float
    done: Value
    expected: Value  # by the as-of day
    share: Value  # done / expected
    on_pace: bool | None
    compared: Value  # the share in the comparison period


@dataclass(frozen=True)
class SupportedDeal:
    id: int
    name: str
    account: str
    owner: str
    stage: str
    status: str
    amount: float
    close_date: date | None


@dataclass(frozen=True)
class Week:
    """One week of a consultant's timesheets."""

    period: periods.Period
    hours: Value
    billable: Value
    utilization: Value


@dataclass(frozen=True)
class Monthly:
    """Month-by-month lines for the trend chart, and a year earlier when compared with it."""

    months: list[str]
    series: list[Series]
    goals: dict[str, float | None]
    year_before: list[Series] = field(default_factory=list)


@dataclass(frozen=True)
class PersonDashboard:
    scope: Scope
    period: periods.Period
    role: str
    comparison: Comparison
    pacing: str
    tiles: list[Figure] = field(default_factory=list)
    standards: list[StandardRow] = field(default_factory=list)
    deals: list[SupportedDeal] = field(default_factory=list)
    deals_total: int = 0
    weeks: list[Week] = field(default_factory=list)
    monthly: Monthly | None = None


def person_dashboard(
    scope: Scope, period: periods.Period, as_of: date, compare: str = "previous"
) -> PersonDashboard:
    """Everything a presales engineer's or a consultant's page shows for a period as it stood
    at the end of `as_of`, compared with `compare`, kept under the data's version."""
    return kept(
        person_kept_name(scope, period, as_of, compare),
        lambda: _build(scope, period, as_of, compare),
    )


def person_kept_name(
    scope: Scope, period: periods.Period, as_of: date, compare: str = "previous"
) -> str:
    """The name a person's page is kept under (`kept.kept_already` finds it)."""
    return (
        f"person:{scope.key}:{period.id}:{period.start}:{period.end}:{as_of}:{compare}"
        f":{Organisation.current().pacing}"
    )


def _build(scope: Scope, period: periods.Period, as_of: date, compare: str) -> PersonDashboard:
    assert scope.user is not None
    role = str(scope.user.role)
    with session() as analytics:
        build = Builder(analytics, scope, period, as_of, compare)
        standards = list(ActivityStandard.objects.filter(role=role).order_by("id"))
        presales, consultant = role == Role.PRESALES, role == Role.CONSULTANT
        deals, total = supported_deals(build) if presales else ([], 0)
        shares = [f"activities_vs_standard_{s.activity_type}" for s in standards]
        lines = [*MONTHLY.get(role, []), *shares]
        return PersonDashboard(
            scope,
            period,
            role,
            build.comparison,
            build.pacing,
            tiles=_tiles(build, TILES.get(role, [])),
            standards=_standards(build, standards) if presales else [],
            deals=deals,
            deals_total=total,
            weeks=_weeks(build) if consultant else [],
            monthly=_monthly(build, lines) if lines else None,
        )


def _tiles(build: Builder, tiles: list[tuple[str, str]]) -> list[Figure]:
    ids = [metric for metric, _ in tiles]
    if not ids:
        return []
    now = build.values(ids, trend=TREND)
    other = build.compared(ids)
    return [
        replace(
            compared(
                figure(now, metric, build.key, basis=build.pacing),
                other.value(metric, build.key) if other else None,
                build.comparison.label,
            ),
            drill=drill,
        )
        for metric, drill in tiles
    ]


def _standards(build: Builder, standards: list[ActivityStandard]) -> list[StandardRow]:
    kinds = [s.activity_type for s in standards]
    ids = [
        f"{prefix}_{kind}"
        for kind in kinds
        for prefix in ("activities", "activities_expected", "activities_vs_standard")
    ]
    if not ids:
        return []
    now = build.values(ids)
    other = build.compared([f"activities_vs_standard_{kind}" for kind in kinds])
    rows = []
    for standard in standards:
        kind, key = standard.activity_type, build.key
        share = now.value(f"activities_vs_standard_{kind}", key)
        rows.append(
            StandardRow(
                kind,
                ActivityType(kind).label if kind in ActivityType.values else kind,
                standard.per,
                float(standard.count),
                now.value(f"activities_{kind}", key),
                now.value(f"activities_expected_{kind}", key),
                share,
                None if share is None else share >= 1,
                other.value(f"activities_vs_standard_{kind}", key) if other else None,
            )
        )
    return rows


def supported_deals(build: Builder) -> tuple[list[SupportedDeal], int]:
    """The largest deals the person supported in the period (the records behind
    `deals_supported`), and how many they supported in all."""
    ids = [item.id for item in listed("supported", build.period, build.as_of, build.members)]
    deals = Opportunity.objects.filter(pk__in=ids).select_related("owner", "account", "stage")
    shown = [
        SupportedDeal(
            deal.pk,
            deal.name,
            deal.account.name if deal.account else "",
            deal.owner.display_name,
            deal.stage.name,
            deal.get_status_display(),
            float(deal.amount or 0),
            deal.close_date,
        )
        for deal in deals.order_by(*LARGEST_FIRST)[:DEALS_SHOWN]
    ]
    return shown, len(ids)


def _weeks(build: Builder) -> list[Week]:
    """The last six weeks of timesheets up to the as-of day (or the period's end)."""
    last = min(build.as_of, build.period.end)
    result = build.values(WEEKLY, periods.containing("week", last), last, trend=WEEKS - 1)
    return [
        Week(p, *(_at(result, metric, build.key, index) for metric in WEEKLY))
        for index, p in enumerate([*result.trend_periods, result.period])
    ]


def _at(result: Result, metric: str, key: str, index: int) -> Value:
    """A metric's value in the `index`-th period of a result with a trend (the last: now)."""
    row = next(r for r in result.rows if r.metric == metric and r.key == key)
    values = [*(row.trend or []), row.value]
    return values[index]


def _monthly(build: Builder, metrics: list[str]) -> Monthly:
    """The metrics month by month over the twelve months up to the as-of day's, with their
    goals for the month shown; a year earlier too when compared with the same period last
    year."""
    month = periods.containing("month", min(build.as_of, build.period.end), build.fiscal)
    now = build.values(metrics, month, trend=MONTHS - 1)
    months = [p.id for p in [*now.trend_periods, now.period]]
    series = [_series(now, metric, build.key) for metric in metrics]
    goals = {m: _goal(now, m, build.key) for m in metrics}
    before: list[Series] = []
    if build.comparison.kind == "last_year":
        earlier = periods.year_earlier(month, build.fiscal)
        then = build.values(metrics, earlier, earlier.end, trend=MONTHS - 1)
        before = [_series(then, metric, build.key) for metric in metrics]
    return Monthly(months, series, goals, before)


def _goal(result: Result, metric: str, key: str) -> float | None:
    """The metric's goal for the month; a standard's share has the standard itself (1.0)."""
    goal = next(r.goal for r in result.rows if r.metric == metric and r.key == key)
    return 1.0 if goal is None and metric.startswith("activities_vs_standard_") else goal


def _series(result: Result, metric: str, key: str) -> Series:
    row = next(r for r in result.rows if r.metric == metric and r.key == key)
    return Series(metric, BY_ID[metric].name, [*(row.trend or []), row.value])
