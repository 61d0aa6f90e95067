"""The Django admin sets passwords under the same rules as every other door."""

from __future__ import annotations

import pytest
from django.test import Client

from revsight.org.models import User
from tests.people import Cast

pytestmark = pytest.mark.django_db


def admin_client(cast: Cast) -> Client:
    client = Client()
    client.force_login(cast.admin)
    return client


def test_the_admin_refuses_the_demo_password_for_a_new_person(cast: Cast) -> None:
    page = admin_client(cast).post(
        "/admin/org/user/add/",
        {
            "email": "new@acme.test",
            "role": "salesperson",
            "usable_password": "true",
            "password1": "revsight-demo",
            "password2": "revsight-demo",
        },
    )
    assert page.status_code == 200
    assert "published password" in page.content.decode()
    assert not User.objects.filter(email="new@acme.test").exists()


def test_the_admin_refuses_a_numeric_password_change(cast: Cast) -> None:
    page = admin_client(cast).post(
        f"/admin/org/user/{cast.east_rep.pk}/password/",
        {"usable_password": "true", "password1": "839201749355", "password2": "839201749355"},
    )
    assert page.status_code == 200
    assert "This password is entirely numeric." in page.content.decode()
    cast.east_rep.refresh_from_db()
    assert cast.east_rep.check_password("correct horse battery")
