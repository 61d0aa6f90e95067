"""A metric of the catalogue, and the finishing steps most metrics share.

A metric names the measures it is computed from (measures.py) and finishes its value from their
components in Python, so every engine applies the same null rules: a value of None means "not
defined" (a ratio over nothing); sums and counts over nothing are 0.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Components = dict[str, Any]


Measures = dict[str, Components]  # measure name -> that measure's components for one key


@dataclass(frozen=True)
class Metric:
    id: str
    name: str
    unit: str  # money, ratio, count, days, rate, hours
    measures: tuple[str, ...]
    finish: Callable[[Measures], float | int | None]
    definition: str
    splits: tuple[str, ...] = ()  # dimensions the metric can be divided by
    # Which way is good: "higher", "lower" (a sales cycle, days sales outstanding, a cost) or
    # "neither" (a bias, a quota: nearer the goal is all that can be said).
    better: str = "higher"
    # Whether the value builds up day by day through the period (a sum or a count of what
    # happened in it), so that its goal can be pro-rated to the days elapsed.
    accumulates: bool = False

    def good(self, value: float | int | None, goal: float | None) -> bool | None:
        """Whether a value meets its goal, the way this metric is read; None when there is no
        value, no goal, or no better direction."""
        if value is None or goal is None or self.better == "neither":
            return None
        return value >= goal if self.better == "higher" else value <= goal

    def value(self, measures: Measures) -> float | int | None:
        """The metric for one key; a measure with no row for the key is empty ({})."""
        return self.finish({name: measures.get(name) or {} for name in self.measures})


def num(components: Components, name: str) -> float:
    """A component as a float; 0.0 when it is missing or null."""
    value = components.get(name)
    return float(value) if value is not None else 0.0


def ratio(numerator: float, denominator: float) -> float | None:
    """numerator / denominator; None over a denominator of 0."""
    return numerator / denominator if denominator else None


def field(measure: str, name: str) -> Callable[[Measures], float | None]:
    """Finish with one component as it is (None when missing or null)."""

    def finish(m: Measures) -> float | None:
        value = m[measure].get(name)
        return float(value) if value is not None else None

    return finish


def count(measure: str, name: str) -> Callable[[Measures], int]:
    """Finish with one component as a whole number (0 when missing)."""
    return lambda m: int(num(m[measure], name))


def total(measure: str, name: str) -> Callable[[Measures], float]:
    """Finish with one component as a sum (0.0 when missing)."""
    return lambda m: num(m[measure], name)
