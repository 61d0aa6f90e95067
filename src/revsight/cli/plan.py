"""`revsight plan …`: the capacity and hiring plan (docs/planning.md)."""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import TYPE_CHECKING, Any

import click

from revsight.cli.base import as_of_option, format_option, needs_database, today_or

if TYPE_CHECKING:
    from revsight.planning.org_chart import Chart, MonthChart


@click.group("plan")
def plan_group() -> None:
    """Planning: the capacity and hiring plan, its saved scenarios and their organisation chart."""


@plan_group.command("capacity")
@click.option(
    "--objectives",
    help="Revenue objectives by fiscal quarter: 2027-Q1=1200000,2027-Q2=1300000,…",
)
@click.option("--quota", help="Monthly quota of a fully ramped salesperson, such as 50000.")
@click.option(
    "--attainment",
    help="Expected share of quota (0.9 or 90%), or `measured`: each salesperson's own over the "
    "last 12 months (ramped months only).",
)
@click.option(
    "--ramp",
    help="Productivity by month of tenure, from the first (0,0,0,0.25,…,1); the last value holds. "
    "Default: 0, 25, 50, 75 and 100% by quarter of tenure.",
)
@click.option("--attrition", help="Annual attrition of salespeople (0.3 or 30%).")
@click.option("--lead-time", "lead_time", help="Months from opening a position to the start date.")
@click.option(
    "--team", "team_name", help="Plan one team (with its sub-teams). Default: the company."
)
@click.option(
    "--scenario", help="Show a saved scenario's plan instead (the other options go unused)."
)
@click.option("--save", "save_as", help="Save the plan as a scenario under this name.")
@as_of_option("The day the plan is made on: it starts the month after. Default: today.")
@format_option("table", "json")
@needs_database
def capacity_command(
    objectives: str | None,
    quota: str | None,
    attainment: str | None,
    ramp: str | None,
    attrition: str | None,
    lead_time: str | None,
    team_name: str | None,
    scenario: str | None,
    save_as: str | None,
    as_of: date | None,
    fmt: str,
) -> None:
    """Capacity of the current team by month and quarter against the objectives, and the
    hires (fewest, latest) that meet every objective hiring can still reach."""
    from revsight.planning import services

    if scenario:
        result = services.plan_of(services.scenario_named(None, scenario))
    else:
        text = {
            "objectives": objectives,
            "quota": quota,
            "attainment": attainment,
            "ramp": ramp,
            "attrition": attrition,
            "lead_time": lead_time,
        }
        day, team = today_or(as_of), services.team_named(team_name)
        result = services.build(text, day, team)
        if save_as:
            services.save_scenario(None, save_as, text, day, team)
    document = services.as_json(result)
    if fmt == "json":
        click.echo(json.dumps(document))
    else:
        click.echo(render_table(document))
        if save_as:
            click.echo(f"\nSaved as the scenario {save_as.strip()!r}.")


@plan_group.command("scenarios")
@format_option("table", "json")
@needs_database
def scenarios_command(fmt: str) -> None:
    """The saved capacity scenarios."""
    from revsight.planning import services

    rows = [
        {
            "name": s.name,
            "as_of": s.as_of.isoformat(),
            "team": s.team.name if s.team else None,
            "parameters": s.parameters,
        }
        for s in services.visible_scenarios(None)
    ]
    if fmt == "json":
        click.echo(json.dumps({"scenarios": rows}))
        return
    if not rows:
        click.echo("No capacity scenarios saved yet (`revsight plan capacity … --save NAME`).")
    for row in rows:
        click.echo(f"{row['name']}  as of {row['as_of']}  {row['team'] or 'company'}")


@plan_group.command("org-chart")
@click.argument("scenario")
@click.option("--month", help="One month of the chart, such as 2027-06. Default: every month.")
@click.option(
    "--span",
    default="8",
    show_default=True,
    help="Direct reports a manager may have before a warning (1 to 30).",
)
@format_option("table", "json", "png", "pdf")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the chart here instead of printing it.",
)
@needs_database
def org_chart_command(
    scenario: str, month: str | None, span: str, fmt: str, output: str | None
) -> None:
    """The organisation planned by the saved capacity scenario SCENARIO, month by month over
    18 months: who reports to whom, open positions, new hires, expected departures and span of
    control warnings. A table or PNG shows one month (the first unless --month); JSON and PDF
    every month unless --month."""
    from revsight.planning import org_chart, services
    from revsight.planning import org_chart_render as drawing

    found = services.scenario_named(None, scenario)
    chart = org_chart.for_plan(services.plan_of(found), org_chart.check_span(span))
    chosen = org_chart.month_in(chart, month)
    months = [chosen] if month else list(chart.months)
    if fmt == "json":
        body = json.dumps(org_chart.as_json(chart, found.name, months)).encode()
    elif fmt == "png":
        body = drawing.png(drawing.layout(chart, chosen, found.name))
    elif fmt == "pdf":
        body = drawing.pdf([drawing.layout(chart, m, found.name) for m in months])
    else:
        body = render_org_chart(chart, chosen, found.name).encode()
    if output:
        with open(output, "wb") as handle:
            handle.write(body)
        click.echo(f"Wrote {output}.", err=True)
    elif fmt in ("png", "pdf"):
        sys.stdout.buffer.write(body)
    else:
        click.echo(body.decode())


