"""`revsight backup` and `revsight restore`: consistent online backups (docs/security.md)."""

from __future__ import annotations

from pathlib import Path

import click

from revsight.cli.base import data_location, needs_database, needs_django

FILE = click.Path(dir_okay=False, path_type=Path)


@click.command()
@click.argument("file", type=FILE)
@needs_database
def backup(file: Path) -> None:
    """Write a consistent backup of the database to FILE while Revsight keeps running
    (SQLite: one file; PostgreSQL: pg_dump's custom format)."""
    from revsight.core.backup import backup as write_backup

    write_backup(file)
    click.echo(f"Backed up {data_location()} to {file} ({file.stat().st_size:,} bytes).")


@click.command()
@click.argument("file", type=FILE)
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
@needs_django
def restore(file: Path, force: bool) -> None:
    """Replace the database with the backup in FILE (stop `revsight serve` first)."""
    from django.core.cache import cache

    from revsight.analytics.replica import replica_path
    from revsight.core.backup import restore as restore_backup

    restore_backup(file, force=force)
    # Computed from the data replaced: the replica and the kept results are rebuilt from the
    # restored data on first use.
    replica_path().unlink(missing_ok=True)
    cache.clear()
    click.echo(f"Restored {file} into {data_location()}.")
