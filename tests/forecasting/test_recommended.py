"""Revsight's recommended forecast of a period as known today: every method's figure for the
whole period, weighed by its record at the matching horizon of the backtest."""

from __future__ import annotations

import json
from datetime import date

import pytest
from click.testing import CliRunner

from revsight.analytics.engine import get_engine
from revsight.analytics.scopes import membership
from revsight.cli import cli
from revsight.core.periods import Period, parse
from revsight.forecasting import combined
from revsight.forecasting.backtest import History, backtest, record, remember
from revsight.forecasting.outlook import outlook
from revsight.forecasting.recommended import (
    NO_SUBMISSIONS,
    Known,
    _months_ahead,
    horizon_of,
    methods_now,
    recommend,
)
from revsight.forecasting.scores import Distribution, Forecast, Skip

MID_JUNE = date(2026, 6, 17)
# The record's origins: the backtest's twelve scored ones and the eight of its warm-up.
ORIGINS = 20
JUNE = parse("2026-06", MID_JUNE)


def _month(text: str) -> Period:
    return parse(text, MID_JUNE)


def test_a_period_stands_for_the_backtest_horizon_of_its_distance_and_length() -> None:
    assert horizon_of(_month("2026-06"), MID_JUNE) == "month"
    assert horizon_of(_month("2026-07"), MID_JUNE) == "month+1"
    assert horizon_of(_month("2026-08"), MID_JUNE) == "month+2"
    assert horizon_of(_month("2026-09"), MID_JUNE) is None
    assert horizon_of(_month("2026-Q2"), MID_JUNE) == "quarter"
    # At the end of a month's last day, the next month is the one under way.
    assert horizon_of(_month("2026-07"), date(2026, 6, 30)) == "month"


def test_a_whole_month_method_counts_the_share_of_each_month_still_ahead() -> None:
    # 13 of June's 30 days are ahead at the end of 17 June.
    assert _months_ahead(JUNE, MID_JUNE) == [(date(2026, 6, 1), 13 / 30)]
    quarter = _month("2026-Q2")
    assert _months_ahead(quarter, MID_JUNE) == [(date(2026, 6, 1), 13 / 30)]
    assert _months_ahead(quarter, date(2026, 3, 31)) == [
        (date(2026, 4, 1), 1.0),
        (date(2026, 5, 1), 1.0),
        (date(2026, 6, 1), 1.0),
    ]


def _past(method: str, *pairs: tuple[float, float]) -> combined.Past:
    return combined.Past(
        [
            Forecast(date(2026, n, 1), "month", method, value, actual)
            for n, (value, actual) in enumerate(pairs, 1)
        ]
    )


def test_the_recommendation_is_each_figure_times_its_share() -> None:
    methods = {
        "statistical": Distribution(90.0, 100.0, 120.0, []),
        "rep_commit": 110.0,
        "trailing_mean": 80.0,
        "weighted_pipeline": Skip("no open deal has an expected close date"),
    }
    record = {
        "statistical": _past("statistical", (110, 100), (90, 100), (105, 100), (95, 100)),
        "rep_commit": _past("rep_commit", (120, 100), (80, 100), (110, 100), (90, 100)),
        "trailing_mean": _past("trailing_mean", (150, 100), (60, 100), (140, 100), (70, 100)),
    }
    found = recommend(methods, "month", record)
    assert found is not None
    shares = {part.method: part.weight for part in found.parts}
    assert sum(shares.values()) == pytest.approx(1.0)
    assert shares["weighted_pipeline"] == 0.0
    assert found.p50 == pytest.approx(
        100 * shares["statistical"] + 110 * shares["rep_commit"] + 80 * shares["trailing_mean"]
    )
    # Statistical: errors 10, 10, 5, 5; commit: twice those; average: 50, 40, 40, 30, more
    # than twice the best's, so trimmed: shown at no weight. The record's recent months count
    # more, but the commit's WAPE stays twice the statistical one's, so their fitted weights
    # are four fifths and one fifth. Trust 4 / (4 + 4) = 0.5, and the other half on the
    # median of the two left, each of them halved.
    assert record["rep_commit"].wape == pytest.approx(2 * (record["statistical"].wape or 0))
    inverse = {"statistical": 4.0, "rep_commit": 1.0}
    total = sum(inverse.values())
    assert shares["statistical"] == pytest.approx(0.5 * inverse["statistical"] / total + 0.25)
    assert shares["rep_commit"] == pytest.approx(0.5 * inverse["rep_commit"] / total + 0.25)
    assert shares["trailing_mean"] == 0.0
    assert {part.method: part.forecast for part in found.parts}["trailing_mean"] == 80.0
    assert [part.method for part in found.parts] == [
        "statistical",
        "rep_commit",
        "trailing_mean",
        "weighted_pipeline",
    ]
    assert found.parts[-1].skipped == "no open deal has an expected close date"
    assert found.origins == 4
    # No band of its own yet: the statistical forecast's, around the combined median.
    assert found.p10 == pytest.approx(found.p50 * 0.9)
    assert found.p90 == pytest.approx(found.p50 * 1.2)


