"""Track records on the demo: the planted accurate forecaster, sandbagger and optimist are found."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from revsight.cli import cli
from revsight.forecasting.accuracy import label, track_records
from revsight.org.models import Role, User
from tests.conftest import DEMO_AS_OF

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("biases", "expected"),
    [
        ([-0.3, -0.2, -0.25, -0.1], "sandbagging"),
        ([0.3, 0.2, 0.4, -0.05, 0.5, 0.2], "optimistic"),
        ([0.05, -0.04, 0.02, -0.08], "accurate"),
        ([0.4, -0.3, 0.5, -0.2], "mixed"),
        ([-0.5, -0.5, -0.5], "not enough history"),
        # Only the last six months count.
        ([0.9, 0.9, 0.9, -0.2, -0.2, -0.2, -0.2, -0.2, -0.2], "sandbagging"),
    ],
)
def test_labels(biases: list[float], expected: str) -> None:
    assert label(biases) == expected


@pytest.mark.parametrize(
    ("accuracy", "expected"), [(0.92, "accurate"), (0.85, "accurate"), (0.481, "mixed")]
)
def test_accurate_needs_the_accuracy_shown_beside_it(accuracy: float, expected: str) -> None:
    assert label([0.05, -0.04, 0.02, -0.08], accuracy) == expected


@pytest.mark.usefixtures("demo_org")
def test_the_demos_characters_are_recognised() -> None:
    sellers = list(User.objects.filter(role=Role.SALESPERSON).order_by("id")[:3])
    records = {r.key: r for r in track_records(DEMO_AS_OF, "rep", 12)}
    accurate, sandbagger, optimist = (records[p.email] for p in sellers)
    assert sellers[0].email == "rep@example.com"
    # Within ±10% in the months that booked, but a commit in three of the last six months that
    # booked nothing scores 0% there: 47.8%, which "accurate" would contradict.
    assert (accurate.rolling_accuracy, accurate.rolling_bias) == (0.477862, 0.018878)
    assert accurate.label == "mixed"
    labelled = [r for r in records.values() if r.label == "accurate"]
    assert all((r.rolling_accuracy or 0) >= 0.85 for r in labelled)
    assert sandbagger.label == "sandbagging"
    assert optimist.label == "optimistic"
    assert len(accurate.months) == 12
    assert accurate.months[-1][0] == "2026-05"  # the last complete month before 30 June
    assert sandbagger.rolling_bias is not None
    assert sandbagger.rolling_bias < -0.1 < 0.1 < (optimist.rolling_bias or 0)


@pytest.mark.usefixtures("demo_org")
def test_the_accuracy_command_in_json() -> None:
    result = CliRunner().invoke(
        cli,
        [
            "forecast",
            "accuracy",
            "--as-of",
            DEMO_AS_OF.isoformat(),
            "--by",
            "team",
            "--months",
            "6",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["by"] == "team"
    row = document["rows"][0]
    assert list(row) == ["key", "name", "months", "rolling_accuracy", "rolling_bias", "label"]
    assert [m["period"] for m in row["months"]] == [
        "2025-12",
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
        "2026-05",
    ]
