"""`revsight review …`: salesperson reviews (docs/cadence.md): a review's packet drawn from the
data (or frozen, once held), the reviews kept, and a review's PDF."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from revsight.cli.base import BadInput, as_of_option, format_option, needs_database, today_or


@click.group("review")
def review_group() -> None:
    """Salesperson reviews: the monthly packet and the formal quarterly review."""


def _number(value: Any, unit: str, metric: str = "") -> str:
    from revsight.analytics.output import format_value

    return format_value(value, unit, metric)


def _metric_lines(packet: dict[str, Any]) -> list[str]:
    from revsight.analytics.output import format_gap

    rows = [*packet["metrics"], *packet["activities"]]
    width = max((len(line["name"]) for line in rows), default=0)
    lines = [f"{'':{width}} {'value':>12} {'goal':>12} {'gap':>12}"]
    for line in rows:
        unit, metric, gap = line["unit"], line["id"], line["gap"]
        shown = "" if gap is None else format_gap(gap, unit, metric)
        lines.append(
            f"{line['name']:{width}} {_number(line['value'], unit, metric):>12} "
            f"{_number(line['goal'], unit, metric):>12} {shown:>12}".rstrip()
        )
    return lines


def _quarter_lines(q: dict[str, Any]) -> list[str]:
    lines = [
        "",
        f"Quarter: booked {_number(q['bookings'], 'money')} of {_number(q['quota'], 'money')} "
        f"({_number(q['attainment'], 'ratio')})",
        f"Won {q['won']['count']} for {_number(q['won']['value'], 'money')}; "
        f"lost {q['lost']['count']} for {_number(q['lost']['value'], 'money')}",
        *[
            f"  lost to {r['reason']}: {r['count']}, {_number(r['value'], 'money')}"
            for r in q["loss_reasons"]
        ],
        f"Median cycle {_number(q['cycle_days'], 'days')}; "
        f"the team's {_number(q['team_cycle_days'], 'days')}",
    ]
    return lines


def as_table(packet: dict[str, Any], status: str) -> str:
    """The packet as the terminal shows it: the numbers, the rest summed up."""
    who = packet["salesperson"]
    forecast = packet["forecast"]
    coverage = ", ".join(
        f"{c['days']} days {_number(c['value'], 'ratio', c['id'])}" for c in packet["coverage"]
    )
    math = packet["pipeline_math"]
    findings = [r for r in packet["discipline"]["rules"] if r["count"]]
    coached = packet["coaching"]
    lines = [
        f"{packet['kind'].capitalize()} review {packet['period']} · {who['name']} "
        f"({who['email']}) · {status} · numbers at the end of {packet['as_of']} "
        f"({packet['currency']})",
        "",
        *_metric_lines(packet),
        "",
        f"Forecast: rolling accuracy {_number(forecast['rolling_accuracy'], 'ratio')}, "
        f"bias {_number(forecast['rolling_bias'], 'ratio')}, {forecast['label'] or '—'}",
        f"Coverage: {coverage}",
        f"Pipeline math: {math['sentence'] if math else '—'}",
        "Discipline: "
        + (", ".join(f"{r['id']} {r['count']}" for r in findings) if findings else "no finding"),
        f"Coaching {coached['month']}: {coached['joint_calls']} joint calls of "
        f"{coached['target']} ({coached['expected']} due), {len(coached['entries'])} entries",
    ]
    plan = packet["business_plan"]
    if plan:
        lines.append(f"Business plan {plan['half']}: {plan['status']}")
    previous = packet.get("previous")
    if previous:
        lines.append(f"Actions of {previous['period']}:")
        lines += [f"  [{a['outcome']}] {a['text']}" for a in previous["actions"]]
    if packet.get("quarter"):
        lines += _quarter_lines(packet["quarter"])
    return "\n".join(lines)


@review_group.command("packet")
@click.option("--user", "email", required=True, help="The salesperson (email).")
@click.option("--month", help="A monthly review's month: 2027-01. Default: this month.")
@click.option("--quarter", help="A quarterly review's fiscal quarter: 2027-Q1.")
@as_of_option("See the numbers at the end of this day (the period's last day at most).")
@format_option("table", "json")
@needs_database
def packet_command(
    email: str, month: str | None, quarter: str | None, as_of: date | None, fmt: str
) -> None:
    """A salesperson's review packet: the frozen one of a held review, else drawn now."""
    from revsight.cadence import review_services as reviews
    from revsight.cadence.review_models import Review, ReviewKind

    if month and quarter:
        raise BadInput("--quarter cannot be given with --month: choose one")
    kind = ReviewKind.QUARTERLY if quarter else ReviewKind.MONTHLY
    day = today_or(as_of)
    period = reviews.period_named(kind, quarter or month, day)
    person = reviews.salesperson_named(None, email)
    found = reviews.review_of(None, person, kind, period)
    shown = found or Review(salesperson=person, kind=kind, period=period.id)
    packet = reviews.packet_of(shown, day)
    if fmt == "json":
        click.echo(json.dumps(packet))
        return
    click.echo(as_table(packet, shown.get_status_display() if found else "not prepared"))


@review_group.command("list")
@click.option("--user", "email", help="One salesperson's reviews (email).")
@format_option("table", "json")
@needs_database
def list_command(email: str | None, fmt: str) -> None:
    """The reviews kept, newest period first."""
    from revsight.cadence import review_services as reviews

    person = reviews.salesperson_named(None, email) if email else None
    rows: list[dict[str, Any]] = [
        {
            "id": r.pk,
            "user": r.salesperson.email,
            "kind": r.kind,
            "period": r.period,
            "status": r.status,
            "held_at": r.held_at.isoformat() if r.held_at else None,
            "acknowledged_at": r.acknowledged_at.isoformat() if r.acknowledged_at else None,
            "actions": r.actions.count(),
        }
        for r in reviews.reviews(None, person)
    ]
    if fmt == "json":
        click.echo(json.dumps(rows))
        return
    if not rows:
        click.echo("No review yet.")
        return
    for row in rows:
        held = f" held {row['held_at'][:10]}" if row["held_at"] else ""
        click.echo(
            f"{row['id']:>5}  {row['period']:8} {row['kind']:10} {row['status']:13} "
            f"{row['user']}{held}"
        )


@review_group.command("pdf")
@click.argument("review_id", type=int)
@click.option(
    "--output",
    "-o",
    required=True,
    type=click.Path(dir_okay=False, writable=True),
    help="Write the PDF here.",
)
@needs_database
def pdf_command(review_id: int, output: str) -> None:
    """A review as a PDF, as its page's PDF link gives it."""
    from revsight.cadence import review_services as reviews
    from revsight.web.review_views import pdf_of

    body = pdf_of(reviews.review(None, review_id))
    with open(output, "wb") as handle:
        handle.write(body)
    click.echo(f"Wrote {output}.", err=True)
