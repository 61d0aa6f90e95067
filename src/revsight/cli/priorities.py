"""`revsight priorities …`: the weekly priorities of a team or the company (docs/cadence.md):
prepare a week from the data, show it with its priorities."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from revsight.cli.base import as_of_option, format_option, needs_database

TEAM = click.option("--team", help="A team's week (by name). Default: the company's.")
WEEK = click.option("--week", help="An ISO week: 2027-W05. Default: the as-of date's.")


@click.group("priorities")
def priorities_group() -> None:
    """Weekly priorities: the week drawn from the data, and the priorities agreed."""


def _priority(p: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "text": p.text,
        "owner": p.owner.email if p.owner else None,
        "due": p.due.isoformat() if p.due else None,
        "outcome": p.outcome,
        "outcome_note": p.outcome_note,
        "carried_from": p.carried_from_id,
    }


def document(shown: Any) -> dict[str, Any]:
    found = shown.record
    return {
        "week": found.week,
        "team": found.team.name if found.team else None,
        "prepared_at": found.prepared_at.isoformat(),
        "figures": found.figures,
        "this_week": [_priority(p) for p in shown.this_week],
        "next_week": [_priority(p) for p in shown.next_week],
        "notes": found.notes,
    }


@priorities_group.command("prepare")
@TEAM
@WEEK
@as_of_option("Draw the week to the end of this day. Default: today.")
@needs_database
def prepare_command(team: str | None, week: str | None, as_of: date | None) -> None:
    """Prepare the week's record from the data (or draw its figures again)."""
    from revsight.cadence import priorities_services as priorities
    from revsight.planning.services import team_named

    period = priorities.week_named(week, as_of)
    found = priorities.prepare(None, team_named(team), period, as_of)
    click.echo(
        f"Prepared {found.week} of {team or 'the company'} ({found.priorities.count()} "
        "priorities for next week)."
    )


@priorities_group.command("show")
@TEAM
@WEEK
@format_option("table", "json")
@needs_database
def show_command(team: str | None, week: str | None, fmt: str) -> None:
    """The week's record: its figures and its priorities."""
    from revsight.cadence import priorities_services as priorities
    from revsight.core.errors import NotFound
    from revsight.planning.services import team_named

    period = priorities.week_named(week)
    found = priorities.record_of(None, team_named(team), period)
    if found is None:
        raise NotFound(
            f"{period.id} of {team or 'the company'} is not prepared "
            "(`revsight priorities prepare`)."
        )
    shown = document(priorities.week_of(None, found))
    if fmt == "json":
        click.echo(json.dumps(shown))
        return
    b = shown["figures"]["bookings"]
    lines = [
        f"{shown['week']} · {shown['team'] or 'the company'}",
        f"Booked this week {b['week']:,.0f}; in {b['month_id']} {b['month']:,.0f} of "
        f"{b['month_quota_to_date'] or 0:,.0f} due by now",
        "",
        "This week's priorities:",
        *[f"  [{p['outcome']}] {p['text']} ({p['owner'] or '—'})" for p in shown["this_week"]],
        "Next week's priorities:",
        *[
            f"  {p['text']} ({p['owner'] or '—'}, due {p['due'] or '—'})"
            for p in shown["next_week"]
        ],
    ]
    click.echo("\n".join(lines))
