"""`revsight analytics …`: the DuckDB replica the metrics run on."""

from __future__ import annotations

import click

from revsight.cli.base import needs_django
from revsight.cli.progress import progress_bar


@click.group()
def analytics() -> None:
    """The analytics replica: its status, a rebuild, a Parquet export."""


@analytics.command("status")
@needs_django
def analytics_status() -> None:
    """Show when the DuckDB replica was built and whether it is current."""
    from revsight.analytics.replica import replica_status

    status = replica_status()
    if not status.exists:
        click.echo(f"No replica yet at {status.path}; the first metrics call builds it.")
        return
    if status.built_at is None:
        click.echo(
            f"Replica {status.path} was built by an older Revsight; it is rebuilt on the "
            "next metrics call."
        )
        return
    if status.fresh:
        state = "current"
    else:
        state = f"out of date ({', '.join(status.stale)} copied again on the next metrics call)"
    click.echo(f"Replica {status.path}: {state}")
    click.echo(f"Last refreshed {status.built_at:%Y-%m-%d %H:%M:%S} UTC in {status.seconds:.1f} s")
    for name, count in status.rows.items():
        click.echo(f"  {name:<15} {count:>12,} rows")


@analytics.command("rebuild")
@needs_django
def analytics_rebuild() -> None:
    """Recreate the DuckDB replica from the database."""
    from revsight.analytics.replica import rebuild_replica

    with progress_bar("Rebuilding the replica") as progress:
        status = rebuild_replica(progress)
    click.echo(f"Replica rebuilt in {status.seconds:.1f} s: {sum(status.rows.values()):,} rows.")


@analytics.command("export")
@click.option(
    "--parquet",
    "directory",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory to write one Parquet file per fact table into.",
)
@needs_django
def analytics_export(directory: str) -> None:
    """Write the fact tables as Parquet files (for Spark or any other engine)."""
    from revsight.analytics.engines.replica import export_parquet

    written = export_parquet(directory)
    for path, rows in written.items():
        click.echo(f"{path}  {rows:,} rows")
