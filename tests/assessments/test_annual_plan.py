"""The annual sales plan worksheet: the answers kept per fiscal year with last year's beside
them, the year's figures for reference, the links to the year's goals and to a capacity
scenario, who writes and who reads, and the printable PDF."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from pypdf import PdfReader

from revsight.assessments import annual_plan_services as plans
from revsight.assessments.annual_plan_models import AnnualPlan
from revsight.core.errors import InvalidInput, NotAllowed
from revsight.core.models import Organisation
from revsight.org.models import Goal, GoalScope
from revsight.planning.models import CapacityScenario
from tests.api.data import deal
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(cast: Cast) -> Iterator[None]:
    Organisation.current()
    with time_machine.travel("2026-12-04 15:00Z", tick=False):
        yield


ANSWERS = {
    "went_well": "Enterprise renewals closed early.",
    "went_badly": "Two reps left in the spring.",
    "key_drivers": "New logos in the mid-market.",
    "offerings_assumptions": "The platform sells itself to IT buyers.",
    "offerings_assumptions_holds": "partly",
}


def test_the_default_year_is_the_next_once_the_last_quarter_has_begun() -> None:
    assert plans.year_of("", date(2026, 12, 4)) == 2027
    assert plans.year_of("", date(2026, 6, 30)) == 2026
    assert plans.year_of("FY2027") == 2027


@pytest.mark.parametrize("raw", ["27", "next", "2027.5", "3000"])
def test_a_bad_year_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        plans.year_of(raw)
    assert raised.value.field == "year"


def test_an_executive_writes_the_plan_and_a_manager_reads_it(cast: Cast) -> None:
    plans.save(cast.president, 2027, ANSWERS)
    found = plans.plan_of(cast.east_manager, 2027)
    assert found is not None
    assert found.answers["went_well"] == "Enterprise renewals closed early."
    assert found.answers["offerings_assumptions_holds"] == "partly"
    assert found.answers["risks"] == ""
    with pytest.raises(NotAllowed):
        plans.save(cast.east_manager, 2027, {"risks": "A recession"})
    with pytest.raises(NotAllowed):
        plans.plan_of(cast.east_rep, 2027)
    assert logged_in(cast.east_rep).get("/assessments/annual-plan/2027/").status_code == 403


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"risks": "x" * 8001}, "risks"),
        ({"offerings_assumptions_holds": "maybe"}, "offerings_assumptions_holds"),
        ({"went_well": "a\x00b"}, "went_well"),
    ],
)
def test_a_bad_answer_names_its_field_and_leaves_the_plan_as_it_was(
    cast: Cast, data: dict[str, str], field: str
) -> None:
    plans.save(cast.president, 2027, ANSWERS)
    with pytest.raises(InvalidInput) as raised:
        plans.save(cast.president, 2027, {**ANSWERS, **data})
    assert raised.value.field == field
    assert AnnualPlan.objects.get(year=2027).answers["went_well"] == ANSWERS["went_well"]


def test_the_plan_links_to_goals_of_its_year_and_a_capacity_scenario(cast: Cast) -> None:
    ours = Goal.objects.create(
        metric="bookings", scope=GoalScope.COMPANY, period="2027-Q1", target=Decimal(900_000)
    )
    other = Goal.objects.create(
        metric="bookings", scope=GoalScope.COMPANY, period="2026-Q4", target=Decimal(800_000)
    )
    scenario = CapacityScenario.objects.create(
        name="Hire two", as_of=date(2026, 11, 1), parameters={}
    )
    with pytest.raises(InvalidInput) as raised:
        plans.save(cast.president, 2027, ANSWERS, goal_ids=[ours.pk, other.pk])
    assert raised.value.field == "goals[2]"
    assert not AnnualPlan.objects.exists()
    found = plans.save(
        cast.president, 2027, ANSWERS, goal_ids=[ours.pk], scenario_id=str(scenario.pk)
    )
    assert list(found.goals.all()) == [ours]
    assert found.capacity_scenario == scenario
    with pytest.raises(InvalidInput) as raised:
        plans.save(cast.president, 2027, ANSWERS, scenario_id="999")
    assert raised.value.field == "capacity_scenario"


def test_the_figures_are_the_year_behind_the_plan_and_the_year_so_far(cast: Cast) -> None:
    deal(cast.east_rep, "W1", stage="Won", amount="30000", close=date(2026, 2, 10))
    deal(cast.east_rep, "W2", stage="Won", amount="20000", close=date(2026, 8, 3))
    deal(cast.west_rep, "W3", stage="Won", amount="50000", close=date(2026, 11, 20))
    found = plans.figures_of(2026, date(2026, 12, 4))
    assert found is not None
    assert found.label == "FY2026 to 4 Dec 2026"
    assert found.bookings == 100_000
    assert found.bookings_by_quarter == [
        ("2026-Q1", 30_000),
        ("2026-Q2", 0),
        ("2026-Q3", 20_000),
        ("2026-Q4", 50_000),
    ]
    assert found.headcount == 3
    assert plans.figures_of(2027, date(2026, 12, 4)) is None
    complete = plans.figures_of(2025, date(2026, 12, 4))
    assert complete is not None
    assert complete.label == "FY2025"


def test_the_page_shows_last_years_answer_beside_each_question(cast: Cast) -> None:
    plans.save(cast.president, 2026, {"went_well": "The partner channel opened."})
    page = logged_in(cast.president).get("/assessments/annual-plan/2027/").content.decode()
    assert "The partner channel opened." in page
    assert "FY2026's answers are shown beside each question" in page

    response = logged_in(cast.president).post("/assessments/annual-plan/2027/", ANSWERS)
    assert response.status_code == 302
    read = logged_in(cast.east_manager).get("/assessments/annual-plan/2027/").content.decode()
    assert "Enterprise renewals closed early." in read
    assert "Holds in part" in read
    assert "<textarea" not in read  # a manager reads it


def test_a_bad_answer_on_the_page_is_shown_and_nothing_is_stored(cast: Cast) -> None:
    response = logged_in(cast.president).post(
        "/assessments/annual-plan/2027/", {**ANSWERS, "capability_assumptions_holds": "perhaps"}
    )
    assert response.status_code == 200
    assert "must be one of yes, partly, no" in response.content.decode()
    assert not AnnualPlan.objects.exists()


def test_the_plan_prints_as_a_pdf(cast: Cast) -> None:
    deal(cast.east_rep, "W1", stage="Won", amount="30000", close=date(2026, 2, 10))
    plans.save(cast.president, 2026, {"went_well": "The partner channel opened."})
    company = Goal.objects.create(
        metric="bookings", scope=GoalScope.COMPANY, period="2027", target=Decimal(3_600_000)
    )
    east = Goal.objects.create(
        metric="bookings",
        scope=GoalScope.TEAM,
        team=cast.east,
        period="2027-Q1",
        target=Decimal(450_000),
    )
    plans.save(cast.president, 2027, ANSWERS, goal_ids=[company.pk, east.pk])
    assert logged_in(cast.president).get("/assessments/annual-plan/2027/").status_code == 200
    response = logged_in(cast.east_manager).get("/assessments/annual-plan/2027.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "annual-plan-FY2027.pdf" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Annual sales plan FY2027" in text
    assert "Enterprise renewals closed early." in text
    assert "The partner channel opened." in text  # last year's answer
    assert "30,000" in text  # FY2026's bookings
    assert "3,600,000" in text
    assert "450,000" in text
    assert "Company" in text
