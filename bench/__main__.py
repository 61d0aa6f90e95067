"""`make bench`: each benchmark prints its figure and the ratio to a baseline measured in the
same run, because these machines are small and noisy: compare ratios, not seconds."""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

AS_OF = date(2026, 6, 30)


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def report(name: str, seconds: float, baseline_name: str, baseline: float) -> None:
    print(f"{name:<48} {seconds * 1000:>10.1f} ms")
    ratio = seconds / baseline
    print(f"  baseline: {baseline_name:<38} {baseline * 1000:>10.1f} ms   ratio {ratio:6.2f}")


def bench_demo_writer() -> None:
    """The bulk writer against the ORM's bulk_create, on the demo's activity rows."""
    from django.db import transaction

    from revsight.crm.models import Activity
    from revsight.demo import bulk
    from revsight.demo.build import build_demo
    from revsight.demo.deal_tables import activities
    from revsight.demo.profiles import SMALL
    from revsight.demo.simulate import simulate
    from revsight.demo.world import World

    started = time.perf_counter()
    result = build_demo(seed=1, as_of=AS_OF)
    total = time.perf_counter() - started
    rows = sum(result.counts.values())
    print(
        f"demo build, small ({rows:,} rows)               {total:>10.2f} s   "
        f"{rows / total:,.0f} rows/s"
    )

    table = activities(World(simulate(SMALL, 1, AS_OF)))
    sample = 20_000
    table.columns = {k: v[:sample] for k, v in table.columns.items()}
    table.nulls = {k: v[:sample] for k, v in table.nulls.items()}
    table.columns["id"] = list(range(10_000_000, 10_000_000 + sample))

    def with_bulk_writer() -> None:
        with transaction.atomic():
            bulk.write(table)
            transaction.set_rollback(True)

    def with_orm() -> None:
        objects = [
            Activity(
                id=10_000_000 + i,
                owner_id=int(table.columns["owner_id"][i]),
                type=table.columns["type"][i],
                date=date.fromordinal(int(table.columns["date"][i]) + 719163),
                account_id=None,
                opportunity_id=None,
            )
            for i in range(sample)
        ]
        with transaction.atomic():
            Activity.objects.bulk_create(objects, batch_size=2000)
            transaction.set_rollback(True)

    report(
        f"bulk writer, {sample:,} activities",
        median_seconds(with_bulk_writer, 3),
        "ORM bulk_create, same rows",
        median_seconds(with_orm, 3),
    )


def bench_organisation_page() -> None:
    """The organisation page for the demo's sales manager, against the login page."""
    from django.test import Client

    from revsight.org.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(email="manager@example.com"))
    anonymous = Client(HTTP_HOST="localhost")
    report(
        "organisation page, demo sales manager",
        median_seconds(lambda: client.get("/"), 15),
        "login page",
        median_seconds(lambda: anonymous.get("/login/"), 15),
    )


def bench_dashboard() -> None:
    """The sales manager's dashboard page: served from the cache (the usual case: the data
    changes by import, not by page view) and computed afresh, against the login page."""
    from django.core.cache import cache
    from django.test import Client

    from revsight.org.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(email="manager@example.com"))
    anonymous = Client(HTTP_HOST="localhost")
    url = f"/dashboard/team/{_managers_team()}/?as_of={AS_OF}"
    client.get(url)  # warm the replica and the cache

    def cold() -> None:
        cache.clear()
        client.get(url)

    login = median_seconds(lambda: anonymous.get("/login/"), 15)
    report(
        "manager dashboard, cached",
        median_seconds(lambda: client.get(url), 15),
        "login page",
        login,
    )
    report("manager dashboard, computed afresh", median_seconds(cold, 3), "login page", login)


def bench_forecast() -> None:
    """The Forecast page a manager opens (the outlook of the team's month, pipeline math) from
    the cache and computed afresh, against the login page; and the whole backtest (every method,
    four horizons, twelve origins) against one metrics computation."""
    from datetime import UTC, datetime

    import time_machine
    from django.core.cache import cache
    from django.test import Client

    from revsight.analytics import compute
    from revsight.forecasting.backtest import backtest
    from revsight.org.models import User

    with time_machine.travel(datetime(2026, 6, 17, 10, tzinfo=UTC), tick=True):
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(email="manager@example.com"))
        anonymous = Client(HTTP_HOST="localhost")
        client.get("/forecast/")

        def cold() -> None:
            cache.clear()
            client.get("/forecast/")

        login = median_seconds(lambda: anonymous.get("/login/"), 15)
        report(
            "forecast page, cached",
            median_seconds(lambda: client.get("/forecast/"), 15),
            "login page",
            login,
        )
        report("forecast page, computed afresh", median_seconds(cold, 3), "login page", login)
    report(
        "backtest: 7 methods x 4 horizons x 12 origins",
        median_seconds(lambda: backtest(AS_OF), 1),
        "all metrics by rep for a quarter",
        median_seconds(lambda: compute(None, "2026-Q2", AS_OF, "rep"), 3),
    )


def _managers_team() -> int:
    from revsight.org.models import Team, User

    manager = User.objects.get(email="manager@example.com")
    return Team.objects.filter(manager=manager).order_by("name").values_list("pk", flat=True)[0]


