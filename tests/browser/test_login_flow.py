"""Logging in and finding one's organisation, in a real browser."""

from __future__ import annotations

from typing import Any

import pytest

from tests.people import Cast

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()


def test_a_manager_logs_in_and_sees_the_team(live_server: Any, page: Any) -> None:
    from tests.people import build_cast

    build_cast()
    log_in(page, live_server.url, "east.manager@acme.test")
    page.wait_for_url(f"{live_server.url}/dashboard/team/**")
    page.get_by_role("link", name="Organisation").click()
    assert page.get_by_role("heading", name="East").is_visible()
    assert page.get_by_role("cell", name="ann@acme.test").is_visible()
    assert page.get_by_role("cell", name="carla@acme.test").count() == 0


def test_a_wrong_password_shows_the_error_in_place(live_server: Any, page: Any) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Email").fill("nobody@acme.test")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Log in").click()
    assert page.get_by_role("alert").inner_text().startswith("Please enter a correct email")


def test_logging_out_returns_to_the_login_page(live_server: Any, page: Any, cast: Cast) -> None:
    log_in(page, live_server.url, "ann@acme.test")
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(f"{live_server.url}/login/")
