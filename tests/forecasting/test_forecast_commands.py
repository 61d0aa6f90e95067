"""`revsight forecast submit`, `show` and `movement` as other tools call them."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from revsight.cli import cli
from revsight.core.models import AuditEntry, Organisation
from revsight.crm.models import ForecastSubmission
from tests.people import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def organisation(db: None) -> None:
    Organisation.current()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["forecast", *args])
    return result.exit_code, result.output


def test_a_submission_keeps_commit_and_best_case_with_the_time(cast: Cast) -> None:
    code, output = run(
        "submit",
        "--user",
        "Ann@acme.test",
        "--period",
        "2026-q2",
        "--commit",
        "90,000",
        "--best-case",
        "120000",
    )
    assert code == 0, output
    assert output.startswith("Recorded for ann@acme.test, 2026-Q2: commit 90,000.00, best case")
    rows = ForecastSubmission.objects.order_by("category")
    assert [(r.category, r.period_type, r.period_start.isoformat(), r.amount) for r in rows] == [
        ("best_case", "quarter", "2026-04-01", Decimal("120000.00")),
        ("commit", "quarter", "2026-04-01", Decimal("90000.00")),
    ]
    assert AuditEntry.objects.filter(action="forecast.submit").count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--user", "nobody@acme.test", "--period", "2026-05", "--commit", "1"],
            "--user 'nobody@acme.test' is not the email of anyone here",
        ),
        (
            ["--user", "dev@acme.test", "--period", "2026-05", "--commit", "1"],
            "--user 'dev@acme.test' is not a salesperson or a manager",
        ),
        (
            ["--user", "ann@acme.test", "--period", "2026", "--commit", "1"],
            "--period '2026' must be a month (2026-03) or a quarter (2026-Q1)",
        ),
        (
            ["--user", "ann@acme.test", "--period", "2026-05", "--commit", "-5"],
            "--commit '-5' must be zero or more",
        ),
        (
            [
                "--user",
                "ann@acme.test",
                "--period",
                "2026-05",
                "--commit",
                "10",
                "--best-case",
                "-5",
            ],
            "--best-case '-5' must be zero or more",
        ),
        (
            [
                "--user",
                "ann@acme.test",
                "--period",
                "2026-05",
                "--commit",
                "10",
                "--best-case",
                "5",
            ],
            "--best-case '5.00' must not be below the commit",
        ),
    ],
)
def test_a_bad_submission_names_the_option_and_stores_nothing(
    cast: Cast, args: list[str], message: str
) -> None:
    code, output = run("submit", *args)
    assert code == 2
    assert message in output
    assert not ForecastSubmission.objects.exists()


def test_show_rolls_up_each_persons_latest_commit(cast: Cast) -> None:
    run("submit", "--user", "ann@acme.test", "--period", "2026-05", "--commit", "100")
    run("submit", "--user", "ann@acme.test", "--period", "2026-05", "--commit", "80")
    run(
        "submit",
        "--user",
        "ben@acme.test",
        "--period",
        "2026-05",
        "--commit",
        "50",
        "--best-case",
        "70",
    )
    code, output = run(
        "show", "--period", "2026-05", "--as-of", "2026-12-31", "--by", "team", "--format", "json"
    )
    assert code == 0, output
    document = json.loads(output)
    east = next(row for row in document["rows"] if row["key"] == "East")
    # Ann's latest commit (80) and Ben's (50); Ann's best case defaults to her commit.
    assert (east["commit"], east["best_case"], east["submitted"], east["forecasters"]) == (
        130.0,
        150.0,
        2,
        2,
    )
    assert document["period"] == {"id": "2026-05", "start": "2026-05-01", "end": "2026-05-31"}


def test_show_as_of_before_a_submission_does_not_see_it(cast: Cast) -> None:
    run("submit", "--user", "ann@acme.test", "--period", "2026-05", "--commit", "100")
    code, output = run(
        "show", "--period", "2026-05", "--as-of", "2020-01-01", "--by", "rep", "--format", "json"
    )
    assert code == 0
    assert all(row["commit"] is None for row in json.loads(output)["rows"])


def test_movement_json_has_every_bucket(cast: Cast) -> None:
    code, output = run(
        "movement",
        "--period",
        "2026-03",
        "--from",
        "2026-02-01",
        "--to",
        "2026-02-28",
        "--format",
        "json",
    )
    assert code == 0, output
    row = json.loads(output)["rows"][0]
    assert list(row) == [
        "key",
        "start",
        "new",
        "pulled_in",
        "increased",
        "decreased",
        "pushed_out",
        "won",
        "lost",
        "end",
        "counts",
    ]
    code, output = run(
        "movement", "--period", "2026-03", "--from", "2026-03-01", "--to", "2026-02-01"
    )
    assert code == 2
    assert "--to '2026-02-01' must not be before --from" in output


@pytest.mark.parametrize(
    ("bias", "shown"),
    [(0.0524, "+5%"), (-0.2399, "−24%"), (-0.0008, "±0%"), (0.004, "±0%"), (None, "—")],
)
def test_a_bias_in_the_tables_has_its_sign_and_never_reads_minus_zero(
    bias: float | None, shown: str
) -> None:
    from revsight.cli.forecast import _signed_share

    assert _signed_share(bias) == shown
