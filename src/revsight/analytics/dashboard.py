"""What a dashboard shows, for a company, a team or a salesperson, as typed figures.

Every number comes from the metric catalogue (one computation session) for the scope's
members; pages only arrange and link them. A built dashboard is kept under the data's version
(`kept.py`), so the Monday-morning view opens at once and never shows stale data.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from revsight.analytics.activity_metrics import INDICATOR_IDS, STANDARD_TYPES
from revsight.analytics.catalogue import BY_ID
from revsight.analytics.computation import Result
from revsight.analytics.dashboard_figures import (
    AVERAGED_MONTHS,
    Comparison,
    Figure,
    average,
    compared,
    comparison,
    figure,
    scored_period,
)
from revsight.analytics.dashboard_scope import Scope, members_of, reps_of
from revsight.analytics.kept import kept
from revsight.analytics.records import listed
from revsight.analytics.scopes import Membership
from revsight.analytics.session import Query, Session, session
from revsight.analytics.weighting import weighted
from revsight.core import periods
from revsight.core.models import Organisation
from revsight.crm.models import Opportunity, Stage

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
# Scored on the last complete period, never on the one in progress (`scored_period`).
SCORED = ["forecast_accuracy", "forecast_bias"]
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
    *[f"activities_vs_standard_{kind}" for kind in STANDARD_TYPES],
    # What the standards expect by the as-of day: early in a period a share of less than one
    # expected activity is noise (one demo on the 1st is "564%"), shown as a count instead.
    *[f"activities_expected_{kind}" for kind in STANDARD_TYPES],
]

Value = float | int | None


@dataclass(frozen=True)
class StageBar:
    stage: str
    value: float
    count: int


@dataclass(frozen=True)
class MonthCover:
    """The pipeline expected to close in one of the next months, against its quota."""

    period: str
    label: str
    pipeline: Value
    quota: Value
    coverage: Value


@dataclass(frozen=True)
class WindowCover:
    days: int
    coverage: Value


@dataclass(frozen=True)
class Series:
    id: str
    name: str
    values: list[Value]


@dataclass(frozen=True)
class Indicators:
    """Bookings and each leading indicator, month by month."""

    months: list[str]
    bookings: list[Value]
    series: list[Series]
    bookings_year_before: list[Value] = field(default_factory=list)  # compared with last year


@dataclass(frozen=True)
class RepRow:
    """One salesperson's per-rep metrics; `row["win_rate"]` (and `row.win_rate` in a
    template) reads one of them."""

    email: str
    name: str
    values: dict[str, Value]
    # Deals won and lost in the comparison period, as of its day (the win/loss chart's marks).
    compared: dict[str, Value] = field(default_factory=dict)

    def __getitem__(self, metric: str) -> Value:
        return self.values[metric]


@dataclass(frozen=True)
class LeadSource:
    source: str | None
    cost_per_lead: Value
    leads: Value
    spend: Value


@dataclass(frozen=True)
class TopAccount:
    account_id: int
    name: str
    pipeline: float
    weighted: float
    deals: int
    committed: int


@dataclass(frozen=True)
class Dashboard:
    scope: Scope
    period: periods.Period
    trend_periods: list[str]
    has_data: bool
    scored: periods.Period  # the last complete period, for forecast accuracy and bias
    comparison: Comparison
    pacing: str = "selling"
    tiles: list[Figure] = field(default_factory=list)
    beyond: list[Figure] = field(default_factory=list)
    windows: list[WindowCover] = field(default_factory=list)
    stages: list[StageBar] = field(default_factory=list)
    stages_compared: list[StageBar] = field(default_factory=list)
    lead_sources: list[LeadSource] = field(default_factory=list)
    following: list[MonthCover] = field(default_factory=list)
    indicators: Indicators | None = None
    reps: list[RepRow] = field(default_factory=list)  # the per-salesperson panels
    reps_total: int = 0
    leaderboard: list[RepRow] = field(default_factory=list)  # a salesperson's team
    standard_types: list[str] = field(default_factory=lambda: list(STANDARD_TYPES))
    accounts: list[TopAccount] = field(default_factory=list)


def dashboard(
    scope: Scope, period: periods.Period, as_of: date, compare: str = "previous"
) -> Dashboard:
    """Everything the dashboard page shows for a period as it stood at the end of `as_of`,
    compared with `compare` (`dashboard_figures.COMPARISONS`), kept under the data's version
    (which includes the pacing basis)."""
    return kept(
        kept_name(scope, period, as_of, compare), lambda: _build(scope, period, as_of, compare)
    )


def kept_name(scope: Scope, period: periods.Period, as_of: date, compare: str = "previous") -> str:
    """The name a dashboard is kept under (`kept.kept_already` finds it)."""
    return (
        f"dashboard:{scope.kind}:{scope.key}:{period.id}:{period.start}:{period.end}:{as_of}"
        f":{compare}:{Organisation.current().pacing}"
    )


class Builder:
    """Computes a dashboard's parts for one scope, period and day, in one analytics session."""

    def __init__(
        self,
        analytics: Session,
        scope: Scope,
        period: periods.Period,
        as_of: date,
        compare: str = "previous",
    ) -> None:
        self.analytics = analytics
        self.scope, self.period, self.as_of = scope, period, as_of
        self.members = members_of(scope, period)
        self.key = scope.key
        organisation = Organisation.current()
        self.fiscal, self.pacing = organisation.fiscal_year_start_month, organisation.pacing
        self.scored = scored_period(period, as_of, self.fiscal)
        self.comparison = comparison(compare, period, as_of, self.fiscal)

    def values(
        self,
        ids: list[str],
        period: periods.Period | None = None,
        as_of: date | None = None,
        members: Membership | None = None,
        **options: Any,
    ) -> Result:
        query = Query(
            ids,
            period or self.period,
            as_of or self.as_of,
            self.scope.by,
            members=members or self.members,
            **options,
        )
        return self.analytics.compute(query)

    def compared(self, ids: list[str], **options: Any) -> Result | None:
        """The metrics in the comparison period as of its day; None when the scope had no one
        in it."""
        other = self.comparison.period
        members = members_of(self.scope, other)
        if self.key not in members.keys:
            return None
        return self.values(ids, other, self.comparison.as_of, members, **options)

    def accuracy(self) -> Figure:
        """Forecast accuracy of the last complete period, with the six complete months'
        average: a month's commit is never scored on the days of it gone by so far."""
        scored = self.values(["forecast_accuracy"], self.scored, trend=TREND - 1)
        months = periods.last_completed("month", self.as_of, self.fiscal)
        monthly = scored
        if months != self.scored:
            monthly = self.values(["forecast_accuracy"], months, trend=AVERAGED_MONTHS - 1)
        row = next(r for r in monthly.rows if r.metric == "forecast_accuracy" and r.key == self.key)
        shown = figure(scored, "forecast_accuracy", self.key, period_id=self.scored.id)
        earlier = periods.previous(self.scored, 1, self.fiscal)[0]
        if self.comparison.kind == "last_year":
            earlier = periods.year_earlier(self.scored, self.fiscal)
        members = members_of(self.scope, earlier)
        value = None
        if self.key in members.keys:
            before = self.values(["forecast_accuracy"], earlier, members=members)
            value = before.value("forecast_accuracy", self.key)
        return replace(
            compared(shown, value, earlier.id), average=average([*(row.trend or []), row.value])
        )

    def tiles(self) -> tuple[list[Figure], list[Figure], list[WindowCover], list[str]]:
        plain_ids = [m for m, _ in TILES if m in NO_TREND]
        trended_ids = [m for m, _ in TILES if m not in NO_TREND and m not in SCORED]
        trended = self.values(trended_ids, trend=TREND)
        plain = self.values([*BEYOND, *WINDOWS, *plain_ids])
        other = self.compared([*trended_ids, *plain_ids, *BEYOND])
        shown: dict[str, Figure] = {"forecast_accuracy": self.accuracy()}
        for metric in [*trended_ids, *plain_ids]:
            made = figure(
                trended if metric in trended_ids else plain,
                metric,
                self.key,
                trend=metric in trended_ids,
                basis=self.pacing,
            )
            value = other.value(metric, self.key) if other else None
            shown[metric] = compared(made, value, self.comparison.label)
        tiles = [replace(shown[m], drill=drill) for m, drill in TILES]
        beyond = [
            compared(
                figure(plain, metric, self.key, basis=self.pacing),
                other.value(metric, self.key) if other else None,
                self.comparison.label,
            )
            for metric in BEYOND
        ]
        windows = [
            WindowCover(int(metric.split("_")[-1][:-1]), plain.value(metric, self.key))
            for metric in WINDOWS
        ]
        return tiles, beyond, windows, [p.id for p in trended.trend_periods]

    def stages(self) -> tuple[list[StageBar], list[StageBar]]:
        """The pipeline by stage, and as it stood in the comparison period."""
        ids = ["pipeline_value", "pipeline_count"]
        other = self.compared(ids, split="stage")
        now = _stage_bars(self.values(ids, split="stage"), self.key)
        return now, _stage_bars(other, self.key) if other else []

    def following(self) -> list[MonthCover]:
        month = periods.containing("month", self.as_of, self.fiscal)
        covers = []
        for _ in range(3):
            month = periods.containing("month", month.end + timedelta(days=1), self.fiscal)
            result = self.values(["pipeline_value", "quota", "pipeline_coverage"], month)
            has = self.key in self.members.keys
            covers.append(
                MonthCover(
                    month.id,
                    month.start.strftime("%b %Y"),
                    result.value("pipeline_value", self.key) if has else None,
                    result.value("quota", self.key) if has else None,
                    result.value("pipeline_coverage", self.key) if has else None,
                )
            )
        return covers

    def indicators(self) -> Indicators:
        month = periods.containing("month", self.as_of, self.fiscal)
        result = self.values(["bookings", *INDICATOR_IDS], month, trend=11)

        def series(metric_id: str) -> list[Value]:
            row = next(r for r in result.rows if r.metric == metric_id and r.key == self.key)
            return [*(row.trend or []), row.value]

        before: list[Value] = []
        if self.comparison.kind == "last_year":
            earlier = periods.year_earlier(month, self.fiscal)
            then = self.values(["bookings"], earlier, earlier.end, trend=11)
            row = next(r for r in then.rows if r.metric == "bookings" and r.key == self.key)
            before = [*(row.trend or []), row.value]
        return Indicators(
            [*[p.id for p in result.trend_periods], result.period.id],
            series("bookings"),
            [Series(m, BY_ID[m].name, series(m)) for m in INDICATOR_IDS],
            before,
        )

    def lead_sources(self) -> list[LeadSource]:
        if self.scope.kind != "company":  # marketing spend belongs to no salesperson or team
            return []
        leads = self.values(["cost_per_lead", "lead_count", "marketing_spend"], split="lead_source")
        return [
            LeadSource(
                row.split,
                row.value,
                leads.value("lead_count", self.key, row.split),
                leads.value("marketing_spend", self.key, row.split),
            )
            for row in leads.rows
            if row.metric == "cost_per_lead"
        ]

    def reps(self) -> tuple[list[RepRow], int, list[RepRow]]:
        """The per-salesperson panels, how many salespeople they stand for, and (for a
        salesperson) the team's leaderboard: a salesperson sees their own details and only the
        headline numbers of their team."""
        reps = reps_of(self.scope, self.period, self.members)
        result = self.analytics.compute(
            Query(PER_REP, self.period, self.as_of, "rep", members=reps)
        )
        scored = self.analytics.compute(Query(SCORED, self.scored, self.as_of, "rep", members=reps))
        rows = [
            RepRow(
                email,
                reps.label(email),
                {
                    **{m: result.value(m, email) for m in PER_REP},
                    **{m: scored.value(m, email) for m in SCORED},
                },
            )
            for email in reps.keys
        ]
        before = self.decided_before()
        rows = [replace(row, compared=before.get(row.email, {})) for row in rows]
        if self.scope.kind != "rep":
            return _shown_reps(rows), len(reps.keys), []
        board = sorted(rows, key=lambda row: -(row["bookings"] or 0))
        headline = [
            RepRow(r.email, r.name, {k: r.values[k] for k in ("bookings", "quota_attainment")})
            for r in board
        ]
        return [r for r in rows if r.email == self.key], 1, headline

    def decided_before(self) -> dict[str, dict[str, Value]]:
        """Each salesperson's deals won and lost in the comparison period, as of its day."""
        other = self.comparison
        then = reps_of(self.scope, other.period, members_of(self.scope, other.period))
        if not then.keys:
            return {}
        decided = ["won_count", "lost_count"]
        result = self.analytics.compute(
            Query(decided, other.period, other.as_of, "rep", members=then)
        )
        return {email: {m: result.value(m, email) for m in decided} for email in then.keys}


