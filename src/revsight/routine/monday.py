"""The Monday meeting's email: on Monday at 07:00 local time each team's agenda goes to the
team's manager and to the salespeople whose own team it is (not those of its sub-teams, who get
their own team's). Each recipient's copy is the agenda as they may see it
(`cadence.meeting.agenda` with them as the viewer): their team's figures, the deals they see,
never another team's; with a link to the page."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse

from revsight.analytics.session import session
from revsight.cadence import meeting
from revsight.cadence.meeting_output import as_markdown
from revsight.core import periods
from revsight.org.models import Role, Team, User
from revsight.routine.mailing import notify
from revsight.routine.models import EmailKind


def recipients(team: Team) -> list[User]:
    """The team's manager, then its own salespeople by name (active ones; `notify` leaves out
    those who cannot log in or turned the email off)."""
    people = list(
        User.objects.filter(team=team, role=Role.SALESPERSON, is_active=True).order_by(
            "name", "email"
        )
    )
    manager = team.manager if team.manager_id else None
    return ([manager] if manager is not None and manager.is_active else []) + people


def send(day: date) -> dict[str, object]:
    """Email every team's agenda for the meeting of the week containing `day`; who got it."""
    week = periods.containing("week", day)
    sent: dict[str, list[str]] = {}
    skipped: list[str] = []
    with session():
        for team in meeting.selling_teams():
            page = f"{reverse('meeting-monday')}?{urlencode({'team': team.pk, 'week': week.id})}"
            for person in recipients(team):
                agenda = meeting.agenda(person, team, week)
                context = {
                    "agenda": agenda,
                    "text": as_markdown(agenda, settings.REVSIGHT_BASE_URL),
                    "base": settings.REVSIGHT_BASE_URL,
                }
                if notify(person, EmailKind.MONDAY_MEETING, "monday_meeting", context, page):
                    sent.setdefault(team.name, []).append(person.email)
                else:
                    skipped.append(person.email)
    return {"week": week.id, "sent": sent, "opted_out": skipped}
