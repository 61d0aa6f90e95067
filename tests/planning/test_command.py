"""`revsight plan capacity` and `revsight plan scenarios` as another tool calls them: the JSON
contract of issue 16 recomputed independently to the cent, the team from the data at the
as-of date, saved scenarios, and refused input that names the option and stores nothing."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from revsight.cli import cli
from revsight.core.models import AuditEntry, Organisation
from revsight.planning.models import CapacityScenario
from tests.people import Cast
from tests.planning.reference import month_capacity

pytestmark = pytest.mark.django_db

OBJECTIVES = "2027-Q1=100000,2027-Q2=120,000.50,2027-Q3=150000"
BASE = [
    "--objectives", OBJECTIVES, "--quota", "10000", "--attainment", "0.9", "--ramp", "0.5,1",
    "--attrition", "0.3", "--lead-time", "1", "--as-of", "2026-12-15",
]  # fmt: skip


@pytest.fixture(autouse=True)
def team(cast: Cast) -> Cast:
    Organisation.current()
    for person, hired, left in (
        (cast.east_rep, date(2026, 12, 1), None),  # in their first month on the as-of date
        (cast.east_rep2, date(2020, 3, 9), None),
        (cast.west_rep, date(2025, 1, 1), date(2026, 12, 10)),  # gone before the as-of date
    ):
        person.hire_date, person.end_date = hired, left
        person.save()
    return cast


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["plan", *args])
    return result.exit_code, result.output


def capacity_json(*extra: str) -> dict[str, Any]:
    code, output = run("capacity", *BASE, "--format", "json", *extra)
    assert code == 0, output
    return json.loads(output)


def test_the_json_is_the_fixed_model_recomputed_to_the_cent() -> None:
    document = capacity_json()

    team = [(date(2026, 12, 1), 0.9), (date(2020, 3, 9), 0.9)]
    hires = [
        date(int(h["start"][:4]), int(h["start"][5:]), 1)
        for h in document["hires"]
        for _ in range(h["count"])
    ]
    first = date(2027, 1, 1)
    assert [m["month"] for m in document["months"]] == [f"2027-{m:02d}" for m in range(1, 10)]
    for month in document["months"]:
        day = date(2027, int(month["month"][5:]), 1)
        reps, now = month_capacity(day, first, 10_000, 0.3, [0.5, 1], team, [], 0.9)
        _, planned = month_capacity(day, first, 10_000, 0.3, [0.5, 1], team, hires, 0.9)
        assert month["effective_reps"] == round(reps, 4)
        assert month["capacity"] == round(now, 2)
        assert month["planned_capacity"] == round(planned, 2)
    quarters = {q["quarter"]: q for q in document["quarters"]}
    assert list(quarters) == ["2027-Q1", "2027-Q2", "2027-Q3"]
    assert [q["objective"] for q in quarters.values()] == [100_000, 120_000.5, 150_000]
    assert [q["capacity"] for q in quarters.values()] == [52_434.02, 47_960.94, 43_869.45]
    assert [q["planned_capacity"] for q in quarters.values()] == [
        105_379.74,
        146_776.68,
        155_972.35,
    ]
    for q in quarters.values():
        assert q["gap"] == round(q["objective"] - q["capacity"], 2)
        assert q["reachable"] is True
        assert q["planned_capacity"] >= q["objective"]
    # Ann's first month is December, her half-productive one: by January she is fully ramped.
    assert document["months"][0]["effective_reps"] == 2
    assert document["hires"][0]["open_by"] == "2027-01-01"  # a month before a February start
    assert document["parameters"]["earliest_start"] == "2027-02"
    assert [p["email"] for p in document["parameters"]["salespeople"]] == [
        "ann@acme.test",
        "ben@acme.test",
    ]
    assert set(document) == {"as_of", "team", "months", "quarters", "hires", "parameters"}
    assert document["as_of"] == "2026-12-15"


def test_the_hires_are_the_fewest_each_as_late_as_it_can_start() -> None:
    # The worked example of docs/planning.md: the team books 52,434.02 of Q1's 100,000; a
    # February hire adds 13,236.43 there, a March one only 4,500, so four start in February.
    # They carry Q2 (146,776.68). Q3 is 15,744.66 short: one hire from July adds 21,717.01,
    # from August only 13,236.43.
    hires = capacity_json()["hires"]

    assert hires == [
        {"open_by": "2027-01-01", "start": "2027-02", "count": 4},
        {"open_by": "2027-06-01", "start": "2027-07", "count": 1},
    ]


def test_a_team_plans_with_its_own_salespeople_only(team: Cast) -> None:
    document = capacity_json("--team", "West")

    assert document["team"] == "West"
    assert document["parameters"]["salespeople"] == []  # Carla left before the as-of date
    assert all(m["capacity"] == 0 for m in document["months"])


def test_the_table_lists_quarters_hires_and_months() -> None:
    code, output = run("capacity", *BASE)

    assert code == 0, output
    assert "2027-Q2  120,000.50" in output
    assert "4 starting 2027-02: open the position by 2027-01-01" in output
    assert output.count("\n2027-0") == 9


def test_a_saved_scenario_is_listed_and_shows_the_same_plan() -> None:
    code, output = run("capacity", *BASE, "--save", "Base case")
    assert code == 0, output
    assert "Saved as the scenario 'Base case'." in output
    saved = CapacityScenario.objects.get()
    assert (saved.name, saved.as_of, saved.created_by) == ("Base case", date(2026, 12, 15), None)
    assert (
        saved.parameters["objectives"] == "2027-Q1=100000.00, 2027-Q2=120000.50, 2027-Q3=150000.00"
    )
    entry = AuditEntry.objects.get(action="planning.scenario_saved")
    assert entry.summary == "Capacity scenario 'Base case' saved: 5 hires"

    code, listed = run("scenarios", "--format", "json")
    assert [s["name"] for s in json.loads(listed)["scenarios"]] == ["Base case"]
    code, shown = run("capacity", "--scenario", "base case", "--format", "json")
    assert json.loads(shown) == capacity_json()


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--objectives", "2026-Q4=1000", "'2026-Q4=1000' is for a quarter that starts before"),
        ("--objectives", "2027-Q1=lots", "--objectives '2027-Q1=lots' is not an amount"),
        ("--objectives", "2027-M1=5", "--objectives '2027-M1=5' is not a period id"),
        ("--objectives", "2027-01=5", "'2027-01=5' names a period that is not a quarter"),
        ("--objectives", "2027-Q1=5,2027-Q1=6", "gives 2027-Q1 a second time"),
        ("--quota", "0", "--quota '0' must be more than zero"),
        ("--quota", "-5", "--quota '-5' must be zero or more"),
        ("--attainment", "ninety", "--attainment 'ninety' is not a share: write 0.9 or 90%"),
        ("--attainment", "450%", "--attainment '450%' must be from 0 to 300%"),
        ("--ramp", "0,1.5", "--ramp '1.5' must be from 0 to 100%"),
        ("--attrition", "100%", "--attrition '100%' must be less than 100%"),
        ("--lead-time", "2.5", "--lead-time '2.5' must be a whole number of months, 0 to 24"),
        ("--team", "North", "--team 'North' is not the name of a team"),
        ("--as-of", "2026-02-30", "Invalid value for '--as-of'"),
    ],
)  # fmt: skip
def test_bad_input_names_the_option_and_saves_nothing(
    option: str, value: str, message: str
) -> None:
    args = list(BASE)
    if option in args:
        args[args.index(option) + 1] = value
    else:
        args += [option, value]
    before = (CapacityScenario.objects.count(), AuditEntry.objects.count())

    code, output = run("capacity", *args, "--save", "Refused")

    assert code == 2, output
    assert message in output
    assert (CapacityScenario.objects.count(), AuditEntry.objects.count()) == before


def test_measured_attainment_needs_months_to_measure() -> None:
    args = list(BASE)
    args[args.index("--attainment") + 1] = "measured"

    code, output = run("capacity", *args)

    assert code == 2
    assert "--attainment 'measured' needs a fully ramped salesperson with a quota" in output
