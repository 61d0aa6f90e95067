"""The one way jobs are started, run, finished and retried.

A kind of job is defined once, in its domain package's `tasks` module, with `define(kind,
label, run, may_start)`: `run(params, progress)` does the work and returns the result (JSON);
`may_start(actor)` says who may start it (actor None: the command line or a schedule).
`submit` checks it, writes the queued row and puts the job on the queue; the worker's `execute`
marks it running, calls `run` and writes the outcome. A job whose worker died is found by
`reconcile` and marked interrupted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from huey.contrib.djhuey import db_task

from revsight.access import visibility
from revsight.core.errors import Conflict, NotAllowed, NotFound, RevsightError
from revsight.core.progress import Progress
from revsight.jobs.models import Job, State
from revsight.jobs.queue import (
    JobProgress,
    alive,
    current_worker,
    live_progress,
    on_the_queue,
    take,
    taker,
)

log = logging.getLogger(__name__)

Run = Callable[[dict[str, Any], Any, Progress], dict[str, Any] | None]


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    run: Run
    may_start: Callable[[Any], bool]
    # What to do when the job is over, whatever its outcome (remove an uploaded file).
    cleanup: Callable[[dict[str, Any], str], None] | None = None
    # Higher runs first among the jobs waiting (a page someone waits for before a backtest).
    priority: int = 0


KINDS: dict[str, Kind] = {}


def define(
    name: str,
    label: str,
    run: Run,
    may_start: Callable[[Any], bool],
    cleanup: Callable[[dict[str, Any], str], None] | None = None,
    priority: int = 0,
) -> Kind:
    """Define a kind of job (once, in a domain package's `tasks` module)."""
    kind = Kind(name, label, run, may_start, cleanup, priority)
    KINDS[name] = kind
    return kind


def kind_of(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise NotFound(f"There is no kind of job called {name!r}.") from None


def label_of(job: Job) -> str:
    kind = KINDS.get(job.kind)
    return kind.label if kind is not None else job.kind


def submit(
    name: str,
    params: dict[str, Any],
    *,
    actor: Any = None,
    schedule: str = "",
    label: str = "",
    retry_of: Job | None = None,
) -> Job:
    """Queue a job of kind `name` for `actor` (None: the command line or `schedule`)."""
    kind = kind_of(name)
    if actor is not None and not kind.may_start(actor):
        raise NotAllowed(f"You may not start {kind.label.lower()} jobs.")
    job = Job.objects.create(
        kind=name,
        params=params,
        started_by=actor,
        schedule=schedule,
        label=label,
        retry_of=retry_of,
    )
    run_job(job.pk, priority=kind.priority)
    return job


class NotYetCommitted(Exception):
    """The job's row is not visible yet (queued from inside a transaction still open)."""


# Retried while the row is not yet visible to the worker; every other outcome is the Job row's.
@db_task(retries=10, retry_delay=1)
def run_job(job_id: int) -> None:
    """The one task on the queue: run job `job_id` in this worker."""
    take(job_id, current_worker())
    execute(job_id)


def execute(job_id: int) -> Job | None:
    """Run a queued job here and write its outcome: done with its result, or failed with the
    error (an error Revsight reports in words, else the exception's type and message)."""
    if not Job.objects.filter(pk=job_id).exists():
        raise NotYetCommitted(f"Job {job_id} is not in the database yet.")
    updated = Job.objects.filter(pk=job_id, state=State.QUEUED).update(
        state=State.RUNNING, started_at=timezone.now(), worker=current_worker()
    )
    if not updated:  # already run, or interrupted and retried meanwhile
        return None
    job = Job.objects.select_related("started_by").get(pk=job_id)
    kind = KINDS.get(job.kind)
    progress = JobProgress(job.pk)
    progress.start(None)
    try:
        if kind is None:
            raise Conflict(f"This worker does not know jobs of kind {job.kind!r}.")
        result = kind.run(job.params, job.started_by, progress)
    except RevsightError as exc:
        _finish(job, State.FAILED, progress, error=str(exc))
    except Exception as exc:
        log.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, State.FAILED, progress, error=f"{type(exc).__name__}: {exc}")
    else:
        progress.complete()
        _finish(job, State.DONE, progress, result=result or {})
    return job


def _finish(
    job: Job,
    state: State,
    progress: JobProgress,
    *,
    result: dict[str, Any] | None = None,
    error: str = "",
) -> None:
    Job.objects.filter(pk=job.pk).update(
        state=state,
        finished_at=timezone.now(),
        progress=progress.state,
        result=result,
        error=error,
    )
    job.refresh_from_db()
    kind = KINDS.get(job.kind)
    if kind is not None and kind.cleanup is not None:
        kind.cleanup(job.params, state)


INTERRUPTED = (
    "The worker running this job stopped before it finished (killed, or its machine went "
    "down); nothing the job was writing was kept. Retry it to run it again."
)


LOST = (
    "The worker that took this job off the queue stopped before it could start it (killed, or "
    "its machine went down); nothing was done. Retry it to run it again."
)


def reconcile(jobs: QuerySet[Job] | None = None) -> int:
    """Mark interrupted every running job whose worker is gone, and every queued job that a
    worker took off the queue and then died with; how many were."""
    among = jobs if jobs is not None else Job.objects.all()
    running = among.filter(state=State.RUNNING)
    gone = [pk for pk, worker in running.values_list("pk", "worker") if not alive(worker)]
    for job in Job.objects.filter(pk__in=gone):
        last = live_progress(job.pk) or job.progress
        Job.objects.filter(pk=job.pk, state=State.RUNNING).update(
            state=State.INTERRUPTED, finished_at=timezone.now(), error=INTERRUPTED, progress=last
        )
    lost = _lost(among.filter(state=State.QUEUED))
    Job.objects.filter(pk__in=lost, state=State.QUEUED).update(
        state=State.INTERRUPTED, finished_at=timezone.now(), error=LOST
    )
    return len(gone) + len(lost)


def _lost(queued: QuerySet[Job]) -> list[int]:
    """Queued jobs no worker will run: taken off the queue by a worker that is gone, or (once
    queued for three heartbeats, time for a worker to take one) neither on the queue nor
    taken by a worker."""
    lost: list[int] = []
    settled = timezone.now() - timedelta(seconds=3 * int(settings.REVSIGHT_WORKER_HEARTBEAT))
    waiting: set[int] | None = None
    for pk, queued_at in queued.values_list("pk", "queued_at"):
        worker = taker(pk)
        if worker is not None:
            if not alive(worker):
                lost.append(pk)
            continue
        if queued_at < settled:
            waiting = on_the_queue() if waiting is None else waiting
            if pk not in waiting:
                lost.append(pk)
    return lost


def visible_jobs(actor: Any) -> QuerySet[Job]:
    """The jobs `actor` may see (None: the command line, which sees all): their own, their
    teams', and for managers and above those of schedules and the command line."""
    everything = Job.objects.select_related("started_by")
    jobs = everything if actor is None else visibility.scope(actor, everything)
    reconcile(jobs)
    return jobs


def find(job_id: int, actor: Any = None) -> Job:
    if not 0 < job_id < 2**63:  # no row has it, and the database could not even compare it
        raise NotFound(f"There is no job {job_id}.")
    try:
        return visible_jobs(actor).get(pk=job_id)
    except Job.DoesNotExist:
        raise NotFound(f"There is no job {job_id}.") from None


def progress_of(job: Job) -> dict[str, Any]:
    """The job's progress: live while it runs, as it was left once it finished."""
    if job.state == State.RUNNING:
        return live_progress(job.pk) or job.progress
    return job.progress


def retry(job_id: int, actor: Any = None) -> Job:
    """Queue a failed or interrupted job again, as a new job started by `actor`."""
    job = find(job_id, actor)
    if not job.retryable:
        raise Conflict(f"Job {job.pk} is {job.state}: only failed or interrupted jobs are retried.")
    return submit(
        job.kind,
        job.params,
        actor=actor,
        schedule="" if actor is not None else job.schedule,
        label=job.label,
        retry_of=job,
    )


def as_json(job: Job) -> dict[str, Any]:
    """A job as the command line's `--format json` and the Jobs page give it."""
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": label_of(job),
        "label": job.label,
        "state": job.state,
        "started_by": job.origin(),
        "queued_at": job.queued_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "progress": progress_of(job),
        "result": job.result,
        "error": job.error,
        "retry_of": job.retry_of_id,
        "worker": job.worker or (taker(job.pk) or "" if job.state == State.QUEUED else ""),
    }
