"""The training plans' pages: the plans a person is concerned with (`/planning/training/`), a
quarter's plan on a calendar with its sessions (`/planning/training/<id>/`), a session with its
attendance (`/planning/training/<id>/sessions/<sid>/`) and the calendar files
(`/planning/training/<id>.ics`, `/planning/training/people/<user id>.ics`).

Views read the request and call `planning.training_services` (who may do what, the checks,
the audit); an `InvalidInput` is shown above the form, naming the field, with nothing stored.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from revsight.access import permissions, visibility
from revsight.core import clock, periods
from revsight.core.errors import InvalidInput, NotFound, RevsightError
from revsight.core.models import Organisation
from revsight.org.models import User
from revsight.planning import training_calendar
from revsight.planning import training_services as training
from revsight.planning.models import TrainingPlan, TrainingSession
from revsight.web.context import planning_tabs


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
def planning_page(request: HttpRequest) -> HttpResponse:
    """The Planning link: the first part of planning the person may open."""
    return redirect(planning_tabs(_user(request))[0]["url"])


@dataclass(frozen=True)
class Day:
    day: date
    in_month: bool
    today: bool
    sessions: list[TrainingSession]


def _months(quarter: periods.Period, found: list[TrainingSession]) -> list[dict[str, Any]]:
    """The quarter's months as week rows (Monday first), each day with its sessions."""
    zone = clock.zone()
    by_day: dict[date, list[TrainingSession]] = {}
    for row in found:
        by_day.setdefault(row.starts_at.astimezone(zone).date(), []).append(row)
    today = clock.today()
    months = []
    first = quarter.start.replace(day=1)
    for n in range(3):
        month = periods.add_months(first, n)
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month)
        months.append(
            {
                "month": month,
                "weeks": [
                    [Day(d, d.month == month.month, d == today, by_day.get(d, [])) for d in week]
                    for week in weeks
                ],
            }
        )
    return months


def _plan_rows(found: list[TrainingPlan]) -> list[dict[str, Any]]:
    now = timezone.now()
    rows = []
    for plan in found:
        sessions = training.sessions(plan)
        invited = [a for s in sessions for a in s.attendance.all()]
        recorded = [a for a in invited if a.attended is not None]
        coming = [s for s in sessions if s.starts_at >= now]
        rows.append(
            {
                "plan": plan,
                "count": len(sessions),
                "next": coming[0] if coming else None,
                "attended": sum(1 for a in recorded if a.attended),
                "recorded": len(recorded),
            }
        )
    return rows


def _next_quarter() -> str:
    fiscal = Organisation.current().fiscal_year_start_month
    return periods.following(periods.containing("quarter", clock.today(), fiscal), fiscal).id


@login_required
def plans_page(request: HttpRequest) -> HttpResponse:
    viewer = _user(request)
    may_make = permissions.may_open_planning(viewer)
    error, typed = None, {"quarter": _next_quarter(), "team": "", "title": ""}
    if request.method == "POST":
        if not may_make:
            raise NotFound("Training plans are made by managers and executives.")
        typed = {name: request.POST.get(name, "") for name in training.PLAN_FIELDS}
        try:
            made = training.save_plan(viewer, typed)
            return redirect(reverse("training-plan", args=[made.pk]) + "?saved=1")
        except InvalidInput as exc:
            error = exc
    mine = [s for s in training.sessions_of(viewer) if s.starts_at >= timezone.now()]
    return render(
        request,
        "web/planning/training/plans.html",
        {
            "rows": _plan_rows(training.visible_plans(viewer)),
            "may_make": may_make,
            "company": training.may_plan(viewer, None),
            "teams": list(visibility.managed_teams(viewer).order_by("name")),
            "typed": typed,
            "error": error,
            "mine": mine[:10],
            "zone": clock.zone().key,
            "deleted": "deleted" in request.GET,
        },
    )


def _session_typed(found: TrainingSession | None, plan: TrainingPlan) -> dict[str, Any]:
    if found is None:
        quarter = training.quarter_of(plan)
        day = max(quarter.start, min(clock.today(), quarter.end))
        invited = {p.pk for p in training.default_attendees(plan.team, day)}
        return {"date": day.isoformat(), "time": "09:00", "minutes": "60", "attendees": invited}
    local = found.starts_at.astimezone(clock.zone())
    return {
        "topic": found.topic,
        "date": local.date().isoformat(),
        "time": f"{local:%H:%M}",
        "minutes": str(found.minutes),
        "presenter": str(found.presenter_id or ""),
        "presenter_other": found.presenter_name,
        "location": found.location,
        "notes": found.notes,
        "attendees": {a.person_id for a in found.attendance.all()},
    }


def _session_posted(request: HttpRequest) -> dict[str, Any]:
    """The form's fields; a presenter chosen in the list wins over a name typed beside it."""
    data = request.POST
    typed: dict[str, Any] = {name: data.get(name, "") for name in training.SESSION_FIELDS}
    typed["presenter_other"] = data.get("presenter_other", "")
    typed["attendees"] = data.getlist("attendees")
    return typed


