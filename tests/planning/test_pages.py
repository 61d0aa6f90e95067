"""The capacity plan's pages: who may plan what, the plan from the form, saving, comparing
and deleting scenarios, and refused input shown above the form with nothing stored."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from revsight.core.models import AuditEntry, Organisation
from revsight.planning import services
from revsight.planning.models import CapacityScenario
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db

FORM: dict[str, Any] = {
    "quarter": ["2027-Q1", "2027-Q2", "", ""],
    "amount": ["100000", "120,000", "", ""],
    "quota": "10000",
    "attainment": "90%",
    "ramp": "50%, 100%",
    "attrition": "30%",
    "lead_time": "1",
    "as_of": "2026-12-15",
}
TEXT = {
    "objectives": "2027-Q1=100000, 2027-Q2=120000",
    "quota": "10000",
    "attainment": "90%",
    "ramp": "50%, 100%",
    "attrition": "30%",
    "lead_time": "1",
}


@pytest.fixture(autouse=True)
def team(cast: Cast) -> Cast:
    Organisation.current()
    for person in (cast.east_rep, cast.east_rep2, cast.west_rep):
        person.hire_date = date(2024, 1, 1)
        person.save()
    return cast


def stored() -> list[tuple[Any, ...]]:
    return [
        *CapacityScenario.objects.values_list("name", "as_of", "team_id", "parameters"),
        *AuditEntry.objects.values_list("action", "summary"),
    ]


def test_the_planner_shows_the_plan_for_the_parameters_typed(cast: Cast) -> None:
    response = logged_in(cast.president).get("/planning/capacity/", FORM)

    assert response.status_code == 200
    document = response.context["document"]
    assert [q["quarter"] for q in document["quarters"]] == ["2027-Q1", "2027-Q2"]
    assert (
        document["quarters"][0]["capacity"]
        == services.as_json(services.build(TEXT, date(2026, 12, 15)))["quarters"][0]["capacity"]
    )
    html = response.content.decode()
    assert "Open the position by" in html
    assert 'data-figure="fig-capacity"' in html


def test_a_manager_plans_their_own_team_and_not_the_company(cast: Cast) -> None:
    client = logged_in(cast.east_manager)

    own = client.get("/planning/capacity/", FORM)
    assert own.status_code == 200
    assert own.context["team"] == cast.east
    assert [p["email"] for p in own.context["document"]["parameters"]["salespeople"]] == [
        "ann@acme.test",
        "ben@acme.test",
    ]
    assert client.get("/planning/capacity/", {**FORM, "team": cast.west.pk}).status_code == 404
    assert "Planning" in own.content.decode()


def test_salespeople_and_consultants_do_not_plan_capacity(cast: Cast) -> None:
    for person, first in (
        (cast.east_rep, "/planning/business/"),
        (cast.consultant, "/planning/training/"),
    ):
        client = logged_in(person)
        response = client.get("/planning/capacity/")
        assert response.status_code == 403
        assert client.get("/planning/")["Location"] == first
        assert 'href="/planning/capacity/"' not in client.get(first, follow=True).content.decode()


def test_saving_a_scenario_keeps_the_parameters_and_audits_who_saved_it(cast: Cast) -> None:
    response = logged_in(cast.vp).post(
        "/planning/capacity/", {**FORM, "team": cast.sales.pk, "name": "Sales growth"}
    )

    saved = CapacityScenario.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/planning/capacity/{saved.pk}/?saved=1"
    assert (saved.name, saved.as_of, saved.team, saved.created_by) == (
        "Sales growth",
        date(2026, 12, 15),
        cast.sales,
        cast.vp,
    )
    assert saved.parameters["objectives"] == "2027-Q1=100000.00, 2027-Q2=120000.00"
    entry = AuditEntry.objects.get(action="planning.scenario_saved")
    assert entry.actor == cast.vp
    page = logged_in(cast.vp).get(response["Location"])
    assert page.status_code == 200
    assert page.context["actuals"] == []  # the plan starts in 2027
    assert "Saved." in page.content.decode()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": ["lots", "", "", ""]}, "objectives"),
        ({"quarter": ["2026-Q4", "", "", ""]}, "objectives"),
        ({"quota": ""}, "quota"),
        ({"attainment": "2 thirds"}, "attainment"),
        ({"ramp": "50%, 150%"}, "ramp"),
        ({"attrition": "-1%"}, "attrition"),
        ({"lead_time": "three"}, "lead-time"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"as_of": "2026-13-01"}, "as_of"),
    ],
)
def test_refused_input_names_the_field_and_stores_nothing(
    cast: Cast, change: dict[str, Any], field: str
) -> None:
    before = stored()

    response = logged_in(cast.president).post(
        "/planning/capacity/", {**FORM, "name": "Plan", **change}
    )

    assert response.status_code in (200, 400)
    assert response.context["error"].field == field
    assert "Nothing was saved." in response.content.decode()
    assert stored() == before


def test_a_manager_cannot_save_a_company_plan(cast: Cast) -> None:
    before = stored()

    response = logged_in(cast.east_manager).post("/planning/capacity/", {**FORM, "name": "Mine"})

    # The manager's form is for their team: without a team they plan East, never the company.
    assert response.status_code == 302
    assert CapacityScenario.objects.get().team == cast.east
    assert len(stored()) == len(before) + 2
    with pytest.raises(services.NotAllowed):
        services.save_scenario(cast.east_manager, "Company", TEXT, date(2026, 12, 15), None)


def test_scenarios_are_seen_by_their_teams_managers_and_executives_only(cast: Cast) -> None:
    east = services.save_scenario(
        cast.east_manager, "East plan", TEXT, date(2026, 12, 15), cast.east
    )
    company = services.save_scenario(cast.president, "Company plan", TEXT, date(2026, 12, 15), None)

    assert logged_in(cast.west_manager).get(f"/planning/capacity/{east.pk}/").status_code == 404
    assert logged_in(cast.east_manager).get(f"/planning/capacity/{company.pk}/").status_code == 404
    assert logged_in(cast.vp).get(f"/planning/capacity/{east.pk}/").status_code == 200
    listed = logged_in(cast.east_manager).get("/planning/capacity/", FORM).context["scenarios"]
    assert [s.name for s in listed] == ["East plan"]


def test_scenarios_compare_side_by_side(cast: Cast) -> None:
    one = services.save_scenario(cast.president, "Base", TEXT, date(2026, 12, 15), None)
    two = services.save_scenario(
        cast.president, "Stretch", {**TEXT, "objectives": "2027-Q2=200000, 2027-Q3=1"},
        date(2026, 12, 15), None,
    )  # fmt: skip

    response = logged_in(cast.president).get(
        "/planning/capacity/compare/", {"id": [one.pk, two.pk]}
    )

    assert response.status_code == 200
    table = dict(response.context["table"])
    assert list(table) == ["2027-Q1", "2027-Q2", "2027-Q3"]
    assert table["2027-Q1"][1] is None  # not in Stretch
    assert table["2027-Q2"][1]["objective"] == 200_000
    assert response.context["hires"] == [
        services.plan_of(one).plan.hire_count,
        services.plan_of(two).plan.hire_count,
    ]


def test_deleting_a_scenario_is_audited(cast: Cast) -> None:
    found = services.save_scenario(cast.president, "Old", TEXT, date(2026, 12, 15), None)

    response = logged_in(cast.admin).post(f"/planning/capacity/{found.pk}/", {"do": "delete"})

    assert response.status_code == 302
    assert not CapacityScenario.objects.exists()
    assert AuditEntry.objects.filter(action="planning.scenario_deleted", actor=cast.admin).exists()
