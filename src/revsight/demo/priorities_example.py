"""The demo's weekly priorities: last week's record of the first sales team, with the
priorities its manager and the president agreed and how they went, and this week's, prepared
from the data so far, with what last week left unfinished carried forward."""

from __future__ import annotations

from datetime import date, time, timedelta

from revsight.cadence import priorities_services as priorities
from revsight.core import clock, periods
from revsight.demo.planning_example import first_sales_team

AGREED = (
    ("Close the two proposals waiting on procurement", "done", "Both signed on Thursday"),
    ("Book a discovery call from every trade-show lead", "partly", "Nine of fourteen booked"),
    ("Move or close every deal past its close date", "not_done", ""),
)


def plant_priorities(as_of: date) -> None:
    team = first_sales_team()
    if team is None:
        return
    this_week = periods.containing("week", as_of)
    last_week = priorities.previous_week(this_week)
    friday = last_week.start + timedelta(days=4)
    # Prepared as the worker would have, at Friday noon: the same on every build.
    last = priorities.prepare(
        None, team, last_week, friday, at=clock.local_moment(friday, time(12))
    )
    people = priorities.default_owners(team)
    for n, (text, outcome, note) in enumerate(AGREED):
        owner = people[n % len(people)] if people else None
        made = priorities.add_priority(
            None, last.pk, {"text": text, "owner": owner, "due": this_week.start + timedelta(4)}
        )
        priorities.set_outcome(None, made.pk, outcome, note)
    priorities.prepare(None, team, this_week, as_of, at=clock.local_moment(as_of, time(12)))