def test_without_a_record_the_recommendation_is_the_methods_median() -> None:
    found = recommend({"a": 100.0, "b": 300.0, "c": 200.0}, None, {})
    assert found is not None
    assert found.p50 == 200.0
    assert found.origins == 0
    assert {part.method: part.weight for part in found.parts} == {"c": 1.0, "a": 0.0, "b": 0.0}
    assert recommend({"a": Skip("x")}, None, {}) is None


@pytest.mark.usefixtures("demo_org")
@pytest.mark.django_db
@pytest.mark.backtest
def test_each_method_forecasts_the_whole_period_as_known_that_day() -> None:
    history = History(get_engine(), MID_JUNE)
    closed = history.bookings(JUNE.start, MID_JUNE)
    known = Known(JUNE, MID_JUNE, closed, None, None, closed + 1000.0, [])
    found = methods_now(history, known)
    march_to_may = history.bookings(date(2026, 3, 1), date(2026, 5, 31))
    assert found["trailing_mean"] == pytest.approx(closed + march_to_may / 3 * 13 / 30)
    assert found["rep_commit"] == Skip(NO_SUBMISSIONS)
    assert found["weighted_pipeline"] == closed + 1000.0
    assert found["statistical"] == Skip("0 earlier periods to learn from (3 needed)")
    assert found["pipeline_conversion"] == Skip("no earlier period to learn the conversion from")
    leading = found["leading_indicators"]
    assert isinstance(leading, float)
    assert leading >= closed


@pytest.mark.usefixtures("demo_org")
@pytest.mark.django_db
@pytest.mark.backtest
def test_the_outlook_leads_with_the_methods_weighed_by_their_backtest_record() -> None:
    day = date(2026, 6, 30)
    july = parse("2026-07", day)
    result = outlook(july, day, membership("company", july))
    found = result.recommended
    assert found is not None
    assert found.horizon == "month"
    assert found.origins == ORIGINS
    assert {part.method for part in found.parts} == {
        "statistical",
        "leading_indicators",
        "rep_commit",
        "weighted_pipeline",
        "trailing_mean",
        "pipeline_conversion",
    }
    figures = [part for part in found.parts if part.skipped is None]
    assert found.p50 == pytest.approx(sum(p.weight * (p.forecast or 0) for p in figures))
    assert found.p10 is not None
    assert found.p90 is not None
    assert found.p10 <= found.p50 <= found.p90
    # The weights come from the same record as the whole backtest's: a backtest of the month
    # horizon alone gives what the full one keeps.
    origins, scores = backtest(day)
    remember(day, origins, scores)
    full = record(day, "month")
    alone = {
        s.method: [(f.origin, f.value, f.actual) for f in (*s.warm_up, *s.forecasts)]
        for s in scores
        if s.horizon == "month"
    }
    assert {
        m: [(f.origin, f.value, f.actual) for f in p.forecasts] for m, p in full.items()
    } == alone
    again = outlook(july, day, membership("company", july)).recommended
    assert again is not None
    assert again.p50 == pytest.approx(found.p50)


@pytest.mark.usefixtures("demo_org")
@pytest.mark.django_db
@pytest.mark.backtest
def test_forecast_outlook_json_carries_the_combined_forecast() -> None:
    result = CliRunner().invoke(
        cli, ["forecast", "outlook", "--as-of", MID_JUNE.isoformat(), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)["combined"]
    assert set(document) == {"p10", "p50", "p90", "horizon", "origins", "methods"}
    assert document["horizon"] == "month"
    assert set(document["methods"][0]) == {"method", "forecast", "weight", "skipped"}
    assert sum(m["weight"] for m in document["methods"]) == pytest.approx(1.0, abs=1e-3)
    table = CliRunner().invoke(cli, ["forecast", "outlook", "--as-of", MID_JUNE.isoformat()])
    assert table.exit_code == 0, table.output
    assert "Recommended (combined) P10 / P50 / P90" in table.output
    assert (
        f"weighed by each method's record at the month horizon over {ORIGINS} earlier months"
        in (table.output)
    )
