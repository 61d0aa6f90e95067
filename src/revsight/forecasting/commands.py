"""`revsight forecast …`: submitting forecasts, the roll-up, and pipeline movement."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import click

FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
AS_OF = click.option(
    "--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Default: today."
)


def by_option(default: str) -> Any:
    return click.option(
        "--by", type=click.Choice(["company", "team", "rep"]), default=default, show_default=True
    )


def _django() -> None:
    from revsight.cli import _pending_migrations, _setup_django

    _setup_django()
    if _pending_migrations():
        raise click.ClickException("The database is not initialised: run `revsight init` first.")


def _invalid(exc: Any) -> click.UsageError:
    return click.UsageError(f"--{exc.field} {exc.value!r} {exc.message}".replace(" '' ", " "))


@click.group("forecast")
def forecast_group() -> None:
    """Forecast submissions and their roll-up, and how the pipeline moved."""


@forecast_group.command("submit")
@click.option("--user", "email", required=True, help="The forecaster's email.")
@click.option(
    "--period", "period_id", required=True, help="A month (2026-03) or quarter (2026-Q1)."
)
@click.option("--commit", required=True, help="The amount they commit to.")
@click.option("--best-case", "best_case", help="The amount if everything goes well.")
def submit(email: str, period_id: str, commit: str, best_case: str | None) -> None:
    """Record a salesperson's commit (and best case) for a month or quarter."""
    _django()
    from revsight.core.errors import InvalidInput
    from revsight.forecasting.services import submit_forecast

    try:
        rows = submit_forecast(email, period_id, commit, best_case)
    except InvalidInput as exc:
        raise _invalid(exc) from None
    first = rows[0]
    click.echo(
        f"Recorded for {first.user.email}, {period_id.upper()}: "
        + ", ".join(f"{r.get_category_display().lower()} {r.amount:,.2f}" for r in rows)
        + f" (at {first.submitted_at:%Y-%m-%d %H:%M} UTC)."
    )


@forecast_group.command("show")
@click.option("--period", "period_id", help="A month or quarter. Default: this month.")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="What was known at the end of this day. Default: today.",
)
@by_option("company")
@FORMAT
def show(period_id: str | None, as_of: datetime | None, by: str, fmt: str) -> None:
    """The forecast roll-up: quota, closed so far, the latest commit and best case, and the
    open pipeline, by company, team or salesperson."""
    _django()
    from django.utils import timezone

    from revsight.analytics.output import grid
    from revsight.core.errors import InvalidInput
    from revsight.forecasting.rollup import rollup

    day = as_of.date() if as_of else timezone.localdate()
    try:
        result = rollup(period_id or f"{day:%Y-%m}", day, by)
    except InvalidInput as exc:
        raise _invalid(exc) from None
    if fmt == "json":
        click.echo(json.dumps(result, default=str))
        return
    click.echo(f"{result['period']['id']} as of {result['as_of']}, by {by}\n")
    headings = ["", "Quota", "Closed", "Commit", "Best case", "Pipeline", "Submitted"]
    lines = [
        [
            row["name"],
            *(_money(row[k]) for k in ("quota", "closed", "commit", "best_case", "pipeline")),
            f"{row['submitted']}/{row['forecasters']}",
        ]
        for row in result["rows"]
    ]
    click.echo(grid(headings, lines))


def _money(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}"


