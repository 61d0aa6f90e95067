"""What a dashboard shows, for a company, a team or a salesperson, and who may open which.

Every number comes from `analytics.compute` (the catalogue's one definition) for the scope's
members; the page only arranges them. A computed dashboard is cached under the data's version
(`replica.source_state`), so the Monday-morning view opens at once and never shows stale data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.http import Http404

from revsight.access import visibility
from revsight.analytics import compute
from revsight.analytics.activity_metrics import INDICATOR_IDS, STANDARD_TYPES
from revsight.analytics.catalogue import BY_ID
from revsight.analytics.computation import Result
from revsight.analytics.kept import kept
from revsight.analytics.records import listed
from revsight.analytics.scopes import Membership, membership, narrowed
from revsight.core import periods
from revsight.core.models import Organisation
from revsight.crm.models import Opportunity, Stage
from revsight.org.models import Role, Team, User

PERIOD_KINDS = {"week": "Week", "month": "Month", "quarter": "Quarter", "ytd": "Year to date"}
TREND = 6
MAX_REPS_SHOWN = 30
TILES = [
    ("bookings", "won"),
    ("quota_attainment", "won"),
    ("win_rate", "decided"),
    ("average_order_value", "won"),
    ("sales_cycle_days_median", "won"),
    ("pipeline_coverage", "pipeline"),
    ("forecast_accuracy", "won"),
]
BEYOND = [
    "new_account_sales_pct",
    "existing_account_sales_pct",
    "profitability_to_volume",
    "revenue_per_customer",
    "cost_per_lead",
    "days_sales_outstanding",
    "consultant_utilization",
    "consultant_realization",
    "consultant_blended_rate",
    "consultant_backlog_days",
    "sales_expense_pct_volume",
    "sales_expense_pct_margin",
    "sales_expense_pct_quota",
]
# Pipeline figures of past periods, computed as of today, would be meaningless: no trend.
NO_TREND = {"pipeline_coverage"}
WINDOWS = ["pipeline_coverage_30d", "pipeline_coverage_60d", "pipeline_coverage_90d"]
PER_REP = [
    "bookings",
    "quota_attainment",
    "won_count",
    "lost_count",
    "win_rate",
    "win_rate_value",
    "forecast_accuracy",
    "forecast_bias",
    *[f"activities_vs_standard_{kind}" for kind in STANDARD_TYPES],
]


@dataclass(frozen=True)
class Scope:
    kind: str  # company | team | rep
    key: str  # "company", the team's name, the salesperson's email
    label: str
    team: Team | None = None
    user: User | None = None

    @property
    def path(self) -> str:
        if self.kind == "company":
            return "company"
        return f"team/{self.team.pk}" if self.team else f"rep/{self.user.pk if self.user else 0}"


def landing_scope(viewer: User) -> Scope | None:
    """Where someone lands: executives on the company, managers on their (top) team,
    salespeople on their own dashboard; others have no sales dashboard."""
    if viewer.sees_everything:
        return company_scope()
    managed = Team.objects.filter(manager=viewer).order_by("name")
    top = [team for team in managed if team.parent_id not in {t.pk for t in managed}]
    if top:
        return team_scope(viewer, top[0].pk)
    if viewer.role == Role.SALESPERSON:
        return rep_scope(viewer, viewer.pk)
    return None


def company_scope() -> Scope:
    return Scope("company", "company", Organisation.current().name)


def scope_for(viewer: User, kind: str, ident: int | None) -> Scope:
    """The scope named in a URL, or Http404 when the viewer may not see it (the same answer
    as for a scope that does not exist, so nothing leaks)."""
    if kind == "company":
        if not viewer.sees_everything:
            raise Http404("No such dashboard.")
        return company_scope()
    if kind == "team" and ident is not None:
        return team_scope(viewer, ident)
    if kind == "rep" and ident is not None:
        return rep_scope(viewer, ident)
    raise Http404("No such dashboard.")


def team_scope(viewer: User, team_id: int) -> Scope:
    team = Team.objects.filter(pk=team_id).first()
    if team is None or not (
        viewer.sees_everything or team.pk in visibility.managed_team_ids(viewer)
    ):
        raise Http404("No such dashboard.")
    return Scope("team", team.name, team.name, team=team)


def rep_scope(viewer: User, user_id: int) -> Scope:
    person = visibility.scope(viewer, User.objects.filter(pk=user_id)).first()
    if person is None or person.role != Role.SALESPERSON:
        raise Http404("No such dashboard.")
    return Scope("rep", person.email, person.display_name, user=person)


def period_of(kind: str, as_of: date) -> periods.Period:
    fiscal = Organisation.current().fiscal_year_start_month
    if kind == "ytd":
        return periods.parse(f"{as_of.year}-YTD", as_of, fiscal)
    if kind not in PERIOD_KINDS:
        raise Http404("No such period.")
    return periods.containing(kind, as_of, fiscal)


def members_of(scope: Scope, period: periods.Period) -> Membership:
    if scope.kind == "company":
        return membership("company", period)
    return narrowed(membership(scope.kind, period), [scope.key])


def reps_of(scope: Scope, period: periods.Period, members: Membership) -> Membership:
    """The salespeople whose rows the per-salesperson panels show: everyone for the company,
    the scope's members for a team, the team mates for a salesperson. `members` are the
    scope's own (`members_of`)."""
    everyone = membership("rep", period)
    if scope.kind == "company":
        return everyone
    if scope.kind == "rep":
        assert scope.user is not None
        people = User.objects.filter(team_id=scope.user.team_id) if scope.user.team_id else []
        emails = {person.email for person in people} | {scope.user.email}
    else:
        ids = {user_id for user_id, _ in members.pairs}
        emails = set(User.objects.filter(pk__in=ids).values_list("email", flat=True))
    return narrowed(everyone, [key for key in everyone.keys if key in emails])


