"""Rebuilding the analytics replica as a job (from the Jobs page, or a schedule)."""

from __future__ import annotations

from typing import Any

from revsight.core.progress import Progress
from revsight.jobs import services
from revsight.jobs.models import Job

REBUILD = "analytics_rebuild"


def may_rebuild(actor: Any) -> bool:
    """The replica is the organisation's: executives and administrators rebuild it."""
    return bool(actor.is_authenticated and actor.sees_everything)


def queue_rebuild(actor: Any = None) -> Job:
    return services.submit(REBUILD, {}, actor=actor, label="the DuckDB replica")


def _run(params: dict[str, Any], actor: Any, progress: Progress) -> dict[str, Any]:
    from revsight.analytics.replica import rebuild_replica  # Ibis, only when the job runs

    status = rebuild_replica(progress)
    return {"seconds": round(status.seconds or 0.0, 1), "rows": dict(status.rows)}


services.define(REBUILD, "Analytics rebuild", _run, may_rebuild)
