"""What lies ahead: the open pipeline, the quota, and how far the one covers the other."""

from __future__ import annotations

from collections.abc import Callable

from revsight.analytics.metric import Measures, Metric, count, num, ratio, total


def _pipeline_coverage(m: Measures) -> float | None:
    quota = num(m["quota"], "quota")
    remaining = quota - num(m["closed"], "won_amount")
    if quota <= 0 or remaining <= 0:
        return None
    return num(m["pipeline"], "pipeline_value") / remaining


def _quota_attainment(m: Measures) -> float | None:
    return ratio(num(m["closed"], "won_amount"), num(m["quota"], "quota"))


def _window_coverage(days: int) -> Callable[[Measures], float | None]:
    def finish(m: Measures) -> float | None:
        pipeline = num(m[f"pipeline@{days}"], "pipeline_value")
        return ratio(pipeline, num(m[f"quota@{days}"], "quota"))

    return finish


PIPELINE_VALUE = Metric(
    "pipeline_value",
    "Pipeline value",
    "money",
    ("pipeline",),
    total("pipeline", "pipeline_value"),
    "Sum of the amounts of opportunities open at the end of the as-of date whose expected "
    "close date falls in the period. When the as-of date is in the past, each deal's state "
    "(stage, amount, close date) is its last recorded change up to then; deals without "
    "history use their current fields. Deals without an amount add nothing.",
    splits=("stage",),
)

PIPELINE_COUNT = Metric(
    "pipeline_count",
    "Open opportunities",
    "count",
    ("pipeline",),
    count("pipeline", "pipeline_count"),
    "Number of opportunities open at the end of the as-of date whose expected close date "
    "falls in the period (state reconstructed as for pipeline_value).",
    splits=("stage",),
)

OPPORTUNITIES_CREATED = Metric(
    "opportunities_created",
    "Opportunities created",
    "count",
    ("created",),
    count("created", "created_count"),
    "Number of opportunities created in the period (their created date, up to the as-of "
    "date), whatever became of them since: the pipeline generated.",
    accumulates=True,
)

PIPELINE_CREATED = Metric(
    "pipeline_created",
    "Pipeline created",
    "money",
    ("created",),
    total("created", "created_amount"),
    "Sum of the amounts of the opportunities created in the period (up to the as-of date), "
    "open, won or lost; deals without an amount add nothing.",
    accumulates=True,
)

QUOTA = Metric(
    "quota",
    "Quota",
    "money",
    ("quota",),
    total("quota", "quota"),
    "Sum of the salespeople's monthly quotas for the period; a month only partly inside "
    "the period (weeks, year to date) counts in proportion to its days. Teams and the "
    "company add up their members' quotas. 0 when no quota is set.",
    better="neither",
)

PIPELINE_COVERAGE = Metric(
    "pipeline_coverage",
    "Pipeline coverage",
    "ratio",
    ("pipeline", "closed", "quota"),
    _pipeline_coverage,
    "pipeline_value / (quota − bookings) for the scope and period: how many times the "
    "pipeline covers what remains to be booked. None without a quota, or when nothing "
    "remains (bookings ≥ quota).",
)

QUOTA_ATTAINMENT = Metric(
    "quota_attainment",
    "Quota attainment",
    "ratio",
    ("closed", "quota"),
    _quota_attainment,
    "bookings / quota. None without a quota.",
)

WINDOW_COVERAGES = [
    Metric(
        f"pipeline_coverage_{days}d",
        f"Pipeline coverage, next {days} days",
        "ratio",
        (f"pipeline@{days}", f"quota@{days}"),
        _window_coverage(days),
        f"Open pipeline due in the {days} days after the as-of date / the quota for those "
        "days (monthly quotas prorated by day). The period does not matter. None without a "
        "quota in the window.",
    )
    for days in (30, 60, 90)
]
