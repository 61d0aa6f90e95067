"""Backtests on the demo: the contract, exact baseline values, and no look-ahead."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from click.testing import CliRunner

from revsight.analytics import compute
from revsight.analytics.engine import DatabaseEngine
from revsight.cli import cli
from revsight.core.periods import add_months
from revsight.crm.models import Opportunity, Stage, StageChange
from revsight.forecasting.backtest import (
    HORIZONS,
    WARM_UP,
    History,
    _statistical,
    _trailing_mean,
    _weighted_pipeline,
    backtest,
    target_of,
)
from revsight.org.models import Role, User
from tests.conftest import DEMO_AS_OF

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db, pytest.mark.backtest]

ORIGIN = date(2026, 4, 1)


def test_the_json_contract() -> None:
    result = CliRunner().invoke(
        cli,
        [
            "forecast",
            "backtest",
            "--months",
            "3",
            "--as-of",
            DEMO_AS_OF.isoformat(),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert list(document) == ["origins", "methods"]
    assert document["origins"][-1] == "2026-05-01"
    assert {(m["method"], m["horizon"]) for m in document["methods"]} == {
        (method, horizon)
        for method in (
            "combined",
            "statistical",
            "leading_indicators",
            "rep_commit",
            "weighted_pipeline",
            "trailing_mean",
            "pipeline_conversion",
        )
        for horizon in ("month", "month+1", "month+2", "quarter")
    }
    for entry in document["methods"]:
        assert {"wape", "bias", "within_10pct", "p10_p90_coverage"} <= set(entry)
    month = {m["method"]: m for m in document["methods"] if m["horizon"] == "month"}
    assert month["trailing_mean"]["n"] == 3
    # Only the statistical forecast has a band and deal probabilities.
    assert 0 <= month["statistical"]["p10_p90_coverage"] <= 1
    assert 0 < month["statistical"]["brier"] < 0.25
    # Against the CRM's stage probabilities on the same deals (0 unless expected to close in
    # the month), which it must beat to be worth its chances.
    assert month["statistical"]["brier"] < month["statistical"]["brier_stage_probability"]
    assert month["trailing_mean"]["brier_stage_probability"] is None
    assert month["rep_commit"]["p10_p90_coverage"] is None
    # The combined forecast forecasts wherever a method does, with the statistical band
    # until it has errors of its own; it has no deal probabilities of its own.
    assert month["combined"]["n"] == 3
    assert 0 <= month["combined"]["p10_p90_coverage"] <= 1
    assert month["combined"]["brier"] is None


def test_the_trailing_mean_is_the_mean_of_the_three_months_before() -> None:
    history = History(DatabaseEngine(), DEMO_AS_OF)
    months = [
        compute(["bookings"], p, DEMO_AS_OF).value("bookings")
        for p in ("2026-01", "2026-02", "2026-03")
    ]
    forecast = _trailing_mean(history, ORIGIN, "quarter", [])
    assert forecast == pytest.approx(sum(months) / 3 * 3)


def test_targets_of_each_horizon() -> None:
    assert [(target_of(ORIGIN, h).start, target_of(ORIGIN, h).end) for h in HORIZONS] == [
        (date(2026, 4, 1), date(2026, 4, 30)),
        (date(2026, 5, 1), date(2026, 5, 31)),
        (date(2026, 6, 1), date(2026, 6, 30)),
        (date(2026, 4, 1), date(2026, 6, 30)),
    ]


def test_an_origin_never_sees_what_happened_after_it() -> None:
    target = target_of(ORIGIN, "month")
    history = History(DatabaseEngine(), DEMO_AS_OF)
    before = _weighted_pipeline(history, ORIGIN, "month", [])
    earlier = [date(2025, 12, 1), date(2026, 1, 1), date(2026, 2, 1)]
    distribution = _statistical(history, ORIGIN, "month", earlier)
    assert distribution is not None
    in_pipeline = history.pipeline(ORIGIN - timedelta(days=1), target)
    assert in_pipeline
    # After the origin: a deal of that pipeline doubles and is won, and a new deal appears.
    deal = Opportunity.objects.get(pk=next(iter(in_pipeline)))
    later = datetime(2026, 4, 3, 12, tzinfo=UTC)
    StageChange.objects.create(
        opportunity=deal,
        to_stage=Stage.objects.filter(outcome="won").first(),
        amount=(deal.amount or 0) * 2,
        close_date=date(2026, 4, 3),
        changed_at=later,
    )
    Opportunity.objects.create(
        owner=User.objects.filter(role=Role.SALESPERSON).first(),
        name="Late",
        amount=Decimal(9000000),
        stage=Stage.objects.filter(outcome="open").first(),
        status="open",
        created_date=date(2026, 4, 2),
        close_date=date(2026, 4, 20),
    )
    # The same version as before: the change would otherwise reseed the simulation.
    fresh = History(DatabaseEngine(), DEMO_AS_OF, version=history.version)
    assert _weighted_pipeline(fresh, ORIGIN, "month", []) == pytest.approx(before)
    again = _statistical(fresh, ORIGIN, "month", earlier)
    assert again is not None
    assert (again.p10, again.p50, again.p90) == pytest.approx(
        (distribution.p10, distribution.p50, distribution.p90)
    )


def test_the_warm_up_origins_give_the_combination_a_record_and_are_never_scored() -> None:
    origins, scores = backtest(DEMO_AS_OF, months=3, horizons=("month",))
    by_method = {s.method: s for s in scores}
    trailing = by_method["trailing_mean"]
    assert [f.origin for f in trailing.forecasts] == origins
    assert origins == [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)]
    assert [f.origin for f in trailing.warm_up] == [
        add_months(date(2025, 7, 1), n) for n in range(WARM_UP)
    ]
    assert trailing.as_json()["n"] == 3
    # The combination at the first scored origin already weighs the methods by the warm-up:
    # it is not the methods' median there.
    first = {m: s.forecasts[0].value for m, s in by_method.items() if s.forecasts}
    others = sorted(v for m, v in first.items() if m != "combined")
    middle = len(others) // 2
    median = others[middle] if len(others) % 2 else (others[middle - 1] + others[middle]) / 2
    assert first["combined"] != pytest.approx(median)