def bench_metrics() -> None:
    """Every catalogue metric by salesperson for a quarter: the DuckDB replica against the
    database engine (both warm: the replica is built before timing)."""
    from revsight.analytics import compute
    from revsight.analytics.engine import DatabaseEngine, DuckDBEngine
    from revsight.analytics.replica import rebuild_replica

    started = time.perf_counter()
    status = rebuild_replica()
    print(
        f"replica rebuild ({sum(status.rows.values()):,} rows) "
        f"{(time.perf_counter() - started) * 1000:>24.1f} ms"
    )
    duck, database = DuckDBEngine(), DatabaseEngine()
    report(
        "all metrics by rep, a quarter, DuckDB replica",
        median_seconds(lambda: compute(None, "2026-Q2", AS_OF, "rep", engine=duck), 3),
        "the same on the database (SQLite)",
        median_seconds(lambda: compute(None, "2026-Q2", AS_OF, "rep", engine=database), 3),
    )


def bench_limit() -> None:
    """The core dashboard set by salesperson for a month (bench/limit.py): `compute()` as a
    command calls it (an engine of its own), and inside an open analytics session, against one
    hand-written DuckDB query on the same replica file. The values are compared first."""
    from bench.limit import CORE, hand_written, same_values
    from revsight.analytics import compute
    from revsight.analytics.context import end_of_day_utc
    from revsight.analytics.replica import connect, replica_file
    from revsight.analytics.session import Query, session
    from revsight.core import periods
    from revsight.core.models import Organisation

    month = periods.containing("month", AS_OF, 1)
    boundary = end_of_day_utc(AS_OF, Organisation.current().time_zone)
    connection = connect(replica_file()).con

    def by_hand() -> dict:
        return hand_written(connection, month.start, month.end, AS_OF, boundary)

    def ours() -> dict:
        result = compute(CORE, month.id, AS_OF, "rep")
        return {key: {m: result.value(m, key) for m in CORE} for key in result.members.keys}

    differences = same_values(ours(), by_hand())
    if differences:
        raise SystemExit(
            "compute() and the hand-written query disagree:\n" + "\n".join(differences)
        )
    baseline = median_seconds(by_hand, 9)
    report(
        "core set by rep, a month: compute()",
        median_seconds(ours, 9),
        "hand-written DuckDB SQL",
        baseline,
    )
    with session() as analytics:
        query = Query(CORE, month, AS_OF, "rep")
        analytics.compute(query)
        report(
            "  the same in an open analytics session",
            median_seconds(lambda: analytics.compute(query), 9),
            "hand-written DuckDB SQL",
            baseline,
        )


def bench_import() -> None:
    """A Salesforce export of 20,000 deals through the importer (a dry run: the whole import,
    rolled back), against only reading the same file with the csv module."""
    import csv
    import tempfile

    from bench.big_export import write_export
    from revsight.importers.registry import get
    from revsight.importers.run import run_import

    with tempfile.TemporaryDirectory() as scratch:
        export = write_export(Path(scratch) / "export", 20_000)

        def read_only() -> None:
            with (export / "Opportunity.csv").open(newline="") as handle:
                for _ in csv.reader(handle):
                    pass

        report(
            "import 20,000 Salesforce deals (dry run)",
            median_seconds(lambda: run_import(get("salesforce"), export, dry_run=True), 3),
            "csv.reader over the same file",
            median_seconds(read_only, 3),
        )


def bench_import_memory() -> None:
    """Peak memory of whole imports of 20,000 and 200,000 deals, each in its own process:
    streaming means ten times the rows costs far less than ten times the memory."""
    import subprocess
    import tempfile

    from bench.big_export import write_export

    peaks = {}
    for rows in (20_000, 200_000):
        with tempfile.TemporaryDirectory() as scratch:
            export = write_export(Path(scratch) / "export", rows)
            env = {**os.environ, "REVSIGHT_HOME": str(Path(scratch) / "home")}
            # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec,
            # so a large benchmark process would inflate its children's figures.
            code = (
                "import re, sys\n"
                "from revsight.cli import cli\n"
                "try:\n"
                f"    cli(['init'], standalone_mode=False)\n"
                f"    cli(['import', 'salesforce', {str(export)!r}], standalone_mode=False)\n"
                "finally:\n"
                "    status = open('/proc/self/status').read()\n"
                "    print(re.search(r'VmHWM:\\s+(\\d+)', status).group(1), file=sys.stderr)\n"
            )
            started = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
            )
            seconds = time.perf_counter() - started
            peaks[rows] = int(done.stderr.strip().splitlines()[-1]) / 1024
            print(
                f"import {rows:>7,} deals, whole process {seconds:>8.1f} s   "
                f"peak {peaks[rows]:7.0f} MB"
            )
    print(f"  10x the rows: peak memory ratio {peaks[200_000] / peaks[20_000]:6.2f}")


def main() -> None:
    home = Path(os.environ.setdefault("REVSIGHT_HOME", ".revsight-bench")).resolve()
    shutil.rmtree(home, ignore_errors=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revsight.settings")
    os.environ.pop("DATABASE_URL", None)  # benchmarks run on the embedded database
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    print(f"Revsight benchmarks on {os.cpu_count()} cores, Python {sys.version.split()[0]}\n")
    bench_import()  # first: an installation holding the demo refuses imports
    bench_demo_writer()
    bench_organisation_page()
    bench_metrics()
    bench_limit()
    bench_dashboard()
    bench_forecast()
    bench_import_memory()
    print("\nThe large demo (`revsight demo --scale large`) is timed by hand; see docs/demo.md.")


if __name__ == "__main__":
    main()
