"""The routine's kinds of job and the periodic task that starts them (found by `jobs/apps.py`).

Every minute each worker's huey runs `schedules_tick`, which starts whatever schedule is due
(once per occurrence, whatever the number of workers), then looks at the watched folder and
pre-warms the pages when the data changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from revsight.core.progress import Progress
from revsight.importers.tasks import sweep as uploads_sweep
from revsight.jobs import services
from revsight.routine import pages, prewarm, schedules, watch

# The jobs' own modules (the cadence, the forecasts, the statistical libraries under them) are
# imported when a job runs: every command and page loads this module at start-up.


def may_run_schedules(actor: Any) -> bool:
    """A schedule's job run again by hand (a retry): executives and administrators."""
    return bool(actor.is_authenticated and actor.sees_everything)


def _occurrence(params: dict[str, Any]) -> datetime:
    from revsight.core import clock

    return datetime.fromisoformat(params["occurrence"]).astimezone(clock.zone())


def _snapshot(params: dict[str, Any], actor: Any, progress: Progress) -> dict[str, Any]:
    from revsight.forecasting.snapshots import take_snapshot

    day = _occurrence(params).date()
    progress.start(None, unit="deals", note=f"The open pipeline at the end of {day}")
    taken = take_snapshot(day)
    return {"day": day.isoformat(), "deals": taken.deals, "value": round(taken.value, 2)}


def _reminders(params: dict[str, Any], actor: Any, progress: Progress) -> dict[str, Any]:
    from revsight.routine import reminders

    return reminders.remind(_occurrence(params).date())


def _freshness(params: dict[str, Any], actor: Any, progress: Progress) -> dict[str, Any]:
    from revsight.routine import freshness

    return freshness.check(_occurrence(params), int(params.get("days") or 7))


def _priorities(params: dict[str, Any], actor: Any, progress: Progress) -> dict[str, Any]:
    from revsight.routine import priorities

    return priorities.prepare_all(_occurrence(params))


def _assessments(params: dict[str, Any], actor: Any, progress: Progress) -> dict[str, Any]:
    from revsight.routine import assessment_reminders

    return assessment_reminders.remind(_occurrence(params).date())


def _monday(params: dict[str, Any], actor: Any, progress: Progress) -> dict[str, Any]:
    from revsight.routine import monday

    return monday.send(_occurrence(params).date())


__all__ = ["pages", "schedules_tick"]  # pages: its kind of job is defined on import

services.define("pipeline_snapshot", "Pipeline snapshot", _snapshot, may_run_schedules)
services.define("forecast_reminders", "Forecast reminders", _reminders, may_run_schedules)
services.define("freshness_check", "Data-freshness check", _freshness, may_run_schedules)
services.define("monday_meeting", "Monday meeting agenda", _monday, may_run_schedules)
services.define("weekly_priorities", "Weekly priorities", _priorities, may_run_schedules)
services.define(
    "self_assessment_reminders", "Self-assessment reminders", _assessments, may_run_schedules
)


@db_periodic_task(crontab(minute="*"))
def schedules_tick() -> None:
    """Every minute, in every worker: start what is due, look at the watched folder, pre-warm
    the recently viewed pages when the data changed, and remove uploads no job will read."""
    schedules.tick()
    watch.scan()
    prewarm.check()
    uploads_sweep()