@forecast_group.command("accuracy")
@by_option("rep")
@click.option(
    "--months",
    type=click.IntRange(1, 60),
    default=12,
    show_default=True,
    help="How many complete months before the as-of date.",
)
@AS_OF
@FORMAT
def accuracy_command(by: str, months: int, as_of: datetime | None, fmt: str) -> None:
    """Forecast accuracy and bias month by month, the rolling six-month average, and who
    persistently sandbags or is optimistic."""
    _django()
    from django.utils import timezone

    from revsight.analytics.output import grid
    from revsight.forecasting.accuracy import track_records

    day = as_of.date() if as_of else timezone.localdate()
    records = track_records(day, by, months)
    if fmt == "json":
        click.echo(
            json.dumps(
                {"as_of": day, "by": by, "rows": [r.as_json() for r in records]}, default=str
            )
        )
        return
    months_shown = [month for month, _, _ in records[0].months] if records else []
    headings = ["", *months_shown, "6-month accuracy", "6-month bias", "habit"]
    lines = [
        [
            record.name,
            *(f"{bias:+.0%}" if bias is not None else "—" for _, _, bias in record.months),
            f"{record.rolling_accuracy:.0%}" if record.rolling_accuracy is not None else "—",
            f"{record.rolling_bias:+.0%}" if record.rolling_bias is not None else "—",
            record.label,
        ]
        for record in records
    ]
    click.echo(f"Forecast bias by month (commit vs actual), as of {day}\n")
    click.echo(grid(headings, lines))


@forecast_group.command("backtest")
@click.option(
    "--months",
    type=click.IntRange(3, 36),
    default=12,
    show_default=True,
    help="How many monthly origins to replay (the latest whose targets are over).",
)
@AS_OF
@FORMAT
def backtest_command(months: int, as_of: datetime | None, fmt: str) -> None:
    """Replay each forecasting method from past monthly origins, with only what was known then,
    and score it: WAPE, bias, share within 5% and 10%."""
    _django()
    from django.utils import timezone

    from revsight.analytics.output import grid
    from revsight.forecasting.backtest import backtest

    day = as_of.date() if as_of else timezone.localdate()
    origins, scores = backtest(day, months)
    methods = [score.as_json() for score in scores]
    document = {"origins": [o.isoformat() for o in origins], "methods": methods}
    if fmt == "json":
        click.echo(json.dumps(document))
        return

    def share(value: float | None) -> str:
        return "—" if value is None else f"{value:.0%}"

    lines = [
        [
            row["method"],
            row["horizon"],
            str(row["n"]),
            share(row["wape"]),
            "—" if row["bias"] is None else f"{row['bias']:+.0%}",
            share(row["within_10pct"]),
        ]
        for row in methods
    ]
    click.echo(
        f"Backtest over {len(origins)} monthly origins, {origins[0]} to {origins[-1]}\n"
        if origins
        else "No origin has a finished target period yet.\n"
    )
    click.echo(grid(["method", "horizon", "n", "WAPE", "bias", "within 10%"], lines, 2))


@forecast_group.command("movement")
@click.option("--period", "period_id", required=True, help="The target month or quarter.")
@click.option("--from", "start", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--to", "end", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@by_option("company")
@FORMAT
def movement_command(period_id: str, start: datetime, end: datetime, by: str, fmt: str) -> None:
    """How the pipeline for a period moved between two dates: new, pulled in, increased,
    decreased, pushed out, won and lost."""
    _django()
    from revsight.analytics.output import grid
    from revsight.analytics.scopes import membership
    from revsight.core.errors import InvalidInput
    from revsight.forecasting.movement import BUCKETS, movement
    from revsight.forecasting.services import forecast_period

    try:
        period = forecast_period(period_id, end.date())
        moves = movement(period, start.date(), end.date(), membership(by, period))
    except InvalidInput as exc:
        raise _invalid(exc) from None
    if fmt == "json":
        document = {
            "period": {"id": period.id, "start": period.start, "end": period.end},
            "from": start.date(),
            "to": end.date(),
            "by": by,
            "rows": [m.as_json() for m in moves],
        }
        click.echo(json.dumps(document, default=str))
        return
    headings = ["", "Start", *[b.replace("_", " ").capitalize() for b in BUCKETS], "End"]
    signs = {"decreased": "−", "pushed_out": "−", "won": "−", "lost": "−"}
    lines = [
        [
            m.key,
            _money(m.start),
            *(f"{signs.get(b, '+')}{m.amounts[b]:,.0f}" for b in BUCKETS),
            _money(m.end),
        ]
        for m in moves
    ]
    click.echo(f"Pipeline for {period.id}, from {start:%Y-%m-%d} to {end:%Y-%m-%d}\n")
    click.echo(grid(headings, lines))
