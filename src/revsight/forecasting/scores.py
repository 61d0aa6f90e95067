"""How a backtest scores a method at one horizon: the forecasts it made, the origins it could
not forecast and why, and the figures over the forecasts it made (`n`).

Every share is over the same `n` it is shown with: a period with nothing booked is within 5% only
when nothing was forecast for it either.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

from revsight.forecasting import statistical


@dataclass(frozen=True)
class Skip:
    """A method that cannot forecast at an origin, and why (in a sales leader's words)."""

    reason: str


@dataclass
class Forecast:
    origin: date
    horizon: str
    method: str
    value: float  # the point forecast (the median, for a distribution)
    actual: float
    p10: float | None = None
    p90: float | None = None
    # (probability, won within the horizon) of each open deal, for the Brier score.
    deals: list[tuple[float, bool]] = field(default_factory=list)
    # The same deals' chance by the CRM's stage probabilities, the baseline of that score.
    baseline: list[float] = field(default_factory=list)
    model: str | None = None  # the deal model chosen out of time at the origin


@dataclass
class Distribution:
    p10: float
    p50: float
    p90: float
    deals: list[tuple[float, bool]]
    # Each deal's stage probability if it is expected to close in the target, else 0.
    baseline: list[float] = field(default_factory=list)
    model: str | None = None


def brier(chances: list[float], outcomes: list[bool]) -> float | None:
    """The Brier score (`statistical.brier`) to four places; None without deals."""
    if not chances:
        return None
    return round(statistical.brier(np.array(chances), np.array(outcomes, dtype=float)), 4)


RELIABILITY_BINS = (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0)


def reliability(deals: list[tuple[float, bool]]) -> list[dict[str, Any]]:
    """Deal probabilities grouped by how high they were: in each band, how many deals, the mean
    probability given and the share actually won. Calibrated probabilities have the two close."""
    rows = []
    low = 0.0
    for high in RELIABILITY_BINS:
        inside = [(p, y) for p, y in deals if low <= p < high or (high == 1.0 and p == 1.0)]
        if inside:
            rows.append(
                {
                    "from": low,
                    "to": high,
                    "n": len(inside),
                    "predicted": round(sum(p for p, _ in inside) / len(inside), 4),
                    "observed": round(sum(1 for _, y in inside if y) / len(inside), 4),
                }
            )
        low = high
    return rows


def pinball(forecast: float, actual: float, quantile: float) -> float:
    error = actual - forecast
    return max(quantile * error, (quantile - 1) * error)


@dataclass
class Score:
    method: str
    horizon: str
    forecasts: list[Forecast] = field(default_factory=list)
    skipped: list[tuple[date, str]] = field(default_factory=list)  # (origin, reason)
    # Forecasts at the warm-up origins before the scored ones: never scored, only part of the
    # record the combination weighs the methods by.
    warm_up: list[Forecast] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        actual = sum(f.actual for f in self.forecasts)
        errors = [f.value - f.actual for f in self.forecasts]

        def within(share: float) -> float | None:
            if not self.forecasts:
                return None
            hits = sum(1 for f in self.forecasts if abs(f.value - f.actual) <= share * f.actual)
            return round(hits / len(self.forecasts), 4)

        banded = [
            (f.p10, f.actual, f.p90)
            for f in self.forecasts
            if f.p10 is not None and f.p90 is not None
        ]
        covered = sum(1 for low, real, high in banded if low <= real <= high)
        deals = [pair for f in self.forecasts for pair in f.deals]
        baseline = [p for f in self.forecasts for p in f.baseline]

        def mean_pinball(quantile: float, pick: Callable[[Forecast], float | None]) -> Any:
            values = [pick(f) for f in self.forecasts]
            if not values or any(v is None for v in values):
                return None
            losses = [
                pinball(v, f.actual, quantile)
                for v, f in zip(values, self.forecasts, strict=True)
                if v is not None
            ]
            return round(sum(losses) / len(losses), 2)

        return {
            "method": self.method,
            "horizon": self.horizon,
            "n": len(self.forecasts),
            "wape": round(sum(abs(e) for e in errors) / actual, 4) if actual else None,
            "bias": round(sum(errors) / actual, 4) if actual else None,
            "within_5pct": within(0.05),
            "within_10pct": within(0.10),
            # Only a distribution has an interval: point forecasts leave these empty.
            "p10_p90_coverage": round(covered / len(banded), 4)
            if banded and len(banded) == len(self.forecasts)
            else None,
            "pinball_p10": mean_pinball(0.1, lambda f: f.p10),
            "pinball_p50": mean_pinball(0.5, lambda f: f.value),
            "pinball_p90": mean_pinball(0.9, lambda f: f.p90),
            "brier": brier([p for p, _ in deals], [y for _, y in deals]),
            # The same deals given the CRM's stage probabilities (0 unless expected to close
            # in the target): what the model's chances must beat.
            "brier_stage_probability": brier(baseline, [y for _, y in deals])
            if len(baseline) == len(deals)
            else None,
            "reliability": reliability(deals) if deals else None,
            # How many origins each deal model was chosen at (out of time, at each origin).
            "models": dict(Counter(f.model for f in self.forecasts if f.model)),
            "skipped": [
                {"origin": origin.isoformat(), "reason": reason} for origin, reason in self.skipped
            ],
        }
