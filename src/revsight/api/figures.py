"""Figures: the metric catalogue (the same JSON as `revsight metrics --format json`), the
forecast roll-up (`revsight forecast show`) and the outlook (`revsight forecast outlook`),
each for what the token's person sees on the dashboards and the Forecast page."""

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema

from revsight.access import permissions
from revsight.analytics.computation import as_json, compute
from revsight.analytics.dashboard_scope import company_scope, team_scope, visible_members
from revsight.api.auth import actor
from revsight.api.records import READ_ERRORS
from revsight.api.schemas import Error, Id, Text
from revsight.core import clock, periods
from revsight.core.models import Organisation
from revsight.forecasting.page import outlook_for
from revsight.forecasting.rollup import rollup
from revsight.forecasting.services import forecast_period

router = Router(tags=["figures"])
FIGURE_ERRORS: dict[int, Any] = {**READ_ERRORS, 403: Error, 404: Error}
By = Literal["company", "team", "rep"]


def _day(as_of: date | None) -> date:
    return periods.check_day("as_of", as_of) if as_of is not None else clock.today()


class PeriodOut(Schema):
    id: str
    start: date
    end: date


class MetricRow(Schema):
    metric: str
    scope: str
    key: str = Field(description="company, a team's name or a salesperson's email")
    value: float | None
    goal: float | None
    gap: float | None
    unit: str = Field(description="money, ratio, days, count or rate")


class MetricsDocument(Schema):
    as_of: date
    engine: str
    period: PeriodOut
    rows: list[MetricRow] = Field(
        description="With `trend` ([{period, value}]) when asked, and the split's value "
        "(`stage`, `lead_source`) for a split"
    )


class MetricsQuery(Schema):
    period: Text | None = Field(
        None, description="2026-W09, 2026-03, 2026-Q1, 2026-H1, 2026, 2026-YTD"
    )
    as_of: date | None = Field(None, description="Default: today, the organisation's")
    by: By = "company"
    metric: list[Text] | None = Field(None, description="Metric ids; default every one")
    trend: int = Field(0, ge=0, le=24, description="Also this many earlier periods")
    split: Literal["stage", "lead_source"] | None = None


@router.get("/metrics/", response={200: MetricsDocument, **FIGURE_ERRORS})
def metrics(request: HttpRequest, query: Query[MetricsQuery]) -> JsonResponse:
    """The metric catalogue for a period (docs/metrics.md), by company, team or salesperson:
    the same document as `revsight metrics --format json`, for the keys the token's person
    sees (the company: executives and administrators)."""
    day = _day(query.as_of)
    fiscal = Organisation.current().fiscal_year_start_month
    if query.period:
        period = periods.parse(query.period, day, fiscal)
    else:
        period = periods.containing("month", day, fiscal)
    members = visible_members(actor(request), query.by, period)
    result = compute(
        query.metric or None, period, day, query.by, query.trend, None, query.split, members
    )
    return JsonResponse(as_json(result))


class RollupRow(Schema):
    key: str
    name: str
    quota: float | None
    closed: float | None
    commit: float | None
    best_case: float | None
    pipeline: float | None
    forecasters: int
    submitted: int


class RollupDocument(Schema):
    period: PeriodOut
    as_of: date
    by: By
    rows: list[RollupRow]


class RollupQuery(Schema):
    period: Text | None = Field(None, description="A month or a quarter; default this month")
    as_of: date | None = None
    by: By = "company"


@router.get("/forecasts/", response={200: RollupDocument, **FIGURE_ERRORS})
def forecasts(request: HttpRequest, query: Query[RollupQuery]) -> JsonResponse:
    """The forecast roll-up (`revsight forecast show --format json`): quota, closed, the latest
    commit and best case, and the open pipeline, for the keys the token's person sees."""
    viewer = actor(request)
    permissions.require(
        permissions.may_open_forecasts(viewer),
        "Forecasts are for salespeople and their managers.",
    )
    day = _day(query.as_of)
    period = forecast_period(query.period or f"{day:%Y-%m}", day)
    keys = set(visible_members(viewer, query.by, period).keys)
    document = rollup(period.id, day, query.by)
    document["rows"] = [row for row in document["rows"] if row["key"] in keys]
    return JsonResponse(document)


class OutlookQuery(Schema):
    period: Text | None = Field(None, description="A month or a quarter; default this month")
    team_id: Id | None = Field(None, description="A team's id; default the whole company")
    as_of: date | None = None


class OutlookDocument(Schema):
    period: PeriodOut
    as_of: date
    combined: dict[str, Any] | None = Field(
        description="the recommended forecast: p10, p50, p90, the backtest horizon and the "
        "number of earlier origins its weights come from, and each method's forecast and "
        "weight (or why it said nothing); null when no method forecast"
    )
    quota: float | None
    closed: float | None
    commit: float | None
    best_case: float | None
    weighted_pipeline: float | None
    open_pipeline: float | None
    statistical: dict[str, Any] | None = Field(
        description="p10, p50, p90, p_quota, model, holdout_brier, lessons; null without history"
    )
    deals: list[dict[str, Any]]
    leading_indicators: list[dict[str, Any]]
    leads: dict[str, Any]


@router.get("/forecasts/outlook/", response={200: OutlookDocument, **FIGURE_ERRORS})
def forecast_outlook(request: HttpRequest, query: Query[OutlookQuery]) -> JsonResponse:
    """Where a period is heading for the company or one team (`revsight forecast outlook
    --format json`): the statistical P10 / P50 / P90 and chance of reaching quota beside the
    commit and the weighted pipeline, each open deal's chance, the leading indicators. The
    company is for executives and administrators, a team for whoever manages it."""
    viewer = actor(request)
    day = _day(query.as_of)
    period = forecast_period(query.period or f"{day:%Y-%m}", day)
    if query.team_id is not None:
        scope = team_scope(viewer, query.team_id)
    else:
        permissions.require(
            viewer.sees_everything,
            "The company's outlook is for executives and administrators: give team_id",
        )
        scope = company_scope()
    return JsonResponse(outlook_for(scope, period, day).as_json())
