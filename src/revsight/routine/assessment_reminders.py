"""The quarterly self-assessment reminder: on the schedule's day in the last month of each
fiscal quarter, to each active executive and team manager who has not completed an assessment
of that quarter, with their last total and a link to start this one from the suggestions."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from revsight.access import visibility
from revsight.assessments import self_services as assessments
from revsight.assessments.self_models import SelfAssessment
from revsight.core import periods
from revsight.core.models import Organisation
from revsight.org.models import Role, Team, User
from revsight.routine.mailing import notify
from revsight.routine.models import EmailKind


def due_people(quarter: periods.Period) -> list[User]:
    """Who assesses (executives, and the managers of teams) and has no completed assessment
    of the quarter."""
    managers = set(Team.objects.exclude(manager=None).values_list("manager_id", flat=True))
    people = User.objects.filter(is_active=True).filter(role=Role.EXECUTIVE) | User.objects.filter(
        is_active=True, pk__in=managers
    )
    done = set(
        SelfAssessment.objects.filter(quarter=quarter.id, completed_at__isnull=False).values_list(
            "assessed_by_id", flat=True
        )
    )
    return [
        p
        for p in people.distinct().order_by("name", "email")
        if p.pk not in done and visibility.is_manager_or_above(p)
    ]


def remind(day: date) -> dict[str, object]:
    """Email the reminder when `day` is in the quarter's last month; who got it."""
    quarter = periods.containing("quarter", day, Organisation.current().fiscal_year_start_month)
    if periods.add_months(day.replace(day=1), 1) <= quarter.end:
        return {"quarter": quarter.id, "sent": [], "reason": "not the quarter's last month"}
    sent = []
    for person in due_people(quarter):
        last = (
            assessments.visible(person)
            .filter(assessed_by=person, completed_at__isnull=False)
            .prefetch_related("scores")
            .first()
        )
        totals = assessments.totals(last) if last is not None else None
        context = {"quarter": quarter, "last": last, "totals": totals}
        if notify(
            person, EmailKind.SELF_ASSESSMENT, "self_assessment", context, reverse("assessments")
        ):
            sent.append(person.email)
    return {"quarter": quarter.id, "sent": sent}
