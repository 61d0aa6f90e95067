"""The leading-indicator model keeps an indicator only when it forecasts better out of time."""

from __future__ import annotations

import numpy as np
import pytest

from revsight.forecasting.indicators import (
    INDICATORS,
    Series,
    fit,
    lead_table,
    month_index,
    month_of,
    predict_month,
)

FIRST = 2024 * 12  # January 2024
MONTHS = 30
REPS = 10


def series(bookings_from: object, seed: int = 0) -> Series:
    """Random activity counts; bookings per month computed by `bookings_from(counts, month)`."""
    rng = np.random.default_rng(seed)
    counts = {
        kind: {
            FIRST + m: int(rng.poisson(200 if kind == "discovery_call" else 80))
            for m in range(MONTHS)
        }
        for kind in INDICATORS
    }
    bookings = {FIRST + m: float(bookings_from(counts, FIRST + m)) for m in range(MONTHS)}  # type: ignore[operator]
    return Series(counts, bookings, dict.fromkeys(range(FIRST, FIRST + MONTHS), REPS), FIRST)


def driven_by_discovery(lag: int, noise: float = 0.0, seed: int = 1) -> Series:
    rng = np.random.default_rng(seed)

    def bookings(counts: dict[str, dict[int, int]], month: int) -> float:
        calls = counts["discovery_call"].get(month - lag, 200)
        return 5_000.0 * calls * (1 + noise * rng.normal())

    return series(bookings)


def test_the_indicator_that_drives_bookings_is_kept_at_its_lag() -> None:
    data = driven_by_discovery(lag=2)
    origin = FIRST + 24
    model = fit(data, origin, min_lag=2)
    assert model is not None
    assert (model.terms[0].indicator, model.terms[0].lag) == ("discovery_call", 2)
    assert model.loo_error < 0.1 * model.baseline_error
    predicted, _ = predict_month(data, origin, origin + 1) or (0.0, None)
    assert predicted == pytest.approx(data.bookings[origin + 1], rel=0.01)
    assert model.describe().startswith("discovery calls 2 months ahead")


def test_noise_is_not_kept_and_the_forecast_is_the_mean_per_ramped_rep() -> None:
    rng = np.random.default_rng(7)
    data = series(lambda counts, month: 1_000_000.0 * rng.lognormal(0, 0.3))
    origin = FIRST + 24
    model = fit(data, origin, min_lag=3)
    assert model is not None
    assert model.terms == []
    assert model.describe() == "no indicator improved on the average"
    predicted, _ = predict_month(data, origin, origin + 2) or (0.0, None)
    mean = np.mean([data.bookings[m] / REPS for m in range(FIRST + 6, origin)])
    assert predicted == pytest.approx(mean * REPS, rel=0.05)


def test_more_activity_for_fewer_bookings_is_never_kept() -> None:
    def bookings(counts: dict[str, dict[int, int]], month: int) -> float:
        return 2_000_000.0 - 5_000.0 * counts["demonstration"].get(month - 2, 80)

    model = fit(series(bookings), FIRST + 24, min_lag=2)
    assert model is not None
    assert all(t.indicator != "demonstration" for t in model.terms)


def test_the_model_uses_only_months_before_the_origin() -> None:
    data = driven_by_discovery(lag=2)
    origin = FIRST + 20
    before = predict_month(data, origin, origin + 1)
    for month in range(origin, FIRST + MONTHS):  # the future changes completely
        data.bookings[month] *= 3
        for kind in INDICATORS:
            data.counts[kind][month] = 0
    after = predict_month(data, origin, origin + 1)
    assert before is not None
    assert after is not None
    assert after[0] == pytest.approx(before[0])


def test_too_short_a_history_gives_no_forecast() -> None:
    data = driven_by_discovery(lag=2)
    assert predict_month(data, FIRST + 6, FIRST + 8) is None


def test_the_lead_table_finds_the_lag() -> None:
    leads = lead_table(driven_by_discovery(lag=2, noise=0.05), FIRST + MONTHS)
    lag, correlation = leads["discovery_call"]
    assert lag == 2
    assert correlation > 0.7


def test_month_indices_round_trip() -> None:
    assert month_of(month_index(month_of(FIRST + 13))) == month_of(FIRST + 13)
    assert str(month_of(FIRST + 13)) == "2025-02-01"
