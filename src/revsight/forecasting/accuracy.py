"""Each forecaster's track record: forecast accuracy and bias month by month (the catalogue's
definitions: the commit made by the first day of the month against what was then booked), the
rolling six-month figures, and a label for a persistent habit.

The rolling accuracy is the mean of the last six months with a forecast; the rolling bias is
their median, because one month with almost nothing booked makes its bias ratio explode (+800%)
and would swamp a mean. The label reads the same months: a median bias of −10% or lower with at
least two months in three below zero is **sandbagging**; +10% or higher with two in three above
zero is **optimistic**; a median within ±10% *and* a rolling accuracy of 85% or more is
**accurate** (so the label never praises a forecaster the accuracy beside it does not); anything
else is **mixed**: right on the middle month, but far off in others (often months where a commit
was made and nothing was booked, which score 0% and have no bias). Fewer than four such months is
**not enough history**.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from revsight.analytics import compute
from revsight.analytics.scopes import Membership
from revsight.core import periods
from revsight.core.models import Organisation

WINDOW = 6
MIN_MONTHS = 4
THRESHOLD = 0.10


@dataclass
class TrackRecord:
    key: str
    name: str
    months: list[tuple[str, float | None, float | None]]  # (month id, accuracy, bias)
    rolling_accuracy: float | None
    rolling_bias: float | None
    label: str

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "months": [
                {"period": month, "accuracy": accuracy, "bias": bias}
                for month, accuracy, bias in self.months
            ],
            "rolling_accuracy": self.rolling_accuracy,
            "rolling_bias": self.rolling_bias,
            "label": self.label,
        }


ACCURATE = 0.85  # the rolling accuracy an "accurate" forecaster reaches


def label(biases: list[float], accuracy: float | None = None) -> str:
    """The habit of the last six months' biases; "accurate" also needs the rolling `accuracy`
    (None: judged on the biases alone) to reach 85%."""
    recent = biases[-WINDOW:]
    if len(recent) < MIN_MONTHS:
        return "not enough history"
    middle = statistics.median(recent)
    below = sum(1 for b in recent if b < 0)
    above = sum(1 for b in recent if b > 0)
    if middle <= -THRESHOLD and below * 3 >= len(recent) * 2:
        return "sandbagging"
    if middle >= THRESHOLD and above * 3 >= len(recent) * 2:
        return "optimistic"
    if abs(middle) < THRESHOLD and (accuracy is None or accuracy >= ACCURATE):
        return "accurate"
    return "mixed"


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 6) if values else None


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 6) if values else None


def track_records(
    as_of: date, by: str = "rep", months: int = 12, members: Membership | None = None
) -> list[TrackRecord]:
    """The last `months` complete months before the as-of date, per company, team or rep
    (only `members`' keys, when given)."""
    fiscal = Organisation.current().fiscal_year_start_month
    current = periods.containing("month", as_of, fiscal)
    last = periods.containing("month", current.start - timedelta(days=1), fiscal)
    result = compute(
        ["forecast_accuracy", "forecast_bias"],
        last.id,
        as_of,
        by,
        trend=max(months - 1, 0),
        members=members,
    )
    ids = [p.id for p in result.trend_periods] + [last.id]
    rows: dict[tuple[str, str], list[Any]] = {}
    for row in result.rows:
        rows[(row.metric, row.key)] = [*(row.trend or []), row.value]
    members = result.members
    assert members is not None
    records = []
    for key in members.keys:
        accuracy = rows[("forecast_accuracy", key)]
        bias = rows[("forecast_bias", key)]
        history = list(zip(ids, accuracy, bias, strict=True))
        known_bias = [b for b in bias if b is not None]
        known_accuracy = [a for a in accuracy if a is not None]
        rolling = _mean(known_accuracy[-WINDOW:])
        records.append(
            TrackRecord(
                key,
                members.label(key),
                history,
                rolling,
                _median(known_bias[-WINDOW:]),
                label(known_bias, rolling if rolling is not None else 0.0),
            )
        )
    return records
