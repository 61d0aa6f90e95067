"""The business plans' pages: the team's plans for a fiscal half (`/planning/business/?half=
2027-H1`) and a salesperson's plan with its targets and tracking
(`/planning/business/<user id>/?half=…`).

Views read the request and call `planning.business_services` (who writes what, the checks,
the audit); an `InvalidInput` is shown above the form, naming the field, with nothing stored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from revsight.access import permissions, visibility
from revsight.core import clock, periods
from revsight.core.errors import InvalidInput, NotFound, RevsightError
from revsight.core.models import Organisation
from revsight.org.models import Role, User
from revsight.planning import business_services as plans


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _half(request: HttpRequest) -> periods.Period:
    try:
        return plans.half_named(request.GET.get("half"))
    except InvalidInput:
        raise NotFound("A half-year is written 2027-H1.") from None


def _as_of(request: HttpRequest, half: periods.Period) -> date:
    """Today, or the half's last day once it is over: a past half is judged on its end."""
    try:
        typed = periods.parse_day("as_of", request.GET.get("as_of"))
    except InvalidInput:
        raise NotFound("A day is written 2027-03-31.") from None
    return typed or min(clock.today(), half.end)


def _neighbours(half: periods.Period) -> tuple[str, str]:
    fiscal = Organisation.current().fiscal_year_start_month
    return periods.previous(half, 1, fiscal)[0].id, periods.following(half, fiscal).id


@login_required
def board_page(request: HttpRequest) -> HttpResponse:
    viewer = _user(request)
    if not permissions.may_open_business_plans(viewer):
        raise NotFound("Business plans are the salespeople's and their managers'.")
    half = _half(request)
    if viewer.role == Role.SALESPERSON and not visibility.is_manager_or_above(viewer):
        return redirect(reverse("business-plan", args=[viewer.pk]) + f"?half={half.id}")
    teams = list(visibility.managed_teams(viewer).order_by("name"))
    team = None
    if request.GET.get("team"):
        team = next((t for t in teams if str(t.pk) == request.GET["team"]), None)
    as_of = _as_of(request, half)
    rows = plans.board(viewer, half, as_of, team)
    earlier, later = _neighbours(half)
    return render(
        request,
        "web/planning/business/board.html",
        {
            "half": half,
            "as_of": as_of,
            "rows": rows,
            "teams": teams,
            "team": team,
            "earlier": earlier,
            "later": later,
            "planned": sum(1 for r in rows if r.plan is not None),
        },
    )


def _posted(request: HttpRequest, salesperson: User, viewer: User) -> dict[str, Any]:
    """Only the fields this person may write are sent on: a salesperson's form has no notes."""
    data = request.POST
    text: dict[str, Any] = {}
    if "strategies" in data and plans.may_write_strategies(viewer, salesperson):
        text["strategies"] = data["strategies"]
    for name in ("manager_notes", "quota"):
        if name in data and plans.may_manage(viewer, salesperson):
            text[name] = data[name]
    if data.get("do") == "refresh":
        text["refresh"] = True
    return text


@login_required
def plan_page(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = _user(request)
    salesperson = plans.salesperson_named(viewer, str(user_id))
    half = _half(request)
    as_of = _as_of(request, half)
    error: RevsightError | None = None
    here = reverse("business-plan", args=[salesperson.pk]) + f"?half={half.id}"
    if request.method == "POST":
        try:
            if request.POST.get("do") == "delete":
                plans.delete(viewer, salesperson, half)
                return redirect(here + "&deleted=1")
            plans.save(viewer, salesperson, half, _posted(request, salesperson, viewer))
            return redirect(here + "&saved=1")
        except InvalidInput as exc:
            error = exc
    found = plans.plan_of(viewer, salesperson, half)
    shown = plans.view(salesperson, half, as_of, found)
    earlier, later = _neighbours(half)
    return render(
        request,
        "web/planning/business/plan.html",
        {
            "salesperson": salesperson,
            "half": half,
            "as_of": as_of,
            "view": shown,
            "plan": found,
            "ratios": _ratio_rows(shown),
            "may_write": plans.may_write_strategies(viewer, salesperson),
            "may_manage": plans.may_manage(viewer, salesperson),
            "quota_is_set": bool(plans.set_quotas(salesperson, half)),
            "error": error,
            "earlier": earlier,
            "later": later,
            "typed": request.POST if error else {},
        },
    )


RATIO_LABELS = (
    ("win_rate", "Win rate (deals won of those decided)", "ratio"),
    ("average_deal", "Average deal won", "money"),
    ("activities_per_opportunity", "Activities per opportunity created", "rate"),
    ("cycle_days", "Sales cycle (days from created to won)", "days"),
)


def _ratio_rows(shown: plans.PlanView) -> list[dict[str, Any]]:
    sources = {"own": "their own", "team": "their team's", "company": "the company's", "": ""}
    return [
        {
            "label": label,
            "value": getattr(shown.ratios, name).value,
            "unit": unit,
            "source": sources[getattr(shown.ratios, name).source],
        }
        for name, label, unit in RATIO_LABELS
    ]


def dashboard_panel(viewer: User, person: User | None, as_of: date) -> dict[str, Any] | None:
    """The salesperson's business plan for the half of the as-of date, for their dashboard:
    its status and where they stand, or the way to make it."""
    if person is None or person.role != Role.SALESPERSON:
        return None
    half = plans.half_named("", as_of)
    found = plans.plan_of(viewer, person, half)
    if found is None:
        return {
            "half": half,
            "person": person,
            "plan": None,
            "may_make": plans.may_make(viewer, person),
        }
    shown = plans.view(person, half, as_of, found)
    last = shown.tracked[-1] if shown.tracked else None
    return {"half": half, "person": person, "plan": found, "view": shown, "last": last}
