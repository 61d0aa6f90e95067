"""The capacity and hiring plan: the fixed model of docs/planning.md, pure arithmetic.

Months are `periods.month_index` numbers. The plan starts the month after the as-of date and
runs to the end of the last objective's quarter. With s = (1 − annual attrition)^(1/12), a
salesperson in tenure month m (m = 1 in the month they start) produces quota × attainment ×
r(m) in a month; an existing salesperson's output in plan month t is multiplied by s^(t − t0)
(t0 the first plan month), a planned hire's by s^(t − start). The last ramp value holds for
every later month.

`capacity` and `effective_reps` are the current team's (what hiring must add to); the planned
figures add the hires. The hires are found greedily, quarter by quarter, then made minimal
and late: no hire can be removed, or start a month later, without missing an objective that
hiring can reach (tested).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from revsight.core.periods import Period, add_months, month_index, month_of

DEFAULT_RAMP = (0, 0, 0, 0.25, 0.25, 0.25, 0.5, 0.5, 0.5, 0.75, 0.75, 0.75, 1)


@dataclass(frozen=True)
class Objective:
    quarter: Period
    amount: float


@dataclass(frozen=True)
class Salesperson:
    email: str
    name: str
    hire_date: date | None  # None: tenure unknown, counted as fully ramped
    attainment: float  # the share of quota they are expected to book when fully ramped


@dataclass(frozen=True)
class Inputs:
    as_of: date
    objectives: tuple[Objective, ...]
    quota: float  # monthly, per fully ramped salesperson
    hire_attainment: float  # the attainment expected of planned hires
    ramp: tuple[float, ...]
    attrition: float  # annual
    lead_time: int  # months from opening a position to the start date
    team: tuple[Salesperson, ...]

    @property
    def survival(self) -> float:
        return float((1 - self.attrition) ** (1 / 12))

    @property
    def first_month(self) -> int:
        return month_index(self.as_of) + 1

    @property
    def last_month(self) -> int:
        return max(month_index(o.quarter.end) for o in self.objectives)

    @property
    def earliest_start(self) -> int:
        """The first month a position opened on the as-of date (or later) can be filled."""
        month = self.first_month
        while add_months(month_of(month), -self.lead_time) < self.as_of:
            month += 1
        return month

    def ramped(self, tenure_month: int) -> float:
        if tenure_month < 1:
            return 0.0
        return float(self.ramp[min(tenure_month, len(self.ramp)) - 1])


@dataclass(frozen=True)
class Month:
    month: int
    effective_reps: float
    capacity: float
    planned_effective_reps: float
    planned_capacity: float
    starting: int  # planned hires whose first month this is


@dataclass(frozen=True)
class Levers:
    """What would close an unreachable objective's shortfall, each lever alone (None: not even
    at its limit): the attainment of everyone, the annual attrition, a ramp reaching each step
    that many months sooner."""

    attainment: float | None
    attrition: float | None
    ramp_months_sooner: int | None


@dataclass(frozen=True)
class Quarter:
    objective: Objective
    capacity: float
    planned_capacity: float
    reachable: bool
    levers: Levers | None = None

    @property
    def gap(self) -> float:
        return self.objective.amount - self.capacity

    @property
    def shortfall(self) -> float:
        return max(0.0, self.objective.amount - self.planned_capacity)


@dataclass(frozen=True)
class Hire:
    start: int
    count: int

    def open_by(self, lead_time: int) -> date:
        return add_months(month_of(self.start), -lead_time)


@dataclass
class Plan:
    inputs: Inputs
    months: list[Month] = field(default_factory=list)
    quarters: list[Quarter] = field(default_factory=list)
    hires: list[Hire] = field(default_factory=list)

    @property
    def hire_count(self) -> int:
        return sum(h.count for h in self.hires)


def team_output(inputs: Inputs, month: int) -> tuple[float, float]:
    """(effective salespeople, capacity) of the current team in a plan month."""
    decay = inputs.survival ** (month - inputs.first_month)
    reps = capacity = 0.0
    for person in inputs.team:
        if person.hire_date is None:
            share = inputs.ramped(len(inputs.ramp))
        else:
            share = inputs.ramped(month - month_index(person.hire_date) + 1)
        reps += share * decay
        capacity += inputs.quota * person.attainment * share * decay
    return reps, capacity


def hire_output(inputs: Inputs, start: int, month: int) -> tuple[float, float]:
    """(effective salespeople, capacity) of one hire starting in `start`, in `month`."""
    if month < start:
        return 0.0, 0.0
    share = inputs.ramped(month - start + 1) * inputs.survival ** (month - start)
    return share, inputs.quota * inputs.hire_attainment * share


def _months_of(objective: Objective) -> range:
    return range(month_index(objective.quarter.start), month_index(objective.quarter.end) + 1)


class _Capacities:
    """Quarter capacities of the team and of a hire by start month, computed once."""

    def __init__(self, inputs: Inputs) -> None:
        self.inputs = inputs
        self.team = [
            sum(team_output(inputs, m)[1] for m in _months_of(o)) for o in inputs.objectives
        ]
        self._hire: dict[tuple[int, int], float] = {}

    def hire(self, start: int, quarter: int) -> float:
        key = (start, quarter)
        if key not in self._hire:
            objective = self.inputs.objectives[quarter]
            self._hire[key] = sum(
                hire_output(self.inputs, start, m)[1] for m in _months_of(objective)
            )
        return self._hire[key]

    def planned(self, quarter: int, starts: Sequence[int]) -> float:
        return self.team[quarter] + sum(self.hire(s, quarter) for s in starts)


def _met(capacity: float, objective: Objective) -> bool:
    """Met when the capacity, rounded to the cent as the plan shows it, reaches the objective."""
    return round(capacity, 2) >= round(objective.amount, 2)


def _reachable(caps: _Capacities) -> list[bool]:
    earliest = caps.inputs.earliest_start
    return [
        _met(caps.team[q], o) or caps.hire(earliest, q) > 0
        for q, o in enumerate(caps.inputs.objectives)
    ]


def _all_met(caps: _Capacities, reachable: list[bool], starts: Sequence[int]) -> bool:
    return all(
        _met(caps.planned(q, starts), o)
        for q, o in enumerate(caps.inputs.objectives)
        if reachable[q]
    )


def choose_hires(caps: _Capacities, reachable: list[bool]) -> list[int]:
    """The hires' start months: enough for every reachable objective, then none that could go,
    each as late as it can be."""
    inputs = caps.inputs
    earliest, last = inputs.earliest_start, inputs.last_month
    order = sorted(range(len(inputs.objectives)), key=lambda q: inputs.objectives[q].quarter.start)
    starts: list[int] = []
    for q in order:
        if not reachable[q] or _met(caps.planned(q, starts), inputs.objectives[q]):
            continue
        # Reachable and not yet met: a hire at the earliest start adds to this quarter.
        candidates = range(earliest, min(last, month_index(inputs.objectives[q].quarter.end)) + 1)
        best = max(candidates, key=lambda s: (caps.hire(s, q), s))
        while not _met(caps.planned(q, starts), inputs.objectives[q]):
            starts.append(best)
    changed = True
    while changed:
        changed = False
        for i in sorted(range(len(starts)), key=lambda i: -starts[i]):
            if _all_met(caps, reachable, starts[:i] + starts[i + 1 :]):
                del starts[i]
                changed = True
                break
        if changed:
            continue
        for i in sorted(range(len(starts)), key=lambda i: -starts[i]):
            while starts[i] < last:
                later = [*starts[:i], starts[i] + 1, *starts[i + 1 :]]
                if not _all_met(caps, reachable, later):
                    break
                starts = later
                changed = True
    return sorted(starts)


def plan(inputs: Inputs, with_levers: bool = True) -> Plan:
    """The plan for these inputs: months, quarters against objectives, hires."""
    caps = _Capacities(inputs)
    reachable = _reachable(caps)
    starts = choose_hires(caps, reachable)
    starting = Counter(starts)
    result = Plan(inputs, hires=[Hire(s, n) for s, n in sorted(starting.items())])
    for m in range(inputs.first_month, inputs.last_month + 1):
        reps, capacity = team_output(inputs, m)
        added = [hire_output(inputs, s, m) for s in starts]
        result.months.append(
            Month(
                month=m,
                effective_reps=reps,
                capacity=capacity,
                planned_effective_reps=reps + sum(a[0] for a in added),
                planned_capacity=capacity + sum(a[1] for a in added),
                starting=starting.get(m, 0),
            )
        )
    for q, objective in enumerate(inputs.objectives):
        planned = caps.planned(q, starts)
        levers = None
        if with_levers and not reachable[q]:
            levers = levers_for(inputs, q, starts)
        result.quarters.append(Quarter(objective, caps.team[q], planned, reachable[q], levers))
    return result


def _planned_capacity(inputs: Inputs, quarter: int, starts: Sequence[int]) -> float:
    return _Capacities(inputs).planned(quarter, starts)


def _smallest(low: float, high: float, meets: Callable[[float], bool]) -> float | None:
    """The smallest value in [low, high] that meets (monotone), to four places; None if even
    `high` does not."""
    if not meets(high):
        return None
    for _ in range(60):
        middle = (low + high) / 2
        if meets(middle):
            high = middle
        else:
            low = middle
    return round(high, 4)


def levers_for(inputs: Inputs, quarter: int, starts: Sequence[int]) -> Levers:
    objective = inputs.objectives[quarter]

    def meets(changed: Inputs) -> bool:
        return _met(_planned_capacity(changed, quarter, starts), objective)

    def with_attainment(scale: float) -> Inputs:
        team = tuple(replace(p, attainment=p.attainment * scale) for p in inputs.team)
        return replace(inputs, team=team, hire_attainment=inputs.hire_attainment * scale)

    base = max([p.attainment for p in inputs.team] + [inputs.hire_attainment])
    scale = _smallest(1.0, 10.0, lambda k: meets(with_attainment(k)))
    attainment = round(inputs.hire_attainment * scale, 4) if scale is not None and base else None
    # Lower attrition helps: the highest attrition that still meets, searched on its negative.
    negative = _smallest(-inputs.attrition, 0.0, lambda a: meets(replace(inputs, attrition=-a)))
    attrition = None if negative is None else round(-negative, 4)
    sooner = None
    for months in range(1, len(inputs.ramp)):
        faster = replace(inputs, ramp=inputs.ramp[months:] or inputs.ramp[-1:])
        if meets(faster):
            sooner = months
            break
    return Levers(attainment, attrition, sooner)
