"""The recruiting scorecard's arithmetic, on plain values: a candidate's weighted total from the
interviewers' scores, the spread between interviewers on each criterion, and where the total
stands against the position's "hire only above" threshold."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# Interviewers this far apart on a criterion (a 2 and a 4) should talk before deciding.
SPREAD_TO_DISCUSS = 2
TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Weighted:
    """A criterion as the arithmetic needs it."""

    id: int
    weight: int
    case_study: bool = False


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: int
    mean: Decimal | None
    low: int | None
    high: int | None
    scored_by: int

    @property
    def spread(self) -> int | None:
        return None if self.low is None or self.high is None else self.high - self.low

    @property
    def to_discuss(self) -> bool:
        return self.spread is not None and self.spread >= SPREAD_TO_DISCUSS


@dataclass(frozen=True)
class Result:
    """A candidate's figures from the submitted scorecards: `total` is the weighted mean of
    the criteria's means (1–5, None before any score), `case_study` the mean of the case-study
    criteria."""

    total: Decimal | None
    criteria: list[CriterionResult]
    case_study: Decimal | None
    scorecards: int

    def above(self, threshold: Decimal) -> bool:
        return self.total is not None and self.total > threshold

    @property
    def to_discuss(self) -> list[int]:
        return [c.criterion_id for c in self.criteria if c.to_discuss]


def _mean(values: Sequence[Decimal | int]) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(TWO_PLACES, ROUND_HALF_UP)


def result(criteria: Sequence[Weighted], cards: Sequence[Mapping[int, int]]) -> Result:
    """The figures of one candidate from each interviewer's scores ({criterion id: 1–5})."""
    found = []
    for criterion in criteria:
        given = [card[criterion.id] for card in cards if criterion.id in card]
        found.append(
            CriterionResult(
                criterion.id,
                _mean(given),
                min(given) if given else None,
                max(given) if given else None,
                len(given),
            )
        )
    weights = {c.id: c.weight for c in criteria}
    scored = [(r.mean, weights[r.criterion_id]) for r in found if r.mean is not None]
    weight = sum(w for _, w in scored)
    total = None
    if scored and weight:
        weighted = sum((m * w for m, w in scored), Decimal(0))
        total = (weighted / weight).quantize(TWO_PLACES, ROUND_HALF_UP)
    cases = [r.mean for r, c in zip(found, criteria, strict=True) if c.case_study and r.mean]
    return Result(total, found, _mean(cases), len(cards))
