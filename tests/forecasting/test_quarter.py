"""A quarter is the sum of its months: each month forecast by its own horizon's model, a deal
won at most once over them, the months' shared factors correlated as consecutive months'
surprises were; the band's factor counts only what the luck of single deals does not explain."""

from __future__ import annotations

import itertools
import math
from datetime import date, timedelta

import numpy as np
import pytest

from revsight.core.periods import Period
from revsight.forecasting import statistical
from revsight.forecasting.backtest import _parts
from revsight.forecasting.statistical import (
    Lesson,
    OpenDeal,
    Part,
    Surprise,
    forecast,
    forecast_parts,
    month_correlation,
)

AS_OF = date(2026, 3, 31)
MONTHS = [
    Period("2026-04", "window", date(2026, 4, 1), date(2026, 4, 30)),
    Period("2026-05", "window", date(2026, 5, 1), date(2026, 5, 31)),
    Period("2026-06", "window", date(2026, 6, 1), date(2026, 6, 30)),
]


def test_the_spread_counts_only_what_the_luck_of_single_deals_does_not_explain() -> None:
    ratios = [0.1, -0.1, 0.2, -0.2]  # median absolute deviation 0.15
    lucky = [Surprise(r, 0.009) for r in ratios]
    assert statistical._spread(lucky) == pytest.approx(math.sqrt((1.4826 * 0.15) ** 2 - 0.009))
    # One wild early miss widens the band a little, not to the standard deviation's 1.2.
    assert statistical._spread([Surprise(3.0, 0.009), *lucky]) == pytest.approx(
        math.sqrt((1.4826 * 0.2) ** 2 - 0.009)  # median 0.1, deviations 0 to 0.3
    )
    # Luck explains it all: the factor keeps its floor, the deals' own draws make the band.
    assert statistical._spread([Surprise(r, 0.05) for r in ratios]) == 0.05
    assert statistical._spread([Surprise(0.1, 0.0), None, Surprise(0.2, 0.0)]) == 0.25


def test_consecutive_months_that_move_together_are_correlated() -> None:
    alternating = [Surprise(0.2 if k % 2 else -0.2, 0.0) for k in range(8)]
    assert month_correlation(alternating) == 0.0  # never below zero
    trending = [Surprise(r, 0.0) for r in (-0.3, -0.2, -0.1, 0.0, 0.1, 0.2, 0.3, 0.4)]
    pairs = np.array([(a.log_ratio, b.log_ratio) for a, b in itertools.pairwise(trending)])
    covariance = float(
        np.mean((pairs[:, 0] - pairs[:, 0].mean()) * (pairs[:, 1] - pairs[:, 1].mean()))
    )
    variance = statistical._spread(trending) ** 2
    expected = min(covariance / variance, 1.0) * 7 / (7 + statistical.CORRELATION_WEIGHT)
    assert month_correlation(trending) == pytest.approx(expected)
    assert month_correlation(trending[:3]) == 0.0  # two pairs: too few to go on


def _deal(n: int, close: date, amount: float = 1000.0) -> OpenDeal:
    return OpenDeal(n, amount, 1, date(2026, 3, 1), close, 1, date(2026, 3, 20))


def _lessons(target: Period, count: int = 6) -> list[Lesson]:
    """Monthly lessons: of the deals expected in the target every other one won in it, of those
    expected after it none."""
    found = []
    for k in range(count, 0, -1):
        as_of = AS_OF - timedelta(days=31 * k)
        shifted = Period(
            f"l{k}",
            "window",
            target.start - timedelta(days=31 * k),
            target.end - timedelta(days=31 * k),
        )
        deals = [_deal(k * 100 + i, shifted.start + timedelta(days=5)) for i in range(40)]
        later = [_deal(k * 100 + 50 + i, shifted.end + timedelta(days=20)) for i in range(40)]
        won = {d.id for d in deals[::2]}
        deals += later
        found.append(Lesson(as_of, shifted, deals, won, 1000.0 * len(won), 0.0))
    return found


def test_a_quarter_is_the_sum_of_its_months() -> None:
    deals = [_deal(n, MONTHS[n % 3].start + timedelta(days=5)) for n in range(60)]
    parts = [Part(month, _lessons(month)) for month in MONTHS]
    quarter = forecast_parts(parts, deals, AS_OF, seed=7)
    alone = [forecast(part.lessons, deals, AS_OF, part.target, seed=7) for part in parts]
    summed = np.sum([a.probabilities for a in alone], axis=0)
    assert quarter.probabilities == pytest.approx(np.minimum(summed, 1.0).tolist())
    assert quarter.p50 == pytest.approx(sum(a.p50 for a in alone), rel=0.05)
    assert quarter.p10 <= quarter.p50 <= quarter.p90
    assert [f.model.name for f in quarter.fits] == [a.fitted.model.name for a in alone]
    # One month alone is exactly the single-target forecast.
    single = forecast_parts(parts[:1], deals, AS_OF, seed=7)
    assert (single.p10, single.p50, single.p90) == (alone[0].p10, alone[0].p50, alone[0].p90)


def test_a_deal_is_won_at_most_once_over_the_months(monkeypatch: pytest.MonkeyPatch) -> None:
    deals = [_deal(n, MONTHS[0].start) for n in range(10)]
    parts = [Part(month, _lessons(month)) for month in MONTHS]
    monkeypatch.setattr(
        statistical.Fitted, "probabilities", lambda self, ds, a, t: np.full(len(ds), 0.6)
    )
    quarter = forecast_parts(parts, deals, AS_OF, seed=7)
    assert quarter.probabilities == [1.0] * 10  # three months at 60% are not 180%
    assert quarter.p90 <= 10 * 1000.0 + 1e-6


def test_months_that_move_together_widen_the_quarter_s_band(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    deals = [_deal(n, MONTHS[n % 3].start + timedelta(days=5)) for n in range(300)]
    parts = [Part(month, _lessons(month)) for month in MONTHS]
    widths = {}
    for correlation in (0.0, 1.0):
        monkeypatch.setattr(statistical, "month_correlation", lambda s, c=correlation: c)
        found = forecast_parts(parts, deals, AS_OF, seed=7)
        assert found.correlation == correlation
        widths[correlation] = found.p90 - found.p10
    assert widths[1.0] > widths[0.0] * 1.2


def test_a_quarter_s_months_learn_from_the_origins_whose_same_month_ahead_was_over() -> None:
    earlier = [date(2025, m, 1) for m in range(6, 13)] + [date(2026, m, 1) for m in (1, 2, 3)]
    parts = dict(_parts(date(2026, 6, 1), "quarter", earlier))
    assert list(parts) == ["month", "month+1", "month+2"]
    assert parts["month"][-1] == date(2026, 5, 1)  # May is over by 1 June
    assert parts["month+1"][-1] == date(2026, 4, 1)
    assert parts["month+2"] == earlier
    assert all(found[0] == date(2025, 6, 1) for found in parts.values())
    assert _parts(date(2026, 6, 1), "month", earlier) == [("month", earlier)]
