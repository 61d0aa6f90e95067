"""Metrics of sales activity: counts by type, activity against the standard, and the leading
indicators (activities per salesperson per week or month).
"""

from __future__ import annotations

from collections.abc import Callable

from revsight.analytics.metric import Measures, Metric, count, num, ratio
from revsight.crm.models import ActivityType

# The leading indicators and the span each is counted over (SPEC: calls per week, meetings per
# month).
LEADING_INDICATORS = [
    ("new_prospect_call", "weeks"),
    ("face_to_face_call", "weeks"),
    ("presales_call", "weeks"),
    ("discovery_call", "months"),
    ("demonstration", "months"),
    ("executive_presentation", "months"),
]

# The metric id of each leading indicator, in LEADING_INDICATORS' order.
INDICATOR_IDS = [f"{kind}s_per_rep_per_{per[:-1]}" for kind, per in LEADING_INDICATORS]

STANDARD_TYPES = [
    "new_prospect_call",
    "face_to_face_call",
    "presales_call",
    "discovery_call",
    "demonstration",
    "executive_presentation",
]


def _against_standard(kind: str) -> Callable[[Measures], float | None]:
    def finish(m: Measures) -> float | None:
        expected = m["staffing"].get(f"expected_{kind}")
        return ratio(num(m["activities"], f"n_{kind}"), expected) if expected else None

    return finish


def _expected(kind: str) -> Callable[[Measures], float | None]:
    def finish(m: Measures) -> float | None:
        expected = m["staffing"].get(f"expected_{kind}")
        return float(expected) if expected else None

    return finish


def _rate_per_rep(kind: str, per: str) -> Callable[[Measures], float | None]:
    def finish(m: Measures) -> float | None:
        staff = m["staffing"]
        spans = num(staff, "salespeople") * num(staff, per)
        return ratio(num(m["activities"], f"sales_{kind}"), spans)

    return finish


ACTIVITY_COUNT = Metric(
    "activity_count",
    "Activities",
    "count",
    ("activities",),
    count("activities", "n_all"),
    "Number of activities of any type dated in the period (up to the as-of date).",
    accumulates=True,
)

ACTIVITY_COUNTS = [
    Metric(
        f"activities_{kind}",
        f"Activities: {ActivityType(kind).label}",
        "count",
        ("activities",),
        count("activities", f"n_{kind}"),
        f"Number of {ActivityType(kind).label.lower()} activities dated in the period (up to "
        "the as-of date).",
        accumulates=True,
    )
    for kind in ActivityType.values
]

AGAINST_STANDARD = [
    Metric(
        f"activities_vs_standard_{kind}",
        f"{ActivityType(kind).label}s against standard",
        "ratio",
        ("activities", "staffing"),
        _against_standard(kind),
        f"{ActivityType(kind).label} activities in the period (up to the as-of date) / what "
        "the activity standards of their roles expect of the people in scope by the as-of "
        f"date (activities_expected_{kind}). 1.0 is on standard. None without a standard for "
        "anyone in scope.",
    )
    for kind in STANDARD_TYPES
]

EXPECTED = [
    Metric(
        f"activities_expected_{kind}",
        f"{ActivityType(kind).label}s expected by the standard",
        "rate",
        ("staffing",),
        _expected(kind),
        f"What the activity standards of their roles expect of the people in scope in "
        f"{ActivityType(kind).label.lower()} activities by the as-of date: each standard over "
        "the whole period (a weekly one × days / 7, a monthly one × days × 12 / 365) × the "
        "share of the period gone by, in selling days (weekdays) or calendar days as the "
        "organisation paces its goals, summed over the people it applies to. None without a "
        "standard for anyone in scope.",
        better="neither",
    )
    for kind in STANDARD_TYPES
]

LEADING_INDICATOR_RATES = [
    Metric(
        metric_id,
        f"{ActivityType(kind).label}s per salesperson per {per[:-1]}",
        "rate",
        ("activities", "staffing"),
        _rate_per_rep(kind, per),
        f"A leading indicator: {ActivityType(kind).label.lower()} activities of the "
        "salespeople in scope in the period (up to the as-of date; those a presales engineer "
        f"logs for the same call are left out) / salespeople in scope / {per} in the period so far "
        f"({'days / 7' if per == 'weeks' else 'days × 12 / 365'}). A rate, with decimals. "
        "None without salespeople.",
    )
    for metric_id, (kind, per) in zip(INDICATOR_IDS, LEADING_INDICATORS, strict=True)
]

DEALS_SUPPORTED = Metric(
    "deals_supported",
    "Deals supported",
    "count",
    ("support",),
    count("support", "deals"),
    "Number of opportunities (any owner, open or decided) with at least one activity of the "
    "people in scope dated in the period (up to the as-of date): the deals a presales "
    "engineer works on.",
    accumulates=True,
)
