"""`revsight discipline` as other tools call it: the JSON document, CSV, the table, narrowing
by person, team and rule, and bad options named in the error with exit 2."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from revsight.cli import cli
from revsight.crm.models import Account
from tests.cadence.builders import deal
from tests.people import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def late(cast: Cast) -> Cast:
    acme = Account.objects.create(name="=Acme")  # a name a spreadsheet would run as a formula
    deal(
        cast.east_rep,
        "A1",
        date(2026, 4, 1),
        [(date(2026, 4, 1), "Proposal", 0, date(2026, 6, 1))],
        account=acme,
    )
    deal(
        cast.west_rep,
        "C1",
        date(2026, 4, 1),
        [(date(2026, 4, 1), "Proposal", 100, date(2026, 6, 20))],
    )
    return cast


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["discipline", "--as-of", "2026-06-30", *args])
    return result.exit_code, result.output


def test_json_is_the_document(late: Cast) -> None:
    code, output = run("--format", "json", "--rule", "past_close_date", "--rule", "missing_amount")
    assert code == 0, output
    document = json.loads(output)
    assert document["as_of"] == "2026-06-30"
    assert [(r["id"], r["count"]) for r in document["rules"]] == [
        ("past_close_date", 2),
        ("missing_amount", 1),
    ]
    assert [
        (f["owner"], f["rule"], f["deal"]["name"], f["detail"]) for f in document["findings"]
    ] == [
        ("ann@acme.test", "missing_amount", "A1", "amount 0"),
        ("ann@acme.test", "past_close_date", "A1", "expected to close 2026-06-01, 29 days ago"),
        ("carla@acme.test", "past_close_date", "C1", "expected to close 2026-06-20, 10 days ago"),
    ]


def test_a_team_or_a_person_narrows_the_deals(late: Cast) -> None:
    _, west = run("--format", "json", "--team", "west", "--rule", "past_close_date")
    assert [f["owner"] for f in json.loads(west)["findings"]] == ["carla@acme.test"]
    _, ann = run("--format", "json", "--user", "ann@acme.test")
    assert {f["owner"] for f in json.loads(ann)["findings"]} == {"ann@acme.test"}


def test_csv_has_one_row_per_finding_safe_for_spreadsheets(late: Cast) -> None:
    code, output = run("--format", "csv", "--rule", "missing_amount")
    assert code == 0, output
    lines = output.splitlines()
    assert lines[0] == "rule,deal_id,external_id,deal,account,owner,detail"
    assert lines[1].startswith("missing_amount,")
    assert lines[1].endswith(",X-A1,A1,'=Acme,ann@acme.test,amount 0")
    assert len(lines) == 2


def test_the_table_lists_each_rule_then_its_deals(late: Cast) -> None:
    code, output = run("--rule", "past_close_date")
    assert code == 0, output
    assert output.startswith("CRM discipline for Company, at the end of 2026-06-30\n")
    assert (
        "past_close_date  Open at the as-of date with an expected close date before it.      2"
        in output
    )
    assert "carla@acme.test  C1 (#" in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--rule", "late"), "Error: --rule 'late' is not a rule (past_close_date, "),
        (("--user", "nobody@acme.test"), "Error: --user 'nobody@acme.test' is not a person\n"),
        (("--team", "Eats"), "Error: --team 'Eats' is not a team (did you mean 'East'?)\n"),
        (
            ("--user", "ann@acme.test", "--team", "East"),
            "Error: --team 'East' cannot be given with --user",
        ),
    ],
)
def test_bad_options_are_named_and_exit_2(late: Cast, args: tuple[str, ...], message: str) -> None:
    code, output = run(*args)
    assert code == 2
    assert message in output


def test_a_bad_date_is_named(late: Cast) -> None:
    result = CliRunner().invoke(cli, ["discipline", "--as-of", "2026-02-30"])
    assert result.exit_code == 2
    assert (
        "Invalid value for '--as-of': '2026-02-30' does not match the format '%Y-%m-%d'"
        in result.output
    )
