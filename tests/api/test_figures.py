"""Figures through the API: the metrics are the very document `revsight metrics --format json`
prints, for the keys the token's person sees on the dashboards; the forecast roll-up and the
outlook likewise."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner

from revsight.cli import cli
from tests.analytics.fixtures import build_sales
from tests.api.client import Api
from tests.people import Cast

pytestmark = pytest.mark.django_db
MakeApi = Callable[[Any], Api]
MARCH = {"period": "2026-03", "as_of": "2026-04-15"}


@pytest.fixture
def sales(cast: Cast) -> Cast:
    build_sales(cast)
    return cast


def command(*args: str) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["metrics", "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


def test_an_executive_gets_the_document_of_revsight_metrics(sales: Cast, api_as: MakeApi) -> None:
    status, answer = api_as(sales.president).get(
        "/metrics/", by="rep", metric=["bookings", "win_rate"], trend=2, **MARCH
    )
    assert status == 200
    expected = command(
        "--by",
        "rep",
        "--metric",
        "bookings",
        "--metric",
        "win_rate",
        "--trend",
        "2",
        "--period",
        "2026-03",
        "--as-of",
        "2026-04-15",
    )
    assert answer == expected
    assert {row["key"] for row in answer["rows"]} == {
        "ann@acme.test",
        "ben@acme.test",
        "carla@acme.test",
    }


def test_a_manager_gets_the_rows_of_the_people_and_teams_they_manage(
    sales: Cast, api_as: MakeApi
) -> None:
    api = api_as(sales.east_manager)
    by_rep = api.get("/metrics/", by="rep", metric="bookings", **MARCH)[1]
    by_team = api.get("/metrics/", by="team", metric="bookings", **MARCH)[1]
    everyone = command(
        "--by", "rep", "--metric", "bookings", "--period", "2026-03", "--as-of", "2026-04-15"
    )
    assert by_rep["rows"] == [
        r for r in everyone["rows"] if r["key"] in {"ann@acme.test", "ben@acme.test"}
    ]
    assert [row["key"] for row in by_team["rows"]] == ["East"]


def test_a_salesperson_gets_their_own_row_and_not_the_company(sales: Cast, api_as: MakeApi) -> None:
    api = api_as(sales.east_rep)
    mine = api.get("/metrics/", by="rep", metric="bookings", **MARCH)[1]
    assert [row["key"] for row in mine["rows"]] == ["ann@acme.test"]
    status, answer = api.get("/metrics/", by="company", **MARCH)
    assert status == 403
    assert answer["error"]["fields"][0]["path"] == "by"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"metric": "no_such_metric"}, "metric"),
        ({"period": "2026-13"}, "period"),
        ({"as_of": "9999-12-31"}, "as_of"),
        ({"trend": "25"}, "trend"),
        ({"split": "colour"}, "split"),
    ],
)
def test_a_bad_metrics_parameter_is_refused_naming_it(
    sales: Cast, api_as: MakeApi, query: dict[str, str], field: str
) -> None:
    status, answer = api_as(sales.president).get("/metrics/", **query)
    assert (status, answer["error"]["fields"][0]["path"]) == (400, field)


def test_the_forecast_roll_up_has_the_rows_the_person_sees(sales: Cast, api_as: MakeApi) -> None:
    status, answer = api_as(sales.east_manager).get("/forecasts/", by="rep", **MARCH)
    assert status == 200
    assert [row["key"] for row in answer["rows"]] == ["ann@acme.test", "ben@acme.test"]
    assert set(answer["rows"][0]) == {
        "key",
        "name",
        "quota",
        "closed",
        "commit",
        "best_case",
        "pipeline",
        "forecasters",
        "submitted",
    }


def test_the_outlook_is_for_the_company_s_executives_and_a_team_s_managers(
    sales: Cast, api_as: MakeApi
) -> None:
    rep = api_as(sales.east_rep)
    assert rep.get("/forecasts/outlook/")[0] == 403
    assert rep.get("/forecasts/outlook/", team_id=sales.east.pk)[0] == 404
    manager = api_as(sales.east_manager)
    assert manager.get("/forecasts/outlook/", team_id=sales.west.pk)[0] == 404
    status, answer = manager.get("/forecasts/outlook/", team_id=sales.east.pk, **MARCH)
    assert (status, answer["period"]["id"]) == (200, "2026-03")
    assert api_as(sales.president).get("/forecasts/outlook/", **MARCH)[0] == 200
