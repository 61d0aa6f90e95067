"""Dividing metrics by a dimension: the pipeline by stage, marketing by lead source."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from revsight.analytics import compute
from revsight.cli import cli
from revsight.core.errors import InvalidInput
from tests.analytics.fixtures import build_economics, build_sales
from tests.people import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(cast: Cast) -> Cast:
    build_economics(cast, build_sales(cast))
    return cast


def test_pipeline_by_stage_as_it_stood_on_the_as_of_date(books: Cast, engine: str) -> None:
    early = compute(None, "2026-03", date(2026, 3, 10), split="stage", engine=engine)
    # On 10 March the pushed deal was 40,000 in Prospecting; the quiet deal has no history.
    assert early.value("pipeline_value", split="Prospecting") == 47000.0
    assert early.value("pipeline_count", split="Prospecting") == 2
    assert early.value("pipeline_value", split="Proposal") == 0.0
    april = compute(None, "2026-04", date(2026, 3, 25), split="stage", engine=engine)
    assert april.value("pipeline_value", split="Proposal") == 50000.0


def test_cost_per_lead_by_source(books: Cast, engine: str) -> None:
    march = compute(None, "2026-03", date(2026, 3, 31), split="lead_source", engine=engine)
    assert march.value("lead_count", split="Web") == 2
    assert march.value("cost_per_lead", split="Web") == 150.0  # 300 over 2 leads
    assert march.value("cost_per_lead", split="Partner") == 150.0  # 150 over 1 lead
    february = compute(
        ["cost_per_lead"], "2026-02", date(2026, 3, 31), split="lead_source", engine=engine
    )
    assert february.value("cost_per_lead", split="Web") == 0.0  # a lead, and no spend
    assert february.value("cost_per_lead", split="Partner") is None  # no lead at all


def test_a_split_that_does_not_apply_is_refused(books: Cast) -> None:
    with pytest.raises(InvalidInput, match="applies only to pipeline_value, pipeline_count"):
        compute(["win_rate"], "2026-03", date(2026, 3, 31), split="stage")


def test_json_rows_name_their_stage(books: Cast) -> None:
    result = CliRunner().invoke(
        cli,
        [
            "metrics",
            "--period",
            "2026-04",
            "--as-of",
            "2026-03-25",
            "--split",
            "stage",
            "--by",
            "rep",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)["rows"]
    proposal = [r for r in rows if r["key"] == "ann@acme.test" and r["stage"] == "Proposal"]
    assert [(r["metric"], r["value"]) for r in proposal] == [
        ("pipeline_value", 50000.0),
        ("pipeline_count", 1),
    ]
