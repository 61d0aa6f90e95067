"""The combined forecast: the number Revsight recommends, a weighted mean of the methods that
forecast at an origin, with weights learnt out of time.

At each origin, each method that can forecast there is weighted by how well it did on the
earlier origins whose targets were over by then (the inverse of its squared WAPE on them, each
earlier forecast counting half as much as one HALF_LIFE origins more recent: a method improves
as it has more history to learn from, and a team changes), and
that weighted mean is shrunk toward the median of the methods while the history is short:
with k earlier forecasts of every method in the mix, the fit counts k / (k + SHRINK). The
median, not the plain mean, because one method far off (a pipeline with few close dates) must
not move the number before its record is known. Once it is known, a method whose record is
more than TRIM times the error of the best record (each of at least MIN_RECORD forecasts) drops
out of both the fit and the median: a pipeline weighted by stage probabilities two months out
is a poor forecast, and a median of many poor ones stays poor. A method that says nothing at
an origin (no submissions, no close dates) drops out there.

Its P10–P90 band is the wider of two: its own earlier errors once it has MIN_ERRORS of them
(the forecast × the 10th and 90th percentiles of actual ÷ forecast), and the statistical
forecast's band around its median, when that forecast has one. Either alone proved too narrow
out of time (a dozen overlapping quarters make a poor sample of their errors); with neither,
it is a point forecast alone.

Pure arithmetic over the methods' outcomes: no database, nothing after the origin.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from revsight.forecasting.scores import Distribution, Forecast, Skip

SHRINK = 4
HALF_LIFE = 3  # origins
MIN_ERRORS = 6
TRIM = 2.0
MIN_RECORD = 3
# A method that was exactly right on every earlier origin would otherwise take all the weight.
FLOOR_WAPE = 0.02
NOTHING = "no method forecast at this origin"


@dataclass(frozen=True)
class Past:
    """What a method forecast at the earlier origins whose targets were over by this one."""

    forecasts: Sequence[Forecast]

    @property
    def wape(self) -> float | None:
        """The WAPE of its forecasts, the recent ones counting more (HALF_LIFE)."""
        ordered = sorted(self.forecasts, key=lambda f: f.origin)
        weights = [0.5 ** ((len(ordered) - 1 - i) / HALF_LIFE) for i in range(len(ordered))]
        actual = sum(w * f.actual for w, f in zip(weights, ordered, strict=True))
        if not ordered or actual <= 0:
            return None
        return (
            sum(w * abs(f.value - f.actual) for w, f in zip(weights, ordered, strict=True)) / actual
        )


def fit(available: Sequence[str], past: Mapping[str, Past]) -> tuple[float, dict[str, float]]:
    """How far the fitted weights are trusted (0 to 1: the length of the shortest history
    among the methods, k / (k + SHRINK)), and each available method's fitted weight (summing
    to 1; the inverse of its squared WAPE on the earlier origins)."""
    errors = {m: past[m].wape if m in past else None for m in available}
    known = {m: max(e, FLOOR_WAPE) for m, e in errors.items() if e is not None}
    if not known:
        return 0.0, dict.fromkeys(available, 1 / len(available))
    inverse = {m: 1 / e**2 for m, e in known.items()}
    total = sum(inverse.values())
    # A method with no history of its own is not fitted, and the trust is then nil.
    history = min(len(past[m].forecasts) if m in known else 0 for m in available)
    return history / (history + SHRINK), {m: inverse.get(m, 0.0) / total for m in available}


def trimmed(points: Mapping[str, float], past: Mapping[str, Past]) -> dict[str, float]:
    """The points of the methods whose record is not far worse than the best record's; a
    method without a record of MIN_RECORD forecasts is kept (its record is not yet known)."""
    errors = {
        m: past[m].wape if m in past and len(past[m].forecasts) >= MIN_RECORD else None
        for m in points
    }
    known = [e for e in errors.values() if e is not None]
    if not known:
        return dict(points)
    limit = TRIM * max(min(known), FLOOR_WAPE)
    return {m: v for m, v in points.items() if (e := errors[m]) is None or e <= limit}


def weights(points: Mapping[str, float], past: Mapping[str, Past]) -> dict[str, float]:
    """The share of the combined forecast each method's figure carries (summing to 1): its
    fitted weight times the trust, and the rest on the median's method (the two middle ones,
    halved, for an even number of methods)."""
    trust, fitted = fit(sorted(points), past)
    ranked = sorted(points, key=lambda m: (points[m], m))
    middle = len(ranked) // 2
    central = ranked[middle : middle + 1] if len(ranked) % 2 else ranked[middle - 1 : middle + 1]
    return {
        m: trust * fitted[m] + (1 - trust) * (1 / len(central) if m in central else 0.0)
        for m in sorted(points)
    }


def points_of(outcomes: Mapping[str, float | Distribution | Skip]) -> dict[str, float]:
    """Each method's point forecast (a distribution's median); those that said nothing left out."""
    return {
        method: outcome.p50 if isinstance(outcome, Distribution) else outcome
        for method, outcome in outcomes.items()
        if not isinstance(outcome, Skip)
    }


def combine(
    outcomes: Mapping[str, float | Distribution | Skip],
    past: Mapping[str, Past],
    own_past: Sequence[Forecast],
) -> float | Distribution | Skip:
    """The combined forecast at one origin from the methods' outcomes there: a distribution
    when a band can be given, else the point forecast alone."""
    points = points_of(outcomes)
    if not points:
        return Skip(NOTHING)
    points = trimmed(points, past)
    # Shrunk toward the median of the methods, which one method far off cannot move.
    shares = weights(points, past)
    p50 = sum(shares[m] * value for m, value in points.items())
    band = _band(p50, outcomes.get("statistical"), own_past)
    return p50 if band is None else Distribution(band[0], p50, band[1], [])


def _band(
    p50: float, statistical: float | Distribution | Skip | None, own_past: Sequence[Forecast]
) -> tuple[float, float] | None:
    bands = []
    ratios = [f.actual / f.value for f in own_past if f.value > 0]
    if len(ratios) >= MIN_ERRORS:
        low, high = np.quantile(np.array(ratios), [0.1, 0.9])
        bands.append((p50 * float(low), p50 * float(high)))
    if isinstance(statistical, Distribution) and statistical.p50 > 0:
        bands.append(
            (p50 * statistical.p10 / statistical.p50, p50 * statistical.p90 / statistical.p50)
        )
    if not bands:
        return None
    return min(low for low, _ in bands), max(high for _, high in bands)
