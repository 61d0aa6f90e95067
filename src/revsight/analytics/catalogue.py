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
    splits: tuple[str, ...] = ()  # dimensions the metric can be divided by

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


def _dso(m: Measures) -> float | None:
    c = m["invoicing"]
    invoiced = _num(c, "invoiced")
    return _num(c, "receivables") / invoiced * _num(c, "days") if invoiced else None


def _consulting(numerator: str, denominator: str) -> Callable[[Measures], float | None]:
    return lambda m: _ratio(_num(m["consulting"], numerator), _num(m["consulting"], denominator))


def _backlog_days(m: Measures) -> float | None:
    c = m["consulting"]
    per_day = _ratio(_num(c, "billable_hours"), _num(c, "workdays"))
    if not per_day or not m["backlog"]:
        return None
    return _num(m["backlog"], "backlog_hours") / per_day


def _expense_share(measure: str, name: str) -> Callable[[Measures], float | None]:
    return lambda m: _ratio(_num(m["expenses"], "expenses"), _num(m[measure], name))


def _profitability(m: Measures) -> float | None:
    bookings = _num(m["closed"], "won_amount")
    if not bookings:
        return None
    cost = _num(m["pay"], "pay") + _num(m["expenses"], "expenses")
    return (_num(m["closed"], "won_margin") - cost) / bookings


def _cost_per_lead(m: Measures) -> float | None:
    if not m["marketing"]:
        return None
    return _ratio(_num(m["marketing"], "spend"), _num(m["marketing"], "leads"))


def _revenue_per_customer(m: Measures) -> float | None:
    return _ratio(_num(m["customers"], "year_bookings"), _num(m["customers"], "customers"))


def _against_standard(kind: str) -> Callable[[Measures], float | None]:
    def finish(m: Measures) -> float | None:
        expected = m["staffing"].get(f"expected_{kind}")
        return _ratio(_num(m["activities"], f"n_{kind}"), expected) if expected else None

    return finish


def _window_coverage(days: int) -> Callable[[Measures], float | None]:
    def finish(m: Measures) -> float | None:
        pipeline = _num(m[f"pipeline@{days}"], "pipeline_value")
        return _ratio(pipeline, _num(m[f"quota@{days}"], "quota"))

    return finish