def dashboard(scope: Scope, period_kind: str, as_of: date) -> dict[str, Any]:
    """Everything the dashboard page shows, cached under the data's version."""
    period = period_of(period_kind, as_of)
    name = f"dashboard:{scope.kind}:{scope.key}:{period.id}:{period.start}:{period.end}:{as_of}"
    return kept(name, lambda: _build(scope, period, as_of))


def _metric(result: Result, metric_id: str, key: str, trend: bool = True) -> dict[str, Any]:
    row = next(r for r in result.rows if r.metric == metric_id and r.key == key)
    metric = BY_ID[metric_id]
    history = row.trend if trend else None
    points = list(zip([p.id for p in result.trend_periods], history or [], strict=False))
    return {
        "id": metric_id,
        "name": metric.name,
        "unit": metric.unit,
        "value": row.value,
        "goal": row.goal,
        "gap": row.gap,
        "previous": history[-1] if history else None,
        "trend": points,
    }


def _build(scope: Scope, period: periods.Period, as_of: date) -> dict[str, Any]:
    members = members_of(scope, period)
    key = scope.key
    has_key = key in members.keys

    def values(ids: list[str], period_id: str = period.id, **options: Any) -> Result:
        return compute(ids, period_id, as_of, scope.kind, members=members, **options)

    tiles_result = values([metric for metric, _ in TILES if metric not in NO_TREND], trend=TREND)
    beyond_result = values([*BEYOND, *WINDOWS, *NO_TREND])
    stage_result = values(["pipeline_value", "pipeline_count"], split="stage")
    fiscal = Organisation.current().fiscal_year_start_month
    month = periods.containing("month", as_of, fiscal)
    following = []
    cursor = month
    for _ in range(3):
        cursor = periods.containing("month", cursor.end + timedelta(days=1), fiscal)
        result = values(["pipeline_value", "quota", "pipeline_coverage"], cursor.id)
        following.append(
            {
                "period": cursor.id,
                "label": cursor.start.strftime("%b %Y"),
                "pipeline": result.value("pipeline_value", key) if has_key else None,
                "quota": result.value("quota", key) if has_key else None,
                "coverage": result.value("pipeline_coverage", key) if has_key else None,
            }
        )
    indicator_result = values(["bookings", *INDICATOR_IDS], month.id, trend=11)
    reps = reps_of(scope, period, members)
    rep_result = compute(PER_REP, period.id, as_of, "rep", members=reps)
    lead_sources = []
    if scope.kind == "company":  # marketing spend belongs to no salesperson or team
        leads = values(["cost_per_lead", "lead_count", "marketing_spend"], split="lead_source")
        for row in leads.rows:
            if row.metric == "cost_per_lead":
                lead_sources.append(
                    {
                        "source": row.split,
                        "cost_per_lead": row.value,
                        "leads": leads.value("lead_count", key, row.split),
                        "spend": leads.value("marketing_spend", key, row.split),
                    }
                )

    stages = []
    if has_key:
        for row in stage_result.rows:
            if row.metric == "pipeline_value" and row.key == key:
                count = next(
                    r.value
                    for r in stage_result.rows
                    if r.metric == "pipeline_count" and r.key == key and r.split == row.split
                )
                stages.append({"stage": row.split, "value": row.value or 0, "count": count or 0})

    return {
        "scope": {"kind": scope.kind, "key": scope.key, "label": scope.label},
        "period": {"id": period.id, "kind": period.kind, "start": period.start, "end": period.end},
        "trend_periods": [p.id for p in tiles_result.trend_periods],
        "has_data": has_key,
        "tiles": [
            {
                **_metric(
                    beyond_result if metric in NO_TREND else tiles_result,
                    metric,
                    key,
                    trend=metric not in NO_TREND,
                ),
                "drill": drill,
            }
            for metric, drill in TILES
        ]
        if has_key
        else [],
        "beyond": [_metric(beyond_result, metric, key) for metric in BEYOND] if has_key else [],
        "windows": [
            {"days": int(metric.split("_")[-1][:-1]), "coverage": beyond_result.value(metric, key)}
            for metric in WINDOWS
        ]
        if has_key
        else [],
        "stages": stages,
        "lead_sources": lead_sources,
        "following": following,
        "indicators": _indicators(indicator_result, key) if has_key else None,
        # A salesperson sees their own details and only the headline numbers of their team.
        "reps": _shown_reps(
            [
                {
                    "email": email,
                    "name": reps.label(email),
                    **{metric: rep_result.value(metric, email) for metric in PER_REP},
                }
                for email in reps.keys
                if scope.kind != "rep" or email == scope.key
            ]
        ),
        "reps_total": len(reps.keys) if scope.kind != "rep" else 1,
        "leaderboard": [
            {
                "email": email,
                "name": reps.label(email),
                "bookings": rep_result.value("bookings", email),
                "quota_attainment": rep_result.value("quota_attainment", email),
            }
            for email in sorted(reps.keys, key=lambda e: -(rep_result.value("bookings", e) or 0))
        ]
        if scope.kind == "rep"
        else [],
        "standard_types": list(STANDARD_TYPES),
        "accounts": top_accounts(members, as_of),
    }


