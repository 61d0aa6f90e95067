"""The planned organisation chart (issue 16 §2, docs/planning.md): who reports to whom in each
of the 18 months from a capacity plan's first month, with the plan's hires as open positions
and then new hires, the attrition expected so far and the managers' span of control.

`chart` is pure arithmetic on the plan and an `Organisation`; `organisation_at` is the one read
of the data (the plan's salespeople and the teams of its scope, at its as-of date).

The rules:
- The chart shows the sales organisation: the teams of the plan's scope with a salesperson at
  or below them on the as-of date, the plan's own team always, each parent before its sub-teams.
  Salespeople without a team (company plans only) are in a box of their own, *No team*.
- A salesperson is in their team's box in every month they are employed in, the month of a
  known end date included (marked with it).
- Each planned hire is an open position from the month it is opened by until the month before
  its start, then a new hire. It goes to a leaf team of the chart (the plan's team when that is
  one), each hire in start order to the one with the fewest salespeople and earlier hires in its
  start month, ties by name; once placed it stays.
- Expected departures to date, per box and month t: the sum over its salespeople of
  1 − s^(t − first month) and over its new hires of 1 − s^(t − start), s the plan's monthly
  survival: the capacity plan's own attrition, as a figure, since nobody knows who will go.
- A manager's direct reports in a month: the salespeople and new hires of the teams they
  manage, and the managers of those teams' sub-teams (open positions count once they start).
  A team without a manager reports to the nearest manager above it. Above the span limit a
  manager has a warning; below two direct reports, a note.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from revsight.core.errors import InvalidInput
from revsight.core.periods import month_index, month_of
from revsight.org.models import Team, TeamTree
from revsight.planning import capacity
from revsight.planning.services import CapacityPlan
from revsight.planning.team import current_salespeople

MONTHS = 18
DEFAULT_SPAN = 8
SPAN_LIMITS = (1, 30)
FEWEST = 2  # fewer direct reports than this, and the manager gets a note
NO_TEAM = "No team"


@dataclass(frozen=True)
class Person:
    email: str
    name: str
    team: int | None
    since: date | None
    leaves: date | None  # a known end date

    def employed_in(self, month: int) -> bool:
        started = self.since is None or month_index(self.since) <= month
        return started and (self.leaves is None or month_index(self.leaves) >= month)


@dataclass(frozen=True)
class Unit:
    """A team as the chart shows it; id None is the box of salespeople without a team."""

    id: int | None
    name: str
    parent: int | None
    manager: str | None  # the manager's name
    manager_email: str | None


@dataclass(frozen=True)
class Organisation:
    units: tuple[Unit, ...]  # every team of the plan's scope
    people: tuple[Person, ...]  # the salespeople employed on the as-of date
    target: int | None  # the plan's team; None: the company


@dataclass(frozen=True)
class Position:
    """One planned hire, numbered in start order across the plan."""

    number: int
    team: int | None
    team_name: str
    open_by: date
    start: int  # month index

    @property
    def start_id(self) -> str:
        return f"{month_of(self.start):%Y-%m}"

    @property
    def hire_label(self) -> str:
        return f"New hire {self.number} (starts {self.start_id})"

    @property
    def open_label(self) -> str:
        return f"Open position {self.number} (starts {self.start_id})"

    def is_open(self, month: int) -> bool:
        return month_index(self.open_by) <= month < self.start


@dataclass(frozen=True)
class Alert:
    month: int
    manager: str
    email: str
    teams: tuple[str, ...]
    span: int
    kind: str  # "over" the span limit, or "under" two direct reports
    message: str


@dataclass(frozen=True)
class Box:
    unit: Unit
    parent: str | None  # the parent box's team
    depth: int
    leaf: bool  # no sub-team of it is in the chart
    people: tuple[Person, ...]
    new_hires: tuple[Position, ...]
    open_positions: tuple[Position, ...]
    expected_departures: float
    span: int | None  # the direct reports of the team's own manager
    warning: str | None
    note: str | None


@dataclass(frozen=True)
class MonthChart:
    month: int
    boxes: tuple[Box, ...]
    alerts: tuple[Alert, ...]

    @property
    def id(self) -> str:
        return f"{month_of(self.month):%Y-%m}"

    @property
    def first_day(self) -> date:
        return month_of(self.month)


@dataclass(frozen=True)
class Chart:
    as_of: date
    team: str | None
    span: int
    months: tuple[MonthChart, ...]
    positions: tuple[Position, ...]

    @property
    def alerts(self) -> list[Alert]:
        return [alert for month in self.months for alert in month.alerts]


def check_span(raw: object) -> int:
    """The span limit as typed (blank: the default), a whole number from 1 to 30."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        return DEFAULT_SPAN
    low, high = SPAN_LIMITS
    problem = f"must be a whole number of direct reports from {low} to {high}"
    try:
        value = int(text)
    except ValueError:
        raise InvalidInput("span", text, problem) from None
    if not low <= value <= high:
        raise InvalidInput("span", text, problem)
    return value


