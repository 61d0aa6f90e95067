"""Forecast submission reminders: to each forecaster who has not submitted for the current
month, with their own numbers only (a salesperson's own; a manager's own team's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.urls import reverse

from revsight.access.permissions import FORECASTERS
from revsight.analytics.computation import Result, compute
from revsight.analytics.dashboard_scope import landing_scope
from revsight.analytics.scopes import membership, narrowed
from revsight.analytics.session import session
from revsight.core import periods
from revsight.core.models import Organisation
from revsight.crm.models import ForecastSubmission, PeriodType
from revsight.org.models import Role, User
from revsight.routine.mailing import notify
from revsight.routine.models import EmailKind

NUMBERS = ("bookings", "quota", "quota_attainment", "pipeline_value")


@dataclass(frozen=True)
class Numbers:
    """One person's figures for the month, as the reminder states them."""

    whose: str  # "you" or the team's name
    bookings: float | None
    quota: float | None
    attainment: float | None
    pipeline: float | None


def not_submitted(month: periods.Period) -> QuerySet[User]:
    """Active forecasters who can log in and have no submission for the month."""
    submitted = ForecastSubmission.objects.filter(
        period_type=PeriodType.MONTH, period_start=month.start
    ).values("user_id")
    return (
        User.objects.filter(is_active=True, role__in=FORECASTERS)
        .exclude(pk__in=submitted)
        .exclude(password__startswith="!")  # a placeholder an import created
        .order_by("email")
    )


def _numbers(result: Result, key: str, whose: str) -> Numbers | None:
    if key not in (result.members.keys if result.members else []):
        return None

    def value(metric: str) -> float | None:
        found = result.value(metric, key)
        return None if found is None else float(found)

    return Numbers(
        whose,
        value("bookings"),
        value("quota"),
        value("quota_attainment"),
        value("pipeline_value"),
    )


def remind(day: date) -> dict[str, object]:
    """Email the reminders for the month containing `day`; who was reminded."""
    organisation = Organisation.current()
    fiscal, currency = organisation.fiscal_year_start_month, organisation.currency
    month = periods.containing("month", day, fiscal)
    people = list(not_submitted(month))
    reps = [p.email for p in people if p.role == Role.SALESPERSON]
    teams = {p.pk: landing_scope(p) for p in people if p.role != Role.SALESPERSON}
    with session():
        by_rep = compute(
            list(NUMBERS), month, day, "rep", members=narrowed(membership("rep", month), reps)
        )
        team_keys = [s.key for s in teams.values() if s is not None and s.kind == "team"]
        by_team = compute(
            list(NUMBERS),
            month,
            day,
            "team",
            members=narrowed(membership("team", month), team_keys),
        )
    sent: list[str] = []
    skipped: list[str] = []
    for person in people:
        scope = teams.get(person.pk)
        if person.role == Role.SALESPERSON:
            numbers = _numbers(by_rep, person.email, "you")
        else:
            numbers = _numbers(by_team, scope.key, scope.label) if scope else None
        context = {"month": month, "numbers": numbers, "day": day, "currency": currency}
        page = f"{reverse('forecast')}?period={month.id}"
        (sent if notify(person, EmailKind.REMINDER, "reminder", context, page) else skipped).append(
            person.email
        )
    return {"month": month.id, "reminded": sent, "opted_out": skipped}