def _to_services(typed: dict[str, Any]) -> dict[str, Any]:
    return {**typed, "presenter": typed.get("presenter") or typed.get("presenter_other")}


def _form_context(viewer: User, plan: TrainingPlan, typed: dict[str, Any]) -> dict[str, Any]:
    quarter = training.quarter_of(plan)
    invitable = training.invitable(viewer, plan.team, quarter)
    return {
        "quarter": quarter,
        "typed": typed,
        "invited": {str(pk) for pk in typed.get("attendees", ())},
        "presenters": training.presenters(plan.team),
        "invitable": invitable,
    }


def _session_row(found: TrainingSession) -> dict[str, Any]:
    invited = list(found.attendance.all())
    recorded = [a for a in invited if a.attended is not None]
    return {
        "session": found,
        "presenter": training.presenter_label(found),
        "invited": len(invited),
        "recorded": len(recorded),
        "attended": sum(1 for a in recorded if a.attended),
        "begun": found.starts_at <= timezone.now(),
    }


@login_required
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    viewer = _user(request)
    plan = training.plan(viewer, plan_id)
    may_change = training.may_plan(viewer, plan.team)
    error: RevsightError | None = None
    typed = _session_typed(None, plan)
    if request.method == "POST":
        action = request.POST.get("do")
        if not may_change:
            raise NotFound("This training plan is made by someone else.")
        try:
            if action == "delete":
                training.delete_plan(viewer, plan.pk)
                return redirect(reverse("training-plans") + "?deleted=1")
            if action == "copy":
                copy = training.copy_forward(viewer, plan.pk)
                return redirect(reverse("training-plan", args=[copy.pk]) + "?copied=1")
            if action == "title":
                training.save_plan(
                    viewer,
                    {
                        "quarter": plan.quarter,
                        "team": plan.team,
                        "title": request.POST.get("title"),
                    },
                    plan.pk,
                )
                return redirect(reverse("training-plan", args=[plan.pk]) + "?saved=1")
            typed = _session_posted(request)
            training.save_session(viewer, plan.pk, _to_services(typed))
            return redirect(reverse("training-plan", args=[plan.pk]) + "?added=1#sessions")
        except InvalidInput as exc:
            error = exc
    quarter = training.quarter_of(plan)
    sessions = training.sessions(plan)
    return render(
        request,
        "web/planning/training/plan.html",
        {
            "plan": plan,
            "quarter": quarter,
            "sessions": sessions,
            "session_rows": [_session_row(s) for s in sessions],
            "months": _months(quarter, sessions),
            "weekdays": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
            "may_change": may_change,
            "error": error,
            "zone": clock.zone().key,
            "next_quarter": periods.following(
                quarter, Organisation.current().fiscal_year_start_month
            ).id,
            **(_form_context(viewer, plan, typed) if may_change else {}),
        },
    )


@login_required
def session_page(request: HttpRequest, plan_id: int, session_id: int) -> HttpResponse:
    viewer = _user(request)
    found = training.session(viewer, session_id)
    if found.plan_id != plan_id:
        raise NotFound(f"The plan has no session with the id {session_id}.")
    plan = found.plan
    may_change = training.may_plan(viewer, plan.team)
    may_record = training.may_record(viewer, found)
    error: RevsightError | None = None
    typed = _session_typed(found, plan)
    if request.method == "POST":
        action = request.POST.get("do")
        try:
            if action == "attendance":
                training.record_attendance(viewer, found.pk, request.POST.getlist("present"))
                return redirect(request.path + "?recorded=1")
            if not may_change:
                raise NotFound("This training plan is made by someone else.")
            if action == "delete":
                training.delete_session(viewer, found.pk)
                return redirect(reverse("training-plan", args=[plan.pk]) + "#sessions")
            typed = _session_posted(request)
            training.save_session(viewer, plan.pk, _to_services(typed), found.pk)
            return redirect(request.path + "?saved=1")
        except InvalidInput as exc:
            error = exc
    return render(
        request,
        "web/planning/training/session.html",
        {
            "plan": plan,
            "session": found,
            "attendance": list(found.attendance.select_related("person")),
            "presenter": training.presenter_label(found),
            "begun": found.starts_at <= timezone.now(),
            "may_change": may_change,
            "may_record": may_record,
            "error": error,
            "zone": clock.zone().key,
            **(_form_context(viewer, plan, typed) if may_change else {}),
        },
    )


def _ics_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def plan_ics(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = training.plan(_user(request), plan_id)
    body = training_calendar.plan_ics(plan)
    return _ics_response(body, f"training-{plan.quarter}-{plan.pk}.ics")


@login_required
def person_ics(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = _user(request)
    seen = visibility.visible_user_ids(viewer)
    person = User.objects.filter(pk=user_id).first()
    if person is None or (seen is not None and person.pk not in seen):
        raise NotFound(f"No person has the id {user_id} (or they are not yours to see).")
    body = training_calendar.person_ics(person)
    return _ics_response(body, f"training-{person.email.split('@')[0]}.ics")
