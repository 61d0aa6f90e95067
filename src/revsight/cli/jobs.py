"""`revsight worker` and `revsight jobs list|show|retry`: the background jobs (docs/jobs.md).

The command line is the operator's and sees every job; a retry from here runs as the operator.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import click

from revsight.cli.base import CommandError, format_option, needs_django, pending_migrations

STATES = ["queued", "running", "done", "failed", "interrupted"]


def _ready() -> None:
    if pending_migrations():
        raise CommandError("The database is not initialised: run `revsight init` first.")


@click.command()
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    envvar="REVSIGHT_WORKER_THREADS",
    help="Jobs run at once. Default: 2.",
)
@needs_django
def worker(threads: int | None) -> None:
    """Run the background jobs (imports, backtests, rebuilds, schedules) until stopped.

    Ctrl+C (SIGINT) lets running jobs finish first; SIGTERM stops at once, and a job it stops
    is marked interrupted, its writes undone, ready to be retried.
    """
    from django.conf import settings

    from revsight.cli.base import data_location
    from revsight.jobs import queue, services

    _ready()
    logging.basicConfig(format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("huey").setLevel(logging.INFO)
    me = queue.become_worker()
    found = services.reconcile()
    if found:
        click.echo(
            f"{found} job{'s' if found != 1 else ''} left running by a stopped worker: "
            "marked interrupted."
        )
    options = dict(settings.HUEY.get("consumer", {}))
    if threads:
        options["workers"] = threads
    click.echo(f"Revsight worker {me.name} on {data_location()}: {options['workers']} at once.")
    consumer = queue.HUEY.create_consumer(**options)
    try:
        consumer.run()
    finally:
        me.stop()


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs: list them, show one, retry one that failed or was interrupted."""


def _row(job: dict[str, Any]) -> str:
    progress = job["progress"] or {}
    done, total = progress.get("done"), progress.get("total")
    shown = f"{done:,}/{total:,}" if done is not None and total else (f"{done:,}" if done else "")
    when = (job["started_at"] or job["queued_at"])[:16].replace("T", " ")
    return (
        f"{job['id']:>6}  {job['kind_label']:<18} {job['state']:<11} {shown:>15}  {when}  "
        f"{job['started_by']:<24} {job['label']}"
    )


@jobs_group.command("list")
@click.option("--state", type=click.Choice(STATES), help="Only jobs in this state.")
@click.option("--kind", help="Only jobs of this kind (import, backtest, analytics_rebuild…).")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@format_option("table", "json")
@needs_django
def jobs_list(state: str | None, kind: str | None, limit: int, fmt: str) -> None:
    """The latest jobs, newest first."""
    from revsight.jobs import services

    _ready()
    jobs = services.visible_jobs(None)
    if state:
        jobs = jobs.filter(state=state)
    if kind:
        jobs = jobs.filter(kind=kind)
    found = [services.as_json(job) for job in jobs[:limit]]
    if fmt == "json":
        click.echo(json.dumps(found, ensure_ascii=False))
        return
    if not found:
        click.echo("No jobs yet.")
        return
    click.echo(
        f"{'id':>6}  {'kind':<18} {'state':<11} {'progress':>15}  {'started':<16}  "
        f"{'started by':<24} on"
    )
    for job in found:
        click.echo(_row(job))


@jobs_group.command("show")
@click.argument("job_id", type=int)
@format_option("text", "json")
@needs_django
def jobs_show(job_id: int, fmt: str) -> None:
    """One job: its state, progress, times, and result or error."""
    from revsight.jobs import services

    _ready()
    job = services.as_json(services.find(job_id))
    if fmt == "json":
        click.echo(json.dumps(job, ensure_ascii=False))
        return
    for key in (
        "id",
        "kind_label",
        "label",
        "state",
        "started_by",
        "queued_at",
        "started_at",
        "finished_at",
        "retry_of",
    ):
        if job[key] not in (None, ""):
            click.echo(f"{key.replace('_', ' '):<12} {job[key]}")
    if job["progress"]:
        click.echo(f"{'progress':<12} {json.dumps(job['progress'], ensure_ascii=False)}")
    if job["error"]:
        click.echo(f"{'error':<12} {job['error']}")
    if job["result"] is not None:
        click.echo(f"{'result':<12} {json.dumps(job['result'], ensure_ascii=False, indent=2)}")


@jobs_group.command("retry")
@click.argument("job_id", type=int)
@format_option("text", "json")
@needs_django
def jobs_retry(job_id: int, fmt: str) -> None:
    """Queue a failed or interrupted job again (as a new job); a worker runs it."""
    from revsight.jobs import services

    _ready()
    job = services.retry(job_id)
    if fmt == "json":
        click.echo(json.dumps(services.as_json(job), ensure_ascii=False))
        return
    click.echo(f"Queued job {job.pk} (a retry of job {job_id}); `revsight jobs show {job.pk}`.")


COMMANDS = (worker, jobs_group)
