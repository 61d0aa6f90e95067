"""Setting Revsight up: `init`, `demo`, `serve`, `createuser` and `check`."""

from __future__ import annotations

import os
import shlex
import sys
from datetime import date

import click

from revsight.cli.base import (
    BadInput,
    CommandError,
    as_of_option,
    data_location,
    migrate,
    needs_django,
    pending_migrations,
    today_or,
)
from revsight.cli.progress import progress_bar

DEFAULT_PORT = 8000
ROLES = ["executive", "manager", "salesperson", "presales", "consultant", "admin"]


@click.command()
@click.option(
    "--no-input",
    is_flag=True,
    help="Never ask for the first administrator; print the command that creates one instead "
    "(what happens anyway when stdin is not a terminal).",
)
@needs_django
def init(no_input: bool) -> None:
    """Create or upgrade the database (safe to run again). On a database nobody can log in to
    yet, ask for the first administrator."""
    migrate(verbose=True)
    click.echo(f"Database ready: {data_location()}")
    from revsight.org.models import Role, User

    if User.objects.filter(role=Role.ADMIN, is_active=True).exists():
        return
    if no_input or not sys.stdin.isatty():
        click.echo("Nobody can log in yet. Create the first administrator (it asks the password):")
        click.echo(
            f"  {_here()}revsight createuser --email you@example.com --role admin "
            "--name 'Your Name'"
        )
    else:
        _ask_first_administrator()
    click.echo(f"Then serve it: {_here()}revsight serve")


def _here() -> str:
    """`REVSIGHT_HOME=…` before a printed command when the data directory was given so, for the
    command to reach the same data."""
    home = os.environ.get("REVSIGHT_HOME")
    return f"REVSIGHT_HOME={shlex.quote(home)} " if home else ""


def _ask_first_administrator() -> None:
    """Ask, at the terminal, until the first administrator is created (Ctrl+C gives up)."""
    from revsight.core.errors import InvalidInput
    from revsight.org.services import create_user

    click.echo("Nobody can log in yet: create the first administrator.")
    while True:
        email = str(click.prompt("Email"))
        name = str(click.prompt("Full name", default="", show_default=False))
        password = str(click.prompt("Password", hide_input=True, confirmation_prompt=True))
        try:
            user, _ = create_user(email=email, role="admin", password=password, name=name)
        except InvalidInput as exc:
            shown = f" {exc.value!r}" if exc.value else ""
            click.echo(f"{exc.field}{shown} {exc.message}. Try again.", err=True)
            continue
        click.echo(f"Created {user.email} (Administrator).")
        return


@click.command()
@click.option("--seed", default=1, show_default=True, help="Same seed, same organisation.")
@as_of_option("The last day of the history (YYYY-MM-DD). Default: today.")
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
@click.option(
    "--backtest",
    is_flag=True,
    help="Also queue the backtest of the forecast methods on the demo's history, for the worker "
    "(`revsight serve` starts one); the Forecast page shows its progress, then the table.",
)
@needs_django
def demo(seed: int, as_of: date | None, scale: str, reuse: bool, backtest: bool) -> None:
    """Build the demo organisation (Northwind Solutions) into the data directory."""
    from revsight.demo.build import build_demo

    migrate()
    with progress_bar("Building the demo") as progress:
        result = build_demo(seed=seed, as_of=as_of, scale=scale, reuse=reuse, progress=progress)
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
    if backtest:
        _keep_backtest()
    _echo_logins()


def _keep_backtest() -> None:
    """Queue the Forecast page's backtest (once), so that the server starts at once and its
    worker computes it meanwhile, rather than making `make demo` wait for it."""
    from revsight.forecasting.backtest import remembered
    from revsight.forecasting.tasks import latest_backtest, queue_backtest

    today = today_or(None)
    if remembered(today) is not None:
        return
    job = latest_backtest(None, today)
    if job is None or job.finished:
        job = queue_backtest(today)
    click.echo(
        f"  Backtesting the forecast methods: job {job.pk}, run by the worker beside "
        "`revsight serve`; the Forecast page shows its progress."
    )


