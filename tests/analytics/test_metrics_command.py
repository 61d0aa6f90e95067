"""`revsight metrics`: the command-line contract other tools rely on."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from revsight.analytics.catalogue import METRICS
from revsight.cli import cli
from tests.analytics.fixtures import build_sales
from tests.people import Cast

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["metrics", *args])
    return result.exit_code, result.output


@pytest.fixture
def sales(cast: Cast) -> Cast:
    build_sales(cast)
    return cast


def test_json_is_one_object_with_the_documented_shape(sales: Cast) -> None:
    code, output = run(
        "--period",
        "2026-03",
        "--as-of",
        "2026-04-15",
        "--metric",
        "win_rate",
        "--by",
        "rep",
        "--format",
        "json",
        "--engine",
        "database",
    )
    assert code == 0, output
    document = json.loads(output)
    assert document["as_of"] == "2026-04-15"
    assert document["engine"] == "database"
    assert document["period"] == {"id": "2026-03", "start": "2026-03-01", "end": "2026-03-31"}
    assert document["rows"][0] == {
        "metric": "win_rate",
        "scope": "rep",
        "key": "ann@acme.test",
        "value": 0.666667,
        "goal": None,
        "gap": None,
        "unit": "ratio",
    }
    assert [r["key"] for r in document["rows"]] == [
        "ann@acme.test",
        "ben@acme.test",
        "carla@acme.test",
    ]


def test_the_defaults_are_every_metric_for_the_company_this_month(sales: Cast) -> None:
    code, output = run("--as-of", "2026-03-31", "--format", "json")
    assert code == 0, output
    document = json.loads(output)
    assert document["period"]["id"] == "2026-03"
    assert document["engine"] == "duckdb"
    assert [r["metric"] for r in document["rows"]] == [m.id for m in METRICS]
    assert {r["key"] for r in document["rows"]} == {"company"}


def test_trend_adds_the_earlier_periods_to_each_row(sales: Cast) -> None:
    _, output = run(
        "--period",
        "2026-03",
        "--as-of",
        "2026-03-31",
        "--metric",
        "bookings",
        "--trend",
        "2",
        "--format",
        "json",
    )
    (row,) = json.loads(output)["rows"]
    assert row["trend"] == [
        {"period": "2026-01", "value": 12000.0},
        {"period": "2026-02", "value": 0.0},
    ]


def test_csv_has_a_header_and_a_line_per_row(sales: Cast) -> None:
    code, output = run(
        "--period",
        "2026-03",
        "--as-of",
        "2026-03-31",
        "--by",
        "team",
        "--metric",
        "bookings",
        "--format",
        "csv",
    )
    assert code == 0
    lines = output.splitlines()
    assert lines[0] == "period,as_of,metric,scope,key,value,goal,gap,unit"
    assert "2026-03,2026-03-31,bookings,team,East,40000.0,60000.0,-20000.0,money" in lines


def test_the_table_names_people_and_shows_units(sales: Cast) -> None:
    code, output = run("--period", "2026-03", "--as-of", "2026-03-31", "--by", "rep")
    assert code == 0
    assert "Ann" in output
    assert "66.7%" in output  # Ann's win rate
    assert "40,000" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-13"], "Error: --period '2026-13' has no such month"),
        (["--period", "March"], "Error: --period 'March' is not a period id"),
        (["--metric", "revenue"], "Error: --metric 'revenue' is not in the catalogue"),
    ],
)
def test_bad_input_is_named_and_exits_2(sales: Cast, args: list[str], message: str) -> None:
    code, output = run(*args)
    assert code == 2
    assert message in output


def test_an_unknown_engine_or_scope_is_a_usage_error() -> None:
    assert run("--engine", "oracle")[0] == 2
    assert run("--by", "region")[0] == 2


@pytest.mark.parametrize(
    ("by", "sentence"),
    [("rep", "No salespeople employed in this period."), ("team", "No teams with salespeople")],
)
def test_an_empty_organisation_gets_a_sentence_not_a_crash(by: str, sentence: str) -> None:
    code, output = run("--by", by, "--metric", "bookings")
    assert code == 0, output
    assert sentence in output
    assert json.loads(run("--by", by, "--format", "json")[1])["rows"] == []


def test_csv_writes_a_name_that_starts_like_a_formula_as_text(sales: Cast) -> None:
    sales.east.name = "=East"
    sales.east.save()
    code, output = run(
        "--period", "2026-03", "--as-of", "2026-03-31", "--by", "team", "--metric", "bookings",
        "--format", "csv",
    )  # fmt: skip
    assert code == 0
    # The name is text; the negative gap stays a number.
    assert "2026-03,2026-03-31,bookings,team,'=East,40000.0,60000.0,-20000.0,money" in output
