"""The win table: thin cells borrow from their parents; full cells speak for themselves."""

from __future__ import annotations

from datetime import date

import pytest

from revsight.analytics.periods import Period
from revsight.forecasting.statistical import Lesson, OpenDeal, WinTable, forecast

AS_OF = date(2026, 3, 31)
APRIL = Period("2026-04", "month", date(2026, 4, 1), date(2026, 4, 30))


def deal(n: int, stage: int, close: date = date(2026, 4, 15), amount: float = 100.0) -> OpenDeal:
    return OpenDeal(n, amount, stage, date(2026, 3, 1), close)


def test_a_thin_cell_is_shrunk_toward_its_parents() -> None:
    table = WinTable()
    for n in range(200):  # stage 1: 25% won
        table.learn(deal(n, 1), AS_OF, APRIL, n % 4 == 0)
    table.learn(deal(999, 2), AS_OF, APRIL, True)  # stage 2: one deal, won
    thin = table.probability(deal(1000, 2), AS_OF, APRIL)
    full = table.probability(deal(1001, 1), AS_OF, APRIL)
    assert full == pytest.approx(0.25, abs=0.005)
    assert 0.25 < thin < 0.35  # one win among no others is not a 100% stage


def test_the_band_widens_with_the_spread_of_history() -> None:
    deals = [deal(n, 1) for n in range(50)]

    def lesson(actual: float) -> Lesson:
        return Lesson(AS_OF, APRIL, deals, set(range(0, 50, 4)), actual, 0.0)

    steady = [lesson(1300.0), lesson(1250.0), lesson(1200.0)]
    erratic = [lesson(400.0), lesson(1300.0), lesson(3000.0)]
    low, _, high, _ = forecast(steady, deals, AS_OF, APRIL, seed=1)
    wide_low, _, wide_high, _ = forecast(erratic, deals, AS_OF, APRIL, seed=1)
    assert wide_high - wide_low > high - low
