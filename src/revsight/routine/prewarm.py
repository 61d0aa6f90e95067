"""Pre-warming: after a data change (an import, a settings change, a submission — anything that
moves `version_stamp()`), the worker recomputes the dashboards and Forecast pages viewed in the
last 30 days, so the first view afterwards is a kept one. `check()` runs every minute with the
schedules and queues one warming job per version of the data."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.cache import cache

from revsight.analytics.dashboard_scope import Scope, company_scope, dashboard_period, period_of
from revsight.analytics.kept import version_stamp
from revsight.analytics.viewed import Viewed, recent
from revsight.core import clock, periods
from revsight.core.models import Organisation
from revsight.core.progress import Progress
from revsight.jobs import services as jobs
from revsight.jobs.models import Job
from revsight.org.models import Team, User

KIND = "prewarm"


def scope_of(path: str) -> Scope | None:
    """The scope a page named (`company`, `team/4`, `rep/12`, `person/31`), or None when it is
    gone."""
    kind, _, ident = path.partition("/")
    if kind == "company":
        return company_scope()
    if kind == "team" and ident.isdigit():
        team = Team.objects.filter(pk=int(ident)).first()
        return Scope("team", team.name, team.name, team=team) if team else None
    if kind in ("rep", "person") and ident.isdigit():
        person = User.objects.filter(pk=int(ident)).first()
        return Scope(kind, person.email, person.display_name, user=person) if person else None
    return None


def _warm(view: Viewed) -> bool:
    # The pages' modules (pandas, Ibis, the forecasts) are imported when a worker warms them:
    # every command loads this module at start-up.
    from revsight.analytics.dashboard import dashboard
    from revsight.analytics.dashboard_person import person_dashboard
    from revsight.forecasting.page import outlook_for, scope_math

    page, path, option, day_text = view
    scope = scope_of(path)
    if scope is None:
        return False
    given = date.fromisoformat(day_text) if day_text else None
    day = given or clock.today()
    if page in ("dashboard", "person"):
        asked, _, compare = option.partition("|")
        period, as_of = dashboard_period(asked, given, day)
        build = person_dashboard if page == "person" else dashboard
        build(scope, period, as_of, compare or "previous")
        return True
    fiscal = Organisation.current().fiscal_year_start_month
    period = periods.parse(option, day, fiscal) if option else period_of("month", day)
    outlook_for(scope, period, day)
    scope_math(scope, period, day)
    return True


def _run(params: dict[str, Any], actor: Any, progress: Progress) -> dict[str, Any]:
    views = recent()
    progress.start(len(views), unit="pages")
    warmed = 0
    from revsight.analytics.session import session

    with session():
        for view in views:
            warmed += _warm(view)
            progress.advance()
    return {"pages": warmed, "version": params.get("version", "")}


def check() -> Job | None:
    """Queue the warming of the recently viewed pages when the data changed since the last."""
    if not recent():
        return None
    stamp = version_stamp()
    # cache.add: of two workers looking at once, one queues it.
    if not cache.add(f"prewarmed:{stamp}", True, timeout=30 * 86400):
        return None
    return jobs.submit(KIND, {"version": stamp}, schedule="pre-warming", label=f"data {stamp}")


def may_run(actor: Any) -> bool:
    return bool(actor.is_authenticated and actor.sees_everything)


jobs.define(KIND, "Pre-warming", _run, may_run)
