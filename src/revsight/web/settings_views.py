"""Settings pages: the fiscal year, stages, activity standards, quotas and goals.

Views only read the form and call `org.configuration`, which validates, writes, audits and
checks who may change what; an `InvalidInput` is shown naming the field, nothing written.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from revsight.access import permissions, visibility
from revsight.analytics.catalogue import BY_ID, METRICS, in_percent
from revsight.cadence import coaching as coaching_log
from revsight.cadence import meeting as monday
from revsight.cadence.coaching_services import set_coaching_settings
from revsight.cadence.meeting_services import save_settings as save_meeting_settings
from revsight.core.errors import InvalidInput
from revsight.core.models import Organisation
from revsight.core.periods import PACING_BASES, fiscal_year_start
from revsight.crm.models import Stage
from revsight.org import configuration
from revsight.org import stages as stages_config
from revsight.org.models import (
    ActivityStandard,
    Goal,
    GoalScope,
    Quota,
    Role,
    User,
)
from revsight.routine import schedules as routine_schedules
from revsight.web import inputs
from revsight.web.forms import (
    STANDARD_TYPES,
    CoachingSettingsForm,
    FiscalYearForm,
    GoalFilterForm,
    GoalForm,
    QuotaGridForm,
    QuotaYearForm,
    ScheduleForm,
    StandardsForm,
    read,
    stage_rows,
)

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _actor(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _organisation_only(request: HttpRequest) -> User:
    actor = _actor(request)
    if not permissions.may_configure_organisation(actor):
        raise PermissionDenied("Only executives and administrators change these settings.")
    return actor


def _targets_only(request: HttpRequest) -> User:
    actor = _actor(request)
    if not permissions.may_set_targets(actor):
        raise PermissionDenied("Only managers and above set quotas and goals.")
    return actor


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], error: InvalidInput | None = None
) -> HttpResponse:
    context.update(
        error=error,
        sections=_sections(_actor(request)),
        current=request.path,
        saved=request.GET.get("saved") == "1",
    )
    return render(request, template, context)


def _sections(actor: User) -> list[tuple[str, str]]:
    found = []
    if permissions.may_set_targets(actor):
        found += [("Quotas", "settings-quotas"), ("Goals", "settings-goals")]
    if permissions.may_configure_organisation(actor):
        found += [
            ("Stages", "settings-stages"),
            ("Activity standards", "settings-standards"),
            ("Fiscal year", "settings-fiscal-year"),
            ("Schedules", "settings-schedules"),
            ("Coaching", "settings-coaching"),
            ("CRM discipline", "settings-discipline"),
            ("Monday meeting", "settings-meeting"),
        ]
    return [(label, reverse(name)) for label, name in found]


def _saved(name: str, **query: Any) -> HttpResponse:
    """Back to the page after a save, saying so."""
    extra = "".join(f"{key}={value}&" for key, value in query.items())
    return redirect(f"{reverse(name)}?{extra}saved=1")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    sections = _sections(_actor(request))
    if not sections:
        raise PermissionDenied("Settings are for managers, executives and administrators.")
    return redirect(sections[0][1])


@login_required
def fiscal_year(request: HttpRequest) -> HttpResponse:
    actor = _organisation_only(request)
    error = None
    if request.method == "POST":
        try:
            asked = read(FiscalYearForm(request.POST))
            configuration.set_fiscal_year_start(actor, asked["month"])
            if asked["pacing"]:
                configuration.set_pacing(actor, asked["pacing"])
            return _saved("settings-fiscal-year")
        except InvalidInput as exc:
            error = exc
    organisation = Organisation.current()
    return _render(
        request,
        "web/settings/fiscal_year.html",
        {
            "months": list(enumerate(MONTHS, start=1)),
            "chosen": organisation.fiscal_year_start_month,
            "bases": list(PACING_BASES.items()),
            "basis": organisation.pacing,
        },
        error,
    )


@login_required
def stages(request: HttpRequest) -> HttpResponse:
    actor = _organisation_only(request)
    error = None
    if request.method == "POST":
        try:
            rows = [
                stages_config.StageRow(
                    int(row["id"]) if row["id"] else None,
                    row["name"],
                    row["order"],
                    row["probability"],
                    row["outcome"],
                )
                for row in stage_rows(request.POST)
            ]
            stages_config.save_stages(actor, rows)
            return _saved("settings-stages")
        except InvalidInput as exc:
            error = exc
    listed = [
        {
            "id": s.pk,
            "name": s.name,
            "order": s.order,
            "probability": _plain(s.probability * 100),  # 12.5, not rounded to 13
            "outcome": s.outcome,
        }
        for s in Stage.objects.order_by("order", "name")
    ]
    return _render(
        request,
        "web/settings/stages.html",
        {
            "stages": listed,
            "next_order": Stage.objects.count() + 1,
            "outcomes": Stage.Outcome.choices,
        },
        error,
    )


@login_required
def standards(request: HttpRequest) -> HttpResponse:
    actor = _organisation_only(request)
    role = request.GET.get("role") or request.POST.get("role") or Role.SALESPERSON
    if role not in Role.values:
        role = Role.SALESPERSON
    error = None
    if request.method == "POST":
        try:
            with transaction.atomic():  # every type or none
                for kind, per, count in StandardsForm(request.POST).standards():
                    configuration.set_activity_standard(actor, role, kind, per, count)
            return _saved("settings-standards", role=role)
        except InvalidInput as exc:
            error = exc
    current = {s.activity_type: s for s in ActivityStandard.objects.filter(role=role)}
    rows = []
    for kind in STANDARD_TYPES:
        standard = current.get(kind.value)
        rows.append(
            {
                "type": kind.value,
                "label": kind.label,
                "per": request.POST.get(f"per-{kind.value}")
                or (standard.per if standard else "week"),
                "count": request.POST.get(
                    f"count-{kind.value}", f"{standard.count.normalize():f}" if standard else ""
                ),
            }
        )
    return _render(
        request,
        "web/settings/standards.html",
        {
            "rows": rows,
            "role": role,
            "roles": Role.choices,
        },
        error,
    )


def _target_shown(metric: str, target: Decimal) -> str:
    """A goal as it was entered: a rate in per cent (25 %), anything else as a number."""
    if in_percent(metric):
        return f"{(target * 100).normalize():f} %"
    return f"{target.normalize():f}"


def _fiscal_months(year: int) -> list[date]:
    start = fiscal_year_start(year, Organisation.current().fiscal_year_start_month)
    return [
        date(start.year + (start.month - 1 + n) // 12, (start.month - 1 + n) % 12 + 1, 1)
        for n in range(12)
    ]


@login_required
def quotas(request: HttpRequest) -> HttpResponse:
    actor = _targets_only(request)
    year = read(QuotaYearForm(request.GET))["year"] or inputs.as_of(request).year
    months = _fiscal_months(year)
    people = visibility.scope(actor, User.objects.filter(role=Role.SALESPERSON, is_active=True))
    if not actor.sees_everything:
        people = people.filter(team_id__in=visibility.managed_team_ids(actor))
    people = people.select_related("team").order_by("team__name", "name")
    error = None
    posted: dict[str, str] = {}
    if request.method == "POST":
        posted = {name: str(value) for name, value in request.POST.items() if name.startswith("q-")}
        try:
            grid_form = QuotaGridForm([p.pk for p in people], months, request.POST)
            configuration.set_quotas(actor, dict(grid_form.posted()))
            return _saved("settings-quotas", year=year)
        except InvalidInput as exc:
            error = exc
    stored = {
        (q.user_id, q.month): q.amount
        for q in Quota.objects.filter(user__in=people, month__in=months)
    }
    return _render(
        request,
        "web/settings/quotas.html",
        {"year": year, "months": months} | _quota_grid(list(people), months, stored, posted, error),
        error,
    )


def _quota_grid(
    people: list[User],
    months: list[date],
    stored: dict[tuple[int | None, date], Decimal],
    posted: dict[str, str],
    error: InvalidInput | None,
) -> dict[str, Any]:
    """The grid's rows (each cell as typed or stored, the refused one marked) and the totals
    of what is stored, by person and by month."""
    grid = []
    for person in people:
        cells_shown = []
        for month in months:
            name = QuotaGridForm.name(person.pk, month)
            amount = stored.get((person.pk, month))
            label = configuration.quota_label(person, month)
            cells_shown.append(
                {
                    "name": name,
                    "label": label,
                    "value": posted.get(name, "" if amount is None else _plain(amount)),
                    "error": error.message if error and error.field == label else "",
                }
            )
        total = sum((stored.get((person.pk, m), Decimal(0)) for m in months), Decimal(0))
        grid.append({"person": person, "cells": cells_shown, "total": total})
    by_month = [
        sum((stored.get((p.pk, m), Decimal(0)) for p in people), Decimal(0)) for m in months
    ]
    return {"grid": grid, "month_totals": by_month, "total": sum(by_month, Decimal(0))}


def _plain(amount: Decimal) -> str:
    """An amount as stored, without rounding and without trailing zeros (50000, 1234.5)."""
    return f"{amount.normalize():f}"


@login_required
def goals(request: HttpRequest) -> HttpResponse:
    actor = _targets_only(request)
    error = None
    if request.method == "POST":
        try:
            goal = read(GoalForm(request.POST))
            configuration.set_goal(
                actor,
                goal["metric"],
                goal["scope"],
                goal["period"],
                configuration.goal_target(goal["metric"], goal["target"]),
                team_id=goal["team"],
                user_id=goal["user"],
            )
            return _saved("settings-goals")
        except InvalidInput as exc:
            error = exc
    chosen = GoalFilterForm(request.GET).chosen()
    shown = visibility.scope(actor, Goal.objects.filter(**chosen)).select_related("team", "user")
    teams = visibility.managed_teams(actor).order_by("name")
    people = visibility.scope(actor, User.objects.filter(role=Role.SALESPERSON)).order_by("name")
    return _render(
        request,
        "web/settings/goals.html",
        {
            "goals": [
                {
                    "goal": g,
                    "name": BY_ID[g.metric].name if g.metric in BY_ID else g.metric,
                    "target": _target_shown(g.metric, g.target),
                    "holder": g.team.name
                    if g.team
                    else g.user.display_name
                    if g.user
                    else "Company",
                }
                for g in shown.order_by("-period", "metric")[:300]
            ],
            "chosen": chosen,
            "periods": visibility.scope(actor, Goal.objects.all())
            .order_by("-period")
            .values_list("period", flat=True)
            .distinct(),
            "percent_metrics": [m.id for m in METRICS if in_percent(m.id)],
            "metrics": [(m.id, m.name) for m in METRICS],
            "scopes": GoalScope.choices
            if actor.sees_everything
            else [c for c in GoalScope.choices if c[0] != GoalScope.COMPANY],
            "teams": teams,
            "people": people,
            "posted": request.POST,
        },
        error,
    )


@login_required
def schedules(request: HttpRequest) -> HttpResponse:
    """When the routine runs, in the organisation's time zone: every schedule saved together."""
    actor = _organisation_only(request)
    error = None
    if request.method == "POST":
        try:
            with transaction.atomic():  # every schedule or none
                for setting in routine_schedules.settings_of():
                    _save_schedule(actor, setting.name, request)
            return _saved("settings-schedules")
        except InvalidInput as exc:
            error = exc
    return _render(
        request,
        "web/settings/schedules.html",
        {
            "schedules": routine_schedules.settings_of(),
            "weekdays": list(enumerate(routine_schedules.WEEKDAYS)),
            "zone": Organisation.current().time_zone,
        },
        error,
    )


