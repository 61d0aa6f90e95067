"""`revsight contest …`: sales contests scored from the metric catalogue (docs/planning.md)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from revsight.cli.base import as_of_option, format_option, needs_database, today_or


@click.group("contest")
def contest_group() -> None:
    """Sales contests: define them, list them, and score them at any as-of date."""


@contest_group.command("standings")
@click.argument("name")
@as_of_option("Score what was known at the end of this day. Default: today.")
@format_option("table", "json")
@needs_database
def standings_command(name: str, as_of: date | None, fmt: str) -> None:
    """The standings of the contest NAME: rank, key (email or team) and score."""
    from revsight.planning import contest_services, contests

    found = contest_services.contest_named(None, name)
    document = contests.as_json(contests.standings(found, today_or(as_of)))
    if fmt == "json":
        click.echo(json.dumps(document))
    else:
        click.echo(render_standings(document))


@contest_group.command("define")
@click.argument("name")
@click.option("--metric", required=True, help="A metric id of the catalogue (docs/metrics.md).")
@click.option("--period", required=True, help="A week, month, quarter or year: 2027-Q1.")
@click.option(
    "--rule",
    type=click.Choice(["most", "first_to", "improvement"]),
    default="most",
    show_default=True,
    help="most: the best value; first_to: the first to reach --threshold; improvement: the "
    "biggest change for the better on the previous period.",
)
@click.option("--threshold", help="For --rule first_to: the value to reach.")
@click.option("--team", "team", help="Only this team's salespeople (with its sub-teams) compete.")
@click.option("--teams", help="Teams compete instead of salespeople: East,West,…")
@click.option("--prize", default="", help="What the winner gets.")
@needs_database
def define_command(
    name: str,
    metric: str,
    period: str,
    rule: str,
    threshold: str | None,
    team: str | None,
    teams: str | None,
    prize: str,
) -> None:
    """Define the contest NAME, or change it if it exists."""
    from revsight.core.errors import NotFound
    from revsight.planning import contest_services

    try:
        existing = contest_services.contest_named(None, name)
    except NotFound:
        existing = None
    text = {
        "name": name,
        "metric": metric,
        "period": period,
        "rule": rule,
        "threshold": threshold,
        "competitors": "teams" if teams else "salespeople",
        "team": team,
        "teams": teams,
        "prize": prize,
    }
    saved = contest_services.save(None, text, existing.pk if existing else None)
    click.echo(f"Contest {saved.name!r} {'changed' if existing else 'defined'}.")


@contest_group.command("list")
@format_option("table", "json")
@needs_database
def list_command(fmt: str) -> None:
    """Every contest, by period."""
    from revsight.planning import contest_services, contests

    rows: list[dict[str, Any]] = []
    for found in contest_services.visible_contests(None):
        period = contests.period_of(found)
        rows.append(
            {
                "name": found.name,
                "metric": found.metric,
                "period": found.period,
                "start": period.start.isoformat(),
                "end": period.end.isoformat(),
                "rule": found.rule,
                "threshold": float(found.threshold) if found.threshold is not None else None,
                "competitors": found.competitors,
                "team": found.team.name if found.team else None,
                "teams": sorted(t.name for t in found.teams.all()),
                "prize": found.prize,
            }
        )
    rows.sort(key=lambda r: (r["start"], r["name"]))
    if fmt == "json":
        click.echo(json.dumps({"contests": rows}))
        return
    if not rows:
        click.echo("No contests yet (`revsight contest define NAME --metric … --period …`).")
    for row in rows:
        among = ", ".join(row["teams"]) if row["teams"] else row["team"] or "every salesperson"
        click.echo(f"{row['name']}  {row['period']}  {row['rule']} {row['metric']}  ({among})")


def render_standings(document: dict[str, Any]) -> str:
    from revsight.analytics.output import format_gap, format_value, grid

    rule = document["rule"].replace("_", " ")
    if document["threshold"] is not None:
        rule += f" {document['threshold']:,g}"
    lines = [
        f"{document['contest']}: {rule} of {document['metric']} in {document['period']['id']}, "
        f"as of {document['as_of']}",
        "",
    ]
    metric, unit = document["metric"], document["unit"]
    improvement = document["rule"] == "improvement"
    header = ["Rank", "Key", "Name", "Improvement" if improvement else "Score"]
    extra = "reached_on" if document["rule"] == "first_to" else None
    if extra:
        header.append("Reached on")
    rows: list[list[str]] = []
    for s in document["standings"]:
        shown = format_gap if improvement else format_value
        score = "—" if s["score"] is None else shown(s["score"], unit, metric)
        row = [str(s["rank"]), s["key"], s["name"], score]
        if extra:
            row.append(s[extra] or "")
        rows.append(row)
    lines.append(grid(header, rows) if rows else "Nobody competes in it.")
    if document["winner"]:
        lines += ["", f"Winner: {document['winner']}"]
    elif not document["finished"]:
        lines += ["", "Not decided yet."]
    return "\n".join(lines)
