"""The `revsight` command: set-up, demo data, serving, import, metrics and exports."""

from __future__ import annotations

import os
from datetime import date
from typing import Any

import click

DEFAULT_PORT = 8000


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revsight.settings")
    from revsight.config import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as exc:
        raise click.ClickException(f"Configuration error: {exc}") from None


def _migrate(verbose: bool = False) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)


def _pending_migrations() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _data_location() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"{db['NAME']} (SQLite)"
    return f"PostgreSQL database {db['NAME']!r} on {db.get('HOST') or 'localhost'}"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="revsight")
def cli() -> None:
    """Revsight: the sales leader's cockpit for predictable revenue.

    All state lives in the data directory REVSIGHT_HOME (default: .revsight in the current
    directory), or in PostgreSQL when DATABASE_URL is set.
    """


@cli.command()
def init() -> None:
    """Create or upgrade the database (safe to run again)."""
    _setup_django()
    _migrate(verbose=True)
    click.echo(f"Database ready: {_data_location()}")


@cli.command()
@click.option("--seed", default=1, show_default=True, help="Same seed, same organisation.")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The last day of the history (YYYY-MM-DD). Default: today.",
)
@click.option(
    "--scale",
    type=click.Choice(["small", "large"]),
    default="small",
    show_default=True,
    help="small: 25 salespeople; large: 2,000 salespeople, ~1M opportunities (benchmarks).",
)
@click.option(
    "--reuse",
    is_flag=True,
    help="Keep an existing demo of the same seed and scale (and any changes made in it) "
    "instead of rebuilding; a different --as-of still rebuilds.",
)
def demo(seed: int, as_of: Any, scale: str, reuse: bool) -> None:
    """Build the demo organisation (Northwind Solutions) into the data directory."""
    _setup_django()
    from django.utils import timezone

    from revsight.demo.build import RealDataPresent, build_demo

    _migrate()
    day: date | None = as_of.date() if as_of else None
    try:
        result = build_demo(
            seed=seed, as_of=day, scale=scale, reuse=reuse, progress=lambda m: click.echo(f"  {m}")
        )
    except RealDataPresent as exc:
        raise click.ClickException(str(exc)) from None
    if result.reused:
        click.echo(
            f"Demo organisation already built (seed {seed}, as of {result.as_of}); kept as it is."
        )
    else:
        total = sum(result.counts.values())
        click.echo(
            f"Demo organisation built in {result.seconds:.1f} s: {total:,} records, "
            f"seed {seed}, as of {result.as_of}, {scale}."
        )
    if scale == "small" and result.as_of == timezone.localdate():
        _warm_backtest()
    _echo_logins()


def _warm_backtest() -> None:
    """Run the Forecast page's backtest once, so its first visitor does not wait for it."""
    from django.utils import timezone

    from revsight.forecasting.backtest import backtest, remember, remembered

    today = timezone.localdate()
    if remembered(today) is None:
        click.echo("  Backtesting the forecast methods on the demo's history (about 30 s)…")
        origins, scores = backtest(today)
        remember(today, origins, scores)


def _echo_logins() -> None:
    from django.conf import settings

    from revsight.demo.build import demo_logins

    click.echo(f"Demo logins (password: {settings.REVSIGHT_DEMO_PASSWORD}):")
    for role, email in demo_logins().items():
        click.echo(f"  {role:<20} {email}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="REVSIGHT_HOST")
@click.option("--port", default=DEFAULT_PORT, show_default=True, envvar="REVSIGHT_PORT", type=int)
@click.option("--workers", type=int, envvar="REVSIGHT_WORKERS", help="Default: 2.")
def serve(host: str, port: int, workers: int | None) -> None:
    """Serve the web application with a production WSGI server (gunicorn)."""
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from revsight.demo.build import existing_demo

    if _pending_migrations():
        raise click.ClickException("The database is not initialised: run `revsight init` first.")
    call_command("collectstatic", interactive=False, verbosity=0)
    address = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    click.echo(f"Revsight is serving {_data_location()} at {address}")
    if existing_demo() is not None:
        _echo_logins()
    click.echo("Press Ctrl+C to stop.")
    from revsight.web.server import run

    run(host, port, workers or settings.REVSIGHT_SERVE_WORKERS)


@cli.command()
@click.option("--email", required=True)
@click.option(
    "--role",
    required=True,
    type=click.Choice(["executive", "manager", "salesperson", "presales", "consultant", "admin"]),
)
@click.option("--password", required=True, help="At least 8 characters, not a common password.")
@click.option("--name", default="", help="Full name as colleagues know it.")
@click.option("--team", help="Team name; created if it does not exist yet.")
@click.option("--manager", "manager_email", help="Email of this person's manager.")
def createuser(
    email: str, role: str, password: str, name: str, team: str | None, manager_email: str | None
) -> None:
    """Add a person who can log in."""
    _setup_django()
    from revsight.core.errors import InvalidInput
    from revsight.org.services import create_user

    _migrate()
    try:
        user, new_team = create_user(
            email=email,
            role=role,
            password=password,
            name=name,
            team=team,
            manager_email=manager_email,
        )
    except InvalidInput as exc:
        raise click.ClickException(f"--{exc}") from None
    if new_team:
        click.echo(f"Created team {team!r}.")
    click.echo(f"Created {user.email} ({user.get_role_display()}).")


@cli.command()
@click.option("--deploy", is_flag=True, help="Also run the checks for a server others reach.")
def check(deploy: bool) -> None:
    """Report configuration problems, each with a hint."""
    _setup_django()
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        call_command("check", deploy=deploy, fail_level="ERROR")
    except SystemCheckError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    if _pending_migrations():
        raise click.ClickException("The database needs initialising: run `revsight init`.")
    click.echo(f"Data: {_data_location()}")


@cli.command()
@click.option(
    "--period",
    "period_id",
    help="2026-W09, 2026-03, 2026-Q1, 2026 or 2026-YTD. Default: the month of the as-of date.",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="What was known at the end of this day (YYYY-MM-DD). Default: today.",
)
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
@click.option(
    "--engine",
    type=click.Choice(["duckdb", "database", "spark"]),
    envvar="REVSIGHT_ENGINE",
    help="Where to compute: the DuckDB replica (default), the database itself, or Apache Spark "
    "over the fact tables as Parquet (needs revsight[spark]).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv"]),
    default="table",
    show_default=True,
)
@click.option(
    "--split",
    type=click.Choice(["stage", "lead_source"]),
    help="Divide the metrics that allow it: the pipeline by stage, leads and marketing by lead "
    "source. Each JSON row then names its stage or lead_source.",
)
def metrics(
    period_id: str | None,
    as_of: Any,
    by: str,
    metric_ids: tuple[str, ...],
    trend: int,
    engine: str | None,
    fmt: str,
    split: str | None,
) -> None:
    """Compute metrics from the catalogue for a period, by company, team or salesperson."""
    _setup_django()
    from revsight.analytics import compute
    from revsight.analytics.output import render
    from revsight.core.errors import InvalidInput

    if _pending_migrations():
        raise click.ClickException("The database is not initialised: run `revsight init` first.")
    try:
        result = compute(
            list(metric_ids) or None,
            period_id,
            as_of.date() if as_of else None,
            by,
            trend,
            engine,
            split,
        )
    except InvalidInput as exc:
        raise click.ClickException(f"--{exc}") from None
    click.echo(render(result, fmt), nl=fmt != "csv")


