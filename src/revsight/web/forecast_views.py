"""The forecast page: a salesperson submits; a manager sees the roll-up, who has not submitted,
adjusts with a reason, and reads each person's track record."""

from __future__ import annotations

from dataclasses import fields
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from revsight.access import permissions, visibility
from revsight.access.permissions import FORECASTERS
from revsight.core.errors import InvalidInput
from revsight.crm.models import ForecastSubmission
from revsight.forecasting import page
from revsight.forecasting.backtest import backtest, remember
from revsight.forecasting.services import submit_forecast
from revsight.org.models import Role, User
from revsight.web import charts, inputs
from revsight.web.forms import SubmissionForm, read


@login_required
def forecast_page(request: HttpRequest) -> HttpResponse:
    viewer: User = request.user  # type: ignore[assignment]
    manages = visibility.is_manager_or_above(viewer)
    if not permissions.may_open_forecasts(viewer):
        raise PermissionDenied("Forecasts are for salespeople and their managers.")
    today = inputs.as_of(request)
    kept = _as_of_kept(request, today)
    error: InvalidInput | None = None
    if request.method == "POST":
        try:
            _submit(request, viewer)
            return redirect(f"{reverse('forecast')}?saved=1{'&' + kept if kept else ''}")
        except InvalidInput as exc:
            error = exc
    targets = page.forecast_periods(today)
    context: dict[str, Any] = {
        "periods": targets,
        "error": error,
        "saved": request.GET.get("saved") == "1",
        "posted": request.POST,
        "manages": manages,
        "is_forecaster": viewer.role in FORECASTERS,
        "as_of_query": kept,
        "mine": ForecastSubmission.objects.filter(user=viewer).order_by("-submitted_at")[:12],
    }
    if viewer.role == Role.SALESPERSON:
        context["my_math"] = page.my_math(viewer, targets[0], today)
    if manages:
        context.update(_fields(page.team_forecasts(viewer, targets, today)))
        found = page.scope_outlook(viewer, targets, request.GET.get("period"), today)
        if found is not None:
            context.update(_fields(found))
            if found.outlook.p50 is not None:
                context["distribution"] = charts.distribution(found.outlook)
    return render(request, "web/forecast.html", context)


def _fields(part: Any) -> dict[str, Any]:
    """A page part's fields as template names."""
    return {f.name: getattr(part, f.name) for f in fields(part)}


@login_required
def run_backtest(request: HttpRequest) -> HttpResponse:
    """Compute the backtest for the current data (tens of seconds) and keep it."""
    viewer: User = request.user  # type: ignore[assignment]
    if request.method != "POST" or not visibility.is_manager_or_above(viewer):
        raise PermissionDenied("Managers and executives run the backtest.")
    today = inputs.as_of(request)
    origins, scores = backtest(today)
    remember(today, origins, scores)
    kept = _as_of_kept(request, today)
    return redirect(f"{reverse('forecast')}{'?' + kept if kept else ''}#backtest")


def _as_of_kept(request: HttpRequest, today: date) -> str:
    """`as_of=…` for the page's own links and redirects when it was opened as of a day, so its
    tabs and forms stay on that day."""
    return urlencode({"as_of": today.isoformat()}) if request.GET.get("as_of") else ""


def _submit(request: HttpRequest, viewer: User) -> None:
    posted = read(SubmissionForm(request.POST))
    submit_forecast(
        posted["user"] or viewer.email,
        posted["period"],
        posted["commit"],
        posted["best_case"] or None,
        actor=viewer,
        note=posted["note"],
    )
