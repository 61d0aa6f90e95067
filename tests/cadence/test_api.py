"""GET /api/v1/discipline/: the document of `revsight discipline --format json`, for the deals
of the people the token's person sees; bad parameters named in the error shape."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from revsight.cadence.rules import RULE_IDS
from revsight.cli import cli
from tests.api.client import Api
from tests.cadence.builders import deal
from tests.people import Cast

pytestmark = pytest.mark.django_db
MakeApi = Callable[[Any], Api]


@pytest.fixture
def late(cast: Cast) -> Cast:
    for owner, name in [(cast.east_rep, "A1"), (cast.east_rep2, "B1"), (cast.west_rep, "C1")]:
        deal(owner, name, date(2026, 4, 1), [(date(2026, 4, 1), "Proposal", 100, date(2026, 6, 1))])
    return cast


def test_an_administrator_gets_the_command_s_document(late: Cast, api_as: MakeApi) -> None:
    status, answer = api_as(late.admin).get(
        "/discipline/", as_of="2026-06-30", rule=["past_close_date"]
    )
    assert status == 200
    result = CliRunner().invoke(
        cli,
        ["discipline", "--as-of", "2026-06-30", "--rule", "past_close_date", "--format", "json"],
    )
    assert answer == json.loads(result.output)
    assert len(answer["findings"]) == 3


@pytest.mark.parametrize(
    ("who", "query", "owners"),
    [
        ("east_rep", {}, ["ann@acme.test"]),
        ("east_manager", {}, ["ann@acme.test", "ben@acme.test"]),
        ("vp", {"team": "West"}, ["carla@acme.test"]),
        ("east_manager", {"user": "ben@acme.test"}, ["ben@acme.test"]),
    ],
)
def test_each_token_sees_the_deals_its_person_sees(
    late: Cast, api_as: MakeApi, who: str, query: dict[str, str], owners: list[str]
) -> None:
    status, answer = api_as(getattr(late, who)).get(
        "/discipline/", as_of="2026-06-30", rule="past_close_date", **query
    )
    assert status == 200, answer
    assert [f["owner"] for f in answer["findings"]] == owners


@pytest.mark.parametrize(
    ("who", "query", "path", "message"),
    [
        (
            "east_rep",
            {"rule": "late"},
            "rule",
            f"is not a rule ({', '.join(RULE_IDS)})",
        ),
        ("east_rep", {"user": "carla@acme.test"}, "user", "is not a person you see"),
        ("east_manager", {"team": "West"}, "team", "is not a team you manage (known: East)"),
        (
            "east_rep",
            {"as_of": "3000-01-01"},
            "as_of",
            "must be a day from 1900-01-01 to 2999-12-31",
        ),
    ],
)
def test_bad_parameters_are_named(
    late: Cast, api_as: MakeApi, who: str, query: dict[str, str], path: str, message: str
) -> None:
    status, answer = api_as(getattr(late, who)).get("/discipline/", **query)
    assert status == 400
    assert answer["error"]["code"] == "invalid_input"
    assert answer["error"]["fields"] == [{"path": path, "message": message}]


def test_a_date_that_is_not_one_is_refused(late: Cast, api_as: MakeApi) -> None:
    status, answer = api_as(late.east_rep).get("/discipline/", as_of="30/06/2026")
    assert status == 400
    assert answer["error"]["fields"][0]["path"] == "as_of"


def test_no_token_no_answer(late: Cast) -> None:
    status, answer = Api(None).get("/discipline/")
    assert (status, answer["error"]["code"]) == (401, "unauthenticated")
