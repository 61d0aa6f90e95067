"""What the Forecast page shows, as typed parts: the periods one forecasts, the team's
submissions and who has not submitted, each person's track record, the statistical outlook of
the viewer's scope and the pipeline math. Pages only arrange them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from revsight.access import visibility
from revsight.analytics.dashboard_scope import Scope, company_scope, landing_scope, members_of
from revsight.analytics.kept import kept, kept_already, last_kept
from revsight.analytics.scopes import membership, narrowed
from revsight.core import periods
from revsight.core.models import Organisation
from revsight.forecasting.accuracy import TrackRecord, track_records
from revsight.forecasting.backtest import remembered
from revsight.forecasting.outlook import Outlook, outlook
from revsight.forecasting.pipeline_math import PipelineMath, RepNeed, pipeline_math
from revsight.forecasting.rollup import committed, latest_submissions
from revsight.org.models import Role, User


def forecast_periods(today: date) -> list[periods.Period]:
    """What one forecasts now: this month, next month and this quarter."""
    fiscal = Organisation.current().fiscal_year_start_month
    month = periods.containing("month", today, fiscal)
    following = periods.containing("month", month.end + timedelta(days=1), fiscal)
    return [month, following, periods.containing("quarter", today, fiscal)]


@dataclass(frozen=True)
class Cell:
    commit: float | None  # None: nobody has submitted ("—" rather than a total of 0)
    best_case: float | None


@dataclass(frozen=True)
class TeamRow:
    person: User
    cells: list[Cell]  # one per forecast period


@dataclass(frozen=True)
class TeamForecasts:
    team_rows: list[TeamRow]
    missing: dict[str, list[User]]  # period id -> who has not submitted for it
    totals: list[Cell]
    people: list[User]
    records: list[TrackRecord]  # best six-month accuracy first


def team_forecasts(viewer: User, targets: list[periods.Period], today: date) -> TeamForecasts:
    """The latest commit and best case of each salesperson the viewer manages, per period."""
    people = list(
        visibility.scope(viewer, User.objects.filter(role=Role.SALESPERSON, is_active=True))
        .exclude(pk=viewer.pk)
        .order_by("name")
    )
    latest = {p.id: latest_submissions(p.kind, p.start, today) for p in targets}

    def cell(period: periods.Period, ids: list[int]) -> Cell:
        found = committed(latest[period.id], ids)
        return Cell(found.commit, found.best_case)

    rows = [TeamRow(person, [cell(p, [person.pk]) for p in targets]) for person in people]
    missing = {
        period.id: [r.person for r in rows if r.cells[i].commit is None]
        for i, period in enumerate(targets)
    }
    totals = [cell(period, [p.pk for p in people]) for period in targets]
    emails = [p.email for p in people]
    reps = narrowed(membership("rep", targets[0]), emails)
    # A year of months, so the six with a forecast that the figures read are there to find.
    records = kept(
        _records_name(emails, today), lambda: track_records(today, "rep", 12, members=reps)
    )
    ranked = sorted(records, key=lambda r: -(r.rolling_accuracy or 0))
    return TeamForecasts(rows, missing, totals, people, ranked)


@dataclass(frozen=True)
class ScopeOutlook:
    """The statistical forecast of the viewer's landing scope for the chosen period, its
    pipeline math, and the organisation's backtest when one was kept for the current data."""

    scope: Scope
    chosen_period: periods.Period
    outlook: Outlook
    math: PipelineMath
    backtest: dict[str, Any] | None


def _records_name(emails: list[str], today: date) -> str:
    return f"track-records:{','.join(sorted(emails))}:{today}"


def _outlook_scope(
    viewer: User, targets: list[periods.Period], chosen: str | None
) -> tuple[Scope, periods.Period] | None:
    scope = landing_scope(viewer)
    if scope is None or scope.kind == "rep":
        return None
    return scope, next((p for p in targets if p.id == chosen), targets[0])


def scope_outlook(
    viewer: User, targets: list[periods.Period], chosen: str | None, today: date
) -> ScopeOutlook | None:
    found = _outlook_scope(viewer, targets, chosen)
    if found is None:
        return None
    scope, period = found
    shown = outlook_for(scope, period, today)
    return ScopeOutlook(scope, period, shown, scope_math(scope, period, today), remembered(today))


@dataclass(frozen=True)
class Computing:
    """What the Forecast page waits for: the names of its parts not kept for the current data,
    and the last outlook computed for its scope and period, with when (None: never)."""

    missing: list[str]
    last: tuple[Outlook, Any] | None
    scope: str  # the outlook's scope path; "" when the viewer has none


def computing(
    viewer: User, targets: list[periods.Period], chosen: str | None, today: date
) -> Computing:
    """Which of the page's costly parts (outlook, pipeline math, track records) the viewer
    would wait for; `missing` is empty when all are kept."""
    names = []
    found = _outlook_scope(viewer, targets, chosen)
    if found is not None:
        scope, period = found
        names += [_outlook_name(scope, period, today), _math_name(scope, today)]
    if visibility.is_manager_or_above(viewer):
        people = visibility.scope(
            viewer, User.objects.filter(role=Role.SALESPERSON, is_active=True)
        )
        emails = list(people.exclude(pk=viewer.pk).values_list("email", flat=True))
        names.append(_records_name(emails, today))
    missing = [name for name in names if kept_already(name) is None]
    last = last_kept(names[0]) if found is not None and missing else None
    return Computing(missing, last, found[0].path if found is not None else "")


def _outlook_name(scope: Scope, period: periods.Period, today: date) -> str:
    return f"outlook:{scope.path}:{period.id}:{today}"


def _math_name(scope: Scope, today: date) -> str:
    return f"pipeline-math:{scope.path}:{today}"


def outlook_for(scope: Scope, period: periods.Period, today: date) -> Outlook:
    """The statistical outlook of a company or team scope, kept for the data's version: the
    Forecast page and the API share it."""
    return kept(
        _outlook_name(scope, period, today),
        lambda: outlook(period, today, members_of(scope, period)),
        keep_last=True,
    )


def scope_math(scope: Scope, period: periods.Period, today: date) -> PipelineMath:
    return kept(_math_name(scope, today), lambda: pipeline_math(today, members_of(scope, period)))


def my_math(viewer: User, period: periods.Period, today: date) -> RepNeed | None:
    """The salesperson's own line of the pipeline math, among their team (or the company)."""
    team = viewer.team
    scope = Scope("team", team.name, team.name, team=team) if team else company_scope()
    found = scope_math(scope, period, today)
    return next((rep for rep in found.reps if rep.email == viewer.email), None)
