"""Jobs through their service: run and finished with a result or an error, seen only by whom
they concern, retried once failed or interrupted, and interrupted when their worker is gone."""

from __future__ import annotations

import pytest
import time_machine

from revsight.access import visibility
from revsight.core.errors import Conflict, NotAllowed, NotFound
from revsight.jobs import services
from revsight.jobs.models import Job, State
from revsight.jobs.queue import JobProgress, take
from tests.people import Cast

pytestmark = pytest.mark.django_db


def test_a_job_runs_with_its_starter_s_rights_and_keeps_its_result(
    cast: Cast, counting: str
) -> None:
    job = services.submit(counting, {"to": 3}, actor=cast.east_rep, label="three")
    job.refresh_from_db()
    assert job.state == State.DONE
    assert job.result == {"counted": 3, "as": "ann@acme.test"}
    assert job.progress == {"done": 3, "total": 3, "unit": "steps", "note": "", "counts": {}}
    assert job.started_at is not None
    assert job.finished_at is not None
    assert job.finished_at >= job.started_at
    assert job.origin() == "Ann"


def test_a_failing_job_keeps_its_error_and_no_result(cast: Cast, counting: str) -> None:
    job = services.submit(counting, {"to": 2, "fail": True}, actor=cast.admin)
    job.refresh_from_db()
    assert job.state == State.FAILED
    assert job.error == "The count went wrong on purpose."
    assert job.result is None
    assert job.progress["done"] == 2


def test_a_kind_refuses_who_may_not_start_it(cast: Cast) -> None:
    with pytest.raises(NotAllowed, match="import"):
        services.submit("import", {}, actor=cast.east_rep)
    assert not Job.objects.exists()


def test_an_unknown_kind_is_not_found(cast: Cast) -> None:
    with pytest.raises(NotFound, match="no kind of job called 'nonsense'"):
        services.submit("nonsense", {}, actor=cast.admin)


def _running(cast: Cast, worker: str) -> Job:
    job = Job.objects.create(kind="count", params={"to": 1}, started_by=cast.east_rep)
    Job.objects.filter(pk=job.pk).update(state=State.RUNNING, worker=worker)
    progress = JobProgress(job.pk)
    progress.start(10, unit="rows")
    progress.advance(4)
    return Job.objects.get(pk=job.pk)


def test_a_running_job_whose_worker_is_gone_is_interrupted_when_read(cast: Cast) -> None:
    job = _running(cast, "elsewhere.example:4242")  # no heartbeat from it
    shown = services.find(job.pk, cast.east_manager)
    assert shown.state == State.INTERRUPTED
    assert "stopped before it finished" in shown.error
    assert shown.progress["done"] == 4  # what it had reported, kept on the row
    assert shown.finished_at is not None


def test_a_running_job_whose_worker_beats_stays_running(cast: Cast) -> None:
    from revsight.jobs.queue import Worker

    worker = Worker()
    worker.beat()
    try:
        job = _running(cast, worker.name)
        assert services.find(job.pk).state == State.RUNNING
        assert services.progress_of(job) == {
            "done": 4,
            "total": 10,
            "unit": "rows",
            "note": "",
            "counts": {},
        }
    finally:
        worker.stop()
    # Once its heartbeat is gone, so is the worker.
    assert services.find(job.pk).state == State.INTERRUPTED


@pytest.mark.parametrize(
    ("position", "sees_rep_job", "sees_schedule_job"),
    [
        ("east_rep", True, False),
        ("east_rep2", False, False),
        ("east_manager", True, True),
        ("vp", True, True),
        ("west_manager", False, True),
        ("admin", True, True),
        ("president", True, True),
    ],
)
def test_a_person_sees_their_own_jobs_their_teams_and_managers_the_schedules(
    cast: Cast, position: str, sees_rep_job: bool, sees_schedule_job: bool
) -> None:
    mine = Job.objects.create(kind="count", started_by=cast.east_rep, state=State.DONE)
    scheduled = Job.objects.create(kind="count", schedule="weekly snapshot", state=State.DONE)
    seen = set(services.visible_jobs(getattr(cast, position)).values_list("pk", flat=True))
    assert (mine.pk in seen) is sees_rep_job
    assert (scheduled.pk in seen) is sees_schedule_job
    assert visibility.can_see(getattr(cast, position), mine) is sees_rep_job


def test_a_failed_job_is_retried_as_a_new_job_by_whoever_retries(cast: Cast, counting: str) -> None:
    failed = services.submit(counting, {"to": 1, "fail": True}, actor=cast.east_rep)
    retried = services.retry(failed.pk, cast.east_manager)
    retried.refresh_from_db()
    assert retried.pk != failed.pk
    assert retried.retry_of_id == failed.pk
    assert retried.started_by == cast.east_manager
    assert retried.state == State.FAILED  # it fails the same way again
    assert services.as_json(retried)["retry_of"] == failed.pk


def test_only_failed_or_interrupted_jobs_are_retried(cast: Cast, counting: str) -> None:
    done = services.submit(counting, {"to": 1}, actor=cast.admin)
    with pytest.raises(Conflict, match="only failed or interrupted jobs are retried"):
        services.retry(done.pk, cast.admin)


def test_a_job_one_may_not_see_is_not_found_to_retry(cast: Cast, counting: str) -> None:
    failed = services.submit(counting, {"to": 1, "fail": True}, actor=cast.east_rep)
    with pytest.raises(NotFound):
        services.retry(failed.pk, cast.west_manager)


def _queued(cast: Cast) -> Job:
    return Job.objects.create(kind="count", params={"to": 1}, started_by=cast.east_rep)


def test_a_queued_job_taken_by_a_worker_that_died_is_interrupted_and_retryable(
    cast: Cast, counting: str
) -> None:
    job = _queued(cast)
    take(job.pk, "elsewhere.example:4242")  # took it off the queue, then no heartbeat
    shown = services.find(job.pk, cast.east_manager)
    assert shown.state == State.INTERRUPTED
    assert "stopped before it could start it" in shown.error
    assert shown.started_at is None
    retried = services.retry(job.pk, cast.east_manager)
    retried.refresh_from_db()
    assert (retried.state, retried.retry_of_id) == (State.DONE, job.pk)


def test_a_queued_job_taken_by_a_beating_worker_stays_queued(cast: Cast) -> None:
    from revsight.jobs.queue import Worker

    worker = Worker()
    worker.beat()
    try:
        job = _queued(cast)
        take(job.pk, worker.name)
        assert services.find(job.pk).state == State.QUEUED
        assert services.as_json(services.find(job.pk))["worker"] == worker.name
    finally:
        worker.stop()


def test_a_queued_job_neither_on_the_queue_nor_taken_is_interrupted_once_settled(
    cast: Cast,
) -> None:
    with time_machine.travel("2026-12-02 09:00:00Z", tick=False):
        job = _queued(cast)  # its task never reached the queue (or was lost with it)
        assert services.find(job.pk).state == State.QUEUED  # a worker may be about to take it
    with time_machine.travel("2026-12-02 09:00:16Z", tick=False):  # three heartbeats of 5 s
        assert services.find(job.pk).state == State.INTERRUPTED