def _shown_reps(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Everyone in a team's panels; in a larger scope, the top sellers only (a heat map of
    two thousand rows helps no one: the team dashboards show everyone)."""
    if len(rows) <= MAX_REPS_SHOWN:
        return rows
    ranked = sorted(rows, key=lambda row: -(row["bookings"] or 0))[:MAX_REPS_SHOWN]
    return sorted(ranked, key=lambda row: str(row["name"]))


def _indicators(result: Result, key: str) -> dict[str, Any]:
    months = [*[p.id for p in result.trend_periods], result.period.id]

    def series(metric_id: str) -> list[Any]:
        row = next(r for r in result.rows if r.metric == metric_id and r.key == key)
        return [*(row.trend or []), row.value]

    return {
        "months": months,
        "bookings": series("bookings"),
        "series": [
            {"id": metric, "name": BY_ID[metric].name, "values": series(metric)}
            for metric in INDICATOR_IDS
        ],
    }


def top_accounts(members: Membership, as_of: date, limit: int = 10) -> list[dict[str, Any]]:
    """The accounts with the most pipeline expected to close in the next 90 days, as it stood on
    the as-of date (the records behind the 90-day coverage, so each row's link lists exactly
    its deals), weighted by each deal's probability (its own, else its stage's then)."""
    window = periods.Period(
        "next-90d", "window", as_of + timedelta(days=1), as_of + timedelta(days=90)
    )
    deals = {item.id: item for item in listed("pipeline", window, as_of, members)}
    stage_probability = dict(Stage.objects.values_list("pk", "probability"))
    totals: dict[int, dict[str, Any]] = {}
    for pk, account_id, name, probability, category in Opportunity.objects.filter(
        pk__in=list(deals), account__isnull=False
    ).values_list("pk", "account_id", "account__name", "probability", "forecast_category"):
        then = deals[pk]
        chance = float(
            probability if probability is not None else stage_probability.get(then.stage_id or 0, 0)
        )
        row = totals.setdefault(
            account_id,
            {
                "account_id": account_id,
                "name": name,
                "pipeline": 0.0,
                "weighted": 0.0,
                "deals": 0,
                "committed": 0,
            },
        )
        row["pipeline"] += then.amount or 0.0
        row["weighted"] += (then.amount or 0.0) * chance
        row["deals"] += 1
        row["committed"] += category == "commit"
    ranked = sorted(totals.values(), key=lambda row: (-row["weighted"], row["name"]))
    return ranked[:limit]
