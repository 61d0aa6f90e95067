"""The capacity and hiring plan's fixed model (issue 16 §1, docs/planning.md): capacities as a
second, loop-by-loop reading of the statement computes them, and hires that meet every
reachable objective, none of which could go or start a month later."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from revsight.core import periods
from revsight.planning.capacity import (
    DEFAULT_RAMP,
    Inputs,
    Objective,
    Plan,
    Salesperson,
    plan,
)
from tests.planning.reference import month_capacity


def quarter(quarter_id: str) -> periods.Period:
    return periods.parse(quarter_id, date(2026, 1, 1))


def inputs(
    objectives: dict[str, float],
    *,
    as_of: date = date(2026, 12, 15),
    quota: float = 10_000,
    attainment: float = 1.0,
    ramp: tuple[float, ...] = (0.5, 1),
    attrition: float = 0.0,
    lead_time: int = 1,
    team: tuple[Salesperson, ...] = (Salesperson("old@acme.test", "Old", None, 1.0),),
) -> Inputs:
    return Inputs(
        as_of=as_of,
        objectives=tuple(Objective(quarter(q), a) for q, a in objectives.items()),
        quota=quota,
        hire_attainment=attainment,
        ramp=ramp,
        attrition=attrition,
        lead_time=lead_time,
        team=team,
    )


def starts(result: Plan) -> list[int]:
    return sorted(h.start for h in result.hires for _ in range(h.count))


def test_one_hire_starting_as_soon_as_the_lead_time_allows_closes_a_small_gap() -> None:
    # The team books 10,000 a month: 30,000 in the quarter against 45,000. A position opened
    # on 15 December with a month's lead time starts in February (January would need it open
    # by 1 December): half a month's quota in February, a full one in March.
    result = plan(inputs({"2027-Q1": 45_000}))

    assert [(h.start, h.count, h.open_by(1)) for h in result.hires] == [
        (periods.month_index(date(2027, 2, 1)), 1, date(2027, 1, 1))
    ]
    (q1,) = result.quarters
    assert (q1.capacity, q1.gap, q1.planned_capacity, q1.reachable) == (
        30_000,
        15_000,
        45_000,
        True,
    )
    assert [m.planned_capacity for m in result.months] == [10_000, 15_000, 20_000]
    assert [m.planned_effective_reps for m in result.months] == [1, 1.5, 2]


def test_an_objective_the_ramp_keeps_out_of_reach_is_flagged_with_its_levers() -> None:
    # With three months at zero, nobody who can still start produces in the first quarter.
    result = plan(inputs({"2027-Q1": 40_000}, ramp=DEFAULT_RAMP))

    (q1,) = result.quarters
    assert result.hires == []
    assert not q1.reachable
    assert q1.shortfall == 10_000
    assert q1.levers is not None
    assert q1.levers.attainment == pytest.approx(4 / 3, abs=1e-4)
    assert q1.levers.attrition is None  # none: there is no attrition to lower
    assert q1.levers.ramp_months_sooner is None  # the team is fully ramped already


def test_attrition_shrinks_the_current_team_month_by_month_from_the_plans_start() -> None:
    result = plan(inputs({"2027-Q1": 0}, attrition=0.3))

    survival = 0.7 ** (1 / 12)
    assert [m.capacity for m in result.months] == pytest.approx(
        [10_000, 10_000 * survival, 10_000 * survival**2]
    )


def test_the_plan_starts_the_month_after_the_as_of_date() -> None:
    result = plan(inputs({"2027-Q1": 0, "2027-Q2": 0}, as_of=date(2027, 1, 31)))

    assert [periods.month_of(m.month) for m in result.months][:1] == [date(2027, 2, 1)]
    assert len(result.months) == 5  # February to June


hire_dates = st.one_of(st.none(), st.dates(date(2024, 1, 1), date(2026, 11, 30)))
people = st.lists(
    st.builds(
        lambda day, share: Salesperson(f"{day}@acme.test", "x", day, share),
        hire_dates,
        st.floats(0.3, 1.3),
    ),
    max_size=6,
)
ramps = st.lists(st.sampled_from([0, 0.1, 0.25, 0.5, 0.75, 1]), min_size=1, max_size=8)
amounts = st.lists(st.floats(0, 400_000).map(lambda a: round(a, 2)), min_size=1, max_size=5)


@settings(max_examples=80, deadline=None)
@given(
    team=people,
    ramp=ramps,
    objectives=amounts,
    attrition=st.floats(0, 0.6),
    lead_time=st.integers(0, 6),
    as_of=st.dates(date(2026, 10, 1), date(2026, 12, 31)),
    attainment=st.floats(0.2, 1.2),
)
def test_hires_meet_every_reachable_objective_and_none_could_go_or_start_later(
    team: list[Salesperson],
    ramp: list[float],
    objectives: list[float],
    attrition: float,
    lead_time: int,
    as_of: date,
    attainment: float,
) -> None:
    ids = ["2027-Q1", "2027-Q2", "2027-Q3", "2027-Q4", "2028-Q1"][: len(objectives)]
    given_inputs = inputs(
        dict(zip(ids, objectives, strict=True)),
        as_of=as_of,
        quota=50_000,
        attainment=attainment,
        ramp=tuple(ramp),
        attrition=attrition,
        lead_time=lead_time,
        team=tuple(team),
    )
    result = plan(given_inputs, with_levers=False)
    first = periods.month_of(given_inputs.first_month)
    roster = [(p.hire_date, p.attainment) for p in team]

    def quarter_capacity(index: int, hires: list[int]) -> float:
        span = given_inputs.objectives[index].quarter
        months = [periods.add_months(span.start, k) for k in range(3)]
        hire_months = [periods.month_of(s) for s in hires]
        return sum(
            month_capacity(m, first, 50_000, attrition, ramp, roster, hire_months, attainment)[1]
            for m in months
        )

    def met(index: int, hires: list[int]) -> bool:
        return round(quarter_capacity(index, hires), 2) >= given_inputs.objectives[index].amount

    chosen = starts(result)
    reachable = [q.reachable for q in result.quarters]
    for index, q in enumerate(result.quarters):
        assert q.capacity == pytest.approx(quarter_capacity(index, []), abs=0.01)
        assert q.planned_capacity == pytest.approx(quarter_capacity(index, chosen), abs=0.01)
        if q.reachable:
            assert met(index, chosen)
        else:  # hiring cannot reach it: not even many hires at the earliest start would do
            assert not met(index, [])
            assert not met(index, [given_inputs.earliest_start] * 500)

    def misses(hires: list[int]) -> bool:
        return any(r and not met(i, hires) for i, r in enumerate(reachable))

    assert all(s >= given_inputs.earliest_start for s in chosen)
    for i in range(len(chosen)):
        assert misses(chosen[:i] + chosen[i + 1 :]), "a hire could go"
        if chosen[i] < given_inputs.last_month:
            later = [*chosen[:i], chosen[i] + 1, *chosen[i + 1 :]]
            assert misses(later), "a hire could start a month later"
