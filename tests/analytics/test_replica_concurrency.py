"""Many readers at once, in threads and in processes, while the replica must be refreshed: each
gets the right answer, none an error, and the replica is copied once."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from revsight.analytics import compute
from revsight.analytics.replica import refresh_replica
from revsight.core.versions import mark_changed
from revsight.crm.models import Opportunity
from tests.analytics.fixtures import build_sales, late_win
from tests.people import build_cast

pytestmark = pytest.mark.django_db(transaction=True)

READERS = 8


def _in_threads(work: Any) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(READERS)
    results: list[Any] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        except BaseException as exc:  # every failure is what the test reports
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(READERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def test_eight_readers_after_a_change_each_get_the_new_figure(monkeypatch: Any) -> None:
    cast = build_cast()
    build_sales(cast)
    assert compute(["bookings"], "2026-03", date(2026, 3, 31)).value("bookings") == 48000.0
    Opportunity.objects.filter(name__isnull=False).update(amount=Decimal(0))
    late_win(cast)
    mark_changed("opportunities")
    copies: list[list[str]] = []
    original = refresh_replica

    def counted(whole: bool = False) -> list[str]:
        copied = original(whole)
        if copied:
            copies.append(copied)
        return copied

    monkeypatch.setattr("revsight.analytics.replica.refresh_replica", counted)
    results, errors = _in_threads(
        lambda: compute(["bookings"], "2026-03", date(2026, 3, 31)).value("bookings")
    )
    assert errors == []
    assert results == [2000.0] * READERS
    assert copies == [["opportunities"]]


def test_a_reader_still_open_on_the_old_replica_does_not_hide_the_new_one() -> None:
    from revsight.analytics.engine import DuckDBEngine

    cast = build_cast()
    build_sales(cast)
    reading = DuckDBEngine()  # a long page, still reading the replica as it was
    before = compute(["bookings"], "2026-03", date(2026, 3, 31), engine=reading)
    late_win(cast)
    after = compute(["bookings"], "2026-03", date(2026, 3, 31), engine=DuckDBEngine())
    assert after.value("bookings") == before.value("bookings") + 2000
    again = compute(["bookings"], "2026-03", date(2026, 3, 31), engine=reading)
    assert again.value("bookings") == before.value("bookings")  # it keeps what it opened
    reading.close()


@pytest.mark.slow
@pytest.mark.embedded
def test_processes_sharing_a_data_directory_build_the_replica_once(
    tmp_path: Any, demo_directory: Any
) -> None:
    import os
    import subprocess
    import sys

    from tests.serving import copy_demo

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["REVSIGHT_HOME"] = str(tmp_path)
    command = [sys.executable, "-m", "revsight.cli"]
    copy_demo(demo_directory, tmp_path)
    (tmp_path / "analytics.duckdb").unlink(missing_ok=True)
    metrics = [*command, "metrics", "--metric", "bookings", "--as-of", "2026-06-30"]
    running = [
        subprocess.Popen(
            [*metrics, "--format", "json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    answers = [process.communicate(timeout=120) for process in running]
    assert [process.returncode for process in running] == [0] * 4, answers
    assert len({out for out, _ in answers}) == 1
    assert len(list(tmp_path.glob("analytics-*.duckdb"))) == 1
