"""Pages that take long to compute are computed by a worker: the request answers at once with
the job's progress (polled), and the page is drawn from the kept result once the job is done.

A page asks `pending(view, actor, names)` with the names its costly parts are kept under
(`analytics/kept.py`): None when it may draw now — every part is kept, or the last computation
of their kind took less than `SLOW` seconds, so computing in the request is quicker than a round
trip through the queue — else the job computing them (one per person, page and version of the
data, however often the page is reloaded meanwhile).
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db import OperationalError, transaction
from django.utils import timezone

from revsight.analytics.kept import cost, kept_already, version_stamp
from revsight.core.progress import Progress
from revsight.jobs import services as jobs
from revsight.jobs.models import Job, State
from revsight.routine.prewarm import scope_of

KIND = "page"
# A part whose kind took this long or more, the last time, is computed by a worker.
SLOW = 1.0
# A page whose computation failed starts it again on a view this much later.
RETRY_AFTER = timedelta(minutes=5)


def dashboard_view(
    scope: str, asked: str, compare: str, given: date | None, today: date
) -> dict[str, Any]:
    """A dashboard as the job computes it: the scope's path and the page's own inputs."""
    return {
        "page": "dashboard",
        "scope": scope,
        "asked": asked,
        "compare": compare,
        "given": given.isoformat() if given else "",
        "today": today.isoformat(),
    }


def forecast_view(scope: str, chosen: str | None, today: date) -> dict[str, Any]:
    return {"page": "forecast", "scope": scope, "period": chosen or "", "today": today.isoformat()}


def pending(view: dict[str, Any], actor: Any, names: list[str]) -> Job | None:
    """The job computing `view` for `actor` when the page should wait for it, else None."""
    missing = [name for name in names if kept_already(name) is None]
    if not missing:
        return None
    if not any(_slow(name) for name in missing):
        return None
    key = (
        "computing:"
        + hashlib.sha1(repr((sorted(view.items()), actor.pk, version_stamp())).encode()).hexdigest()
    )
    last = Job.objects.filter(pk=cache.get(key) or 0, kind=KIND, started_by=actor).first()
    # The same page's job: after a restore (or a rolled-back write) the id may be another's.
    if last is not None and last.params == view and _standing(last):
        return last
    try:
        with transaction.atomic():
            job = jobs.submit(KIND, view, actor=actor, label=_label(view))
    except OperationalError:
        # The database is busy (an import holds its write lock): a page that may be read is
        # better drawn in the request than refused for want of a job row.
        return None
    cache.set(key, job.pk, timeout=24 * 3600)
    job.refresh_from_db()
    return job


def _standing(job: Job) -> bool:
    """A job still running stands, and so does a failure of the last few minutes (reloading
    the page shows the error rather than starting the same failing work again)."""
    if not job.finished:
        return True
    failed_lately = job.finished_at is not None and timezone.now() - job.finished_at < RETRY_AFTER
    return job.state != State.DONE and failed_lately


def _slow(name: str) -> bool:
    seconds = cost(name)
    return seconds is None or seconds >= SLOW


def _label(view: dict[str, Any]) -> str:
    where = view["scope"].replace("/", " ")
    return f"the {view['page']} page of {where}, as of {view.get('given') or view['today']}"


def _run(params: dict[str, Any], actor: Any, progress: Progress) -> dict[str, Any]:
    # The pages' modules bring pandas, Ibis and the forecasts: imported when a page is
    # computed, since every command and request loads this module at start-up.
    from revsight.analytics.dashboard import dashboard
    from revsight.analytics.dashboard_scope import dashboard_period
    from revsight.analytics.session import session

    scope = scope_of(params["scope"]) if params["scope"] else None
    today = date.fromisoformat(params["today"])
    with session():
        if params["page"] == "dashboard":
            if scope is None:  # removed meanwhile
                return {"computed": 0}
            progress.start(1, unit="pages", note=f"Computing the {scope.label} dashboard")
            given = date.fromisoformat(params["given"]) if params["given"] else None
            period, as_of = dashboard_period(params["asked"], given, today)
            dashboard(scope, period, as_of, params["compare"] or "previous")
            progress.advance()
            return {"computed": 1}
        return _forecast(scope, params, actor, today, progress)


def _forecast(
    scope: Any, params: dict[str, Any], actor: Any, today: date, progress: Progress
) -> dict[str, Any]:
    from revsight.forecasting.page import forecast_periods, outlook_for, scope_math, team_forecasts

    targets = forecast_periods(today)
    # As the page chooses it (`forecasting.page.scope_outlook`).
    period = next((p for p in targets if p.id == params["period"]), targets[0])
    parts = 1 if scope is None else 3
    progress.start(parts, unit="parts", note="Each salesperson's track record")
    team_forecasts(actor, targets, today)
    progress.advance()
    if scope is not None:
        progress.note("The outlook: simulating the open deals")
        outlook_for(scope, period, today)
        progress.advance()
        progress.note("The pipeline math")
        scope_math(scope, period, today)
        progress.advance()
    return {"computed": parts}


def may_compute(actor: Any) -> bool:
    """Anyone who may open a page may have it computed (the page checked what they see)."""
    return bool(actor.is_authenticated)


# Someone is looking at the page: it goes before the jobs nobody waits for.
jobs.define(KIND, "Page", _run, may_compute, priority=10)