def _stage_bars(result: Result, key: str) -> list[StageBar]:
    counts = {
        r.split: r.value for r in result.rows if r.metric == "pipeline_count" and r.key == key
    }
    return [
        StageBar(str(row.split), float(row.value or 0), int(counts.get(row.split) or 0))
        for row in result.rows
        if row.metric == "pipeline_value" and row.key == key
    ]


def _build(scope: Scope, period: periods.Period, as_of: date, compare: str) -> Dashboard:
    with session() as analytics:
        return _assemble(Builder(analytics, scope, period, as_of, compare))


def _assemble(build: Builder) -> Dashboard:
    scope, period, as_of = build.scope, build.period, build.as_of
    has_key = scope.key in build.members.keys
    reps, reps_total, leaderboard = build.reps()
    common: dict[str, Any] = {
        "following": build.following(),
        "lead_sources": build.lead_sources(),
        "reps": reps,
        "reps_total": reps_total,
        "leaderboard": leaderboard,
        "accounts": top_accounts(build.members, as_of),
        "pacing": build.pacing,
    }
    if not has_key:
        return Dashboard(scope, period, [], False, build.scored, build.comparison, **common)
    tiles, beyond, windows, trend_periods = build.tiles()
    stages, stages_compared = build.stages()
    return Dashboard(
        scope,
        period,
        trend_periods,
        True,
        build.scored,
        build.comparison,
        tiles=tiles,
        beyond=beyond,
        windows=windows,
        stages=stages,
        stages_compared=stages_compared,
        indicators=build.indicators(),
        **common,
    )


