"""`revsight coaching …`: the coaching log — a month's joint calls against the target, and
logging a call as the coach (docs/cadence.md)."""

from __future__ import annotations

import io
import json
from typing import Any

import click

from revsight.cli.base import format_option, needs_database

ENTRY_COLUMNS = [
    "date",
    "user",
    "coach",
    "kind",
    "scheduled",
    "skill",
    "deal",
    "account",
    "action",
    "due",
    "action_done",
    "notes",
]


@click.group("coaching")
def coaching_group() -> None:
    """The coaching log: joint calls and coaching sessions per salesperson."""


@coaching_group.command("list")
@click.option("--month", help="A month such as 2026-03. Default: this month.")
@click.option("--user", "email", help="One salesperson's email.")
@click.option("--team", "team_name", help="A team's name (with its sub-teams).")
@format_option("table", "json", "csv")
@needs_database
def list_command(month: str | None, email: str | None, team_name: str | None, fmt: str) -> None:
    """Each salesperson's joint calls in the month against their target (who is behind), and
    the month's entries (CSV: the entries)."""
    from revsight.cadence import coaching
    from revsight.cadence.coaching_services import salesperson
    from revsight.core import clock
    from revsight.core.errors import InvalidInput
    from revsight.org.models import Team

    if email and team_name:
        raise InvalidInput("team", team_name, "goes without --user: give one or the other")
    today = clock.today()
    period = coaching.month(month, today)
    team = None
    if team_name:
        team = Team.objects.filter(name__iexact=team_name.strip()).first()
        if team is None:
            raise InvalidInput("team", team_name, "is not the name of a team")
    people = list(
        coaching.coached_people(None, team.pk if team else None).filter(
            coaching.employed_in(period)
        )
    )
    if email:
        people = [salesperson(email)]
    as_of = coaching.as_of_in(period, today)
    rows = coaching.rep_months(people, period, as_of)
    entries = [coaching.entry_json(e) for e in coaching.entries_in(None, people, period)]
    if fmt == "json":
        reps = [row.as_json() for row in rows]
        result = {"month": period.id, "as_of": as_of.isoformat(), "reps": reps, "entries": entries}
        click.echo(json.dumps(result))
    elif fmt == "csv":
        click.echo(_csv(entries), nl=False)
    else:
        click.echo(_table(period.id, as_of.isoformat(), rows, entries))


def _csv(entries: list[dict[str, Any]]) -> str:
    from revsight.core import csvsafe

    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, lineterminator="\n")
    writer.writerow(ENTRY_COLUMNS)
    for entry in entries:
        writer.writerow(["" if entry[c] is None else entry[c] for c in ENTRY_COLUMNS])
    return buffer.getvalue()


def _table(month: str, as_of: str, rows: list[Any], entries: list[dict[str, Any]]) -> str:
    from revsight.analytics.output import grid

    headings = ["Salesperson", "Target", "Due", "Joint calls", "Entries", ""]
    lines = [
        [
            row.person.email,
            str(row.target),
            str(row.expected),
            str(row.joint_calls),
            str(row.entries),
            "behind" if row.behind else "",
        ]
        for row in rows
    ]
    shown = [
        [e["date"], e["user"], e["kind"], e["skill"] or "—", e["coach"], e["action"] or "—"]
        for e in entries
    ]
    listed = grid(["Date", "Salesperson", "Kind", "Skill", "Coach", "Action"], shown, 6)
    return f"Coaching {month} as of {as_of}\n\n{grid(headings, lines)}\n\n" + (
        listed if entries else "No entries this month."
    )


@coaching_group.command("log")
@click.option("--user", "email", required=True, help="The salesperson coached.")
@click.option("--coach", required=True, help="The manager who coached them: the acting person.")
@click.option("--date", "day", required=True, help="The day, such as 2026-03-12.")
@click.option("--kind", required=True, help="joint_call, coaching_session, ride_along, role_play.")
@click.option("--skill", default="", help="One of the skills of Settings → Coaching.")
@click.option("--deal", default="", help="The deal's external id (its account comes with it).")
@click.option("--scheduled/--unscheduled", default=True, help="Planned ahead (default) or not.")
@click.option("--notes", default="", help="What happened.")
@click.option("--action", default="", help="The action agreed (with --due).")
@click.option("--due", default="", help="When the action is due, such as 2026-03-19.")
@needs_database
def log_command(
    email: str,
    coach: str,
    day: str,
    kind: str,
    skill: str,
    deal: str,
    scheduled: bool,
    notes: str,
    action: str,
    due: str,
) -> None:
    """Log a joint call or coaching session, checked as the coach's own would be on the web."""
    from revsight.cadence import coaching_services as services

    actor = services.person_by_email(coach, "coach")
    person = services.salesperson(email)
    entry = services.log_entry(
        actor,
        person,
        services.EntryInput(
            date=day,
            kind=kind,
            scheduled=scheduled,
            skill=skill,
            deal=deal,
            notes=notes,
            action=action,
            due=due,
        ),
    )
    click.echo(
        f"Logged {entry.get_kind_display().lower()} #{entry.pk} with {person.email} on "
        f"{entry.date}, coached by {actor.email}."
    )
