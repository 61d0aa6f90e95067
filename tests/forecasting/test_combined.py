"""The combined forecast's arithmetic: weights learnt from earlier errors, shrunk toward the
methods' median while the record is short, methods without a forecast dropped, and its band."""

from __future__ import annotations

from datetime import date

import pytest

from revsight.forecasting.combined import SHRINK, Past, combine, fit
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