@cli.group()
def analytics() -> None:
    """The analytics replica: its status, a rebuild, a Parquet export."""


@analytics.command("status")
def analytics_status() -> None:
    """Show when the DuckDB replica was built and whether it is current."""
    _setup_django()
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
def analytics_rebuild() -> None:
    """Recreate the DuckDB replica from the database."""
    _setup_django()
    from revsight.analytics.replica import rebuild_replica

    status = rebuild_replica()
    click.echo(f"Replica rebuilt in {status.seconds:.1f} s: {sum(status.rows.values()):,} rows.")


@analytics.command("export")
@click.option(
    "--parquet",
    "directory",
    required=True,
    type=click.Path(file_okay=False),
    help="Directory to write one Parquet file per fact table into.",
)
def analytics_export(directory: str) -> None:
    """Write the fact tables as Parquet files (for Spark or any other engine)."""
    _setup_django()
    from revsight.analytics.engine import export_parquet

    written = export_parquet(directory)
    for path, rows in written.items():
        click.echo(f"{path}  {rows:,} rows")


@cli.group()
def token() -> None:
    """API tokens: other programs act as one person through the JSON API (docs/api.md)."""


@token.command("create")
@click.option("--user", "email", required=True, help="The person the token acts as.")
@click.option("--name", default="", help="What will use it, to tell tokens apart.")
def token_create(email: str, name: str) -> None:
    """Create a token and print it (once: only its digest is kept)."""
    _setup_django()
    from revsight.core.errors import InvalidInput
    from revsight.core.tokens import create_token

    try:
        row, secret = create_token(email, name)
    except InvalidInput as exc:
        raise click.UsageError(f"--{exc.field} {exc.value!r} {exc.message}") from None
    click.echo(f"Token {row.prefix} for {row.user.email} (shown once, keep it safe):")
    click.echo(secret)


@token.command("list")
def token_list() -> None:
    """Every token: prefix, person, name, created, last used, revoked."""
    _setup_django()
    from revsight.core.models import ApiToken

    for row in ApiToken.objects.select_related("user"):
        state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "live"
        used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never used"
        click.echo(
            f"{row.prefix}  {row.user.email:<32} {row.name or '—':<20} "
            f"created {row.created_at:%Y-%m-%d}  {used}  {state}"
        )


@token.command("revoke")
@click.argument("prefix")
def token_revoke(prefix: str) -> None:
    """Revoke the token with this prefix; programs using it are refused from now on."""
    _setup_django()
    from revsight.core.errors import InvalidInput
    from revsight.core.tokens import revoke_token

    try:
        row = revoke_token(prefix)
    except InvalidInput as exc:
        raise click.UsageError(f"{exc.value!r} {exc.message}") from None
    click.echo(f"Token {row.prefix} of {row.user.email} revoked.")


def _register_importers() -> None:
    from revsight.forecasting.commands import forecast_group
    from revsight.importers.commands import import_group, template

    cli.add_command(import_group)
    cli.add_command(template)
    cli.add_command(forecast_group)


_register_importers()


def main() -> None:
    cli(prog_name="revsight")


if __name__ == "__main__":
    main()
