"""`revsight discipline`: the CRM discipline check, the deals that break the rules."""

from __future__ import annotations

from datetime import date

import click

from revsight.cli.base import as_of_option, format_option, needs_database, today_or


@click.command("discipline")
@as_of_option("Judge the deals as they stood at the end of this day. Default: today.")
@click.option("--user", "email", help="Only this person's deals (an email).")
@click.option("--team", help="Only the deals of this team and its sub-teams (a team's name).")
@click.option(
    "--rule",
    "rules",
    multiple=True,
    help="A rule id; repeat for several. Default: every rule (see docs/cadence.md).",
)
@format_option("table", "json", "csv")
@needs_database
def discipline(
    as_of: date | None, email: str | None, team: str | None, rules: tuple[str, ...], fmt: str
) -> None:
    """The deals that break the CRM discipline rules (close date past, no recent activity,
    stale in stage, skipped stage, moved backwards, missing amount or next step, close date
    pushed), sorted by owner, rule and deal; paused deals are left out."""
    from revsight.cadence.output import render
    from revsight.cadence.report import checked_rules, discipline, named_audience

    asked = checked_rules(list(rules))  # a wrong rule is refused before anything is read
    report = discipline(today_or(as_of), named_audience(None, email, team), asked)
    click.echo(render(report, fmt), nl=fmt != "csv")
