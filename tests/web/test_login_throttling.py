"""Logins are throttled per account and per address: the Nth wrong password locks, the login page
says so, and an administrator can unlock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner
from django.conf import settings
from django.test import Client

from revsight.cli import cli
from revsight.core.models import AuditEntry
from tests.people import Cast

pytestmark = pytest.mark.django_db
RIGHT = "correct horse battery"
LOCKED = "Too many failed logins for this account or from this address."


def attempt(
    email: str, password: str, address: str = "10.0.0.1", **headers: str
) -> tuple[Client, int, str]:
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post("/login/", {"username": email, "password": password})
    return client, response.status_code, response.content.decode()


def fail_until_locked(email: str, address: str = "10.0.0.1") -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(email, "wrong guess", address)


def logged_in(client: Client) -> bool:
    return client.get("/organisation/").status_code == 200


def test_the_nth_wrong_password_locks_the_account(cast: Cast) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _, status, page = attempt("ann@acme.test", "wrong guess")
        assert status == 200
        assert "Please enter a correct email and password" in page
    _, status, page = attempt("ann@acme.test", "wrong guess")
    assert status == 429
    assert LOCKED in page
    assert '<form method="post"' in page  # the login page itself, not a bare error page


def test_a_locked_account_refuses_the_right_password_with_the_message(cast: Cast) -> None:
    fail_until_locked("ann@acme.test")
    client, status, page = attempt("ann@acme.test", RIGHT)
    assert status == 429
    assert LOCKED in page
    assert f"locked for {settings.AXES_COOLOFF_TIME.seconds // 60} minutes" in page
    assert not logged_in(client)


def test_a_locked_account_is_locked_from_every_address(cast: Cast) -> None:
    fail_until_locked("ann@acme.test", "10.0.0.1")
    client, status, _ = attempt("ann@acme.test", RIGHT, "10.0.0.2")
    assert status == 429
    assert not logged_in(client)


def test_an_address_guessing_many_accounts_is_locked(cast: Cast) -> None:
    emails = ["ben@acme.test", "carla@acme.test", "vp@acme.test", "admin@acme.test"]
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(emails[number % len(emails)], "wrong guess", "10.0.0.9")
    client, status, _ = attempt("ann@acme.test", RIGHT, "10.0.0.9")
    assert status == 429
    assert not logged_in(client)


def test_another_account_from_another_address_is_unaffected(cast: Cast) -> None:
    fail_until_locked("ann@acme.test", "10.0.0.1")
    client, status, _ = attempt("ben@acme.test", RIGHT, "10.0.0.2")
    assert status == 302
    assert logged_in(client)


def test_the_case_of_the_email_does_not_dodge_the_limit(cast: Cast) -> None:
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(
            "ann@acme.test".upper() if number % 2 else "Ann@Acme.Test", "wrong", f"10.1.0.{number}"
        )
    _, status, _ = attempt("ann@acme.test", RIGHT, "10.0.0.2")
    assert status == 429


def test_the_lock_lifts_after_the_cool_off(cast: Cast) -> None:
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    with time_machine.travel(start, tick=False):
        fail_until_locked("ann@acme.test")
    with time_machine.travel(start + settings.AXES_COOLOFF_TIME + timedelta(seconds=1)):
        client, status, _ = attempt("ann@acme.test", RIGHT)
        assert status == 302
        assert logged_in(client)


def test_behind_the_proxy_each_client_address_counts_on_its_own(cast: Cast, settings: Any) -> None:
    settings.REVSIGHT_BEHIND_PROXY = True
    proxy = "127.0.0.1"
    for email in ["ben@acme.test", "carla@acme.test"] * settings.AXES_FAILURE_LIMIT:
        attempt(email, "wrong guess", proxy, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    _, status, _ = attempt("ann@acme.test", RIGHT, proxy, HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert status == 429
    _, status, _ = attempt("ann@acme.test", RIGHT, proxy, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert status == 302


def test_unlocking_an_account_restores_its_login(cast: Cast) -> None:
    fail_until_locked("ann@acme.test")
    result = CliRunner().invoke(cli, ["unlock", "Ann@acme.test"])
    assert result.exit_code == 0, result.output
    assert result.output == "Unlocked ann@acme.test: its failed logins are cleared.\n"
    assert (
        AuditEntry.objects.get(action="login.unlock").summary == "Logins unlocked for ann@acme.test"
    )
    client, status, _ = attempt("ann@acme.test", RIGHT)
    assert status == 302
    assert logged_in(client)


def test_unlocking_an_address_restores_its_logins(cast: Cast) -> None:
    emails = ["ben@acme.test", "carla@acme.test"]
    for number in range(settings.AXES_FAILURE_LIMIT):
        attempt(emails[number % 2], "wrong guess", "10.0.0.9")
    result = CliRunner().invoke(cli, ["unlock", "--address", "10.0.0.9"])
    assert result.exit_code == 0, result.output
    assert result.output == "Unlocked 10.0.0.9: its failed logins are cleared.\n"
    _, status, _ = attempt("ann@acme.test", RIGHT, "10.0.0.9")
    assert status == 302


def test_unlocking_what_is_not_locked_says_so(cast: Cast) -> None:
    result = CliRunner().invoke(cli, ["unlock", "ann@acme.test"])
    assert result.exit_code == 2
    assert "No failed logins are recorded for ann@acme.test." in result.output


def test_unlock_needs_an_email_or_an_address() -> None:
    result = CliRunner().invoke(cli, ["unlock"])
    assert result.exit_code == 2
    assert "Give the EMAIL of an account or --address" in result.output


def test_an_admin_sees_and_can_clear_lockouts_in_the_django_admin(cast: Cast) -> None:
    fail_until_locked("ann@acme.test")
    admin = Client()
    admin.force_login(cast.admin)
    page = admin.get("/admin/axes/accessattempt/")
    assert page.status_code == 200
    assert "ann@acme.test" in page.content.decode()
