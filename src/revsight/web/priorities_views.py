"""The weekly priorities' pages: a team's (or the company's) weeks with the search
(`/priorities/?team=<id>`), and a week's record — its figures, this week's priorities for their
outcome, next week's to agree, the notes (`/priorities/<id>/`).

Views read the request and call `cadence.priorities_services`, which checks who may do what;
an `InvalidInput` is shown above the forms, naming the field, with nothing stored.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from revsight.access import permissions, visibility
from revsight.cadence import priorities_services as priorities
from revsight.cadence.priorities_models import Outcome, WeeklyRecord
from revsight.core import clock
from revsight.core.errors import InvalidInput, NotFound, RevsightError
from revsight.org.models import Team, User


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _team(viewer: User, raw: str | None) -> Team | None:
    """The team asked for, among those the viewer opens; none for the company (executives) or,
    for a manager, their first team."""
    teams = list(visibility.managed_teams(viewer).order_by("name"))
    if raw:
        found = next((t for t in teams if str(t.pk) == raw), None)
        if found is None:
            raise NotFound("That team is not yours to open.")
        return found
    if viewer.sees_everything:
        return None
    shown = [t for t in priorities.prepared_teams() if t in teams]
    return shown[0] if shown else (teams[0] if teams else None)


@login_required
def weeks_page(request: HttpRequest) -> HttpResponse:
    viewer = _user(request)
    if not permissions.may_open_planning(viewer):
        raise PermissionDenied("The weekly priorities are the managers' and executives'.")
    team = _team(viewer, request.GET.get("team"))
    error: RevsightError | None = None
    this_week = priorities.week_named(None)
    if request.method == "POST":
        try:
            week = priorities.week_named(request.POST.get("week"))
            made = priorities.prepare(viewer, team, week)
            return redirect(reverse("weekly-record", args=[made.pk]))
        except InvalidInput as exc:
            error = exc
    words = request.GET.get("q", "").strip()
    records = WeeklyRecord.objects.filter(team=team)
    records = visibility.scope(viewer, records).prefetch_related("priorities")
    return render(
        request,
        "web/priorities/weeks.html",
        {
            "team": team,
            "teams": list(visibility.managed_teams(viewer).order_by("name")),
            "company": viewer.sees_everything,
            "records": list(records[:26]),
            "this_week": this_week,
            "current": priorities.record_of(viewer, team, this_week),
            "may_edit": priorities.may_edit(viewer, team),
            "words": words,
            "found": priorities.search(viewer, words, team) if words else [],
            "error": error,
        },
    )


def _act(viewer: User, found: WeeklyRecord, data: Any) -> str:
    """Carry out one posted change; what the page says afterwards."""
    action = data.get("do")
    if action == "prepare":
        priorities.prepare(viewer, found.team, priorities.week_named(found.week))
        return "drawn"
    if action == "notes":
        priorities.save_notes(viewer, found.pk, data.get("notes"))
        return "saved"
    if action == "add":
        priorities.add_priority(viewer, found.pk, data)
        return "added"
    priority_id = int(data.get("priority") or 0)
    if action == "change":
        priorities.change_priority(viewer, priority_id, data)
        return "saved"
    if action == "delete":
        priorities.delete_priority(viewer, priority_id)
        return "deleted"
    if action == "outcome":
        priorities.set_outcome(viewer, priority_id, data.get("outcome"), data.get("outcome_note"))
        return "saved"
    raise InvalidInput("do", str(action), "is not something this page does")


@login_required
def record_page(request: HttpRequest, record_id: int) -> HttpResponse:
    viewer = _user(request)
    found = priorities.record(viewer, record_id)
    may_edit = priorities.may_edit(viewer, found.team)
    error: RevsightError | None = None
    if request.method == "POST":
        if not may_edit:
            raise NotFound("This week is its team's managers' and the executives'.")
        try:
            said = _act(viewer, found, request.POST)
            return redirect(f"{request.path}?{said}=1")
        except InvalidInput as exc:
            error = exc
        found.refresh_from_db()
    shown = priorities.week_of(viewer, found)
    week = shown.week
    people = priorities.participants(found.team) + list(priorities.owners_of(found.team))
    return render(
        request,
        "web/priorities/record.html",
        {
            "shown": shown,
            "record": found,
            "figures": found.figures,
            "week": week,
            "previous": priorities.previous_week(week),
            "following": priorities.next_week(week),
            "neighbours": {
                "previous": priorities.record_of(
                    viewer, found.team, priorities.previous_week(week)
                ),
                "next": priorities.record_of(viewer, found.team, priorities.next_week(week)),
            },
            "may_edit": may_edit,
            "outcomes": Outcome.choices,
            "owners": list(dict.fromkeys(people)),
            "error": error,
            "typed": request.POST if error else {},
            "zone": clock.zone().key,
        },
    )