def _rate_per_rep(kind: str, per: str) -> Callable[[Measures], float | None]:
    def finish(m: Measures) -> float | None:
        staff = m["staffing"]
        spans = _num(staff, "salespeople") * _num(staff, per)
        return _ratio(_num(m["activities"], f"n_{kind}"), spans)

    return finish


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
        splits=("stage",),
    ),
    Metric(
        "pipeline_count",
        "Open opportunities",
        "count",
        ("pipeline",),
        _count("pipeline", "pipeline_count"),
        "Number of opportunities open at the end of the as-of date whose expected close date "
        "falls in the period (state reconstructed as for pipeline_value).",
        splits=("stage",),
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
    *[
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
    ],
    *[
        Metric(
            f"activities_vs_standard_{kind}",
            f"{ActivityType(kind).label}s against standard",
            "ratio",
            ("activities", "staffing"),
            _against_standard(kind),
            f"{ActivityType(kind).label} activities in the period (up to the as-of date) / what "
            "the salesperson activity standard expects over the same days for the salespeople "
            "in scope (a weekly standard × days / 7, a monthly one × days × 12 / 365). 1.0 is on "
            "standard. None without a standard or without salespeople.",
        )
        for kind in STANDARD_TYPES
    ],
    Metric(
        "gross_margin",
        "Gross margin",
        "money",
        ("closed",),
        _sum("closed", "won_margin"),
        f"Sum of the gross margin of won opportunities closed in the period. {IN_PERIOD}",
    ),
    Metric(
        "profitability_to_volume",
        "Profitability to volume",
        "ratio",
        ("closed", "pay", "expenses"),
        _profitability,
        "(gross margin of the period's won deals − the salespeople's base and variable pay for "
        "the days of the period they were employed − their direct sales expenses) / bookings. "
        "None when bookings are 0.",
    ),
    Metric(
        "sales_expense",
        "Direct sales expense",
        "money",
        ("expenses",),
        _sum("expenses", "expenses"),
        "Sum of the direct sales expenses of the people in scope for the period (monthly "
        "amounts, prorated by day for periods that are not whole months).",
    ),
    Metric(
        "sales_expense_pct_volume",
        "Sales expense / volume",
        "ratio",
        ("expenses", "closed"),
        _expense_share("closed", "won_amount"),
        "sales_expense / bookings. None when bookings are 0.",
    ),
    Metric(
        "sales_expense_pct_margin",
        "Sales expense / margin",
        "ratio",
        ("expenses", "closed"),
        _expense_share("closed", "won_margin"),
        "sales_expense / gross_margin. None when the gross margin is 0.",
    ),
    Metric(
        "sales_expense_pct_quota",
        "Sales expense / quota",
        "ratio",
        ("expenses", "quota"),
        _expense_share("quota", "quota"),
        "sales_expense / quota. None without a quota.",
    ),
    Metric(
        "revenue_per_customer",
        "Revenue per customer (12 months)",
        "money",
        ("customers",),
        _revenue_per_customer,
        "Bookings of the 365 days ending with the period's last day (or the as-of date) / the "
        "number of distinct accounts with a won deal in those days: what a current customer "
        "buys in a year. Deals without an account are left out. None without customers.",
    ),
    Metric(
        "cost_per_lead",
        "Cost per lead",
        "money",
        ("marketing",),
        _cost_per_lead,
        "Marketing spend in the period (monthly, prorated by day) / leads created in the period, "
        "over every lead source. Company scope only (spend belongs to a source, not a person); "
        "None for teams and salespeople, and when no lead was created.",
        splits=("lead_source",),
    ),
    Metric(
        "days_sales_outstanding",
        "Days sales outstanding",
        "days",
        ("invoicing",),
        _dso,
        "Receivables open at the end of the period (or the as-of date: invoiced by then and not "
        "paid by then) / amount invoiced in the period × days in the period. Invoices belong to "
        "the owner of the deal invoiced, else of the account. None when nothing was invoiced.",
    ),
    Metric(
        "consultant_utilization",
        "Consultant utilisation",
        "ratio",
        ("consulting",),
        _consulting("billable_hours", "hours"),
        "Billable hours / all hours the consultants logged in the period. None without hours.",
    ),
    Metric(
        "consultant_realization",
        "Consultant realisation",
        "ratio",
        ("consulting",),
        _consulting("billed", "standard_value"),
        "Amount billed / billable hours × standard rate: the share of list price actually "
        "billed. None without billable hours.",
    ),
    Metric(
        "consultant_blended_rate",
        "Blended billing rate",
        "money",
        ("consulting",),
        _consulting("billed", "billable_hours"),
        "Amount billed / billable hours: the average hourly rate earned. None without billable "
        "hours.",
    ),
    Metric(
        "consultant_backlog_days",
        "Backlog in days",
        "days",
        ("backlog", "consulting"),
        _backlog_days,
        "Signed-but-undelivered service hours (each consultant's latest backlog on or before the "
        "period's end) / billable hours delivered per working day in the period: how many "
        "working days the backlog would last. None without billable hours or backlog.",
    ),
    Metric(
        "sales_cycle_days_lost_median",
        "Sales cycle of lost deals, median",
        "days",
        ("lost_cycle",),
        _field("lost_cycle", "cycle_median"),
        "Median number of days from created date to close date over lost deals closed in the "
        "period: how long a deal takes to be lost. None when nothing was lost.",
    ),
    Metric(
        "sales_cycle_days_lost_mean",
        "Sales cycle of lost deals, mean",
        "days",
        ("lost_cycle",),
        _field("lost_cycle", "cycle_mean"),
        "Mean number of days from created date to close date over lost deals closed in the "
        "period. None when nothing was lost.",
    ),
    *[
        Metric(
            metric_id,
            f"{ActivityType(kind).label}s per salesperson per {per[:-1]}",
            "rate",
            ("activities", "staffing"),
            _rate_per_rep(kind, per),
            f"A leading indicator: {ActivityType(kind).label.lower()} activities in the period "
            f"(up to the as-of date) / salespeople in scope / {per} in the period so far "
            f"({'days / 7' if per == 'weeks' else 'days × 12 / 365'}). A rate, with decimals. "
            "None without salespeople.",
        )
        for metric_id, (kind, per) in zip(INDICATOR_IDS, LEADING_INDICATORS, strict=True)
    ],
]


METRICS += [
    Metric(
        "lead_count",
        "Leads",
        "count",
        ("marketing",),
        _sum("marketing", "leads"),
        "Leads created in the period (up to the as-of date). Company scope only, like "
        "cost_per_lead; 0 for teams and salespeople.",
        splits=("lead_source",),
    ),
    Metric(
        "marketing_spend",
        "Marketing spend",
        "money",
        ("marketing",),
        _sum("marketing", "spend"),
        "Marketing spend in the period (monthly amounts prorated by day). Company scope only.",
        splits=("lead_source",),
    ),
]

SPLITS = ("stage", "lead_source")

BY_ID = {m.id: m for m in METRICS}