def _echo_logins() -> None:
    from django.conf import settings

    from revsight.demo.build import demo_logins

    click.echo(f"Demo logins (password: {settings.REVSIGHT_DEMO_PASSWORD}):")
    for role, email in demo_logins().items():
        click.echo(f"  {role:<20} {email}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="REVSIGHT_HOST")
@click.option("--port", default=DEFAULT_PORT, show_default=True, envvar="REVSIGHT_PORT", type=int)
@click.option("--workers", type=int, envvar="REVSIGHT_WORKERS", help="Default: 2.")
@click.option(
    "--no-worker",
    is_flag=True,
    help="Do not start a `revsight worker` beside the server (run the worker apart, as a "
    "service of its own: docs/deployment.md).",
)
@needs_django
def serve(host: str, port: int, workers: int | None, no_worker: bool) -> None:
    """Serve the web application with a production WSGI server (gunicorn), and one worker for
    the background jobs beside it."""
    from django.conf import settings

    from revsight.demo.build import existing_demo
    from revsight.web.collect import collect_static

    if pending_migrations():
        raise CommandError("The database is not initialised: run `revsight init` first.")
    collect_static()
    address = f"http://{'127.0.0.1' if host in ('0.0.0.0', '::') else host}:{port}/"
    click.echo(f"Revsight is serving {data_location()} at {address}")
    if existing_demo() is not None:
        _echo_logins()
    from revsight.cli.server import run, start_worker, stop_worker

    worker = None if no_worker else start_worker()
    if worker is not None:
        click.echo(f"A worker runs the background jobs beside it (process {worker.pid}).")
    click.echo("Press Ctrl+C to stop.")
    try:
        run(host, port, workers or settings.REVSIGHT_SERVE_WORKERS, settings.REVSIGHT_HOME)
    finally:
        if worker is not None:
            stop_worker(worker)


@click.command()
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option(
    "--password",
    help="The password on the command line, where it stays in the shell history and other "
    "users can see it (ps): prefer the prompt or --password-stdin.",
)
@click.option(
    "--password-stdin", is_flag=True, help="Read the password from the first line of stdin."
)
@click.option("--name", default="", help="Full name as colleagues know it.")
@click.option("--team", help="Team name; created if it does not exist yet.")
@click.option("--manager", "manager_email", help="Email of this person's manager.")
@click.option(
    "--manager-of",
    "manager_of",
    metavar="TEAM",
    help="The team this manager (or executive) manages, created if new: she lands on its "
    "dashboard. Also her own team unless --team names another.",
)
@needs_django
def createuser(
    email: str,
    role: str,
    password: str | None,
    password_stdin: bool,
    name: str,
    team: str | None,
    manager_email: str | None,
    manager_of: str | None,
) -> None:
    """Add a person who can log in. The password is asked at a hidden prompt unless given:
    at least 12 characters, not only digits, not a common one, not like the email or name."""
    from revsight.org.services import create_user

    password = _password(password, password_stdin)
    migrate()
    user, new_team = create_user(
        email=email,
        role=role,
        password=password,
        name=name,
        team=team,
        manager_email=manager_email,
        manager_of=manager_of,
    )
    if new_team:
        click.echo(f"Created team {(team or manager_of or '').strip()!r}.")
    click.echo(f"Created {user.email} ({user.get_role_display()}).")
    if manager_of:
        click.echo(f"{user.display_name} manages {manager_of.strip()} and lands on its dashboard.")
    elif role == "manager" and team:
        click.echo(
            f"{user.display_name} is a member of {team}, not its manager: create managers with "
            f"--manager-of {team!r} (or give the team's manager in teams.csv)."
        )


def _password(given: str | None, from_stdin: bool) -> str:
    if given is not None and from_stdin:
        raise BadInput("Give the password with --password or --password-stdin, not both.")
    if from_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise BadInput("--password-stdin found no password on the first line of stdin.")
        return line
    if given is not None:
        return given
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


@click.command()
@click.option(
    "--deploy",
    is_flag=True,
    help="Also run the checks for a server others reach (HTTPS, HSTS, cookies, DEBUG, "
    "ALLOWED_HOSTS, SECRET_KEY); any warning fails the command.",
)
@needs_django
def check(deploy: bool) -> None:
    """Report configuration problems, each with a hint; exit 1 when there is one."""
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    try:
        # For a server others reach, a warning (HTTPS off, say) is a problem to fix.
        call_command("check", deploy=deploy, fail_level="WARNING" if deploy else "ERROR")
    except SystemCheckError as exc:
        click.echo(str(exc), err=True)
        raise SystemExit(1) from None
    if pending_migrations():
        raise CommandError("The database needs initialising: run `revsight init`.")
    click.echo(f"Data: {data_location()}")


COMMANDS = (init, demo, serve, createuser, check)
