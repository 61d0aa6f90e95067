"""The API tokens page: a person creates a token acting as them, sees it once, and revokes
it; an administrator sees and revokes everyone's; nobody revokes someone else's."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from revsight.access.tokens import authenticate, create_token
from revsight.core.models import ApiToken, AuditEntry
from revsight.org.models import User
from tests.people import Cast

pytestmark = pytest.mark.django_db


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_new_token_is_shown_once_and_acts_as_its_creator(cast: Cast) -> None:
    client = logged_in(cast.east_rep)
    page = client.post("/tokens/", {"name": "CRM sync"}).content.decode()
    secret = re.search(r'<code id="new-token">(rs_[^<]+)</code>', page).group(1)  # type: ignore[union-attr]
    found = authenticate(secret)
    assert found is not None
    assert (found.user, found.name) == (cast.east_rep, "CRM sync")
    assert secret not in client.get("/tokens/").content.decode()
    assert AuditEntry.objects.get(action="token.create").actor == cast.east_rep


def test_a_person_revokes_their_token_and_not_someone_else_s(cast: Cast) -> None:
    mine, _ = create_token(cast.east_rep.email)
    theirs, _ = create_token(cast.west_rep.email)
    client = logged_in(cast.east_rep)
    listed = client.get("/tokens/").content.decode()
    assert mine.prefix in listed
    assert theirs.prefix not in listed
    assert client.post("/tokens/", {"token": theirs.prefix, "revoke": "1"}).status_code == 404
    response = client.post("/tokens/", {"token": mine.prefix, "revoke": "1"})
    assert response.status_code == 302
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


def test_an_administrator_sees_and_revokes_every_token(cast: Cast) -> None:
    theirs, _ = create_token(cast.west_rep.email)
    client = logged_in(cast.admin)
    assert theirs.prefix in client.get("/tokens/").content.decode()
    assert client.post("/tokens/", {"token": theirs.prefix, "revoke": "1"}).status_code == 302
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is not None


def test_a_name_too_long_is_refused_naming_the_field(cast: Cast) -> None:
    page = logged_in(cast.east_rep).post("/tokens/", {"name": "x" * 101}).content.decode()
    assert "name (&#x27;" in page or "name ('" in page
    assert ApiToken.objects.count() == 0
