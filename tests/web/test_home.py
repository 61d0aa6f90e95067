"""The web shell: logging in, and the organisation each person is allowed to see."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from revsight.org.models import Quota, User
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_march_2026() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
        yield


def test_pages_need_a_login() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"


@pytest.mark.slow  # lands on a dashboard computed afresh
def test_logging_in_with_email_and_password_opens_the_home_page(cast: Cast) -> None:
    client = Client()
    response = client.post(
        "/login/", {"username": "ann@acme.test", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    # A salesperson lands on their own dashboard.
    landed = client.get("/", follow=True)
    assert landed.status_code == 200
    assert landed.redirect_chain[-1][0].startswith("/dashboard/rep/")


def test_a_wrong_password_is_refused_with_a_message(cast: Cast) -> None:
    response = Client().post("/login/", {"username": "ann@acme.test", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct email and password" in response.content


def test_a_salesperson_sees_teammates_but_only_their_own_quota(cast: Cast) -> None:
    Quota.objects.create(user=cast.east_rep, month=date(2026, 1, 1), amount=Decimal("51000"))
    Quota.objects.create(user=cast.east_rep2, month=date(2026, 1, 1), amount=Decimal("47000"))
    page = logged_in(cast.east_rep).get("/organisation/").content.decode()
    assert "<td>Ann</td>" in page
    assert "<td>Ben</td>" in page  # the team leaderboard
    assert "51,000" in page
    assert "47,000" not in page  # a teammate's quota is theirs
    assert "Carla" not in page  # West


def test_a_salesperson_sees_teammates_names_and_teams_only(cast: Cast) -> None:
    User.objects.filter(pk=cast.east_rep2.pk).update(hire_date=date(2024, 5, 6))
    Quota.objects.create(user=cast.east_rep, month=date(2026, 1, 1), amount=Decimal("51000"))
    Quota.objects.create(user=cast.east_rep2, month=date(2026, 1, 1), amount=Decimal("47000"))
    page = logged_in(cast.east_rep).get("/organisation/").content.decode()
    assert "<td>Ben</td>" in page
    assert '<h2><span class="parent">Sales › </span>East</h2>' in page
    assert "ben@acme.test" not in page  # no teammate's email
    assert "May 2024" not in page  # nor hire date
    assert "team quota" not in page  # nor the team's total (98,000)
    assert "98,000" not in page


def test_a_manager_sees_emails_hire_dates_and_the_teams_quota(cast: Cast) -> None:
    User.objects.filter(pk=cast.east_rep2.pk).update(hire_date=date(2024, 5, 6))
    Quota.objects.create(user=cast.east_rep, month=date(2026, 1, 1), amount=Decimal("51000"))
    Quota.objects.create(user=cast.east_rep2, month=date(2026, 1, 1), amount=Decimal("47000"))
    # A stored team row is not the team's quota: its people's quotas are.
    Quota.objects.create(team=cast.east, month=date(2026, 1, 1), amount=Decimal("90000"))
    page = logged_in(cast.east_manager).get("/organisation/").content.decode()
    assert "ben@acme.test" in page
    assert "May 2024" in page
    assert "team quota 2026: <strong>98,000" in page
    assert "47,000" in page


def test_a_manager_does_not_see_peers_in_the_parent_team(cast: Cast) -> None:
    page = logged_in(cast.east_manager).get("/organisation/").content.decode()
    assert "west.manager@acme.test" not in page
    assert "services@acme.test" not in page


def test_a_manager_sees_their_team_and_its_quotas(cast: Cast) -> None:
    for month in (1, 2):
        Quota.objects.create(
            user=cast.east_rep, month=date(2026, month, 1), amount=Decimal("50000")
        )
    page = logged_in(cast.east_manager).get("/organisation/").content.decode()
    assert "ann@acme.test" in page
    assert "ben@acme.test" in page
    assert "carla@acme.test" not in page
    assert "100,000" in page


def test_the_vp_sees_every_sales_team_but_not_services(cast: Cast) -> None:
    page = logged_in(cast.vp).get("/organisation/").content.decode()
    assert "ann@acme.test" in page
    assert "carla@acme.test" in page
    assert "dev@acme.test" not in page


def test_logging_out_ends_the_session(cast: Cast) -> None:
    client = logged_in(cast.east_rep)
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/").status_code == 302


def test_the_admin_offers_no_way_to_delete_people(cast: Cast) -> None:
    client = logged_in(cast.admin)
    response = client.get(f"/admin/org/user/{cast.east_rep.pk}/delete/")
    assert response.status_code == 403


def test_role_counts_read_as_english(cast: Cast) -> None:
    page = logged_in(cast.president).get("/organisation/").content.decode()
    assert "3 salespeople" in page
    assert "1 consultant<" in page
