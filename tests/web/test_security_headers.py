"""Every page carries the security headers; a logged-in person's pages are never cached; the
templates hold no inline script, so the Content-Security-Policy can forbid it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client

from tests.people import Cast

pytestmark = [pytest.mark.django_db, pytest.mark.views]

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "revsight" / "web" / "templates"


def directives(response: HttpResponse) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


def test_pages_forbid_inline_script_plugins_framing_and_foreign_forms() -> None:
    policy = directives(Client().get("/login/"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"


def test_pages_turn_off_the_browser_features_revsight_does_not_use() -> None:
    allowed = Client().get("/login/")["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in allowed


def test_a_logged_in_persons_pages_are_not_stored(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.east_manager)
    for url in ("/organisation/", "/settings/standards/", "/nowhere/"):
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_static_files_stay_cacheable(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.east_manager)
    response = client.get("/static/revsight/app.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_no_template_holds_inline_script() -> None:
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|javascript:", re.I)
    found = [
        f"{path.relative_to(TEMPLATES)}: {match.group(0)}"
        for path in TEMPLATES.rglob("*.html")
        for match in inline.finditer(path.read_text())
    ]
    assert found == []


def test_the_activity_standards_role_picker_submits_from_a_static_script(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.admin)
    page = client.get("/settings/standards/").content.decode()
    assert '<select name="role" data-submit-on-change>' in page
    assert "/static/revsight/forms.js" in page


def test_answers_to_a_program_with_a_token_are_not_stored(cast: Cast) -> None:
    from revsight.access.tokens import create_token

    _, token = create_token(cast.east_rep.email)
    response = Client().get("/api/forecasts/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert "no-store" in response["Cache-Control"]


def test_an_error_answered_before_the_view_carries_the_headers_too() -> None:
    refused = Client().get("/login/", HTTP_HOST="evil.example")  # not in ALLOWED_HOSTS
    assert refused.status_code == 400
    assert "object-src 'none'" in refused["Content-Security-Policy"]
    assert "camera=()" in refused["Permissions-Policy"]
