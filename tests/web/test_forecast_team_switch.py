"""The Forecast page's team switch: an executive looks at the company or any team, a manager of
several teams at each of hers; a team one may not open is not found, a bad one is named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from revsight.core.models import Organisation
from revsight.forecasting.page import scope_choices
from revsight.org.models import Role, Team, User
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.views]


@pytest.fixture(autouse=True)
def _in_march_2026(db: None) -> object:
    Organisation.objects.create(name="Acme")
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=False):
        yield


def test_an_executive_switches_between_the_company_and_every_team(cast: Cast) -> None:
    assert [(c.label, c.team_id, c.depth) for c in scope_choices(cast.president)] == [
        ("Acme", None, 0),
        ("Sales", cast.sales.pk, 0),
        ("East", cast.east.pk, 1),
        ("West", cast.west.pk, 1),
        ("Services", cast.services.pk, 0),
    ]
    client = logged_in(cast.president)
    company = client.get("/forecast/")
    assert company.context["scope"].label == "Acme"
    assert [p.email for p in company.context["people"]] == [
        "ann@acme.test",
        "ben@acme.test",
        "carla@acme.test",
    ]
    east = client.get(f"/forecast/?period=2026-03&team={cast.east.pk}")
    assert east.status_code == 200
    assert east.context["scope"].label == "East"
    assert [p.email for p in east.context["people"]] == ["ann@acme.test", "ben@acme.test"]
    html = east.content.decode()
    assert f'href="?period=2026-03&amp;team={cast.east.pk}#outlook" class="depth-1" ' in html
    assert 'href="?period=2026-03#outlook" class="depth-0">Acme</a>' in html
    assert 'aria-current="page">East</a>' in html


def test_a_manager_of_one_team_has_no_switch_and_cannot_open_another(cast: Cast) -> None:
    assert scope_choices(cast.east_manager) == []
    client = logged_in(cast.east_manager)
    assert client.get(f"/forecast/?team={cast.west.pk}").status_code == 404
    assert [c.label for c in scope_choices(cast.vp)] == ["Sales", "East", "West"]
    assert logged_in(cast.vp).get(f"/forecast/?team={cast.west.pk}").status_code == 200


def test_a_team_that_is_not_a_number_is_named(cast: Cast) -> None:
    response = logged_in(cast.president).get("/forecast/?team=east")
    assert response.status_code == 400
    assert "team" in response.content.decode()
    assert "is not a team number" in response.content.decode()


def test_a_team_without_salespeople_says_there_is_nothing_to_forecast(cast: Cast) -> None:
    presales = Team.objects.create(name="Presales")
    User.objects.create_user("pat@acme.test", "x", role=Role.PRESALES, team=presales)
    page = logged_in(cast.president).get(f"/forecast/?team={presales.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "This team has no salespeople: there is nothing to forecast for it." in html
    assert 'aria-label="Forecast for"' in html  # the way back to the company
