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
from revsight.analytics import viewed
from revsight.core.errors import InvalidInput
from revsight.crm.models import ForecastSubmission
from revsight.forecasting import page
from revsight.forecasting.services import submit_forecast
from revsight.forecasting.tasks import latest_backtest, queue_backtest
from revsight.jobs.models import State
from revsight.org.models import Role, User
from revsight.routine import pages
from revsight.web import charts, inputs
from revsight.web.forms import SubmissionForm, read
from revsight.web.jobs import status_context


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
    team_id = _team_asked(request) if manages else None
    if manages and _computing(viewer, targets, request.GET.get("period"), today, context, team_id):
        return render(request, "web/forecast.html", context)
    if manages:
        context.update(_fields(page.team_forecasts(viewer, targets, today, team_id)))
        found = page.scope_outlook(viewer, targets, request.GET.get("period"), today, team_id)
        context["choices"] = _switch(page.scope_choices(viewer), request, today)
        context["chosen_team"] = team_id
        context["team_query"] = f"team={team_id}" if team_id is not None else ""
        if found is not None:
            context["backtest_rows"] = page.backtest_rows(found.backtest)
            context["calibration"] = page.calibration(found.backtest)
            if context["calibration"] is not None:
                context["calibration_chart"] = charts.calibration(
                    context["calibration"]["reliability"]
                )
            viewed.seen("forecast", found.scope.path, found.chosen_period.id, today)
            context.update(_fields(found))
            context["recommended_parts"] = page.recommended_parts(found.outlook)
            if found.outlook.recommended is not None:
                horizon = found.outlook.recommended.horizon
                context["recommended_horizon"] = page.HORIZON_NAMES.get(horizon or "")
            if found.outlook.p50 is not None:
                context["distribution"] = charts.distribution(found.outlook)
            if found.backtest is None:
                job = latest_backtest(viewer, today)
                context["backtest_status"] = status_context(job) if job is not None else None
    return render(request, "web/forecast.html", context)


def _computing(
    viewer: User,
    targets: list[Any],
    chosen: str | None,
    today: date,
    context: dict[str, Any],
    team_id: int | None = None,
) -> bool:
    """Whether a worker is computing the page's outlook and track records (the page then shows
    its progress and the last outlook, dated, and comes back once it is done)."""
    wait = page.computing(viewer, targets, chosen, today, team_id)
    if not wait.missing:
        return False
    view = pages.forecast_view(wait.scope, chosen, today)
    job = pages.pending(view, viewer, wait.missing)
    if job is None or job.state == State.DONE:
        return False
    context["computing"] = status_context(job)
    if wait.last is not None:
        context["last_outlook"], context["last_outlook_at"] = wait.last
    return True


def _switch(
    choices: list[page.ScopeChoice], request: HttpRequest, today: date
) -> list[dict[str, Any]]:
    """Each scope of the switch with its link: the same period and day, another team."""
    kept = {k: v for k, v in (("period", request.GET.get("period")),) if v}
    if request.GET.get("as_of"):
        kept["as_of"] = today.isoformat()
    return [
        {
            "label": choice.label,
            "team_id": choice.team_id,
            "depth": choice.depth,
            "query": "?"
            + urlencode(kept | ({"team": choice.team_id} if choice.team_id is not None else {})),
        }
        for choice in choices
    ]


def _team_asked(request: HttpRequest) -> int | None:
    """The team chosen with `?team=ID` (None: the viewer's own scope)."""
    raw = request.GET.get("team", "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidInput("team", raw, "is not a team number")
    return int(raw)


def _fields(part: Any) -> dict[str, Any]:
    """A page part's fields as template names."""
    return {f.name: getattr(part, f.name) for f in fields(part)}


@login_required
def run_backtest(request: HttpRequest) -> HttpResponse:
    """Queue the backtest of the current data (a minute or so) for a worker; the page shows its
    progress, then the result the job keeps."""
    viewer: User = request.user  # type: ignore[assignment]
    if request.method != "POST" or not visibility.is_manager_or_above(viewer):
        raise PermissionDenied("Managers and executives run the backtest.")
    today = inputs.as_of(request)
    queue_backtest(today, viewer)
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
