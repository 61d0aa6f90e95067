"""`revsight metrics`: the metric catalogue computed for a period, by company, team or rep."""

from __future__ import annotations

from datetime import date

import click

from revsight.cli.base import ENGINE_OPTION, as_of_option, format_option, needs_database


@click.command()
@click.option(
    "--period",
    "period_id",
    help="2026-W09, 2026-03, 2026-Q1, 2026-H1, 2026 or 2026-YTD. "
    "Default: the month of the as-of date.",
)
@as_of_option()
@click.option(
    "--by", type=click.Choice(["company", "team", "rep"]), default="company", show_default=True
)
@click.option(
    "--metric",
    "metric_ids",
    multiple=True,
    help="A metric id; repeat for several. Default: every metric (see docs/metrics.md).",
)
@click.option(
    "--trend",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Also the same metrics over this many earlier periods.",
)
@ENGINE_OPTION
@format_option("table", "json", "csv")
@click.option(
    "--split",
    type=click.Choice(["stage", "lead_source"]),
    help="Divide the metrics that allow it: the pipeline by stage, leads and marketing by lead "
    "source. Each JSON row then names its stage or lead_source.",
)
@needs_database
def metrics(
    period_id: str | None,
    as_of: date | None,
    by: str,
    metric_ids: tuple[str, ...],
    trend: int,
    engine: str | None,
    fmt: str,
    split: str | None,
) -> None:
    """Compute metrics from the catalogue for a period, by company, team or salesperson."""
    from revsight.analytics import compute
    from revsight.analytics.output import render

    result = compute(
        list(metric_ids) or None,
        period_id,
        as_of,
        by,
        trend,
        engine,
        split,
    )
    click.echo(render(result, fmt), nl=fmt != "csv")
