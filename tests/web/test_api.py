"""The JSON API: forecasts submitted by another program with a token; every refusal names the
field and leaves every stored row as it was."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner
from django.test import Client

from revsight.access.tokens import create_token, revoke_token
from revsight.cli import cli
from revsight.core.models import ApiToken, Organisation
from revsight.crm.models import ForecastSubmission
from tests.importers.helpers import snapshot
from tests.people import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_march_2026(db: None) -> Any:
    Organisation.current()
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=False):
        yield


def post(token: str | None, body: object, raw: bytes | None = None) -> tuple[int, dict[str, Any]]:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    response = Client(enforce_csrf_checks=True).post(
        "/api/forecasts/",
        data=raw if raw is not None else json.dumps(body),
        content_type="application/json",
        **headers,
    )
    return response.status_code, response.json()


def test_a_salesperson_s_program_submits_their_forecast(cast: Cast) -> None:
    _, token = create_token(cast.east_rep.email, "CRM sync")
    status, answer = post(token, {"period": "2026-04", "commit": 40000, "best_case": "55,000"})
    assert status == 201
    assert [(s["category"], s["amount"], s["period_start"]) for s in answer["submissions"]] == [
        ("commit", "40000.00", "2026-04-01"),
        ("best_case", "55000.00", "2026-04-01"),
    ]
    rows = ForecastSubmission.objects.filter(user=cast.east_rep)
    assert sorted(float(r.amount) for r in rows) == [40000.0, 55000.0]
    assert ApiToken.objects.get(user=cast.east_rep).last_used_at is not None


def test_a_manager_s_program_adjusts_with_a_reason(cast: Cast) -> None:
    _, token = create_token(cast.east_manager.email)
    status, answer = post(
        token,
        {
            "user": cast.east_rep.email,
            "period": "2026-03",
            "commit": "12000",
            "note": "Acme slipped",
        },
    )
    assert status == 201
    assert answer["submissions"][0]["submitted_by"] == cast.east_manager.email


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"period": "2026-03", "commit": "12x"}, "commit", "is not an amount"),
        ({"period": "2026-03"}, "commit", "is required"),
        ({"commit": "100"}, "period", "is required"),
        ({"period": "2026-W10", "commit": "100"}, "period", "must be a month"),
        ({"period": "2026-03", "commit": "100", "best_case": "50"}, "best-case", "below"),
        ({"period": "2026-03", "commit": -5}, "commit", "must be zero or more"),
        ({"period": "2026-03", "commit": 5, "best_case": -5}, "best-case", "must be zero or more"),
        ({"period": "2026-03", "commit": True}, "commit", "is not an amount"),
        (["not", "an", "object"], "body", "must be a JSON object"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_stores_nothing(
    cast: Cast, body: object, field: str, message: str
) -> None:
    _, token = create_token(cast.east_rep.email)
    before = snapshot()
    status, answer = post(token, body)
    assert status == 400
    assert answer["error"]["fields"][0]["path"] == field
    assert message in answer["error"]["message"]
    assert snapshot() == before


def test_a_submission_for_someone_not_managed_is_forbidden_and_stores_nothing(
    cast: Cast,
) -> None:
    _, token = create_token(cast.east_rep.email)
    before = snapshot()
    status, answer = post(token, {"user": "carla@acme.test", "period": "2026-03", "commit": "1"})
    assert status == 403
    assert answer["error"]["code"] == "not_allowed"
    assert answer["error"]["fields"] == [
        {
            "path": "user",
            "message": "user ('carla@acme.test') is not someone whose forecast you enter",
        }
    ]
    assert snapshot() == before


def test_a_body_that_is_not_json_is_refused(cast: Cast) -> None:
    _, token = create_token(cast.east_rep.email)
    before = snapshot()
    status, answer = post(token, None, raw=b"period=2026-03")
    assert (status, answer["error"]["fields"][0]["path"]) == (400, "body")
    assert snapshot() == before


def test_without_a_live_token_nothing_is_done(cast: Cast) -> None:
    row, token = create_token(cast.east_rep.email)
    before = snapshot()
    body = {"period": "2026-03", "commit": "1"}
    assert post(None, body)[0] == 401
    assert post("rs_0000_guess", body)[0] == 401
    assert post(token[:-1] + ("A" if token[-1] != "A" else "B"), body)[0] == 401
    revoke_token(row.prefix)
    before = snapshot()
    status, answer = post(token, body)
    assert (status, answer["error"]["fields"][0]["path"]) == (401, "Authorization")
    assert snapshot() == before


def test_only_post_is_taken(cast: Cast) -> None:
    _, token = create_token(cast.east_rep.email)
    response = Client().get("/api/forecasts/", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 405
    assert response.json()["error"]["fields"][0]["path"] == "method"


def test_tokens_are_created_listed_and_revoked_from_the_command_line(cast: Cast) -> None:
    runner = CliRunner()
    created = runner.invoke(
        cli, ["token", "create", "--user", cast.east_rep.email, "--name", "CRM"]
    )
    assert created.exit_code == 0, created.output
    token = created.output.splitlines()[-1]
    assert token.startswith("rs_")
    assert ApiToken.objects.get().digest != token  # only the digest is kept
    prefix = ApiToken.objects.get().prefix
    listed = runner.invoke(cli, ["token", "list"])
    assert prefix in listed.output
    assert "live" in listed.output
    assert runner.invoke(cli, ["token", "revoke", prefix]).exit_code == 0
    assert post(token, {"period": "2026-03", "commit": "1"})[0] == 401
    unknown = runner.invoke(cli, ["token", "create", "--user", "nobody@acme.test"])
    assert unknown.exit_code == 2
    assert "--user 'nobody@acme.test'" in unknown.output
