"""What the Forecast page shows, as typed parts: the periods one forecasts, the team's
submissions and who has not submitted, each person's track record, the statistical outlook of
the viewer's scope and the pipeline math. Pages only arrange them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from revsight.access import visibility
from revsight.analytics.dashboard_scope import (
    Scope,
    company_scope,
    landing_scope,
    members_of,
    team_scope,
)
from revsight.analytics.kept import kept, kept_already, last_kept
from revsight.analytics.scopes import membership, narrowed
from revsight.core import periods
from revsight.core.models import Organisation
from revsight.forecasting.accuracy import TrackRecord, track_records
from revsight.forecasting.backtest import remembered
from revsight.forecasting.outlook import Outlook, outlook
from revsight.forecasting.pipeline_math import PipelineMath, RepNeed, pipeline_math
from revsight.forecasting.rollup import committed, latest_submissions
from revsight.org.models import Role, TeamTree, User


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


def team_forecasts(
    viewer: User, targets: list[periods.Period], today: date, team_id: int | None = None
) -> TeamForecasts:
    """The latest commit and best case of each salesperson the viewer manages (in the team
    `team_id` and its sub-teams, when given), per period."""
    sellers = visibility.scope(viewer, User.objects.filter(role=Role.SALESPERSON, is_active=True))
    if team_id is not None:
        sellers = sellers.filter(team_id__in=TeamTree.load().descendants(team_id))
    people = list(sellers.exclude(pk=viewer.pk).order_by("name"))
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
    viewer: User, targets: list[periods.Period], chosen: str | None, team_id: int | None = None
) -> tuple[Scope, periods.Period] | None:
    """The viewer's landing scope, or the team they chose (`team_id`: one they may open, else
    NotFound), and the period; None when there is nothing to forecast (a salesperson's own
    page, a team without salespeople)."""
    scope = landing_scope(viewer) if team_id is None else team_scope(viewer, team_id)
    if scope is None or scope.kind == "rep":
        return None
    period = next((p for p in targets if p.id == chosen), targets[0])
    if not members_of(scope, period).keys:
        return None
    return scope, period


def scope_outlook(
    viewer: User,
    targets: list[periods.Period],
    chosen: str | None,
    today: date,
    team_id: int | None = None,
) -> ScopeOutlook | None:
    """The outlook of the viewer's landing scope, or of the team they chose."""
    found = _outlook_scope(viewer, targets, chosen, team_id)
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
    viewer: User,
    targets: list[periods.Period],
    chosen: str | None,
    today: date,
    team_id: int | None = None,
) -> Computing:
    """Which of the page's costly parts (outlook, pipeline math, track records) the viewer
    would wait for; `missing` is empty when all are kept."""
    names = []
    found = _outlook_scope(viewer, targets, chosen, team_id)
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


@dataclass(frozen=True)
class ScopeChoice:
    label: str
    team_id: int | None  # None: the company (or the viewer's own landing scope)
    depth: int


def scope_choices(viewer: User) -> list[ScopeChoice]:
    """What the Forecast page switches between: for an executive the company and every team,
    for a manager of several teams each of them (sub-teams indented); nothing for one team."""
    tree = TeamTree.load()
    if viewer.sees_everything:
        shown = set(tree.parents)
        options = [ScopeChoice(Organisation.current().name, None, 0)]
    else:
        shown = visibility.managed_team_ids(viewer)
        options = []
    options += [ScopeChoice(tree.names[pk], pk, depth) for pk, depth in tree.depth_first(shown)]
    return options if len(options) > 1 else []


# The backtest's methods and horizons as a sales leader says them; the ids stay in the details.
METHOD_NAMES = {
    "combined": "Revsight's forecast: every method, weighed by its record",
    "statistical": "Deal by deal (from what such deals did)",
    "leading_indicators": "From activity levels (calls, meetings, demos)",
    "rep_commit": "Salespeople's commit",
    "weighted_pipeline": "Pipeline × stage probability",
    "trailing_mean": "Average of the last three months",
    "pipeline_conversion": "Pipeline × the share of it won lately",
}
HORIZON_NAMES = {
    "month": "this month",
    "month+1": "next month",
    "month+2": "in two months",
    "quarter": "the next three months",
}


def backtest_rows(backtest: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The backtest's scores with each method and horizon in words, best first per horizon
    (the smallest error on past months)."""
    if backtest is None:
        return []
    rows = [
        row
        | {
            "name": METHOD_NAMES.get(row["method"], row["method"]),
            "horizon_name": HORIZON_NAMES.get(row["horizon"], row["horizon"]),
            "not_forecast": not_forecast(row.get("skipped", [])),
        }
        for row in backtest["rows"]
    ]
    order = list(HORIZON_NAMES)
    return sorted(
        rows,
        key=lambda row: (
            order.index(row["horizon"]) if row["horizon"] in order else len(order),
            row["wape"] is None,
            row["wape"] or 0,
        ),
    )


def recommended_parts(outlook: Outlook) -> list[dict[str, Any]]:
    """How the recommended forecast is made, in words: each method's figure and its share of
    it, then the methods that said nothing and why."""
    if outlook.recommended is None:
        return []
    return [
        {
            "name": METHOD_NAMES.get(part.method, part.method),
            "forecast": part.forecast,
            "weight": part.weight,
            "skipped": part.skipped,
        }
        for part in outlook.recommended.parts
    ]


def calibration(backtest: dict[str, Any] | None) -> dict[str, Any] | None:
    """The statistical forecast's deal chances at the month horizon as the backtest scored
    them: the reliability bands, its Brier score and the stage probabilities' on the same
    deals; None before a backtest, or when it gave no chance to any deal."""
    if backtest is None:
        return None
    for row in backtest["rows"]:
        if row["method"] == "statistical" and row["horizon"] == "month" and row["reliability"]:
            return {
                "reliability": row["reliability"],
                "brier": row["brier"],
                "baseline": row.get("brier_stage_probability"),
                "n": sum(band["n"] for band in row["reliability"]),
            }
    return None


def not_forecast(skipped: list[dict[str, str]]) -> list[str]:
    """Why a method did not forecast at some origins, one line per reason with its months:
    "2 months (2025-11, 2025-12): no forecast submissions for this month before this origin"."""
    months: dict[str, list[str]] = {}
    for skip in skipped:
        months.setdefault(skip["reason"], []).append(skip["origin"][:7])
    return [
        f"{len(found)} month{'s' if len(found) > 1 else ''} ({', '.join(found)}): {reason}"
        for reason, found in months.items()
    ]


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
