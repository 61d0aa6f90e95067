"""Settings pages: who may open which, and that a bad value is shown by name and saves nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from revsight.core.models import Organisation
from revsight.crm.models import Stage
from revsight.org.models import ActivityStandard, Goal, Quota
from tests.importers.helpers import snapshot
from tests.people import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def organisation(db: None) -> None:
    Organisation.current()  # exists after `revsight init`; pages read it


PAGES = [
    "/settings/quotas/",
    "/settings/goals/",
    "/settings/stages/",
    "/settings/standards/",
    "/settings/fiscal-year/",
]


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize(
    ("position", "allowed"),
    [
        ("president", PAGES),
        ("admin", PAGES),
        ("east_manager", PAGES[:2]),
        ("east_rep", []),
        ("consultant", []),
    ],
)
def test_who_may_open_which_settings(cast: Cast, position: str, allowed: list[str]) -> None:
    client = logged_in(getattr(cast, position))
    for page in PAGES:
        assert client.get(page).status_code == (200 if page in allowed else 403), page


def test_a_manager_saves_quotas_for_their_team(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    page = client.get("/settings/quotas/?year=2026").content.decode()
    assert f'name="q-{cast.east_rep.pk}-2026-03"' in page
    assert f'name="q-{cast.west_rep.pk}-2026-03"' not in page
    response = client.post(
        "/settings/quotas/?year=2026", {f"q-{cast.east_rep.pk}-2026-03": "50000"}
    )
    assert response.status_code == 302
    assert Quota.objects.get(user=cast.east_rep).amount == Decimal("50000.00")


def test_a_bad_quota_is_named_and_nothing_saved(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    before = snapshot()
    response = client.post(
        "/settings/quotas/?year=2026",
        {f"q-{cast.east_rep.pk}-2026-03": "50000", f"q-{cast.east_rep2.pk}-2026-04": "lots"},
    )
    page = response.content.decode()
    assert "<strong>quota ben@acme.test 2026-04</strong> (lots) is not an amount" in page
    assert 'value="lots"' in page  # what was typed stays, to be corrected
    assert snapshot() == before


def test_a_negative_quota_is_named_and_nothing_saved(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    before = snapshot()
    response = client.post("/settings/quotas/?year=2026", {f"q-{cast.east_rep.pk}-2026-03": "-5"})
    page = response.content.decode()
    assert "<strong>quota ann@acme.test 2026-03</strong> (-5) must be zero or more" in page
    assert snapshot() == before


def test_stages_page_saves_and_refuses_a_bad_probability(cast: Cast) -> None:
    stage = Stage.objects.create(name="Qualify", order=1, probability=Decimal("0.1"))
    client = logged_in(cast.admin)
    form = {
        "id": [stage.pk, ""],
        "name": ["Qualify", "Demo"],
        "order": ["1", "2"],
        "probability": ["15", "30"],
        "outcome": ["open", "open"],
    }
    assert client.post("/settings/stages/", form).status_code == 302
    assert list(Stage.objects.values_list("name", "probability")) == [
        ("Qualify", Decimal("0.1500")),
        ("Demo", Decimal("0.3000")),
    ]
    before = snapshot()
    form["probability"] = ["15", "130"]
    form["id"] = [stage.pk, Stage.objects.get(name="Demo").pk]
    page = client.post("/settings/stages/", form).content.decode()
    assert "<strong>stage 2 probability</strong> (130) must be between 0 and 100" in page
    assert snapshot() == before


def test_standards_page_saves_all_types_or_none(cast: Cast) -> None:
    client = logged_in(cast.president)
    form = {
        "role": "salesperson",
        "count-discovery_call": "8",
        "per-discovery_call": "month",
        "count-demonstration": "x",
        "per-demonstration": "month",
    }
    before = snapshot()
    page = client.post("/settings/standards/", form).content.decode()
    assert "<strong>demonstration count</strong> (x) is not a number" in page
    assert snapshot() == before
    form["count-demonstration"] = "4"
    assert client.post("/settings/standards/", form).status_code == 302
    assert ActivityStandard.objects.count() == 2


def test_goals_page_saves_and_names_a_bad_period(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    form = {
        "metric": "win_rate",
        "scope": "team",
        "team": cast.east.pk,
        "period": "2026-Q3",
        "target": "0.35",
    }
    assert client.post("/settings/goals/", form).status_code == 302
    assert Goal.objects.get().target == Decimal("0.3500")
    before = snapshot()
    page = client.post("/settings/goals/", {**form, "period": "next quarter"}).content.decode()
    assert "<strong>period</strong> (next quarter) is not a period id" in page
    assert snapshot() == before


def test_fiscal_year_page(cast: Cast) -> None:
    client = logged_in(cast.admin)
    assert client.post("/settings/fiscal-year/", {"month": "7"}).status_code == 302
    assert Organisation.current().fiscal_year_start_month == 7
    page = client.post("/settings/fiscal-year/", {"month": "0"}).content.decode()
    assert "must be 1 (January) to 12" in page


def test_a_quota_cell_not_on_the_page_is_refused_and_nothing_saved(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    before = snapshot()
    response = client.post(
        "/settings/quotas/?year=2026",
        {f"q-{cast.east_rep.pk}-2026-03": "50000", f"q-{cast.west_rep.pk}-2026-03": "9"},
    )
    page = response.content.decode()
    assert f"<strong>q-{cast.west_rep.pk}-2026-03</strong> (9) is not a quota cell" in page
    assert snapshot() == before


def test_a_goal_for_a_team_that_is_not_an_id_is_named(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    before = snapshot()
    form = {"metric": "win_rate", "scope": "team", "team": "east", "period": "2026-Q3"}
    page = client.post("/settings/goals/", {**form, "target": "0.3"}).content.decode()
    assert "<strong>team</strong> (east) is not a team id" in page
    assert snapshot() == before
