"""A worker killed with SIGKILL in the middle of an import: the job is marked interrupted with
its error, the database is exactly as it was, and a retry imports the file. Run for real, with
`revsight worker` in a process of its own on the embedded database and its SQLite queue."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from bench.big_export import write_export

from revsight.routine import schedules
from tests.importers import exports
from tests.serving import REVSIGHT, environment, revsight

pytestmark = [pytest.mark.embedded, pytest.mark.slow]


def _job(env: dict[str, str], job_id: int) -> dict[str, Any]:
    shown: dict[str, Any] = json.loads(
        revsight(env, "jobs", "show", str(job_id), "--format", "json").stdout
    )
    return shown


def _wait_for(check: Callable[[], bool], seconds: float = 120) -> None:
    ends = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < ends, "timed out"
        time.sleep(0.5)


# The worker's own bookkeeping: its job rows.
BOOKKEEPING = ('"jobs_job"', "'jobs_job'")


def _without_schedules(database: Path) -> None:
    """Turn every schedule off, so that none fires on the real clock while the test runs (the
    Friday priorities write a week's record) and the import is the only writer."""
    with sqlite3.connect(database) as connection:
        connection.executemany(
            "INSERT INTO routine_schedule (name, enabled, weekday, at, days)"
            " VALUES (?, 0, ?, ?, ?)",
            [(d.name, d.weekday, d.at.isoformat(), d.days) for d in schedules.DEFINITIONS.values()],
        )


def _data(database: Path) -> list[str]:
    """Every row of the organisation's tables (the worker's bookkeeping apart)."""
    with sqlite3.connect(database) as connection:
        return [
            line
            for line in connection.iterdump()
            if not any(table in line for table in BOOKKEEPING)
        ]


@pytest.fixture
def worker_env(tmp_path: Path) -> dict[str, str]:
    env = environment(tmp_path / "home", REVSIGHT_WORKER_HEARTBEAT="1")
    revsight(env, "init")
    _without_schedules(Path(env["REVSIGHT_HOME"]) / "revsight.sqlite3")
    return env


@pytest.fixture
def start_worker(worker_env: dict[str, str], tmp_path: Path) -> Iterator[Any]:
    started: list[subprocess.Popen[bytes]] = []

    def start() -> subprocess.Popen[bytes]:
        log = (tmp_path / f"worker{len(started)}.log").open("wb")
        process = subprocess.Popen(
            [*REVSIGHT, "worker"], env=worker_env, stdout=log, stderr=subprocess.STDOUT
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_a_killed_worker_leaves_the_job_interrupted_and_the_data_untouched(
    worker_env: dict[str, str], start_worker: Any, tmp_path: Path
) -> None:
    # Data already there, which the killed import must leave exactly as it was.
    revsight(worker_env, "import", "salesforce", str(exports.salesforce(tmp_path / "first")))
    # Large enough to be killed well before it ends; its retry imports all of it again.
    export = write_export(tmp_path / "export", 12_000)
    queued = json.loads(
        revsight(
            worker_env, "import", "salesforce", str(export), "--background", "--format", "json"
        ).stdout
    )
    database = Path(worker_env["REVSIGHT_HOME"]) / "revsight.sqlite3"
    before = _data(database)
    assert _job(worker_env, queued["id"])["state"] == "queued"

    worker = start_worker()
    _wait_for(lambda: (_job(worker_env, queued["id"])["progress"] or {}).get("done", 0) >= 2000)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()

    interrupted = _job(worker_env, queued["id"])
    assert interrupted["state"] == "interrupted"
    assert "stopped before it finished" in interrupted["error"]
    assert interrupted["finished_at"] is not None
    assert 2000 <= interrupted["progress"]["done"] < 12_000
    assert _data(database) == before

    retry = json.loads(
        revsight(worker_env, "jobs", "retry", str(queued["id"]), "--format", "json").stdout
    )
    assert retry["retry_of"] == queued["id"]
    start_worker()
    _wait_for(lambda: _job(worker_env, retry["id"])["state"] not in ("queued", "running"))
    done = _job(worker_env, retry["id"])
    assert done["state"] == "done", done["error"]
    assert done["result"]["status"] == "ok"
    opportunities = done["result"]["entities"]["opportunities"]
    # The first export's few deals share ids with the big one's first: those are updated.
    assert opportunities["created"] + opportunities["updated"] == 12_000
    assert opportunities["updated"] < 10


def test_a_worker_starting_again_marks_the_killed_one_s_job_interrupted(
    worker_env: dict[str, str], start_worker: Any, tmp_path: Path
) -> None:
    export = write_export(tmp_path / "export", 10_000)
    revsight(worker_env, "import", "salesforce", str(export), "--background")
    worker = start_worker()
    _wait_for(lambda: (_job(worker_env, 1)["progress"] or {}).get("done", 0) >= 1000)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    start_worker()
    log = tmp_path / "worker1.log"
    _wait_for(lambda: b"marked interrupted" in log.read_bytes(), seconds=60)
    database = Path(worker_env["REVSIGHT_HOME"]) / "revsight.sqlite3"
    with sqlite3.connect(database) as connection:
        state, error = connection.execute("SELECT state, error FROM jobs_job").fetchone()
    assert state == "interrupted"
    assert "Retry it" in error


def test_a_worker_killed_after_taking_a_job_off_the_queue_leaves_it_interrupted(
    worker_env: dict[str, str], start_worker: Any, tmp_path: Path
) -> None:
    """Killed while it waited for the database's write lock to mark the job running: the job
    was on no queue any more and never running; it is interrupted, and its retry runs."""
    export = exports.salesforce(tmp_path / "export")
    queued = json.loads(
        revsight(
            worker_env, "import", "salesforce", str(export), "--background", "--format", "json"
        ).stdout
    )
    database = Path(worker_env["REVSIGHT_HOME"]) / "revsight.sqlite3"
    worker_env["REVSIGHT_SQLITE_BUSY_TIMEOUT"] = "300"  # the worker waits for the lock
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # a long import elsewhere holds the write lock
    try:
        worker = start_worker()
        _wait_for(lambda: _job(worker_env, queued["id"])["worker"] != "")
        assert _job(worker_env, queued["id"])["state"] == "queued"
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    lost = _job(worker_env, queued["id"])
    assert lost["state"] == "interrupted"
    assert "stopped before it could start it" in lost["error"]
    assert lost["started_at"] is None
    retry = json.loads(
        revsight(worker_env, "jobs", "retry", str(queued["id"]), "--format", "json").stdout
    )
    start_worker()
    _wait_for(lambda: _job(worker_env, retry["id"])["state"] not in ("queued", "running"))
    assert _job(worker_env, retry["id"])["result"]["status"] == "ok"