def _save_schedule(actor: User, name: str, request: HttpRequest) -> None:
    values = read(ScheduleForm(request.POST, prefix=name))
    try:
        routine_schedules.set_schedule(actor, name, **values)
    except InvalidInput as exc:  # named as the page names it: the schedule's own field
        raise InvalidInput(f"{name}-{exc.field}", exc.value, exc.fields[0].message) from None


@login_required
def coaching(request: HttpRequest) -> HttpResponse:
    """The skills coached, the monthly joint-call target and each salesperson's own."""
    actor = _organisation_only(request)
    people = User.objects.filter(role=Role.SALESPERSON, is_active=True).select_related("team")
    people = people.order_by("team__name", "name", "email")
    error = None
    if request.method == "POST":
        try:
            asked = read(CoachingSettingsForm(request.POST))
            own = {p.pk: request.POST.get(f"target-{p.pk}", "") for p in people}
            set_coaching_settings(actor, asked["skills"], asked["joint_calls"], own)
            return _saved("settings-coaching")
        except InvalidInput as exc:
            error = exc
    current = coaching_log.coaching_settings()
    targets = coaching_log.own_targets()
    posted = request.POST
    rows = [
        {
            "person": p,
            "name": f"target-{p.pk}",
            "value": posted.get(f"target-{p.pk}", str(targets.get(p.pk, ""))),
        }
        for p in people
    ]
    return _render(
        request,
        "web/settings/coaching.html",
        {
            "skills": posted.get("skills", "\n".join(current.skills)),
            "joint_calls": posted.get("joint_calls", str(current.joint_calls_per_month)),
            "rows": rows,
        },
        error,
    )


