"""The statistical forecast: each open deal's chance of being won within the target period,
learned from the organisation's own history, simulated into a distribution of bookings.

From earlier origins whose target periods are over, every deal open then is a lesson: its stage,
whether its close date fell in the target, its age, and whether it was won in the target. The
win rate of each (stage, in target, age band) cell is shrunk toward its parent cell (stage, in
target), then (in target), then all deals, with the weight of 20 deals, so a thin cell borrows
from its parents instead of swinging wildly. Deals not yet created contribute the run-rate of
deals created and won within earlier target periods.

The simulation draws each deal as won or not, with one shared factor per draw for the whole
period (a good month lifts every deal), sized from how far actual bookings strayed from the
expected value at the earlier origins; so the band is as wide as history says, not the far
narrower band of independent deals. P10 / P50 / P90 are its quantiles.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from revsight.analytics.periods import Period

AGE_BANDS = (30, 90, 180)
PRIOR_WEIGHT = 20.0
SIMULATIONS = 4000


@dataclass(frozen=True)
class OpenDeal:
    id: int
    amount: float
    stage_id: int
    created: date
    close: date | None


def age_band(deal: OpenDeal, as_of: date) -> int:
    age = (as_of - deal.created).days
    return sum(1 for limit in AGE_BANDS if age >= limit)


def cells(deal: OpenDeal, as_of: date, target: Period) -> list[tuple[object, ...]]:
    """The deal's cell and its parents, most specific first."""
    inside = deal.close is not None and target.start <= deal.close <= target.end
    return [(deal.stage_id, inside, age_band(deal, as_of)), (deal.stage_id, inside), (inside,), ()]


@dataclass
class WinTable:
    counts: dict[tuple[object, ...], list[float]] = field(
        default_factory=lambda: defaultdict(lambda: [0.0, 0.0])
    )

    def learn(self, deal: OpenDeal, as_of: date, target: Period, won: bool) -> None:
        for cell in cells(deal, as_of, target):
            self.counts[cell][0] += float(won)
            self.counts[cell][1] += 1.0

    def probability(self, deal: OpenDeal, as_of: date, target: Period) -> float:
        chain = list(reversed(cells(deal, as_of, target)))
        estimate = 0.0
        for cell in chain:
            wins, seen = self.counts.get(cell, [0.0, 0.0])
            prior = estimate if cell else 0.0
            weight = PRIOR_WEIGHT if cell else 1.0
            estimate = (wins + weight * prior) / (seen + weight)
        return estimate


@dataclass
class Lesson:
    """One earlier origin, its target over: the deals open then and what came of them."""

    as_of: date
    target: Period
    deals: list[OpenDeal]
    won: set[int]
    actual: float
    new_business: float  # bookings from deals created after the origin


def fit(lessons: list[Lesson]) -> tuple[WinTable, float, float]:
    """The win table, the mean run-rate of new business, and the spread (standard deviation
    of log actual / expected) of the earlier origins."""
    table = WinTable()
    for lesson in lessons:
        for deal in lesson.deals:
            table.learn(deal, lesson.as_of, lesson.target, deal.id in lesson.won)
    run_rate = sum(lesson.new_business for lesson in lessons) / len(lessons) if lessons else 0.0
    ratios = []
    for lesson in lessons:
        expected = run_rate + sum(
            deal.amount * table.probability(deal, lesson.as_of, lesson.target)
            for deal in lesson.deals
        )
        if expected > 0 and lesson.actual > 0:
            ratios.append(math.log(lesson.actual / expected))
    spread = float(np.std(ratios)) if len(ratios) >= 3 else 0.25
    return table, run_rate, max(spread, 0.05)


def forecast(
    lessons: list[Lesson], deals: list[OpenDeal], as_of: date, target: Period, seed: int
) -> tuple[float, float, float, list[float]]:
    """P10, P50, P90 of bookings in the target, and each deal's probability."""
    table, run_rate, spread = fit(lessons)
    probabilities = [table.probability(deal, as_of, target) for deal in deals]
    amounts = np.array([deal.amount for deal in deals])
    chances = np.array(probabilities)
    rng = np.random.default_rng(seed)
    factors = np.exp(rng.normal(-spread * spread / 2, spread, SIMULATIONS))
    if len(deals):
        draws = rng.random((SIMULATIONS, len(deals))) < np.clip(
            chances[None, :] * factors[:, None], 0, 1
        )
        totals = draws @ amounts
    else:
        totals = np.zeros(SIMULATIONS)
    totals = totals + run_rate * factors
    p10, p50, p90 = np.quantile(totals, [0.1, 0.5, 0.9])
    return float(p10), float(p50), float(p90), probabilities
