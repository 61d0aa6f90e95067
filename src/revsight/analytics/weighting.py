"""The CRM-weighted pipeline, defined once: each open deal's amount as it stood, times the
probability of the stage it stood in then. A deal's own probability field is not used: it has no
history, so a weighting of a past day by it would read the future (reps edit it as the deal
moves), and the Forecast page, the dashboards and the backtest must agree."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def weighted(
    amount: float | None, stage_id: int | None, probabilities: Mapping[int, float]
) -> float:
    """One deal's weighted value (0 for a deal without an amount or a stage)."""
    if amount is None or stage_id is None:
        return 0.0
    return amount * probabilities.get(stage_id, 0.0)


def weighted_total(
    deals: Iterable[tuple[float | None, int | None]], probabilities: Mapping[int, float]
) -> float:
    """The weighted pipeline of (amount, stage id) pairs."""
    return sum(weighted(amount, stage, probabilities) for amount, stage in deals)
