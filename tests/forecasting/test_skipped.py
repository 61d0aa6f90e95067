"""A method that cannot forecast at an origin says why, on a small hand-built history: no close
dates on the open deals, no submissions, too short a history, origins before the first win."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from click.testing import CliRunner

from revsight.cli import cli
from revsight.crm.models import ForecastSubmission, Opportunity, Stage, StageChange
from revsight.forecasting.scores import Forecast, Score
from revsight.forecasting.services import submit_forecast
from revsight.org.models import User
from tests.people import Cast

AS_OF = date(2026, 7, 15)
FIRST_WIN = date(2026, 2, 10)
BEFORE_FIRST = f"before the first won deal ({FIRST_WIN.isoformat()})"


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def deal(owner: User, created: date, won: date | None, amount: int, *, close: date | None) -> None:
    """A deal qualified on `created` (with the close date `close`, or none), won on `won`."""
    qualify = Stage.objects.get(name="Qualify")
    final = Stage.objects.get(name="Won") if won else qualify
    opportunity = Opportunity.objects.create(
        owner=owner,
        name=f"{owner.name} {created}",
        stage=final,
        status=final.outcome,
        amount=Decimal(amount),
        close_date=won or close,
        created_date=created,
    )
    StageChange.objects.create(
        opportunity=opportunity,
        to_stage=qualify,
        amount=Decimal(amount),
        close_date=close,
        changed_at=at(created),
    )
    if won:
        StageChange.objects.create(
            opportunity=opportunity,
            to_stage=final,
            amount=Decimal(amount),
            close_date=won,
            changed_at=at(won),
        )


@pytest.fixture
def no_close_dates(cast: Cast) -> Cast:
    """Deals won every month from February, none of them with a close date while open, and a
    deal open since January without one either: no submissions, no activities."""
    Stage.objects.create(name="Qualify", order=1, probability=Decimal("0.2"))
    Stage.objects.create(name="Won", order=8, probability=1, outcome="won")
    Stage.objects.create(name="Lost", order=9, probability=0, outcome="lost")
    deal(cast.east_rep, date(2026, 1, 10), None, 5000, close=None)
    for month, amount in ((2, 1000), (3, 2000), (4, 1500), (5, 3000), (6, 2500)):
        won = FIRST_WIN if month == 2 else date(2026, month, 12)
        deal(cast.east_rep, date(2026, month, 1), won, amount, close=None)
    return cast


def backtest_json(months: int = 6) -> dict[tuple[str, str], dict[str, Any]]:
    result = CliRunner().invoke(
        cli,
        [
            *("forecast", "backtest", "--months", str(months)),
            *("--as-of", AS_OF.isoformat(), "--format", "json"),
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    return {(m["method"], m["horizon"]): m for m in document["methods"]}


def reasons(row: dict[str, Any]) -> list[tuple[str, str]]:
    return [(skip["origin"], skip["reason"]) for skip in row["skipped"]]


@pytest.mark.usefixtures("no_close_dates")
@pytest.mark.django_db
def test_each_method_says_why_it_did_not_forecast() -> None:
    rows = backtest_json()
    before = [("2026-01-01", BEFORE_FIRST), ("2026-02-01", BEFORE_FIRST)]
    later = ["2026-03-01", "2026-04-01", "2026-05-01", "2026-06-01"]

    trailing = rows[("trailing_mean", "month")]
    assert trailing["n"] == 4
    assert reasons(trailing) == before
    # March to June: (Dec + Jan + Feb) / 3 = 333.33, then 1000, 1500, 2166.67 against
    # 2000, 1500, 3000 and 2500 booked.
    assert trailing["wape"] == pytest.approx(round((1666.67 + 500 + 1500 + 333.33) / 9000, 4))

    for method in ("weighted_pipeline", "pipeline_conversion"):
        row = rows[(method, "month")]
        assert row["n"] == 0
        assert reasons(row) == [
            *before,
            *((o, "no open deal has an expected close date") for o in later),
        ]
        assert row["wape"] is None

    commit = rows[("rep_commit", "month")]
    assert commit["n"] == 0
    assert reasons(commit) == [
        *before,
        *((o, "no forecast submissions for this month before this origin") for o in later),
    ]
    quarter = rows[("rep_commit", "quarter")]
    # The six latest quarter targets over by July start from November to April; the fiscal
    # year starts in January, so of those after the first win only April begins a quarter.
    assert reasons(quarter) == [
        *((f"{month}-01", BEFORE_FIRST) for month in ("2025-11", "2025-12", "2026-01", "2026-02")),
        ("2026-03-01", "the three months from this origin are not a fiscal quarter"),
        ("2026-04-01", "no forecast submissions for this quarter before this origin"),
    ]

    statistical = rows[("statistical", "month")]
    # Learning starts with the first origin after the first win (March): June has three.
    assert statistical["n"] == 1
    assert reasons(statistical) == [
        *before,
        (
            "2026-03-01",
            "no earlier origin with a finished target to learn from before this origin (3 needed)",
        ),
        (
            "2026-04-01",
            "only 1 earlier origin with a finished target to learn from before this "
            "origin (3 needed)",
        ),
        (
            "2026-05-01",
            "only 2 earlier origins with a finished target to learn from before this "
            "origin (3 needed)",
        ),
    ]

    leading = rows[("leading_indicators", "month")]
    assert leading["n"] == 0
    # Learning from a month needs both lags tried (one and two months) after the first
    # booking (February): April is the first such month.
    assert [reason for _, reason in reasons(leading)[2:]] == [
        f"{n} of bookings and activity counts per ramped salesperson before this origin to "
        "learn from (8 needed)"
        for n in ("0 months", "0 months", "1 month", "2 months")
    ]


@pytest.mark.django_db
def test_a_submission_made_by_the_origin_is_forecast(no_close_dates: Cast) -> None:
    submit_forecast(no_close_dates.east_rep.email, "2026-05", "2800", None)
    # Submitted today (after every origin): it counts for no origin.
    assert rows_n("rep_commit") == 0
    ForecastSubmission.objects.update(submitted_at=at(date(2026, 4, 28)))
    commit = backtest_json()[("rep_commit", "month")]
    assert commit["n"] == 1
    assert commit["wape"] == pytest.approx(round(200 / 3000, 4))
    assert "2026-05-01" not in [origin for origin, _ in reasons(commit)]


def rows_n(method: str) -> int:
    n: int = backtest_json()[(method, "month")]["n"]
    return n


def test_every_share_is_over_the_n_it_is_shown_with() -> None:
    origin = date(2026, 3, 1)
    score = Score(
        "trailing_mean",
        "month",
        [
            Forecast(origin, "month", "trailing_mean", 0.0, 0.0),  # nothing, as forecast
            Forecast(origin, "month", "trailing_mean", 104.0, 100.0),
            Forecast(origin, "month", "trailing_mean", 150.0, 100.0),
            Forecast(origin, "month", "trailing_mean", 50.0, 0.0),  # missed a month of nothing
        ],
        [(date(2026, 2, 1), "before the first won deal (2026-02-10)")],
    )
    row = score.as_json()
    assert row["n"] == 4
    assert row["within_5pct"] == 0.5  # 2 of the 4
    assert row["within_10pct"] == 0.5
    assert row["wape"] == round((4 + 50 + 50) / 200, 4)
    assert row["skipped"] == [
        {"origin": "2026-02-01", "reason": "before the first won deal (2026-02-10)"}
    ]
