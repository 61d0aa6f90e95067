"""`make bench-large`: the figures of issue 19 on the large demo organisation (2,000 salespeople,
about 1.1 million opportunities), built once into `.revsight-bench-large` and kept between runs
(building it takes about eight minutes and 4.7 GB of memory). Every figure is printed beside a
baseline measured in the same run; the results go to `bench/results/large.json` and to the
"large demo" table of docs/performance.md."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bench.__main__ import (
    AS_OF,
    bench_limit,
    figure,
    machine,
    median_seconds,
    report,
    save,
)

RESULTS = Path(__file__).parent / "results" / "large.json"
MARKS = ("<!-- bench-large:start -->", "<!-- bench-large:end -->")


def build() -> None:
    from revsight.demo.build import build_demo

    started = time.perf_counter()
    result = build_demo(seed=1, as_of=AS_OF, scale="large", reuse=True)
    if not result.reused:
        figure(
            f"demo build, large ({sum(result.counts.values()):,} rows)",
            time.perf_counter() - started,
            "s",
        )


def bench_replica() -> float:
    """The whole replica built from the database, then the refresh after 10,000 opportunities
    changed (written again as they are, so the kept organisation stays the same)."""
    from django.db import transaction
    from django.db.models import F

    from revsight.analytics.replica import rebuild_replica, refresh_replica
    from revsight.core.versions import mark_changed
    from revsight.crm.models import Opportunity

    started = time.perf_counter()
    status = rebuild_replica()
    whole = time.perf_counter() - started
    figure(f"replica full build ({sum(status.rows.values()):,} rows)", whole, "s")
    ids = list(Opportunity.objects.order_by("pk").values_list("pk", flat=True)[:10_000])
    with transaction.atomic():
        Opportunity.objects.filter(pk__in=ids).update(amount=F("amount"))
        mark_changed("opportunities")
    started = time.perf_counter()
    refresh_replica()
    report(
        "replica refresh after 10,000 opportunities changed",
        time.perf_counter() - started,
        "the full build",
        whole,
    )
    return whole


def bench_all_metrics() -> None:
    """Every catalogue metric by salesperson for a quarter, against the hand-written query of
    the core set for the same quarter (`bench/limit.py`)."""
    from bench.limit import hand_written
    from revsight.analytics import compute
    from revsight.analytics.context import end_of_day_utc
    from revsight.analytics.replica import connect, replica_file
    from revsight.core import periods
    from revsight.core.models import Organisation

    quarter = periods.containing("quarter", AS_OF, Organisation.current().fiscal_year_start_month)
    boundary = end_of_day_utc(AS_OF, Organisation.current().time_zone)
    connection = connect(replica_file()).con
    compute(None, quarter.id, AS_OF, "rep")
    report(
        "all metrics by rep, a quarter, DuckDB replica",
        median_seconds(lambda: compute(None, quarter.id, AS_OF, "rep"), 3),
        "hand-written core set SQL, the quarter",
        median_seconds(
            lambda: hand_written(connection, quarter.start, quarter.end, AS_OF, boundary), 3
        ),
    )


def bench_dashboards() -> None:
    """The company dashboard (the president's) and a team's (the manager's) computed afresh,
    and the company's from the cache, against the login page."""
    from django.core.cache import cache
    from django.test import Client

    from bench.__main__ import _managers_team
    from revsight.org.models import User

    anonymous = Client(HTTP_HOST="localhost")
    login = median_seconds(lambda: anonymous.get("/login/"), 15)
    for email, url, name in (
        ("president@example.com", f"/dashboard/company/?as_of={AS_OF}", "company dashboard"),
        (
            "manager@example.com",
            f"/dashboard/team/{_managers_team()}/?as_of={AS_OF}",
            "team dashboard",
        ),
    ):
        client = Client(HTTP_HOST="localhost")
        client.force_login(User.objects.get(email=email))

        def cold(client: Client = client, url: str = url) -> None:
            cache.clear()
            assert client.get(url).status_code == 200

        report(f"{name}, computed afresh", median_seconds(cold, 1), "login page", login)
        report(
            f"{name}, cached",
            median_seconds(lambda c=client, u=url: c.get(u), 9),
            "login page",
            login,
        )


def main() -> None:
    home = Path(os.environ.setdefault("REVSIGHT_HOME", ".revsight-bench-large")).resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revsight.settings")
    os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from revsight.routine import pages

    # A slow page is handed to a worker and answers with its progress: here every page is
    # drawn in the request, since the figures are of the computation, not of the queue.
    pages.pending = lambda *args, **kwargs: None
    ran_on = machine()
    print(f"Revsight benchmarks on the large demo, {ran_on['cores']} cores\n")
    build()
    bench_replica()
    bench_limit()
    bench_all_metrics()
    bench_dashboards()
    ran_on["load_average"] = [round(load, 2) for load in os.getloadavg()]
    save(ran_on, RESULTS, MARKS)
    print(f"\nKept in {RESULTS} and docs/performance.md.")


if __name__ == "__main__":
    main()