def _shown_reps(rows: list[RepRow]) -> list[RepRow]:
    """Everyone in a team's panels; in a larger scope, the top sellers only (a heat map of
    two thousand rows helps no one: the team dashboards show everyone)."""
    if len(rows) <= MAX_REPS_SHOWN:
        return rows
    ranked = sorted(rows, key=lambda row: -(row["bookings"] or 0))[:MAX_REPS_SHOWN]
    return sorted(ranked, key=lambda row: str(row.name))


def top_accounts(members: Membership, as_of: date, limit: int = 10) -> list[TopAccount]:
    """The accounts with the most pipeline expected to close in the next 90 days, as it stood on
    the as-of date (the records behind the 90-day coverage, so each row's link lists exactly
    its deals), by their CRM-weighted value (`weighting.py`)."""
    window = periods.Period(
        "next-90d", "window", as_of + timedelta(days=1), as_of + timedelta(days=90)
    )
    deals = {item.id: item for item in listed("pipeline", window, as_of, members)}
    probabilities = {pk: float(p) for pk, p in Stage.objects.values_list("pk", "probability")}
    totals: dict[int, dict[str, Any]] = {}
    for pk, account_id, name, category in Opportunity.objects.filter(
        pk__in=list(deals), account__isnull=False
    ).values_list("pk", "account_id", "account__name", "forecast_category"):
        then = deals[pk]
        row = totals.setdefault(
            account_id,
            {"account_id": account_id, "name": name, "pipeline": 0.0, "weighted": 0.0},
        )
        row["pipeline"] += then.amount or 0.0
        row["weighted"] += weighted(then.amount, then.stage_id, probabilities)
        row["deals"] = row.get("deals", 0) + 1
        row["committed"] = row.get("committed", 0) + (category == "commit")
    ranked = sorted(totals.values(), key=lambda row: (-row["weighted"], row["name"]))
    return [TopAccount(**row) for row in ranked[:limit]]
