"""Friday's weekly priorities: the week's record of the company and of every team with a
manager prepared from the data (`cadence.priorities_services.prepare`), and each emailed to
its participants, the executives and that team's manager, who are the people who see it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.urls import reverse

from revsight.cadence import priorities_services as priorities
from revsight.cadence.priorities_models import WeeklyRecord
from revsight.core import clock, periods
from revsight.routine.mailing import notify
from revsight.routine.models import EmailKind


def page_of(found: WeeklyRecord) -> str:
    return reverse("weekly-record", args=[found.pk])


def prepare_all(occurrence: datetime) -> dict[str, Any]:
    """The job: every record of the occurrence's week, and its emails; what was done."""
    day = occurrence.astimezone(clock.zone()).date()
    week = periods.containing("week", day)
    prepared: list[str] = []
    sent: set[str] = set()
    for team in [None, *priorities.prepared_teams()]:
        found = priorities.prepare(None, team, week, day)
        prepared.append(team.name if team else "company")
        shown = priorities.week_of(None, found)
        for person in priorities.participants(team):
            context = {"week": shown, "figures": found.figures, "team": team}
            if notify(
                person, EmailKind.WEEKLY_PRIORITIES, "weekly_priorities", context, page_of(found)
            ):
                sent.add(person.email)
    return {"week": week.id, "prepared": prepared, "emailed": sorted(sent)}
