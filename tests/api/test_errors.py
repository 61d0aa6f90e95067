"""Every API error has the one shape, whatever refuses the request: no token, an unknown
address, a wrong method, a body that is not JSON or too large, too many requests, a busy
database; and an address without its final slash is answered, not redirected."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client

from revsight.access.tokens import create_token, revoke_token
from revsight.core.models import ApiToken, Organisation
from revsight.crm.models import ForecastSubmission
from tests.api.client import Api
from tests.people import Cast

pytestmark = pytest.mark.django_db
MakeApi = Callable[[Any], Api]


def shaped(answer: dict[str, Any]) -> tuple[str, list[dict[str, str]]]:
    """The error's code and fields, once its shape is checked."""
    assert set(answer) == {"error"}
    assert set(answer["error"]) == {"code", "message", "fields"}
    assert answer["error"]["message"]
    return answer["error"]["code"], answer["error"]["fields"]


@pytest.fixture(autouse=True)
def _organisation(db: None) -> None:
    Organisation.current()


def test_without_a_live_token_the_answer_is_401_naming_the_header(cast: Cast) -> None:
    row, token = create_token(cast.east_rep.email)
    revoke_token(row.prefix)
    for attempt in (Api(None), Api("rs_0000_guess"), Api(token)):
        status, answer = attempt.get("/opportunities/")
        assert status == 401
        assert shaped(answer) == (
            "unauthenticated",
            [{"path": "Authorization", "message": "needs a valid token: Bearer rs_…"}],
        )
    assert ApiToken.objects.get().last_used_at is None


def test_an_unknown_address_is_a_404_in_the_shape(cast: Cast, api_as: MakeApi) -> None:
    for path in ("/nothing/", "/nothing", "/opportunities/12/history/"):
        status, answer = api_as(cast.east_rep).get(path)
        assert (status, shaped(answer)[0]) == (404, "not_found")


def test_a_method_an_address_does_not_take_is_a_405_naming_the_allowed(
    cast: Cast, api_as: MakeApi
) -> None:
    status, answer = api_as(cast.admin).send("delete", "/opportunities/", {})
    assert status == 405
    code, fields = shaped(answer)
    assert code == "method_not_allowed"
    assert fields[0]["path"] == "method"
    assert sorted(fields[0]["message"].removeprefix("must be ").split(" or ")) == ["GET", "PUT"]


def test_a_body_that_is_not_json_is_a_415_or_a_400(cast: Cast, api_as: MakeApi) -> None:
    api = api_as(cast.east_rep)
    response = api.client.post(
        "/api/v1/forecast-submissions/",
        "period=2026-03",
        content_type="text/plain",
        **api.headers(),
    )
    assert response.status_code == 415
    assert shaped(response.json()) == (
        "unsupported_media_type",
        [{"path": "Content-Type", "message": "must be application/json"}],
    )
    response = api.client.post(
        "/api/v1/forecast-submissions/",
        "{not json",
        content_type="application/json",
        **api.headers(),
    )
    assert response.status_code == 400
    assert shaped(response.json()) == (
        "invalid_input",
        [{"path": "body", "message": "is not JSON"}],
    )


def test_a_body_beyond_the_limit_is_a_413_before_it_is_read(
    cast: Cast, api_as: MakeApi, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    status, answer = api_as(cast.admin).put("/opportunities/", {"rows": [{"name": "x" * 2000}]})
    assert status == 413
    assert shaped(answer)[0] == "too_large"


def test_a_token_beyond_its_rate_is_answered_429_with_retry_after(
    cast: Cast, api_as: MakeApi, settings: Any
) -> None:
    settings.REVSIGHT_API_RATE_LIMIT = 2
    api, other = api_as(cast.east_rep), api_as(cast.east_rep)
    assert [api.get("/people/")[0] for _ in range(2)] == [200, 200]
    response = api.client.get("/api/v1/people/", **api.headers())
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert shaped(response.json())[0] == "too_many_requests"
    assert other.get("/people/")[0] == 200  # the limit is per token


def test_a_write_that_waits_out_a_busy_database_is_a_503_with_retry_after(
    cast: Cast, api_as: MakeApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    def locked(*args: Any, **kwargs: Any) -> None:
        raise OperationalError("database is locked")

    monkeypatch.setattr("revsight.api.forecasts.submit_forecast", locked)
    api = api_as(cast.east_rep)
    response = api.client.post(
        "/api/v1/forecast-submissions/",
        {"period": "2026-03", "commit": 1},
        content_type="application/json",
        **api.headers(),
    )
    assert (response.status_code, response["Retry-After"]) == (503, "5")
    assert shaped(response.json())[0] == "busy"


@pytest.mark.parametrize("path", ["/api/v1/forecast-submissions", "/api/forecasts"])
def test_a_post_without_the_final_slash_is_answered_not_redirected(cast: Cast, path: str) -> None:
    _, token = create_token(cast.east_rep.email)
    response = Client().post(
        path,
        {"period": "2026-04", "commit": 100},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 201
    assert ForecastSubmission.objects.get().user == cast.east_rep


def test_the_description_and_the_docs_are_served_without_a_token(db: None) -> None:
    description = Client().get("/api/v1/openapi.json")
    assert description.status_code == 200
    assert description.json()["info"]["title"] == "Revsight API"
    docs = Client().get("/api/v1/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui-bundle.js" in docs.content