def month_in(found: Chart, raw: str | None) -> MonthChart:
    """The chart's month written 2027-06 (blank: the first)."""
    text = (raw or "").strip()
    if not text:
        return found.months[0]
    for month in found.months:
        if month.id == text:
            return month
    first, last = found.months[0].id, found.months[-1].id
    raise InvalidInput("month", text, f"is not a month of the chart, {first} to {last}")


def organisation_at(as_of: date, team: Team | None) -> Organisation:
    """The plan's salespeople (`current_salespeople`) and the teams of its scope."""
    people = current_salespeople(as_of, team)
    tree = TeamTree.load()
    scope = tree.descendants(team.pk) if team is not None else set(tree.parents)
    teams = Team.objects.filter(pk__in=scope).select_related("manager").order_by("name")
    units = tuple(
        Unit(
            t.pk,
            t.name,
            t.parent_id,
            t.manager.display_name if t.manager else None,
            t.manager.email if t.manager else None,
        )
        for t in teams
    )
    staff = tuple(
        Person(p.email, p.display_name, p.team_id, p.hire_date, p.end_date) for p in people
    )
    return Organisation(units, staff, team.pk if team is not None else None)


def for_plan(result: CapacityPlan, span: int = DEFAULT_SPAN) -> Chart:
    """The chart of a capacity plan (a saved scenario's: `services.plan_of`)."""
    organisation = organisation_at(result.plan.inputs.as_of, result.team)
    return chart(result.plan, organisation, span, result.team.name if result.team else None)


def chart(
    plan: capacity.Plan,
    organisation: Organisation,
    span: int = DEFAULT_SPAN,
    team: str | None = None,
) -> Chart:
    """The 18 months' charts of the plan over the organisation, with `span` the limit."""
    limit = check_span(span)
    tree = _Tree(organisation)
    positions = place_hires(plan, organisation, tree.leaves())
    first = plan.inputs.first_month
    months = tuple(
        _month(m, tree, organisation.people, positions, plan.inputs.survival, first, limit)
        for m in range(first, first + MONTHS)
    )
    return Chart(plan.inputs.as_of, team, limit, months, positions)


class _Tree:
    """The boxes of the chart: each parent before its sub-teams, siblings by name."""

    def __init__(self, organisation: Organisation) -> None:
        units = {u.id: u for u in organisation.units}
        shown = _shown(organisation, units)
        names = {pk: units[pk].name for pk in shown}
        parents = {pk: units[pk].parent for pk in shown}
        ordered = TeamTree(parents, names).depth_first(set(shown))
        self.order: list[tuple[Unit, int]] = [(units[pk], depth) for pk, depth in ordered]
        if not ordered or any(p.team not in units for p in organisation.people):
            self.order.append((Unit(None, NO_TEAM, None, None, None), 0))
        self.shown = {unit.id: unit for unit, _ in self.order}
        self.parent_ids = {unit.parent for unit, _ in self.order if unit.parent in self.shown}

    def parent(self, unit: Unit) -> Unit | None:
        return self.shown.get(unit.parent) if unit.parent is not None else None

    def leaves(self) -> list[Unit]:
        real = [u for u, _ in self.order if u.id is not None and u.id not in self.parent_ids]
        return real or [unit for unit, _ in self.order if unit.id is None]

    def lead(self, unit: Unit) -> Unit | None:
        """The unit whose manager the team's people report to: its own, else the nearest
        managed one above."""
        seen: set[int | None] = set()
        found: Unit | None = unit
        while found is not None and found.manager_email is None and found.id not in seen:
            seen.add(found.id)
            found = self.parent(found)
        return found if found is not None and found.manager_email else None


