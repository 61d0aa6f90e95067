"""The forecast page: a salesperson submits; a manager sees the roll-up, who has not submitted,
adjusts with a reason, and reads each person's track record."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from revsight.access import permissions, visibility
from revsight.access.permissions import FORECASTERS
from revsight.analytics.dashboard_scope import (
    Scope,
    company_scope,
    landing_scope,
    members_of,
)
from revsight.analytics.kept import kept
from revsight.analytics.scopes import membership, narrowed
from revsight.core import periods
from revsight.core.errors import InvalidInput
from revsight.core.models import Organisation
from revsight.crm.models import ForecastSubmission
from revsight.forecasting.accuracy import track_records
from revsight.forecasting.backtest import backtest, remember, remembered
from revsight.forecasting.outlook import outlook
from revsight.forecasting.pipeline_math import PipelineMath, RepNeed, pipeline_math
from revsight.forecasting.rollup import committed, latest_submissions
from revsight.forecasting.services import submit_forecast
from revsight.org.models import Role, User
from revsight.web import charts, inputs


def forecast_periods(today: date) -> list[periods.Period]:
    """What one forecasts now: this month, next month and this quarter."""
    fiscal = Organisation.current().fiscal_year_start_month
    month = periods.containing("month", today, fiscal)
    following = periods.containing("month", month.end + timedelta(days=1), fiscal)
    return [month, following, periods.containing("quarter", today, fiscal)]


@login_required
def forecast_page(request: HttpRequest) -> HttpResponse:
    viewer: User = request.user  # type: ignore[assignment]
    manages = visibility.is_manager_or_above(viewer)
    if not permissions.may_open_forecasts(viewer):
        raise PermissionDenied("Forecasts are for salespeople and their managers.")
    today = inputs.as_of(request)
    error: InvalidInput | None = None
    if request.method == "POST":
        try:
            _submit(request, viewer)
            return redirect("/forecast/?saved=1")
        except InvalidInput as exc:
            error = exc
    targets = forecast_periods(today)
    context: dict[str, Any] = {
        "periods": targets,
        "error": error,
        "saved": request.GET.get("saved") == "1",
        "posted": request.POST,
        "manages": manages,
        "is_forecaster": viewer.role in FORECASTERS,
        "mine": ForecastSubmission.objects.filter(user=viewer).order_by("-submitted_at")[:12],
    }
    if viewer.role == Role.SALESPERSON:
        context["my_math"] = _my_math(viewer, targets[0], today)
    if manages:
        context.update(_team_view(viewer, targets, today))
        context.update(_outlook_view(viewer, targets, request.GET.get("period"), today))
    return render(request, "web/forecast.html", context)


def _outlook_view(
    viewer: User, targets: list[periods.Period], chosen: str | None, today: date
) -> dict[str, Any]:
    """The statistical forecast of the viewer's landing scope, with its chart, and the
    organisation's backtest when one has been computed for the current data."""
    scope = landing_scope(viewer)
    if scope is None or scope.kind == "rep":
        return {}
    period = next((p for p in targets if p.id == chosen), targets[0])

    def build() -> dict[str, Any]:
        result = outlook(period, today, members_of(scope, period))
        return {
            "outlook": result,
            "distribution": charts.distribution(result) if result.p50 is not None else None,
        }

    return {
        **kept(f"outlook:{scope.path}:{period.id}:{today}", build),
        "math": _pipeline_math(scope, period, today),
        "scope": scope,
        "chosen_period": period,
        "backtest": remembered(today),
    }


def _pipeline_math(scope: Scope, period: periods.Period, today: date) -> PipelineMath:
    return kept(
        f"pipeline-math:{scope.path}:{today}",
        lambda: pipeline_math(today, members_of(scope, period)),
    )


def _my_math(viewer: User, period: periods.Period, today: date) -> RepNeed | None:
    """The salesperson's own line of the pipeline math, among their team (or the company)."""
    team = viewer.team
    scope = Scope("team", team.name, team.name, team=team) if team else company_scope()
    found = _pipeline_math(scope, period, today)
    return next((rep for rep in found.reps if rep.email == viewer.email), None)


@login_required
def run_backtest(request: HttpRequest) -> HttpResponse:
    """Compute the backtest for the current data (tens of seconds) and keep it."""
    viewer: User = request.user  # type: ignore[assignment]
    if request.method != "POST" or not visibility.is_manager_or_above(viewer):
        raise PermissionDenied("Managers and executives run the backtest.")
    today = inputs.as_of(request)
    origins, scores = backtest(today)
    remember(today, origins, scores)
    return redirect("/forecast/#backtest")


def _submit(request: HttpRequest, viewer: User) -> None:
    email = request.POST.get("user") or viewer.email
    submit_forecast(
        email,
        request.POST.get("period", ""),
        request.POST.get("commit", ""),
        request.POST.get("best_case") or None,
        actor=viewer,
        note=request.POST.get("note", ""),
    )


def _team_view(viewer: User, targets: list[periods.Period], today: date) -> dict[str, Any]:
    people = (
        visibility.scope(viewer, User.objects.filter(role=Role.SALESPERSON, is_active=True))
        .exclude(pk=viewer.pk)
        .order_by("name")
    )
    emails = [p.email for p in people]
    rows: list[dict[str, Any]] = []
    latest = {p.id: latest_submissions(p.kind, p.start, today) for p in targets}
    for person in people:
        cells = []
        for period in targets:
            own = committed(latest[period.id], [person.pk])
            cells.append({"commit": own.commit, "best_case": own.best_case})
        rows.append({"person": person, "cells": cells})
    missing = {
        period.id: [r["person"] for r in rows if r["cells"][i]["commit"] is None]
        for i, period in enumerate(targets)
    }
    # None when nobody has submitted: "—" rather than a total of 0.
    team = [committed(latest[period.id], [p.pk for p in people]) for period in targets]
    totals = [{"commit": t.commit, "best_case": t.best_case} for t in team]
    reps = narrowed(membership("rep", targets[0]), emails)
    # A year of months, so the six with a forecast that the figures read are there to find.
    records = kept(
        f"track-records:{','.join(sorted(emails))}:{today}",
        lambda: track_records(today, "rep", 12, members=reps),
    )
    records = sorted(records, key=lambda r: -(r.rolling_accuracy or 0))
    return {
        "team_rows": rows,
        "missing": missing,
        "totals": totals,
        "people": people,
        "records": records,
    }
