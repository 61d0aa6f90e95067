"""`revsight forecast …`: submitting forecasts, the roll-up, and pipeline movement."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any

import click

from revsight.cli.base import as_of_option, by_option, format_option, needs_database, today_or
from revsight.cli.progress import progress_bar
from revsight.core.errors import InvalidInput, name_hint


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
@needs_database
def submit(email: str, period_id: str, commit: str, best_case: str | None) -> None:
    """Record a salesperson's commit (and best case) for a month or quarter."""
    from revsight.forecasting.services import submit_forecast

    rows = submit_forecast(email, period_id, commit, best_case)

    first = rows[0]
    click.echo(
        f"Recorded for {first.user.email}, {period_id.upper()}: "
        + ", ".join(f"{r.get_category_display().lower()} {r.amount:,.2f}" for r in rows)
        + f" (at {first.submitted_at:%Y-%m-%d %H:%M} UTC)."
    )


@forecast_group.command("show")
@click.option("--period", "period_id", help="A month or quarter. Default: this month.")
@as_of_option("What was known at the end of this day. Default: today.")
@by_option("company")
@format_option("table", "json")
@needs_database
def show(period_id: str | None, as_of: date | None, by: str, fmt: str) -> None:
    """The forecast roll-up: quota, closed so far, the latest commit and best case, and the
    open pipeline, by company, team or salesperson."""
    from revsight.analytics.output import grid
    from revsight.forecasting.rollup import rollup

    day = today_or(as_of)
    result = rollup(period_id or f"{day:%Y-%m}", day, by)

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


