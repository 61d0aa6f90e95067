"""The capacity and hiring plan's pages: the planner (`/planning/capacity/`), a saved scenario
with its plan against what happened (`/planning/capacity/<id>/`) and scenarios side by side
(`/planning/capacity/compare/?id=…&id=…`).

Views read the form and call `planning.services`, which check who may plan what; an
`InvalidInput` is shown above the form, naming the field, with nothing stored.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from revsight.access import permissions, visibility
from revsight.core import clock, periods
from revsight.core.errors import InvalidInput, NotFound
from revsight.org.models import Team, User
from revsight.planning import services
from revsight.planning.actuals import against_actuals
from revsight.planning.inputs import split_objectives
from revsight.planning.services import CapacityPlan
from revsight.planning.suggested import suggested
from revsight.web import planning_charts

TEXT_FIELDS = ("quota", "attainment", "ramp", "attrition", "lead_time")


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _may_open(viewer: User) -> None:
    if not permissions.may_open_planning(viewer):
        raise PermissionDenied("Capacity plans are made by managers and executives.")


def _teams(viewer: User) -> list[Team]:
    return list(visibility.managed_teams(viewer).order_by("name"))


def _team(viewer: User, raw: str | None) -> Team | None:
    """The team asked for (None: the company), one the viewer may plan; a manager who sees
    only their teams starts on the first."""
    if raw:
        try:
            team = Team.objects.filter(pk=int(raw)).first()
        except ValueError:
            raise InvalidInput("team", raw, "is not a team id") from None
        if team is None or not permissions.may_plan(viewer, team):
            raise NotFound(f"No team you plan has the id {raw}.")
        return team
    if permissions.may_plan(viewer, None):
        return None
    return _teams(viewer)[0]


def _as_of(raw: str | None) -> date:
    return periods.parse_day("as_of", raw) or clock.today()


def _objectives(data: QueryDict) -> str:
    rows = zip(data.getlist("quarter"), data.getlist("amount"), strict=False)
    return ", ".join(f"{q.strip()}={a.strip()}" for q, a in rows if q.strip() or a.strip())


def _typed(data: QueryDict) -> dict[str, str]:
    return {"objectives": _objectives(data), **{f: data.get(f, "") for f in TEXT_FIELDS}}


def _rows(text: str) -> list[tuple[str, str]]:
    """The objectives' text as the form's rows, with blank rows up to five."""
    rows = [tuple(part.split("=", 1)) for part in split_objectives(text)]
    shown = [(q.strip(), a.strip()) for q, a in (r if len(r) == 2 else (r[0], "") for r in rows)]
    return shown + [("", "")] * max(0, 5 - len(shown))


def _hire_marks(result: CapacityPlan) -> list[str]:
    marks = []
    for quarter in result.plan.quarters:
        span = quarter.objective.quarter
        hires = [
            f"+{h.count} from {periods.month_of(h.start):%b %Y}"
            for h in result.plan.hires
            if span.contains(periods.month_of(h.start))
        ]
        marks.append(", ".join(hires))
    return marks


def _shown(result: CapacityPlan) -> dict[str, Any]:
    document = services.as_json(result)
    return {
        "document": document,
        "figure": planning_charts.capacity(document, _hire_marks(result)),
        "hire_count": result.plan.hire_count,
        "lead_time": result.parameters.lead_time,
    }


@login_required
def capacity_page(request: HttpRequest) -> HttpResponse:
    """Plan from the form's parameters (first from the data's suggestions); save a scenario."""
    viewer = _user(request)
    _may_open(viewer)
    data = request.POST if request.method == "POST" else request.GET
    team = _team(viewer, data.get("team"))
    as_of, error, result = clock.today(), None, None
    typed: dict[str, str] = dict.fromkeys(services.FIELDS, "")
    try:
        as_of = _as_of(data.get("as_of"))
        typed = _typed(data) if "quota" in data else suggested(as_of, team)
        if request.method == "POST":
            saved = services.save_scenario(viewer, data.get("name", ""), typed, as_of, team)
            return redirect(reverse("planning-scenario", args=[saved.pk]) + "?saved=1")
        result = services.build(typed, as_of, team)
    except InvalidInput as exc:
        error = exc
        typed = _typed(data) if "quota" in data else typed
    return render(
        request,
        "web/planning/capacity.html",
        {
            **(_shown(result) if result else {}),
            "error": error,
            "typed": typed,
            "rows": _rows(typed["objectives"]),
            "as_of": as_of,
            "team": team,
            "teams": _teams(viewer),
            "company": permissions.may_plan(viewer, None),
            "scenarios": services.visible_scenarios(viewer),
            "name": data.get("name", ""),
        },
    )


@login_required
def scenario_page(request: HttpRequest, scenario_id: int) -> HttpResponse:
    viewer = _user(request)
    _may_open(viewer)
    found = services.scenario(viewer, scenario_id)
    if request.method == "POST" and request.POST.get("do") == "delete":
        services.delete_scenario(viewer, found.pk)
        return redirect(reverse("planning-capacity") + "?deleted=1")
    result = services.plan_of(found)
    today = clock.today()
    return render(
        request,
        "web/planning/scenario.html",
        {
            **_shown(result),
            "scenario": found,
            "actuals": against_actuals(result, today),
            "may_change": permissions.may_plan(viewer, found.team),
            "edit_query": _edit_query(found),
            "saved": "saved" in request.GET,
        },
    )


def _edit_query(found: Any) -> str:
    query = QueryDict(mutable=True)
    for quarter, amount in (r for r in _rows(found.parameters["objectives"]) if r[0]):
        query.appendlist("quarter", quarter)
        query.appendlist("amount", amount)
    for name in TEXT_FIELDS:
        query[name] = found.parameters[name]
    query["as_of"] = found.as_of.isoformat()
    if found.team_id:
        query["team"] = str(found.team_id)
    query["name"] = found.name
    return query.urlencode()


@login_required
def compare_page(request: HttpRequest) -> HttpResponse:
    """Saved scenarios side by side: each quarter's objective, capacity with hires, and the
    hires each needs."""
    viewer = _user(request)
    _may_open(viewer)
    ids = request.GET.getlist("id")
    try:
        chosen = [services.scenario(viewer, int(i)) for i in dict.fromkeys(ids)]
    except ValueError:
        raise NotFound("A scenario id is a number.") from None
    plans = [(s, services.as_json(services.plan_of(s))) for s in chosen]
    quarters = sorted({q["quarter"] for _, d in plans for q in d["quarters"]})
    table = [
        (
            quarter,
            [next((q for q in d["quarters"] if q["quarter"] == quarter), None) for _, d in plans],
        )
        for quarter in quarters
    ]
    hires = [sum(h["count"] for h in d["hires"]) for _, d in plans]
    return render(
        request,
        "web/planning/compare.html",
        {
            "plans": plans,
            "table": table,
            "hires": hires,
            "scenarios": services.visible_scenarios(viewer),
        },
    )
