"""An upload through the Import page is a job on the queue the organisation is configured with —
huey's SQLite storage (the embedded default) or Redis (`REDIS_URL`) — taken off it by a worker,
which reports its progress and ends with the same JSON summary as `revsight import`."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from huey.storage import RedisStorage, SqliteStorage

from revsight.core.models import Organisation
from revsight.jobs import services
from revsight.jobs.models import Job, State
from revsight.jobs.queue import HUEY
from tests.importers import exports
from tests.importers.helpers import cli_import
from tests.people import Cast
from tests.web.clients import logged_in, uploads

# A worker commits as it goes and closes its connection after each task (huey's `db_task`), as
# a worker in its own process does: the test cannot run inside a transaction it rolls back.
pytestmark = pytest.mark.django_db(transaction=True)

REDIS_URL = "redis://127.0.0.1:6379/15"


def _redis_storage() -> RedisStorage:
    # A queue name of its own: two test runs sharing the machine's Redis never take each
    # other's tasks.
    storage = RedisStorage(name=f"revsight-test-{uuid.uuid4().hex}", url=REDIS_URL)
    try:
        storage.conn.ping()
    except Exception as exc:  # the server is not running here
        if os.environ.get("REVSIGHT_REQUIRE_REDIS"):
            raise
        pytest.skip(f"no Redis at {REDIS_URL}: {exc}")
    return storage


@pytest.fixture(params=["sqlite", "redis"])
def queue(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The queue a worker reads, in place of the tests' immediate mode."""
    if request.param == "sqlite":
        storage = SqliteStorage(name="revsight", filename=str(tmp_path / "queue.sqlite3"))
    else:
        storage = _redis_storage()
    real = HUEY.storage
    HUEY.immediate = False
    HUEY.storage = storage
    try:
        yield request.param
    finally:
        storage.flush_all()
        HUEY.storage = real


def _work_off() -> list[int]:
    """What `revsight worker` does with each task it takes off the queue."""
    ran = []
    while (task := HUEY.dequeue()) is not None:
        HUEY.execute(task)
        ran.append(task.args[0])
    return ran


def test_an_upload_waits_on_the_queue_and_a_worker_imports_it(
    queue: str, cast: Cast, tmp_path: Path
) -> None:
    Organisation.current()
    export = exports.salesforce(tmp_path / "sf")
    response = logged_in(cast.admin).post(
        "/import/", {"source": "salesforce", "uploads": uploads(export), "dry_run": "on"}
    )
    job = Job.objects.get()
    assert response.status_code == 302
    assert job.state == State.QUEUED
    assert HUEY.pending_count() == 1

    assert _work_off() == [job.pk]
    job.refresh_from_db()
    assert job.state == State.DONE
    assert job.worker == services.current_worker()
    assert job.progress["unit"] == "rows"
    assert job.progress["done"] == job.progress["total"] > 0
    code, document = cli_import("salesforce", export, "--dry-run")
    assert code == 0
    assert job.result == document
    page = logged_in(cast.admin).get(f"/import/?job={job.pk}").content.decode()
    assert "data-poll" not in page
    assert '<td>Opportunities</td><td class="num">4</td>' in page
