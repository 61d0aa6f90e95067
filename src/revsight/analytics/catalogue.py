"""The metric catalogue: every number Revsight shows, defined once.

Each metric names the measure it is computed from (measures.py) and how its value is finished
from that measure's components. Money is in the organisation's currency; ratios are fractions
(0.42, not 42). A value of None means "not defined" (a ratio over nothing); sums and counts over
nothing are 0. `docs/metrics.md` is generated from this module (`revsight metrics --docs`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from revsight.analytics.measures import ACTIVITY_TYPES
from revsight.crm.models import ActivityType

Components = dict[str, Any]


Measures = dict[str, Components]  # measure name -> that measure's components for one key


@dataclass(frozen=True)
class Metric:
    id: str
    name: str
    unit: str  # money, ratio, count, days
    measures: tuple[str, ...]
    finish: Callable[[Measures], float | int | None]
    definition: str

    def value(self, measures: Measures) -> float | int | None:
        """The metric for one key; a measure with no row for the key is empty ({})."""
        return self.finish({name: measures.get(name) or {} for name in self.measures})


def _num(components: Components, name: str) -> float:
    value = components.get(name)
    return float(value) if value is not None else 0.0


def _ratio(numerator: float, denominator: float) -> float | None:
    return numerator / denominator if denominator else None


def _win_rate(m: Measures) -> float | None:
    c = m["closed"]
    return _ratio(_num(c, "won_count"), _num(c, "won_count") + _num(c, "lost_count"))


def _win_rate_value(m: Measures) -> float | None:
    c = m["closed"]
    return _ratio(_num(c, "won_amount"), _num(c, "won_amount") + _num(c, "lost_amount"))


def _average_order_value(m: Measures) -> float | None:
    return _ratio(_num(m["closed"], "won_amount"), _num(m["closed"], "won_count"))


def _new_share(m: Measures) -> float | None:
    c = m["account_mix"]
    return _ratio(_num(c, "new_amount"), _num(c, "total_amount"))


def _existing_share(m: Measures) -> float | None:
    share = _new_share(m)
    return None if share is None else 1 - share


def _quota_attainment(m: Measures) -> float | None:
    return _ratio(_num(m["closed"], "won_amount"), _num(m["quota"], "quota"))


def _pipeline_coverage(m: Measures) -> float | None:
    quota = _num(m["quota"], "quota")
    remaining = quota - _num(m["closed"], "won_amount")
    if quota <= 0 or remaining <= 0:
        return None
    return _num(m["pipeline"], "pipeline_value") / remaining


def _accuracy(m: Measures) -> float | None:
    c = m["forecast"]
    if not c.get("forecasters"):
        return None
    forecast, actual = _num(c, "forecast"), _num(c, "actual")
    if actual == 0:
        return 1.0 if forecast == 0 else 0.0
    return max(0.0, 1 - abs(actual - forecast) / actual)


def _bias(m: Measures) -> float | None:
    c = m["forecast"]
    if not c.get("forecasters"):
        return None
    forecast, actual = _num(c, "forecast"), _num(c, "actual")
    return (forecast - actual) / actual if actual else None


def _field(measure: str, name: str) -> Callable[[Measures], float | None]:
    def finish(m: Measures) -> float | None:
        value = m[measure].get(name)
        return float(value) if value is not None else None

    return finish


def _count(measure: str, name: str) -> Callable[[Measures], int]:
    return lambda m: int(_num(m[measure], name))


def _sum(measure: str, name: str) -> Callable[[Measures], float]:
    return lambda m: _num(m[measure], name)


IN_PERIOD = (
    "A deal's decision date is its close date; it counts in a period when that date falls "
    "inside the period and on or before the as-of date."
)

METRICS: list[Metric] = [
    Metric(
        "bookings",
        "Bookings",
        "money",
        ("closed",),
        _sum("closed", "won_amount"),
        f"Sum of the amounts of won opportunities closed in the period. {IN_PERIOD} "
        "0 when nothing was won.",
    ),
    Metric(
        "won_count",
        "Deals won",
        "count",
        ("closed",),
        _count("closed", "won_count"),
        f"Number of won opportunities closed in the period. {IN_PERIOD}",
    ),
    Metric(
        "lost_count",
        "Deals lost",
        "count",
        ("closed",),
        _count("closed", "lost_count"),
        f"Number of lost opportunities closed in the period. {IN_PERIOD}",
    ),
    Metric(
        "win_rate",
        "Win rate (by count)",
        "ratio",
        ("closed",),
        _win_rate,
        "won_count / (won_count + lost_count) over deals decided in the period; open deals do "
        "not count. Teams and the company pool their deals (not an average of rates). None "
        "when nothing was decided.",
    ),
    Metric(
        "win_rate_value",
        "Win rate (by value)",
        "ratio",
        ("closed",),
        _win_rate_value,
        "Won amount / (won amount + lost amount) over deals decided in the period. Deals "
        "without an amount add nothing. None when nothing with an amount was decided.",
    ),
    Metric(
        "average_order_value",
        "Average order value",
        "money",
        ("closed",),
        _average_order_value,
        "bookings / won_count. None when nothing was won.",
    ),
    Metric(
        "sales_cycle_days_median",
        "Sales cycle, median",
        "days",
        ("cycle",),
        _field("cycle", "cycle_median"),
        "Median number of days from created date to close date over won deals closed in the "
        "period (the mean of the middle two for an even number). None when nothing was won.",
    ),
    Metric(
        "sales_cycle_days_mean",
        "Sales cycle, mean",
        "days",
        ("cycle",),
        _field("cycle", "cycle_mean"),
        "Mean number of days from created date to close date over won deals closed in the "
        "period. None when nothing was won.",
    ),
    Metric(
        "pipeline_value",
        "Pipeline value",
        "money",
        ("pipeline",),
        _sum("pipeline", "pipeline_value"),
        "Sum of the amounts of opportunities open at the end of the as-of date whose expected "
        "close date falls in the period. When the as-of date is in the past, each deal's state "
        "(stage, amount, close date) is its last recorded change up to then; deals without "
        "history use their current fields. Deals without an amount add nothing.",
    ),
    Metric(
        "pipeline_count",
        "Open opportunities",
        "count",
        ("pipeline",),
        _count("pipeline", "pipeline_count"),
        "Number of opportunities open at the end of the as-of date whose expected close date "
        "falls in the period (state reconstructed as for pipeline_value).",
    ),
    Metric(
        "quota",
        "Quota",
        "money",
        ("quota",),
        _sum("quota", "quota"),
        "Sum of the salespeople's monthly quotas for the period; a month only partly inside "
        "the period (weeks, year to date) counts in proportion to its days. Teams and the "
        "company add up their members' quotas. 0 when no quota is set.",
    ),
    Metric(
        "pipeline_coverage",
        "Pipeline coverage",
        "ratio",
        ("pipeline", "closed", "quota"),
        _pipeline_coverage,
        "pipeline_value / (quota − bookings) for the scope and period: how many times the "
        "pipeline covers what remains to be booked. None without a quota, or when nothing "
        "remains (bookings ≥ quota).",
    ),
    Metric(
        "quota_attainment",
        "Quota attainment",
        "ratio",
        ("closed", "quota"),
        _quota_attainment,
        "bookings / quota. None without a quota.",
    ),
    Metric(
        "new_account_sales_pct",
        "New-account sales share",
        "ratio",
        ("account_mix",),
        _new_share,
        "Share of bookings from won deals whose account had no won deal with an earlier close "
        "date (deals without an account count as new). None when bookings are 0.",
    ),
    Metric(
        "existing_account_sales_pct",
        "Existing-account sales share",
        "ratio",
        ("account_mix",),
        _existing_share,
        "1 − new_account_sales_pct. None when bookings are 0.",
    ),
    Metric(
        "activity_count",
        "Activities",
        "count",
        ("activities",),
        _count("activities", "n_all"),
        "Number of activities of any type dated in the period (up to the as-of date).",
    ),
    *[
        Metric(
            f"activities_{kind}",
            f"Activities: {ActivityType(kind).label}",
            "count",
            ("activities",),
            _count("activities", f"n_{kind}"),
            f"Number of {ActivityType(kind).label.lower()} activities dated in the period (up to "
            "the as-of date).",
        )
        for kind in ACTIVITY_TYPES
    ],
    Metric(
        "forecast_accuracy",
        "Forecast accuracy",
        "ratio",
        ("forecast",),
        _accuracy,
        "For a month or quarter: F = each salesperson's latest commit submitted on or before "
        "the period's first day (in the organisation's time zone), A = their bookings in the "
        "period; accuracy = max(0, 1 − |A − F| / A), and when A = 0: 1 if F = 0 else 0. Teams "
        "and the company pool F and A over the people who submitted. None for other periods or "
        "when nobody submitted.",
    ),
    Metric(
        "forecast_bias",
        "Forecast bias",
        "ratio",
        ("forecast",),
        _bias,
        "(F − A) / A with F and A as for forecast_accuracy: positive when the commit was "
        "optimistic, negative when sandbagged. None when A = 0 or nobody submitted.",
    ),
]


BY_ID = {m.id: m for m in METRICS}
