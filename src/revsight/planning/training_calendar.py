"""Training sessions as an iCalendar file (RFC 5545) that calendar programs import.

Each session is an event at its local time in the organisation's time zone (with that zone's
definition in the file, so a session after a daylight-saving change keeps its wall-clock
time), its presenter and attendees, and a stable UID so that importing the file again updates
the events instead of adding them twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

import icalendar

from revsight.core import clock
from revsight.org.models import User
from revsight.planning.models import TrainingPlan, TrainingSession
from revsight.planning.training_services import sessions_of

PRODUCT = "-//Revsight//Training plans//EN"


def uid_of(session: TrainingSession) -> str:
    return f"training-session-{session.pk}@revsight"


def _event(session: TrainingSession, stamp: datetime) -> icalendar.Event:
    zone = clock.zone()
    start = session.starts_at.astimezone(zone)
    presenter = session.presenter
    delivered_by = presenter.name or presenter.email if presenter else session.presenter_name
    lines = [f"Delivered by {delivered_by or 'someone still to assign'}."]
    if session.notes:
        lines.append(session.notes)
    event = icalendar.Event.new(
        uid=uid_of(session),
        summary=session.topic,
        start=start,
        end=start + timedelta(minutes=session.minutes),
        stamp=stamp,
        location=session.location or None,
        description="\n\n".join(lines),
    )
    if presenter is not None:
        event.add(
            "attendee",
            f"mailto:{presenter.email}",
            parameters={"CN": presenter.name or presenter.email, "ROLE": "CHAIR"},
        )
    for row in session.attendance.all():
        person = row.person
        event.add(
            "attendee",
            f"mailto:{person.email}",
            parameters={"CN": person.name or person.email, "ROLE": "REQ-PARTICIPANT"},
        )
    return event


def ics(sessions: Iterable[TrainingSession], name: str, uid: str) -> bytes:
    """The sessions as one calendar named `name`, with a stable `uid`."""
    chosen = list(sessions)
    calendar = icalendar.Calendar.new(prodid=PRODUCT, name=name, uid=uid)
    # One stamp for the file, the latest change, so the same plan gives the same file.
    stamps = [s.plan.updated_at for s in chosen if s.plan.updated_at is not None]
    stamp = max(stamps) if stamps else clock.now()
    for found in chosen:
        calendar.add_component(_event(found, stamp))
    if chosen:
        calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def plan_ics(plan: TrainingPlan) -> bytes:
    whose = plan.team.name if plan.team else "the company"
    rows = plan.sessions.select_related("plan", "presenter").prefetch_related("attendance__person")
    return ics(rows, f"Training {plan.quarter} · {whose}", f"training-plan-{plan.pk}@revsight")


def person_ics(person: User) -> bytes:
    """Every session the person attends or delivers."""
    return ics(
        sessions_of(person),
        f"Training · {person.name or person.email}",
        f"training-person-{person.pk}@revsight",
    )
