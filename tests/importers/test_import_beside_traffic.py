"""A large import holds up no one: while 12,000 deals are imported, people log in, submit
forecasts through the Forecast page and the API and read dashboards from 8 threads, and none of
them gets a 5xx; every write that was acknowledged is stored afterwards.

Revsight runs in processes of its own (gunicorn through `revsight serve`, the import through
`revsight import`), on the embedded database, or on a PostgreSQL database of its own when the
suite runs with DATABASE_URL=postgresql://…. Before imports were staged (`core/staging.py`),
the import held SQLite's write lock for its whole run and writes beside it failed after the
busy timeout.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from bench.big_export import write_export
from bench.traffic import Log, Visitor, keep_going, missing, revsight_python, this_month

from tests.serving import REVSIGHT, environment, serving

# Large enough that the import works for tens of seconds beside the traffic (its staging
# replays for about a second of them; 40,000 took 161 s of a 30-minute suite); `make loadtest`
# imports 100,000 beside 20 clients.
pytestmark = pytest.mark.slow

DEALS = 12_000


@pytest.fixture
def served_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a new data directory: the embedded database, or a new PostgreSQL
    database beside the test database when DATABASE_URL names PostgreSQL."""
    env = environment(tmp_path / "home")
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        yield env
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"revsight_traffic_{os.getpid()}"
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield env
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _people(url: str, cast: dict, log: Log) -> list[Callable[[Callable[[], bool]], None]]:
    """Eight kinds of work, one per thread: two log in again and again, two submit forecasts
    through the Forecast page, two through the API, two read dashboards and records. Each
    thread pauses 3 s between requests: the test is about the writes beside the import, and
    the suite's other workers share the cores (`make loadtest` is the heavier load)."""
    period = this_month()
    reps = cast["people"]

    def logging_in(email: str) -> Callable[[Callable[[], bool]], None]:
        def work(until: Callable[[], bool]) -> None:
            keep_going(until, lambda: Visitor(url, log).log_in(email), 3.0)

        return work

    def by_form(email: str) -> Callable[[Callable[[], bool]], None]:
        def work(until: Callable[[], bool]) -> None:
            visitor = Visitor(url, log)
            visitor.log_in(email)
            keep_going(until, lambda: visitor.submit_form(email, period), 3.0)

        return work

    def by_api(rep: dict) -> Callable[[Callable[[], bool]], None]:
        def work(until: Callable[[], bool]) -> None:
            visitor = Visitor(url, log)
            keep_going(until, lambda: visitor.submit_api(rep["email"], rep["token"], period), 3.0)

        return work

    def reading(email: str, paths: list[str]) -> Callable[[Callable[[], bool]], None]:
        def work(until: Callable[[], bool]) -> None:
            visitor = Visitor(url, log)
            visitor.log_in(email)
            turn = iter(range(10**9))
            keep_going(until, lambda: visitor.read("dashboard", paths[next(turn) % 3]), 3.0)

        return work

    team = f"/dashboard/team/{cast['team']}/"
    return [
        logging_in(reps[0]["email"]),
        logging_in(cast["manager"]),
        by_form(reps[1]["email"]),
        by_form(reps[2]["email"]),
        by_api(reps[3]),
        by_api(reps[0]),
        reading(cast["manager"], [team, "/records/won/", "/forecast/"]),
        reading(reps[1]["email"], ["/", "/records/open/", f"/dashboard/rep/{reps[1]['id']}/"]),
    ]


def test_an_import_of_12000_deals_holds_up_no_login_forecast_or_dashboard(
    served_env: dict[str, str], tmp_path: Path
) -> None:
    export = write_export(tmp_path / "export", DEALS)
    cast = json.loads(revsight_python(served_env, "populate", "4"))
    log = Log()
    with serving(served_env) as (url, _):
        importing = subprocess.Popen(
            [*REVSIGHT, "import", "salesforce", str(export)],
            env=served_env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        finished = threading.Event()
        threads = [
            threading.Thread(target=work, args=(finished.is_set,))
            for work in _people(url, cast, log)
        ]
        for thread in threads:
            thread.start()
        try:
            output, errors = importing.communicate(timeout=240)
        finally:
            finished.set()
            for thread in threads:
                thread.join(timeout=120)
    assert importing.returncode == 0, errors
    assert f"opportunities: {DEALS} created" in output
    assert log.server_errors() == []
    kinds = {kind for kind, _, _ in log.answers}
    assert {"login", "forecast form", "forecast api", "dashboard"} <= kinds
    assert len(log.acknowledged) >= 4
    assert missing(log, served_env) == []
