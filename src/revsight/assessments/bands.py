"""The sales-management self-assessment's eleven categories, its scores and its bands: one
definition, used by the command line, the pages, the API and the suggestions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from revsight.core.errors import InvalidInput

LOWEST, HIGHEST = 1, 5


@dataclass(frozen=True)
class Category:
    number: int
    title: str
    # The page that addresses a low score (a URL name; None: nothing in Revsight does).
    feature: str | None
    feature_label: str


CATEGORIES: tuple[Category, ...] = (
    Category(
        1,
        "Knowing what share of the current period's pipeline is needed to exceed the budget",
        "forecast",
        "Forecast: pipeline math",
    ),
    Category(
        2,
        "Enough pipeline in the next 30, 60 and 90 days to exceed future monthly quotas",
        "dashboard-company",
        "Dashboard: coverage of future quota",
    ),
    Category(
        3,
        "The top 10 forecasted accounts visible at a glance",
        "account-plans",
        "Account plans",
    ),
    Category(
        4,
        "Key accounts targeted with a plan of attack",
        "account-plans",
        "Account plans",
    ),
    Category(
        5,
        "An interviewing process that picks the best candidate, not the best available",
        "recruiting",
        "Recruiting scorecard",
    ),
    Category(
        6,
        "A three-month training programme and a development plan per salesperson",
        "training-plans",
        "Training and business plans",
    ),
    Category(
        7,
        "A CRM used effectively, up to date and backed up",
        "discipline",
        "Discipline",
    ),
    Category(
        8,
        "Compensation and quotas aligned with the company's goals",
        None,
        "",
    ),
    Category(
        9,
        "Leading indicators defined, measured, posted, graphed and analysed",
        "settings-standards",
        "Settings: activity standards",
    ),
    Category(
        10,
        "Regular scheduled and unscheduled coaching with each salesperson",
        "coaching",
        "Coaching",
    ),
    Category(
        11,
        "Contests and games planned to promote revenue and teamwork",
        "contests",
        "Contests",
    ),
)
COUNT = len(CATEGORIES)


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    advice: str

    @property
    def key(self) -> str:
        return f"{self.low}-{self.high}"


# Highest first; a total falls in the first band whose lower edge it reaches.
BANDS: tuple[Band, ...] = (
    Band(45, 55, "minor tuning may be required"),
    Band(35, 44, "consider several projects"),
    Band(25, 34, "take multiple actions"),
    Band(0, 24, "major assistance is required now"),
)


def band_of(total: int) -> Band:
    """The band a total (0 to 55) falls in."""
    if not 0 <= total <= COUNT * HIGHEST:
        raise ValueError(f"a total of eleven scores is 0 to {COUNT * HIGHEST}, not {total}")
    return next(band for band in BANDS if total >= band.low)


def summary(scores: Sequence[int]) -> dict[str, Any]:
    """`{"total", "band", "advice"}` of eleven checked scores."""
    total = sum(scores)
    band = band_of(total)
    return {"total": total, "band": band.key, "advice": band.advice}


def score_of(field: str, raw: Any) -> int:
    """One category's score: a whole number from 1 to 5, else an InvalidInput naming `field`."""
    text = str(raw).strip()
    try:
        value = int(text)
    except ValueError:
        value = None
    if value is None or not LOWEST <= value <= HIGHEST or isinstance(raw, bool):
        raise InvalidInput(field, text, f"is not a whole number from {LOWEST} to {HIGHEST}")
    return value


def scores_of(raw: Sequence[Any]) -> list[int]:
    """Exactly eleven scores in the categories' order; the first wrong one is named by its
    position ("score 7")."""
    if len(raw) != COUNT:
        raise InvalidInput(
            "scores",
            " ".join(str(r) for r in raw),
            f"must be exactly {COUNT} numbers, one per category in order; {len(raw)} given",
        )
    return [score_of(f"score {number}", value) for number, value in enumerate(raw, 1)]
