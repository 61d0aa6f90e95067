"""`revsight meeting monday`: the Monday sales meeting's agenda (docs/cadence.md) as Markdown,
JSON or PDF, for the company or a team."""

from __future__ import annotations

import sys
from datetime import date

import click

from revsight.cli.base import as_of_option, format_option, needs_database, today_or


@click.group("meeting")
def meeting_group() -> None:
    """The management cadence's meetings."""


@meeting_group.command("monday")
@click.option("--team", help="A team's agenda (its name). Default: the company's.")
@as_of_option("The meeting of the week containing this day. Default: today.")
@format_option("markdown", "json", "pdf")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the agenda here instead of printing it.",
)
@needs_database
def monday_command(team: str | None, as_of: date | None, fmt: str, output: str | None) -> None:
    """The agenda of the Monday sales meeting of the week containing --as-of: wins, numbers vs
    plan, pipeline changes, the month's forecast, this week's focus, a training moment and
    contest standings, in the order set in Settings → Monday meeting, with figures at the end
    of the Sunday before."""
    from django.conf import settings

    from revsight.cadence import meeting
    from revsight.cadence.meeting_output import as_json, as_markdown
    from revsight.core import periods

    chosen = meeting.team_named(team)
    agenda = meeting.agenda(None, chosen, periods.containing("week", today_or(as_of)))
    if fmt == "pdf":
        from revsight.web.meeting_views import pdf_of

        body = pdf_of(agenda)
    elif fmt == "json":
        body = as_json(agenda).encode()
    else:
        body = as_markdown(agenda, settings.REVSIGHT_BASE_URL).encode()
    if output:
        with open(output, "wb") as handle:
            handle.write(body)
        click.echo(f"Wrote {output}.", err=True)
    elif fmt == "pdf":
        sys.stdout.buffer.write(body)
    else:
        click.echo(body.decode(), nl=fmt == "json")
