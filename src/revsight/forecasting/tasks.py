"""The backtest as a job: started from the Forecast page, kept for the page as the command's."""

from __future__ import annotations

from datetime import date
from typing import Any

from revsight.access import visibility
from revsight.core.progress import Progress
from revsight.jobs import services
from revsight.jobs.models import Job

BACKTEST = "backtest"
MONTHS = 12


def may_backtest(actor: Any) -> bool:
    """Managers and above run the backtest (the Forecast page's rule)."""
    return bool(actor.is_authenticated and visibility.is_manager_or_above(actor))


def queue_backtest(as_of: date, actor: Any = None) -> Job:
    """Queue the backtest of the data as of that day, kept for the Forecast page."""
    return services.submit(
        BACKTEST, {"as_of": as_of.isoformat()}, actor=actor, label=f"as of {as_of}"
    )


def latest_backtest(actor: Any, as_of: date) -> Job | None:
    """The last backtest job of that day the person may see."""
    jobs = services.visible_jobs(actor).filter(kind=BACKTEST, params__as_of=as_of.isoformat())
    return jobs.first()


def _run(params: dict[str, Any], actor: Any, progress: Progress) -> dict[str, Any]:
    # Imported when the job runs: every command and page loads this module at start-up (the
    # jobs app finds each `tasks` module), and the backtest brings the statistical libraries.
    from revsight.analytics.session import session
    from revsight.forecasting.backtest import backtest, remember

    as_of = date.fromisoformat(params["as_of"])
    with session():
        origins, scores = backtest(as_of, MONTHS, progress=progress)
    remember(as_of, origins, scores)
    return {"as_of": as_of.isoformat(), "origins": len(origins), "methods": len(scores)}


services.define(BACKTEST, "Backtest", _run, may_backtest)
