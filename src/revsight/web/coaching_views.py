"""The coaching log's pages: the team's month (`/coaching/`), a salesperson's history with the
log and reply forms (`/coaching/<id>/`) and an entry's edit form.

Views read the form and call `cadence.coaching` (reading) and `cadence.coaching_services`
(writing), which check who may do what; an `InvalidInput` is shown beside the form, naming the
field, with nothing stored.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from revsight.access import permissions, visibility
from revsight.cadence import coaching
from revsight.cadence import coaching_services as services
from revsight.cadence.coaching_services import EntryInput
from revsight.cadence.models import CoachingEntry, CoachingKind
from revsight.core import clock
from revsight.core.errors import InvalidInput, NotFound
from revsight.core.periods import Period, add_months, containing
from revsight.org.models import Role, User
from revsight.web.forms import CoachingEntryForm, CoachingMonthForm, CoachingReplyForm, read

SCHEDULED = {"yes": True, "no": False}
SAID = ("logged", "replied", "deleted", "saved")  # what the page says after a change


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _month_links(period: Period, **query: Any) -> dict[str, str]:
    def link(months: int) -> str:
        month = containing("month", add_months(period.start, months))
        return "?" + urlencode({**{k: v for k, v in query.items() if v}, "month": month.id})

    return {"previous": link(-1), "next": link(1)}


def person_url(person_id: int, period: Period | None = None) -> str:
    url = reverse("coaching-person", args=[person_id])
    return f"{url}?month={period.id}" if period else url


@login_required
def team_page(request: HttpRequest) -> HttpResponse:
    """This month's joint calls of the viewer's salespeople against their target."""
    viewer = _user(request)
    if not permissions.may_open_coaching(viewer):
        raise PermissionDenied("The coaching log is for salespeople and their managers.")
    asked = read(CoachingMonthForm(request.GET))
    today = clock.today()
    period = coaching.month(asked["month"], today)
    if not visibility.is_manager_or_above(viewer):
        return redirect(person_url(viewer.pk, period))
    data = coaching.team_month(viewer, period, today, asked["team"])
    teams = visibility.scope(viewer, visibility.managed_teams(viewer).order_by("name"))
    return render(
        request,
        "web/coaching/team.html",
        {
            "data": data,
            "teams": teams,
            "team": asked["team"],
            "nav": _month_links(period, team=asked["team"]),
            "pages": {row.person.pk: person_url(row.person.pk, period) for row in data.rows},
            "current": period == containing("month", today),
        },
    )


def _entry_input(data: QueryDict) -> EntryInput:
    values = read(CoachingEntryForm(data))
    scheduled = str(values["scheduled"] or "yes").strip().lower()
    if scheduled not in SCHEDULED:
        raise InvalidInput("scheduled", scheduled, "must be yes or no")
    return EntryInput(
        date=values["date"],
        kind=values["kind"],
        scheduled=SCHEDULED[scheduled],
        skill=values["skill"],
        deal_id=values["deal"],
        account_id=values["account"],
        notes=values["notes"],
        action=values["action"],
        due=values["due"],
    )


def _own_entry(viewer: User, person: User, entry_id: int) -> CoachingEntry:
    entry = services.visible_entry(viewer, entry_id)
    if entry.salesperson_id != person.pk:
        raise NotFound(f"No coaching entry of {person.display_name} has the id {entry_id}.")
    return entry


def _act(viewer: User, person: User, data: QueryDict) -> str:
    """Do what the form posted; returns what to say once it is done."""
    action = data.get("do", "")
    if action == "log":
        services.log_entry(viewer, person, _entry_input(data))
        return "logged"
    if action not in ("reply", "done", "undone", "delete"):
        raise InvalidInput("do", action, "must be log, reply, done, undone or delete")
    asked = read(CoachingReplyForm(data))
    entry = _own_entry(viewer, person, asked["entry"])
    if action == "reply":
        services.reply(viewer, entry.pk, asked["reply"])
    elif action == "delete":
        services.delete_entry(viewer, entry.pk)
    else:
        services.mark_action_done(viewer, entry.pk, done=action == "done")
    return {"reply": "replied", "delete": "deleted"}.get(action, "saved")


def _salesperson(viewer: User, user_id: int) -> User:
    person = User.objects.filter(pk=user_id, role=Role.SALESPERSON).select_related("team").first()
    if person is None or not visibility.can_see(viewer, person):
        raise NotFound(f"No salesperson has the id {user_id} (or they are not yours to see).")
    return person


def _form_context(viewer: User, person: User, posted: QueryDict | dict[str, Any]) -> dict[str, Any]:
    choices = coaching.entry_choices(viewer, person, clock.today())
    return {
        "kinds": CoachingKind.choices,
        "skills": coaching.coaching_settings().skills,
        "deals": choices.deals,
        "accounts": choices.accounts,
        "posted": posted,
    }


@login_required
def person_page(request: HttpRequest, user_id: int) -> HttpResponse:
    """A salesperson's coaching month by month, the log form for whoever coaches them and the
    reply form for themselves."""
    viewer = _user(request)
    person = _salesperson(viewer, user_id)
    today = clock.today()
    period = coaching.month(read(CoachingMonthForm(request.GET))["month"], today)
    error, posted = None, QueryDict()
    if request.method == "POST":
        try:
            said = _act(viewer, person, request.POST)
            return redirect(f"{person_url(person.pk)}?month={period.id}&{said}=1")
        except InvalidInput as exc:
            error, posted = exc, request.POST
    shown = coaching.history(viewer, person, period, today)
    may_log = permissions.may_coach(viewer, person)
    context = _form_context(viewer, person, posted) if may_log else {"posted": posted}
    return render(
        request,
        "web/coaching/person.html",
        {
            **context,
            "person": person,
            "data": shown,
            "period": period,
            "error": error,
            "may_log": may_log,
            "own": viewer.pk == person.pk,
            "nav": _month_links(period),
            "said": next(
                (w for w in ("logged", "replied", "deleted", "saved") if w in request.GET), ""
            ),
            "today": today,
        },
    )


def _as_posted(entry: CoachingEntry) -> dict[str, Any]:
    return {
        "date": entry.date.isoformat(),
        "kind": entry.kind,
        "scheduled": "yes" if entry.scheduled else "no",
        "skill": entry.skill,
        "deal": str(entry.opportunity_id or ""),
        "account": str(entry.account_id or ""),
        "notes": entry.notes,
        "action": entry.action,
        "due": entry.action_due.isoformat() if entry.action_due else "",
    }


@login_required
def edit_page(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Change an entry: for the managers of the salesperson."""
    viewer = _user(request)
    entry = services.visible_entry(viewer, entry_id)
    if not permissions.may_coach(viewer, entry.salesperson):
        raise PermissionDenied("Only the managers of this salesperson change their coaching.")
    error = None
    posted: QueryDict | dict[str, Any] = _as_posted(entry)
    if request.method == "POST":
        try:
            services.edit_entry(viewer, entry.pk, _entry_input(request.POST))
            month = containing("month", entry.date)
            return redirect(f"{person_url(entry.salesperson_id, month)}&saved=1")
        except InvalidInput as exc:
            error, posted = exc, request.POST
    context = _form_context(viewer, entry.salesperson, posted)
    if entry.opportunity is not None and entry.opportunity not in context["deals"]:
        context["deals"] = [entry.opportunity, *context["deals"]]
    if entry.skill and entry.skill not in context["skills"]:
        context["skills"] = [*context["skills"], entry.skill]
    return render(
        request,
        "web/coaching/edit.html",
        {**context, "entry": entry, "person": entry.salesperson, "error": error},
    )