def _shown(organisation: Organisation, units: dict[int | None, Unit]) -> list[int]:
    """The teams with a salesperson at or below them, and the plan's own team."""
    starts = {p.team for p in organisation.people} | {organisation.target}
    shown: list[int] = []
    for team in starts:
        while team is not None and team in units and team not in shown:
            shown.append(team)
            team = units[team].parent
    return shown


def place_hires(
    plan: capacity.Plan, organisation: Organisation, leaves: Sequence[Unit]
) -> tuple[Position, ...]:
    """Each hire, in start order, to the leaf team with the fewest salespeople (and hires
    placed before) in its start month; ties by the team's name."""
    placed: list[Position] = []
    for hire in sorted(plan.hires, key=lambda h: h.start):
        open_by = hire.open_by(plan.inputs.lead_time)
        for _ in range(hire.count):
            sizes = {u.id: _size(u, hire.start, organisation.people, placed) for u in leaves}
            chosen = min(leaves, key=lambda u: (sizes[u.id], u.name))
            placed.append(Position(len(placed) + 1, chosen.id, chosen.name, open_by, hire.start))
    return tuple(placed)


def _size(unit: Unit, month: int, people: Sequence[Person], placed: Sequence[Position]) -> int:
    staff = sum(1 for p in people if p.team == unit.id and p.employed_in(month))
    return staff + sum(1 for q in placed if q.team == unit.id)


@dataclass(frozen=True)
class _Members:
    unit: Unit
    depth: int
    people: tuple[Person, ...]
    new_hires: tuple[Position, ...]
    open_positions: tuple[Position, ...]


def _members(
    month: int, tree: _Tree, people: Sequence[Person], positions: Sequence[Position]
) -> list[_Members]:
    found = []
    for unit, depth in tree.order:
        staff = sorted(
            (p for p in people if p.team == unit.id and p.employed_in(month)),
            key=lambda p: (p.name, p.email),
        )
        mine = [q for q in positions if q.team == unit.id]
        hired = tuple(q for q in mine if q.start <= month)
        opening = tuple(q for q in mine if q.is_open(month))
        found.append(_Members(unit, depth, tuple(staff), hired, opening))
    return found


def _direct_reports(tree: _Tree, rows: Iterable[_Members]) -> dict[str, int]:
    """Each manager's direct reports (by email): their teams' salespeople and new hires, and
    the managers of those teams' sub-teams."""
    counts: dict[str, int] = {}
    below: dict[str, set[str]] = {}
    for row in rows:
        lead = tree.lead(row.unit)
        if lead is not None and lead.manager_email:
            email = lead.manager_email
            counts[email] = counts.get(email, 0) + len(row.people) + len(row.new_hires)
        parent = tree.parent(row.unit)
        above = tree.lead(parent) if parent is not None else None
        own = row.unit.manager_email
        if above is not None and above.manager_email and own and own != above.manager_email:
            below.setdefault(above.manager_email, set()).add(own)
    for unit, _ in tree.order:
        if unit.manager_email:
            counts.setdefault(unit.manager_email, 0)
    return {email: n + len(below.get(email, ())) for email, n in counts.items()}


def _alerts(month: int, tree: _Tree, spans: dict[str, int], limit: int) -> list[Alert]:
    alerts: dict[str, Alert] = {}
    for unit, _ in tree.order:
        email = unit.manager_email
        if email is None or unit.manager is None:
            continue
        if email in alerts:
            previous = alerts[email]
            alerts[email] = replace(previous, teams=(*previous.teams, unit.name))
            continue
        n = spans[email]
        reports = f"{n} direct report{'s' if n != 1 else ''}"
        if n > limit:
            message = f"{unit.manager} has {reports}, more than the span of {limit}"
            alerts[email] = Alert(month, unit.manager, email, (unit.name,), n, "over", message)
        elif n < FEWEST:
            message = f"{unit.manager} has {reports}: fewer than {FEWEST}"
            alerts[email] = Alert(month, unit.manager, email, (unit.name,), n, "under", message)
    return list(alerts.values())


def expected_departures(
    people: Sequence[Person], hires: Sequence[Position], month: int, first: int, survival: float
) -> float:
    """Departures expected by the month among the box's people (1 − s^months elapsed each)."""
    current = sum(1 - survival ** (month - first) for _ in people)
    return float(current + sum(1 - survival ** (month - q.start) for q in hires))