def _share(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _signed_share(value: float | None) -> str:
    """A bias as a signed share: +5%, −24%, and ±0% for one that rounds to nothing."""
    from revsight.analytics.output import with_sign

    return "—" if value is None else with_sign(value, f"{abs(value):.0%}")


def _times(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}×"


@forecast_group.command("accuracy")
@by_option("rep")
@click.option(
    "--months",
    type=click.IntRange(1, 60),
    default=12,
    show_default=True,
    help="How many complete months before the as-of date.",
)
@as_of_option()
@format_option("table", "json")
@needs_database
def accuracy_command(by: str, months: int, as_of: date | None, fmt: str) -> None:
    """Forecast accuracy and bias month by month, the rolling six-month average, and who
    persistently sandbags or is optimistic."""
    from revsight.analytics.output import grid
    from revsight.forecasting.accuracy import track_records

    day = today_or(as_of)
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
            *(_signed_share(bias) for _, _, bias in record.months),
            f"{record.rolling_accuracy:.0%}" if record.rolling_accuracy is not None else "—",
            _signed_share(record.rolling_bias),
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
@as_of_option()
@format_option("table", "json")
@needs_database
def backtest_command(months: int, as_of: date | None, fmt: str) -> None:
    """Replay each forecasting method from past monthly origins, with only what was known then,
    and score it: WAPE, bias, share within 5% and 10%."""
    from revsight.analytics.output import grid
    from revsight.forecasting.backtest import backtest

    day = today_or(as_of)
    with progress_bar("Backtesting", fmt) as progress:
        origins, scores = backtest(day, months, progress=progress)
    methods = [score.as_json() for score in scores]
    document = {"origins": [o.isoformat() for o in origins], "methods": methods}
    if fmt == "json":
        click.echo(json.dumps(document))
        return

    lines = [
        [
            row["method"],
            row["horizon"],
            str(row["n"]),
            _share(row["wape"]),
            _signed_share(row["bias"]),
            _share(row["within_10pct"]),
            _share(row["p10_p90_coverage"]),
            str(len(row["skipped"])),
        ]
        for row in methods
    ]
    click.echo(
        f"Backtest over {len(origins)} monthly origins, {origins[0]} to {origins[-1]}\n"
        if origins
        else "No origin has a finished target period yet.\n"
    )
    headings = ["method", "horizon", "n", "WAPE", "bias", "within 10%", "P10–P90", "skipped"]
    click.echo(grid(headings, lines, 2))
    _echo_skipped(methods)
    statistical = next(
        (r for r in methods if r["method"] == "statistical" and r["horizon"] == "month"), None
    )
    if statistical and statistical["reliability"]:
        click.echo("\nReliability of the statistical forecast's deal probabilities (month)\n")
        bands = [
            [
                f"{row['from']:.0%}–{row['to']:.0%}",
                f"{row['n']:,}",
                f"{row['predicted']:.1%}",
                f"{row['observed']:.1%}",
            ]
            for row in statistical["reliability"]
        ]
        click.echo(grid(["chance given", "deals", "mean chance", "share won"], bands))


def _echo_skipped(methods: list[dict[str, Any]]) -> None:
    """Why each method did not forecast at some origins: each reason once, with its origins."""
    lines = []
    for row in methods:
        reasons: dict[str, list[str]] = {}
        for skip in row["skipped"]:
            reasons.setdefault(skip["reason"], []).append(skip["origin"][:7])
        lines += [
            f"{row['method']} {row['horizon']}: {reason} ({', '.join(months)})"
            for reason, months in reasons.items()
        ]
    if lines:
        click.echo("\nNot forecast\n")
        click.echo("\n".join(lines))


TEAM = click.option("--team", help="A team's name. Default: the whole company.")


def _scope(team: str | None, period: Any) -> Any:
    from revsight.analytics.scopes import membership, narrowed

    if team is None:
        return membership("company", period)
    teams = membership("team", period)
    if team not in teams.keys:
        hint = name_hint(team, teams.keys, "teams")
        raise InvalidInput("team", team, f"is not a team ({hint})")
    return narrowed(teams, [team])


@forecast_group.command("outlook")
@click.option("--period", "period_id", help="A month or quarter. Default: this month.")
@TEAM
@as_of_option()
@format_option("table", "json")
@needs_database
def outlook_command(period_id: str | None, team: str | None, as_of: date | None, fmt: str) -> None:
    """Where a period is heading: the statistical forecast (P10/P50/P90, chance of reaching
    quota, each open deal's probability and why) beside the commit and the weighted pipeline,
    and what the leading indicators say of the next two months."""
    from revsight.analytics.output import grid
    from revsight.forecasting.outlook import outlook
    from revsight.forecasting.services import forecast_period

    day = today_or(as_of)
    period = forecast_period(period_id or f"{day:%Y-%m}", day)
    result = outlook(period, day, _scope(team, period))

    if fmt == "json":
        click.echo(json.dumps(result.as_json(), default=str))
        return
    click.echo(f"{period.id} for {team or 'the company'}, as known at the end of {day}\n")
    combined = result.recommended
    rows = [
        ["Quota", _money(result.quota)],
        ["Closed so far", _money(result.closed)],
        [
            "Recommended (combined) P10 / P50 / P90",
            "—"
            if combined is None
            else " / ".join(_money(v) for v in (combined.p10, combined.p50, combined.p90)),
        ],
        [
            "Statistical P10 / P50 / P90",
            " / ".join(_money(v) for v in (result.p10, result.p50, result.p90)),
        ],
        ["Chance of reaching quota", "—" if result.p_quota is None else f"{result.p_quota:.1%}"],
        ["Reps' commit / best case", f"{_money(result.commit)} / {_money(result.best_case)}"],
        ["CRM-weighted pipeline", _money(result.weighted_pipeline)],
    ]
    click.echo(grid(["Figure", "Amount"], rows))
    if combined is not None:
        _echo_weights(combined)
    if result.model:
        click.echo(f"\nModel: {result.model}, learnt from {result.lessons} earlier periods.")
    if result.deals:
        click.echo("\nOpen deals by expected value\n")
        shown = result.deals[:10]
        lines = [
            [d.name[:40], d.owner, d.stage, _money(d.amount), f"{d.probability:.0%}"] for d in shown
        ]
        table = grid(["Deal", "Owner", "Stage", "Amount", "Chance"], lines, 3).splitlines()
        reasons = ["Why", "───", *(d.reason for d in shown)]
        click.echo("\n".join(f"{row}  {why}" for row, why in zip(table, reasons, strict=True)))
    for item in result.leading:
        note = (
            f" — WARNING: {item.shortfall:.0%} below quota"
            if item.warning and item.shortfall
            else ""
        )
        click.echo(
            f"\nLeading indicators, {item.month}: {_money(item.forecast)} against quota "
            f"{_money(item.quota)} ({item.model}){note}"
        )


def _echo_weights(combined: Any) -> None:
    """Each method's figure and the share of the recommended forecast it carries."""
    from revsight.analytics.output import grid

    if combined.origins:
        how = (
            f"weighed by each method's record at the {combined.horizon} horizon "
            f"over {combined.origins} earlier months"
        )
    else:
        how = "the methods' median: no record of them to weigh them by yet"
    click.echo(f"\nThe recommended forecast, {how}\n")
    lines = [
        [part.method, _money(part.forecast), f"{part.weight:.0%}", part.skipped or ""]
        for part in combined.parts
    ]
    click.echo(grid(["Method", "Forecast", "Weight", "Not forecast because"], lines, 2))


@forecast_group.command("math")
@click.option(
    "--months",
    type=click.IntRange(6, 24),
    default=9,
    show_default=True,
    help="Complete months of history the ratios come from.",
)
@TEAM
@as_of_option()
@format_option("table", "json")
@needs_database
def math_command(months: int, team: str | None, as_of: date | None, fmt: str) -> None:
    """Pipeline math: closing ratios by stage, the pipeline to create and to hold at the start
    of each of the next three months, and each salesperson's coverage needed against what
    they have."""
    from revsight.analytics.output import grid
    from revsight.forecasting.pipeline_math import pipeline_math
    from revsight.forecasting.services import forecast_period

    day = today_or(as_of)
    period = forecast_period(f"{day:%Y-%m}", day)
    result = pipeline_math(day, _scope(team, period), months)

    document = result.as_json()
    if fmt == "json":
        click.echo(json.dumps(document, default=str))
        return

    window = document["window"]
    click.echo(f"Closing ratios, deals decided {window['start']} to {window['end']}\n")
    click.echo(
        grid(
            ["Stage reached", "Deals", "Won", "By count", "By value"],
            [
                [
                    s["stage"],
                    f"{s['reached']:,}",
                    f"{s['won']:,}",
                    _share(s["count_ratio"]),
                    _share(s["value_ratio"]),
                ]
                for s in document["stages"]
            ],
        )
    )
    click.echo("\nPipeline needed\n")
    click.echo(
        grid(
            [
                "Month",
                "Quota",
                "To create",
                "Needed at start",
                "Have now",
                "Coverage needed",
                "Coverage now",
            ],
            [
                [
                    m["month"],
                    _money(m["quota"]),
                    _money(m["pipeline_to_enter"]),
                    _money(m["pipeline_needed_at_start"]),
                    _money(m["pipeline_now"]),
                    _times(m["coverage_needed"]),
                    _times(m["coverage_now"]),
                ]
                for m in document["months"]
            ],
        )
    )
    click.echo("\nEach salesperson, next month\n")
    click.echo(
        grid(
            ["", "Quota", "Pipeline", "Needs", "Has", "Still to find", "Ratios from"],
            [
                [
                    r["name"],
                    _money(r["quota"]),
                    _money(r["pipeline"]),
                    _times(r["coverage_needed"]),
                    _times(r["coverage_now"]),
                    _money(r["gap"]),
                    "own months" if r["own_ratios"] else "the team's",
                ]
                for r in document["reps"]
            ],
        )
    )


@forecast_group.command("snapshot")
@as_of_option("The day whose end-of-day pipeline is kept. Default: today.")
@needs_database
def snapshot_command(as_of: date | None) -> None:
    """Keep the open pipeline as it stood at the end of a day (run weekly from cron); taking
    the same day again replaces it."""
    from revsight.forecasting.snapshots import take_snapshot

    day = today_or(as_of)
    taken = take_snapshot(day)
    replacing = f" (replacing {taken.replaced} rows)" if taken.replaced else ""
    click.echo(f"Kept {taken.deals} open deals worth {taken.value:,.0f} as of {day}{replacing}.")


@forecast_group.command("movement")
@click.option("--period", "period_id", required=True, help="The target month or quarter.")
@click.option("--from", "start", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--to", "end", required=True, type=click.DateTime(formats=["%Y-%m-%d"]))
@by_option("company")
@format_option("table", "json")
@needs_database
def movement_command(period_id: str, start: datetime, end: datetime, by: str, fmt: str) -> None:
    """How the pipeline for a period moved between two dates: new, pulled in, increased,
    decreased, pushed out, won and lost."""
    from revsight.analytics.output import grid
    from revsight.analytics.scopes import membership
    from revsight.forecasting.movement import BUCKETS, movement
    from revsight.forecasting.services import forecast_period

    period = forecast_period(period_id, end.date())
    moves = movement(period, start.date(), end.date(), membership(by, period))

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
