"""`revsight business-plan …`: salespeople's business plans for a fiscal half, their targets
and how they are tracking (docs/planning.md)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from revsight.cli.base import as_of_option, format_option, needs_database


@click.group("business-plan")
def business_plan_group() -> None:
    """Business plans: each salesperson's half-year plan, its targets and its tracking."""


def _half_and_day(half: str | None, as_of: date | None) -> tuple[Any, date]:
    from revsight.core import clock
    from revsight.planning import business_services as plans

    found = plans.half_named(half, as_of)
    return found, as_of or min(clock.today(), found.end)


HALF = click.option("--half", help="A fiscal half-year: 2027-H1. Default: the as-of date's.")


@business_plan_group.command("show")
@click.argument("email")
@HALF
@as_of_option("Track what was known at the end of this day. Default: today.")
@format_option("table", "json")
@needs_database
def show_command(email: str, half: str | None, as_of: date | None, fmt: str) -> None:
    """The business plan of the salesperson EMAIL (or what it would be, without one)."""
    from revsight.planning import business_services as plans

    person = plans.salesperson_named(None, email)
    period, day = _half_and_day(half, as_of)
    document = plans.as_json(plans.view(person, period, day, plans.plan_of(None, person, period)))
    click.echo(json.dumps(document) if fmt == "json" else render_plan(document))


@business_plan_group.command("board")
@HALF
@click.option("--team", help="Only this team's salespeople (with its sub-teams).")
@as_of_option("Track what was known at the end of this day. Default: today.")
@format_option("table", "json")
@needs_database
def board_command(half: str | None, team: str | None, as_of: date | None, fmt: str) -> None:
    """Every salesperson's plan for the half: planned or not, on track or behind."""
    from revsight.planning import business_services as plans
    from revsight.planning.services import team_named

    period, day = _half_and_day(half, as_of)
    rows = [plans.as_json(v) for v in plans.board(None, period, day, team_named(team))]
    if fmt == "json":
        click.echo(json.dumps({"half": period.id, "as_of": day.isoformat(), "plans": rows}))
        return
    from revsight.analytics.output import grid

    body = [
        [
            r["salesperson"],
            "yes" if r["planned"] else "no",
            r["status"],
            _money(r["quota"]),
            _money(r["tracked"][-1]["bookings_to_date"]) if r["tracked"] else "—",
        ]
        for r in rows
    ]
    click.echo(f"Business plans {period.id}, as of {day.isoformat()}\n")
    click.echo(grid(["Salesperson", "Plan", "Status", "Quota", "Booked"], body))


@business_plan_group.command("make")
@click.argument("email")
@HALF
@click.option("--quota", help="The half's quota, only when no monthly quota is set for it.")
@click.option("--strategies", help="The salesperson's strategies (the text).")
@click.option("--refresh", is_flag=True, help="Measure the ratios again from the history.")
@needs_database
def make_command(
    email: str, half: str | None, quota: str | None, strategies: str | None, refresh: bool
) -> None:
    """Make (or change) the business plan of the salesperson EMAIL for the half."""
    from revsight.planning import business_services as plans

    person = plans.salesperson_named(None, email)
    period, _ = _half_and_day(half, None)
    existed = plans.plan_of(None, person, period) is not None
    text: dict[str, Any] = {"refresh": refresh}
    if quota is not None:
        text["quota"] = quota
    if strategies is not None:
        text["strategies"] = strategies
    plans.save(None, person, period, text)
    click.echo(f"Business plan {period.id} of {person.email} {'changed' if existed else 'made'}.")


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


def render_plan(document: dict[str, Any]) -> str:
    from revsight.analytics.output import grid

    ratios = document["ratios"]
    lines = [
        f"{document['name'] or document['salesperson']}: business plan {document['half']['id']}"
        f", as of {document['as_of']}: {document['status']}"
        f"{'' if document['planned'] else ' (not planned yet)'}",
        f"Quota {_money(document['quota'])}, pipeline target {_money(document['pipeline_target'])}",
        "Ratios ({since} to {until}): win rate {w}, average deal {a}, activities per "
        "opportunity {k}, cycle {c} days".format(
            since=ratios["since"],
            until=ratios["until"],
            w=ratios["win_rate"]["value"],
            a=_money(ratios["average_deal"]["value"]),
            k=ratios["activities_per_opportunity"]["value"],
            c=ratios["cycle_days"]["value"],
        ),
        "",
    ]
    rows = [
        [
            m["month"],
            _money(m["quota"]),
            f"{m['opportunities']:.1f}" if m["opportunities"] is not None else "—",
            f"{m['activities']:.0f}" if m["activities"] is not None else "—",
            _money(m["pipeline"]),
        ]
        for m in document["months"]
    ]
    lines.append(grid(["Month", "Quota", "Opportunities", "Activities", "Pipeline"], rows))
    if document["tracked"]:
        tracked = [
            [
                t["month"],
                _money(t["bookings_to_date"]),
                _money(t["quota_to_date"]),
                str(t["opportunities_to_date"]),
                _money(t["pipeline"]),
                t["status"],
            ]
            for t in document["tracked"]
        ]
        lines += [
            "",
            grid(["Month", "Booked", "Quota to date", "Created", "Pipeline", "Status"], tracked),
        ]
    return "\n".join(lines)
