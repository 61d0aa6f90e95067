"""The self-assessment's total and band, and `revsight assess score`: exactly eleven whole
numbers from 1 to 5, or a clear error naming the position and exit 2."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from revsight.assessments.bands import CATEGORIES, band_of, scores_of, summary
from revsight.cli import cli
from revsight.core.errors import InvalidInput


@pytest.mark.parametrize(
    ("total", "band", "advice"),
    [
        (55, "45-55", "minor tuning may be required"),
        (45, "45-55", "minor tuning may be required"),
        (44, "35-44", "consider several projects"),
        (35, "35-44", "consider several projects"),
        (34, "25-34", "take multiple actions"),
        (25, "25-34", "take multiple actions"),
        (24, "0-24", "major assistance is required now"),
        (11, "0-24", "major assistance is required now"),
        (0, "0-24", "major assistance is required now"),
    ],
)
def test_each_total_falls_in_its_band(total: int, band: str, advice: str) -> None:
    assert (band_of(total).key, band_of(total).advice) == (band, advice)


def test_a_total_outside_zero_to_fifty_five_has_no_band() -> None:
    with pytest.raises(ValueError, match="0 to 55"):
        band_of(56)


def test_the_eleven_categories_are_in_the_order_of_the_assessment() -> None:
    assert [c.number for c in CATEGORIES] == list(range(1, 12))
    assert CATEGORIES[0].title.startswith("Knowing what share of the current period")
    assert CATEGORIES[4].title.endswith("the best candidate, not the best available")
    assert CATEGORIES[10].title.startswith("Contests and games")


def test_the_summary_of_eleven_scores() -> None:
    scores = scores_of(["5", "4", "3", "3", "2", "4", "5", "3", "2", "4", "1"])
    assert summary(scores) == {"total": 36, "band": "35-44", "advice": "consider several projects"}


def test_a_wrong_score_is_named_by_its_position() -> None:
    with pytest.raises(InvalidInput) as raised:
        scores_of([5, 4, 3, 3, 2, 4, "4.5", 3, 2, 4, 1])
    assert raised.value.field == "score 7"


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["assess", "score", *args])
    return result.exit_code, result.stdout, result.stderr


def test_the_command_prints_the_json_contract() -> None:
    code, out, _ = run("5", "4", "3", "3", "2", "4", "5", "3", "2", "4", "1", "--format", "json")
    assert code == 0
    assert json.loads(out) == {"total": 36, "band": "35-44", "advice": "consider several projects"}
    assert out == '{"total": 36, "band": "35-44", "advice": "consider several projects"}\n'


def test_the_command_prints_each_category_and_the_band() -> None:
    code, out, _ = run(*["5"] * 11)
    assert code == 0
    assert out.splitlines()[0].startswith(" 1. Knowing what share")
    assert out.splitlines()[0].endswith("5")
    assert out.splitlines()[-1] == "Total 55 of 55 (45-55): minor tuning may be required."


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ("5 4 3 3 2 4 5 3 2 4", "scores ('5 4 3 3 2 4 5 3 2 4') must be exactly 11 numbers"),
        ("5 4 3 3 2 4 5 3 2 4 1 2", "must be exactly 11 numbers, one per category in order; 12"),
        ("5 4 3 3 2 4 5 3 2 4 6", "score 11 ('6') is not a whole number from 1 to 5"),
        ("0 4 3 3 2 4 5 3 2 4 1", "score 1 ('0') is not a whole number from 1 to 5"),
        ("5 4 3 3 2 4 4.5 3 2 4 1", "score 7 ('4.5') is not a whole number from 1 to 5"),
        ("5 4 three 3 2 4 5 3 2 4 1", "score 3 ('three') is not a whole number from 1 to 5"),
        ("5 4 3 -1 2 4 5 3 2 4 1", "score 4 ('-1') is not a whole number from 1 to 5"),
        ("", "must be exactly 11 numbers, one per category in order; 0 given"),
    ],
)
def test_anything_but_eleven_scores_from_one_to_five_is_refused(scores: str, message: str) -> None:
    code, out, err = run(*scores.split(), "--format", "json")
    assert code == 2
    assert out == ""
    assert message in err