@login_required
def meeting(request: HttpRequest) -> HttpResponse:
    """The Monday meeting's agenda: its items in order (by the position typed beside each,
    ties in the current order), each on or off."""
    actor = _organisation_only(request)
    current = monday.choices()
    error = None
    if request.method == "POST":
        try:
            order = _positions(request, [c.id for c in current])
            on = [c.id for c in current if request.POST.get(f"on-{c.id}")]
            save_meeting_settings(actor, order, on)
            return _saved("settings-meeting")
        except InvalidInput as exc:
            error = exc
    rows = [
        {
            "choice": choice,
            "position": request.POST.get(f"position-{choice.id}", str(number)),
            "on": bool(request.POST.get(f"on-{choice.id}")) if request.POST else choice.on,
        }
        for number, choice in enumerate(current, start=1)
    ]
    return _render(request, "web/settings/meeting.html", {"rows": rows}, error)


def _positions(request: HttpRequest, ids: list[str]) -> list[str]:
    """The items ordered by the positions typed (whole numbers from 1)."""
    typed = []
    for index, item in enumerate(ids):
        raw = str(request.POST.get(f"position-{item}", "")).strip()
        if not raw.isdigit() or not 1 <= int(raw) <= len(ids):
            shown = f"must be a whole number from 1 to {len(ids)}"
            raise InvalidInput(f"position-{item}", raw, shown)
        typed.append((int(raw), index, item))
    return [item for _, _, item in sorted(typed)]