def _month(
    month: int,
    tree: _Tree,
    people: Sequence[Person],
    positions: Sequence[Position],
    survival: float,
    first: int,
    limit: int,
) -> MonthChart:
    rows = _members(month, tree, people, positions)
    spans = _direct_reports(tree, rows)
    alerts = _alerts(month, tree, spans, limit)
    by_email = {a.email: a for a in alerts}
    boxes = []
    for row in rows:
        email = row.unit.manager_email
        alert = by_email.get(email) if email else None
        parent = tree.parent(row.unit)
        boxes.append(
            Box(
                unit=row.unit,
                parent=parent.name if parent else None,
                depth=row.depth,
                leaf=row.unit.id not in tree.parent_ids,
                people=row.people,
                new_hires=row.new_hires,
                open_positions=row.open_positions,
                expected_departures=expected_departures(
                    row.people, row.new_hires, month, first, survival
                ),
                span=spans.get(email) if email else None,
                warning=alert.message if alert and alert.kind == "over" else None,
                note=alert.message if alert and alert.kind == "under" else None,
            )
        )
    return MonthChart(month, tuple(boxes), tuple(alerts))


@dataclass(frozen=True)
class Run:
    """An alert over consecutive months, as the page's table shows it."""

    manager: str
    teams: tuple[str, ...]
    kind: str
    first: int
    last: int
    most: int  # the largest span in the run (the smallest, for "under")

    @property
    def first_id(self) -> str:
        return _month_id(self.first)

    @property
    def last_id(self) -> str:
        return _month_id(self.last)


def runs(alerts: Sequence[Alert]) -> list[Run]:
    """The alerts merged over consecutive months of the same manager and kind."""
    open_runs: dict[tuple[str, str], Run] = {}
    done: list[Run] = []
    for alert in sorted(alerts, key=lambda a: a.month):
        key = (alert.email, alert.kind)
        run = open_runs.get(key)
        if run is not None and run.last == alert.month - 1:
            worse = max if alert.kind == "over" else min
            open_runs[key] = Run(
                run.manager,
                run.teams,
                run.kind,
                run.first,
                alert.month,
                worse(run.most, alert.span),
            )
            continue
        if run is not None:
            done.append(run)
        open_runs[key] = Run(
            alert.manager, alert.teams, alert.kind, alert.month, alert.month, alert.span
        )
    return sorted([*done, *open_runs.values()], key=lambda r: (r.first, r.manager, r.kind))


def _month_id(month: int) -> str:
    return f"{month_of(month):%Y-%m}"


def box_json(box: Box) -> dict[str, Any]:
    return {
        "team": box.unit.name,
        "manager": box.unit.manager,
        "manager_email": box.unit.manager_email,
        "parent": box.parent,
        "people": [
            {
                "email": p.email,
                "name": p.name,
                "since": p.since.isoformat() if p.since else None,
                "leaves": p.leaves.isoformat() if p.leaves else None,
            }
            for p in box.people
        ],
        "new_hires": [{"label": q.hire_label, "start": _month_id(q.start)} for q in box.new_hires],
        "open_positions": [
            {"label": q.open_label, "open_by": q.open_by.isoformat(), "start": _month_id(q.start)}
            for q in box.open_positions
        ],
        "expected_departures": round(box.expected_departures, 4),
        "span": box.span,
        "warning": box.warning,
        "note": box.note,
    }


def as_json(
    found: Chart, scenario: str | None = None, months: Sequence[MonthChart] | None = None
) -> dict[str, Any]:
    """The `revsight plan org-chart --format json` document (all 18 months unless `months`)."""
    shown = found.months if months is None else months
    return {
        "scenario": scenario,
        "as_of": found.as_of.isoformat(),
        "team": found.team,
        "span": found.span,
        "months": [{"month": m.id, "teams": [box_json(b) for b in m.boxes]} for m in shown],
        "positions": [
            {
                "number": q.number,
                "team": q.team_name,
                "open_by": q.open_by.isoformat(),
                "start": _month_id(q.start),
            }
            for q in found.positions
        ],
        "warnings": [
            {
                "month": _month_id(a.month),
                "manager": a.manager,
                "manager_email": a.email,
                "teams": list(a.teams),
                "span": a.span,
                "kind": a.kind,
                "message": a.message,
            }
            for m in shown
            for a in m.alerts
        ],
    }
