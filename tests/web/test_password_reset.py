"""A forgotten password is reset by email: a link that works once sets a new password that
passes the rules, and the page never tells whether an address has an account."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from revsight.core.models import AuditEntry
from revsight.org.models import User
from tests.people import Cast

pytestmark = pytest.mark.django_db
NEW = "plum-orchard-sunrise"


def ask_reset(email: str) -> Any:
    return Client().post("/password-reset/", {"email": email}, follow=True)


def link_in(mail: Any) -> str:
    found = re.search(r"http://testserver(/reset/\S+/)", mail.body)
    assert found, mail.body
    return found.group(1)


def open_link(link: str) -> tuple[Client, str]:
    """Follows the emailed link; Django swaps the token for a session and redirects."""
    client = Client()
    page = client.get(link, follow=True)
    assert page.status_code == 200
    return client, page.redirect_chain[-1][0] if page.redirect_chain else link


def test_the_login_page_links_to_the_password_reset() -> None:
    page = Client().get("/login/").content.decode()
    assert '<a href="/password-reset/">Forgot your password?</a>' in page


def test_a_reset_sends_one_email_with_a_link(cast: Cast, mailoutbox: list[Any]) -> None:
    page = ask_reset("Ann@Acme.test")
    assert page.redirect_chain[-1][0] == "/password-reset/sent/"
    assert "If an account uses that email" in page.content.decode()
    [mail] = mailoutbox
    assert mail.to == ["ann@acme.test"]
    assert mail.subject == "Reset your Revsight password"
    assert mail.from_email == settings.DEFAULT_FROM_EMAIL
    assert link_in(mail).startswith("/reset/")


def test_an_unknown_address_gets_the_same_page_and_no_email(
    cast: Cast, mailoutbox: list[Any]
) -> None:
    known = ask_reset("ann@acme.test")
    unknown = ask_reset("nobody@acme.test")
    assert unknown.redirect_chain == known.redirect_chain
    assert unknown.content == known.content
    assert len(mailoutbox) == 1  # ann's only


def test_the_link_sets_a_new_password(cast: Cast, mailoutbox: list[Any]) -> None:
    ask_reset("ann@acme.test")
    client, form_url = open_link(link_in(mailoutbox[0]))
    done = client.post(form_url, {"new_password1": NEW, "new_password2": NEW}, follow=True)
    assert done.redirect_chain[-1][0] == "/reset/done/"
    assert "Your password is changed" in done.content.decode()
    ann = User.objects.get(email="ann@acme.test")
    assert ann.check_password(NEW)
    entry = AuditEntry.objects.get(action="user.password")
    assert entry.summary == "Password changed for ann@acme.test by a reset link"
    login = Client().post("/login/", {"username": "ann@acme.test", "password": NEW})
    assert login.status_code == 302


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("revsight-demo", "This password is the demo organisation&#x27;s published password"),
        ("ann@acme.test", "The password is too similar to the email."),
        ("83920174", "This password is entirely numeric."),
        ("plum-orch42", "This password is too short. It must contain at least 12 characters."),
    ],
)
def test_the_new_password_must_pass_the_rules(
    cast: Cast, mailoutbox: list[Any], password: str, message: str
) -> None:
    ask_reset("ann@acme.test")
    client, form_url = open_link(link_in(mailoutbox[0]))
    page = client.post(form_url, {"new_password1": password, "new_password2": password})
    assert page.status_code == 200
    assert message in page.content.decode()
    assert User.objects.get(email="ann@acme.test").check_password("correct horse battery")


def test_a_link_works_once(cast: Cast, mailoutbox: list[Any]) -> None:
    ask_reset("ann@acme.test")
    link = link_in(mailoutbox[0])
    client, form_url = open_link(link)
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    _, again = open_link(link)
    page = Client().get(again).content.decode()
    assert "This link has expired or has been used" in page


def test_a_reset_lifts_the_accounts_login_lock(cast: Cast, mailoutbox: list[Any]) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/login/", {"username": "ann@acme.test", "password": "wrong guess"})
    ask_reset("ann@acme.test")
    client, form_url = open_link(link_in(mailoutbox[0]))
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    login = Client().post("/login/", {"username": "ann@acme.test", "password": NEW})
    assert login.status_code == 302