def render_org_chart(chart: Chart, month: MonthChart, scenario: str) -> str:
    """One month as an indented tree, then the span of control alerts of all 18 months."""
    from revsight.planning import org_chart
    from revsight.planning.org_chart_render import summary

    where, what = summary(chart, month)
    lines = [f"{scenario}: organisation chart, {month.id}", where, what, ""]
    for box in month.boxes:
        indent = "  " * box.depth
        reports = f", {box.span} direct reports" if box.span is not None else ""
        manager = box.unit.manager or "no manager"
        lines.append(f"{indent}{box.unit.name} ({manager}{reports})")
        lines += [
            f"{indent}  {p.name}" + (f" (leaves {p.leaves})" if p.leaves else "")
            for p in box.people
        ]
        lines += [f"{indent}  + {q.hire_label}" for q in box.new_hires]
        lines += [f"{indent}  ? {q.open_label}, open by {q.open_by}" for q in box.open_positions]
        if box.people or box.new_hires:
            lines.append(f"{indent}  expected departures to date: {box.expected_departures:.2f}")
        lines += [f"{indent}  ! {text}" for text in (box.warning, box.note) if text]
    runs = org_chart.runs(chart.alerts)
    lines += ["", "Span of control over the 18 months:" if runs else "No span warnings."]
    for run in runs:
        months = run.first_id if run.first == run.last else f"{run.first_id} to {run.last_id}"
        what = f"more than {chart.span}" if run.kind == "over" else "fewer than 2"
        lines.append(f"  {months}: {run.manager} ({', '.join(run.teams)}) {run.most}, {what}")
    return "\n".join(lines)


def _money(value: float) -> str:
    return f"{value:,.2f}"


def render_table(document: dict[str, Any]) -> str:
    """The plan as a person reads it: quarters against objectives, hires, then the months."""
    from revsight.analytics.output import grid

    lines = [f"Capacity plan as of {document['as_of']} ({document['team'] or 'company'})", ""]
    quarters = [
        [
            q["quarter"],
            _money(q["objective"]),
            _money(q["capacity"]),
            _money(q["gap"]),
            _money(q["planned_capacity"]),
            "yes" if q["reachable"] else f"no: short {_money(q['shortfall'])}",
        ]
        for q in document["quarters"]
    ]
    header = ["Quarter", "Objective", "Team now", "Gap", "With hires", "Reachable"]
    lines += [grid(header, quarters), ""]
    if document["hires"]:
        lines.append("Hires:")
        lines += [
            f"  {h['count']} starting {h['start']}: open the position by {h['open_by']}"
            for h in document["hires"]
        ]
    else:
        lines.append("Hires: none needed.")
    for q in document["quarters"]:
        if q["levers"]:
            lines.append(f"{q['quarter']} is out of hiring's reach; {_levers(q['levers'])}")
    months = [
        [
            m["month"],
            f"{m['effective_reps']:.2f}",
            _money(m["capacity"]),
            f"{m['planned_effective_reps']:.2f}",
            _money(m["planned_capacity"]),
            str(m["starting"] or ""),
        ]
        for m in document["months"]
    ]
    header = ["Month", "Reps now", "Capacity", "Reps planned", "Planned", "Starting"]
    lines += ["", grid(header, months)]
    return "\n".join(lines)


def _levers(levers: dict[str, Any]) -> str:
    said = []
    if levers["attainment"] is not None:
        said.append(f"attainment of {levers['attainment']:.1%}")
    if levers["attrition"] is not None:
        said.append(f"attrition of {levers['attrition']:.1%} a year")
    if levers["ramp_months_sooner"] is not None:
        said.append(f"a ramp {levers['ramp_months_sooner']} month(s) faster")
    if not said:
        return "no single lever closes it."
    return "it would take " + ", or ".join(said) + "."
