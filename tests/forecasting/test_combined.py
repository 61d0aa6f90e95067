"""The combined forecast's arithmetic: weights learnt from earlier errors, shrunk toward the
methods' median while the record is short, methods without a forecast dropped, and its band."""

from __future__ import annotations

from datetime import date

import pytest

from revsight.forecasting.combined import HALF_LIFE, SHRINK, Past, combine, fit, trimmed
from revsight.forecasting.scores import Distribution, Forecast, Skip


def _past(method: str, *pairs: tuple[float, float]) -> Past:
    return Past(
        [
            Forecast(date(2026, n, 1), "month", method, value, actual)
            for n, (value, actual) in enumerate(pairs, 1)
        ]
    )


def test_without_a_record_the_combination_is_the_methods_median() -> None:
    outcomes = {"a": 100.0, "b": 120.0, "c": 1000.0}
    found = combine(outcomes, {}, [])
    # No band: no statistical distribution and no errors of its own yet.
    assert found == 120.0


def test_a_method_that_forecast_nothing_drops_out() -> None:
    outcomes = {"a": 100.0, "b": Skip("no open deal has an expected close date"), "c": 140.0}
    assert combine(outcomes, {}, []) == 120.0
    assert combine({"a": Skip("x"), "b": Skip("y")}, {}, []) == Skip(
        "no method forecast at this origin"
    )


def test_weights_are_the_inverse_squared_error_trusted_by_the_length_of_the_record() -> None:
    # a: WAPE 10%, b: WAPE 20%, each over four earlier months.
    past = {
        "a": _past("a", (110, 100), (90, 100), (110, 100), (90, 100)),
        "b": _past("b", (120, 100), (80, 100), (120, 100), (80, 100)),
    }
    trust, weights = fit(["a", "b"], past)
    assert trust == pytest.approx(4 / (4 + SHRINK))
    # 1/0.1² = 100 and 1/0.2² = 25: four fifths and one fifth.
    assert weights == pytest.approx({"a": 0.8, "b": 0.2})
    found = combine({"a": 200.0, "b": 300.0}, past, [])
    fitted, middle = 0.8 * 200 + 0.2 * 300, 250.0
    assert found == pytest.approx(trust * fitted + (1 - trust) * middle)


def test_a_method_with_no_record_yet_leaves_the_median_in_charge() -> None:
    past = {"a": _past("a", (110, 100), (90, 100))}
    trust, weights = fit(["a", "b"], past)
    assert trust == 0.0
    assert weights == {"a": 1.0, "b": 0.0}


def test_a_record_counts_its_recent_forecasts_more() -> None:
    # Four months off by 40, 40, 40 then 10: the last counts twice as much as the one
    # HALF_LIFE months before it.
    past = _past("a", (140, 100), (140, 100), (140, 100), (110, 100))
    weights = [0.5 ** ((3 - i) / HALF_LIFE) for i in range(4)]
    errors = [40, 40, 40, 10]
    expected = sum(w * e for w, e in zip(weights, errors, strict=True)) / (100 * sum(weights))
    assert past.wape == pytest.approx(expected)
    assert past.wape < 0.325  # the plain WAPE
    # The order of the record does not matter: the origin does.
    assert Past(list(reversed(past.forecasts))).wape == pytest.approx(expected)


def test_a_method_erring_more_than_twice_the_best_drops_out_of_the_fit_and_the_median() -> None:
    # a: WAPE 10%; b: 20% (exactly twice, kept); c: 21% (dropped); d: 90% over two months
    # only (kept: a record of fewer than three forecasts is not yet known).
    past = {
        "a": _past("a", (110, 100), (90, 100), (110, 100)),
        "b": _past("b", (120, 100), (80, 100), (120, 100)),
        "c": _past("c", (121, 100), (79, 100), (121, 100)),
        "d": _past("d", (190, 100), (10, 100)),
    }
    points = {"a": 100.0, "b": 200.0, "c": 1000.0, "d": 50.0}
    assert trimmed(points, past) == {"a": 100.0, "b": 200.0, "d": 50.0}
    # The fit and the median are of a, b and d alone; d's two months set the trust.
    inverse = {"a": 1 / 0.1**2, "b": 1 / 0.2**2, "d": 1 / 0.9**2}
    fitted = sum(inverse[m] * points[m] for m in inverse) / sum(inverse.values())
    trust = 2 / (2 + SHRINK)
    assert combine(points, past, []) == pytest.approx(trust * fitted + (1 - trust) * 100.0)


def test_the_best_record_is_floored_before_trimming() -> None:
    # a was exactly right three times: the others are measured against a 2% error, not 0.
    past = {
        "a": _past("a", (100, 100), (100, 100), (100, 100)),
        "b": _past("b", (103, 100), (97, 100), (103, 100)),
        "c": _past("c", (105, 100), (95, 100), (105, 100)),
    }
    assert set(trimmed({"a": 1.0, "b": 2.0, "c": 3.0}, past)) == {"a", "b"}


def test_the_band_is_the_wider_of_its_own_errors_and_the_statistical_one() -> None:
    outcomes = {"statistical": Distribution(90.0, 100.0, 110.0, []), "b": 100.0}
    found = combine(outcomes, {}, [])
    assert isinstance(found, Distribution)
    assert (found.p10, found.p50, found.p90) == pytest.approx((90.0, 100.0, 110.0))
    # Six earlier errors of its own: actual ÷ forecast from 0.8 to 1.3.
    own = [
        Forecast(date(2026, n, 1), "month", "combined", 100.0, actual)
        for n, actual in enumerate((80.0, 90.0, 100.0, 110.0, 120.0, 130.0), 1)
    ]
    found = combine(outcomes, {}, own)
    assert isinstance(found, Distribution)
    assert found.p10 == pytest.approx(100 * 0.85)  # the 10th percentile of the six ratios
    assert found.p90 == pytest.approx(100 * 1.25)
    # A statistical band wider than those errors is kept on that side.
    wide = {"statistical": Distribution(60.0, 100.0, 120.0, []), "b": 100.0}
    found = combine(wide, {}, own)
    assert isinstance(found, Distribution)
    assert (found.p10, found.p90) == pytest.approx((60.0, 125.0))
    # Without a statistical forecast and without errors of its own: a point forecast alone.
    assert combine({"b": 100.0}, {}, []) == 100.0
