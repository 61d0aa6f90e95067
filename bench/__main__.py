"""`make bench`: each benchmark prints its figure and the ratio to a baseline measured in the
same run, because these machines are small and noisy: compare ratios, not seconds.

Every figure is also kept in `bench/results/latest.json` with the machine it ran on, and the
table between the markers of `docs/performance.md` is rewritten from it."""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

AS_OF = date(2026, 6, 30)
RESULTS = Path(__file__).parent / "results" / "latest.json"
PERFORMANCE = Path(__file__).parent.parent / "docs" / "performance.md"
FIGURES: list[dict[str, object]] = []


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
    FIGURES.append(
        {
            "name": name.strip(),
            "seconds": round(seconds, 4),
            "baseline": baseline_name,
            "baseline_seconds": round(baseline, 4),
            "ratio": round(ratio, 2),
        }
    )


def figure(name: str, value: float, unit: str) -> None:
    """A figure without a baseline of its own (a build's length, a peak of memory)."""
    shown = f"{value:>10.2f} s" if unit == "s" else f"{value:>10.0f} MB"
    print(f"{name:<48} {shown}")
    FIGURES.append({"name": name, "value": round(value, 4), "unit": unit})


def machine() -> dict[str, object]:
    return {
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "processor": platform.machine(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


def save(
    ran_on: dict[str, object],
    results: Path = RESULTS,
    marks: tuple[str, str] = ("<!-- bench:start -->", "<!-- bench:end -->"),
) -> None:
    """The figures into `results` (`bench/results/latest.json`), and their table between
    `marks` in docs/performance.md."""
    results.parent.mkdir(parents=True, exist_ok=True)
    document = {"date": date.today().isoformat(), "machine": ran_on, "figures": FIGURES}
    results.write_text(json.dumps(document, indent=2) + "\n")
    if PERFORMANCE.exists():
        text = PERFORMANCE.read_text()
        start, end = marks
        if start in text and end in text:
            head, _, rest = text.partition(start)
            _, _, tail = rest.partition(end)
            PERFORMANCE.write_text(f"{head}{start}\n{table(document)}{end}{tail}")


def table(document: dict) -> str:
    ran_on = document["machine"]
    lines = [
        f"Measured {document['date']} on {ran_on['cores']} cores ({ran_on['processor']}), "
        f"Python {ran_on['python']}, load average {ran_on['load_average'][0]} at the end.",
        "",
        "| figure | measured | baseline | baseline measured | ratio |",
        "|---|---:|---|---:|---:|",
    ]
    for item in document["figures"]:
        if "ratio" in item:
            lines.append(
                f"| {item['name']} | {_seconds(item['seconds'])} | {item['baseline']} "
                f"| {_seconds(item['baseline_seconds'])} | {item['ratio']:.2f} |"
            )
        else:
            shown = _seconds(item["value"]) if item["unit"] == "s" else f"{item['value']:,.0f} MB"
            lines.append(f"| {item['name']} | {shown} | — | — | — |")
    return "\n".join(lines) + "\n"


def _seconds(value: float) -> str:
    return f"{value:.2f} s" if value >= 1 else f"{value * 1000:.1f} ms"


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
    figure(
        f"demo build, small ({sum(result.counts.values()):,} rows)",
        time.perf_counter() - started,
        "s",
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


MAVEN = Path(__file__).resolve().parents[2] / "shared" / "data" / "maven_crm"
MAVEN_MAPPING = (
    Path(__file__).resolve().parents[1] / "src/revsight/importers/examples/maven_crm.toml"
)
MAVEN_TIMING = """
import json, time
from datetime import date
import django
django.setup()
from revsight.analytics import compute
from revsight.forecasting.backtest import backtest
compute(None, "2017-Q4", date(2018, 1, 1), "rep")  # the replica built before timing
started = time.perf_counter()
backtest(date(2018, 1, 1))
middle = time.perf_counter()
compute(None, "2017-Q4", date(2018, 1, 1), "rep")
print(json.dumps([middle - started, time.perf_counter() - middle]))
"""


def bench_maven_backtest() -> None:
    """The whole backtest on real public CRM history (8,800 deals over 15 months, imported
    through the shipped Maven mapping) as of 1 January 2018, against all metrics by rep for a
    quarter on the same data, in a process and a home of its own."""
    import subprocess
    import tempfile

    if not (MAVEN / "sales_pipeline.csv").exists():
        print(f"backtest on the Maven CRM history: skipped, {MAVEN} is missing")
        return
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "REVSIGHT_HOME": str(Path(scratch) / "home")}
        revsight = str(Path(sys.executable).parent / "revsight")
        for command in (
            [revsight, "init"],
            [revsight, "import", "csv", str(MAVEN), "--mapping", str(MAVEN_MAPPING)],
        ):
            subprocess.run(command, env=env, capture_output=True, check=True)
        done = subprocess.run(
            [sys.executable, "-c", MAVEN_TIMING],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        backtest_seconds, metrics_seconds = json.loads(done.stdout.strip().splitlines()[-1])
    report(
        "backtest on the Maven CRM history, 12 origins",
        backtest_seconds,
        "all metrics by rep for a quarter",
        metrics_seconds,
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
    figure(
        f"replica rebuild ({sum(status.rows.values()):,} rows)", time.perf_counter() - started, "s"
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

    def ours() -> Any:
        return compute(CORE, month.id, AS_OF, "rep")

    def by_key(result: Any) -> dict:
        # For the comparison only: the timing is of the computation.
        return {key: {m: result.value(m, key) for m in CORE} for key in result.members.keys}

    differences = same_values(by_key(ours()), by_hand())
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
    rolled back), against the floor: every file of the same export read with the csv module
    and inserted with sqlite3's executemany, one table per file, in one transaction."""
    import tempfile

    from bench.big_export import write_export
    from revsight.importers.registry import get
    from revsight.importers.run import run_import

    with tempfile.TemporaryDirectory() as scratch:
        export = write_export(Path(scratch) / "export", 20_000)
        report(
            "import 20,000 Salesforce deals (dry run)",
            median_seconds(lambda: run_import(get("salesforce"), export, dry_run=True), 3),
            "csv + sqlite3 executemany (the floor)",
            median_seconds(lambda: import_floor(export, Path(scratch) / "floor.db"), 3),
        )


def import_floor(export: Path, database: Path) -> None:
    """Each CSV file of `export` into a table of its own, as text, in one transaction."""
    import csv
    import sqlite3

    database.unlink(missing_ok=True)
    connection = sqlite3.connect(database)
    try:
        with connection:
            for path in sorted(export.glob("*.csv")):
                with path.open(newline="") as handle:
                    rows = csv.reader(handle)
                    header = next(rows)
                    columns = ", ".join(f'"{name}"' for name in header)
                    marks = ", ".join("?" for _ in header)
                    connection.execute(f'create table "{path.stem}" ({columns})')
                    connection.executemany(f'insert into "{path.stem}" values ({marks})', rows)
    finally:
        connection.close()


def bench_start_up() -> None:
    """`revsight metrics --metric bookings` on the demo as a whole process, start-up included,
    against starting the interpreter alone."""
    import subprocess

    def metrics() -> None:
        subprocess.run(
            [str(Path(sys.executable).parent / "revsight"), "metrics", "--metric", "bookings"],
            check=True,
            capture_output=True,
        )

    def interpreter() -> None:
        subprocess.run([sys.executable, "-c", "pass"], check=True, capture_output=True)

    metrics()  # the replica is up to date before timing, as it is after any first command
    report(
        "revsight metrics --metric bookings, whole process",
        median_seconds(metrics, 5),
        "python -c pass",
        median_seconds(interpreter, 5),
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
            figure(f"import {rows:,} deals, whole process", seconds, "s")
            figure(f"import {rows:,} deals, peak memory", peaks[rows], "MB")
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
    ran_on = machine()
    print(f"Revsight benchmarks on {ran_on['cores']} cores, Python {ran_on['python']}\n")
    bench_import()  # first: an installation holding the demo refuses imports
    bench_demo_writer()
    bench_organisation_page()
    bench_metrics()
    bench_limit()
    bench_start_up()
    bench_dashboard()
    bench_forecast()
    bench_maven_backtest()
    bench_import_memory()
    ran_on["load_average"] = [round(load, 2) for load in os.getloadavg()]
    save(ran_on)
    print(f"\nKept in {RESULTS} and docs/performance.md.")


if __name__ == "__main__":
    main()
