"""`revsight training …`: the quarterly training plans (docs/planning.md): list them, export
a plan's or a person's sessions as an iCalendar file, copy a plan to the next quarter."""

from __future__ import annotations

import json
from typing import Any

import click

from revsight.cli.base import format_option, needs_database


@click.group("training")
def training_group() -> None:
    """Quarterly training plans: list them, export their calendars, copy them forward."""


def _plan_row(plan: Any) -> dict[str, Any]:
    from revsight.core import clock
    from revsight.planning import training_services as training

    sessions = []
    for found in training.sessions(plan):
        rows = list(found.attendance.all())
        sessions.append(
            {
                "id": found.pk,
                "topic": found.topic,
                "starts_at": found.starts_at.astimezone(clock.zone()).isoformat(),
                "minutes": found.minutes,
                "presenter": found.presenter.email if found.presenter else None,
                "presenter_name": training.presenter_label(found),
                "location": found.location,
                "invited": sorted(a.person.email for a in rows),
                "attended": sorted(a.person.email for a in rows if a.attended),
                "absent": sorted(a.person.email for a in rows if a.attended is False),
            }
        )
    return {
        "id": plan.pk,
        "quarter": plan.quarter,
        "team": plan.team.name if plan.team else None,
        "title": plan.title,
        "sessions": sessions,
    }


@training_group.command("list")
@click.option("--quarter", help="Only this fiscal quarter's plans: 2027-Q1.")
@format_option("table", "json")
@needs_database
def list_command(quarter: str | None, fmt: str) -> None:
    """Every training plan with its sessions, newest quarter first."""
    from revsight.planning import training_services as training

    plans = training.visible_plans(None)
    if quarter:
        plans = [p for p in plans if p.quarter == quarter.strip().upper()]
    rows = [_plan_row(p) for p in plans]
    if fmt == "json":
        click.echo(json.dumps({"plans": rows}))
        return
    if not rows:
        click.echo("No training plans yet (make one on the web: Planning → Training).")
    for row in rows:
        whose = row["team"] or "the company"
        click.echo(f"#{row['id']}  {row['quarter']}  {whose}  {row['title']}")
        for s in row["sessions"]:
            seen = (
                f"  {len(s['attended'])}/{len(s['invited'])} attended"
                if s["absent"] or s["attended"]
                else ""
            )
            click.echo(
                f"    {s['starts_at'][:16].replace('T', ' ')}  {s['minutes']:>3} min  "
                f"{s['topic']}  ({s['presenter_name'] or 'to assign'}){seen}"
            )


@training_group.command("ics")
@click.option("--plan", "plan_id", type=int, help="The plan's id (`revsight training list`).")
@click.option("--person", help="Every session this person (an email) attends or delivers.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the file here instead of printing it.",
)
@needs_database
def ics_command(plan_id: int | None, person: str | None, output: str | None) -> None:
    """A plan's, or a person's, training sessions as an iCalendar (.ics) file."""
    from revsight.core.errors import InvalidInput
    from revsight.planning import training_calendar
    from revsight.planning import training_services as training

    if (plan_id is None) == (person is None):
        raise InvalidInput("--plan", "", "or --person: give exactly one")
    if plan_id is not None:
        body = training_calendar.plan_ics(training.plan(None, plan_id))
    else:
        assert person is not None
        body = training_calendar.person_ics(training.person_named("--person", person))
    if output:
        with open(output, "wb") as handle:
            handle.write(body)
        click.echo(f"Wrote {output}.", err=True)
    else:
        click.echo(body.decode(), nl=False)


@training_group.command("copy-forward")
@click.argument("plan_id", type=int)
@needs_database
def copy_forward_command(plan_id: int) -> None:
    """Copy the plan PLAN_ID to the next fiscal quarter: the same sessions about thirteen
    weeks later, on the same weekday and local time."""
    from revsight.planning import training_services as training

    copy = training.copy_forward(None, plan_id)
    click.echo(
        f"Copied to {copy.quarter} as plan #{copy.pk} with {copy.sessions.count()} sessions."
    )
