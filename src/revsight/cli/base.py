"""What every `revsight` command shares: Django set-up, the initialised-database guard, the
common options and the one way errors are shown."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

import click

from revsight.core.errors import InvalidInput, NotAllowed, NotFound, RevsightError

F = TypeVar("F", bound=Callable[..., Any])

# Exit codes: 0 done, 2 the input is wrong (nothing written), 1 any other failure.
BAD_INPUT = 2
FAILURE = 1


class CommandError(click.ClickException):
    """A failure as the command line shows it: `Error: message` on stderr, exit 1."""

    exit_code = FAILURE


class BadInput(CommandError):
    """The input was wrong and nothing was written: exit 2."""

    exit_code = BAD_INPUT


def rendered(exc: RevsightError) -> CommandError:
    """The one rendering of an error on the command line. A bad value names the option it
    came from (`--period '2026-13' is not a month…`)."""
    if isinstance(exc, InvalidInput):
        shown = f" {exc.value!r}" if exc.value else ""
        return BadInput(f"--{exc.field}{shown} {exc.message}")
    if isinstance(exc, NotAllowed | NotFound):
        return BadInput(str(exc))
    return CommandError(str(exc))


class RevsightGroup(click.Group):
    """The root group: any `RevsightError` a command lets through is rendered once, here."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except RevsightError as exc:
            raise rendered(exc) from None


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revsight.settings")
    from revsight.core.config import ConfigError

    try:
        import django

        django.setup()
    except ConfigError as exc:
        raise CommandError(f"Configuration error: {exc}") from None


def migrate(verbose: bool = False) -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if verbose else 0)


def pending_migrations() -> bool:
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def data_location() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"{db['NAME']} (SQLite)"
    return f"PostgreSQL database {db['NAME']!r} on {db.get('HOST') or 'localhost'}"


def needs_database(func: F) -> F:
    """Set Django up, refuse to run on a database `revsight init` has not prepared, and open
    the command's analytics session."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        setup_django()
        if pending_migrations():
            raise CommandError("The database is not initialised: run `revsight init` first.")
        from revsight.analytics.session import session

        with session():  # one engine, one replica check, for the whole command
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def needs_django(func: F) -> F:
    """Set Django up (for commands that create or check the database themselves)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        setup_django()
        return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _to_date(ctx: click.Context, param: click.Parameter, value: datetime | None) -> date | None:
    from revsight.core.periods import check_day

    return check_day("--as-of", value.date()) if value is not None else None


def as_of_option(help_text: str = "What was known at the end of this day. Default: today.") -> Any:
    """`--as-of YYYY-MM-DD`, given to the command as a date (None: today, the organisation's)."""
    return click.option(
        "--as-of",
        "as_of",
        type=click.DateTime(formats=["%Y-%m-%d"]),
        callback=_to_date,
        help=help_text,
    )


def format_option(*choices: str, default: str | None = None) -> Any:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default or choices[0],
        show_default=True,
    )


def by_option(default: str) -> Any:
    return click.option(
        "--by", type=click.Choice(["company", "team", "rep"]), default=default, show_default=True
    )


ENGINE_OPTION = click.option(
    "--engine",
    type=click.Choice(["duckdb", "database", "spark"]),
    envvar="REVSIGHT_ENGINE",
    help="Where to compute: the DuckDB replica (default), the database itself, or Apache Spark "
    "over the fact tables as Parquet (needs revsight[spark]).",
)


def today_or(day: date | None) -> date:
    """The day a command was given, or today in the organisation's time zone."""
    from revsight.core.clock import today

    return day or today()
