"""What selling costs: pay and direct sales expenses against volume, margin and quota, and
marketing spend per lead.
"""

from __future__ import annotations

from collections.abc import Callable

from revsight.analytics.metric import Measures, Metric, num, ratio, total


def _profitability(m: Measures) -> float | None:
    bookings = num(m["closed"], "won_amount")
    if not bookings:
        return None
    cost = num(m["pay"], "pay") + num(m["expenses"], "expenses")
    return (num(m["closed"], "won_margin") - cost) / bookings


def _expense_share(measure: str, name: str) -> Callable[[Measures], float | None]:
    return lambda m: ratio(num(m["expenses"], "expenses"), num(m[measure], name))


def _cost_per_lead(m: Measures) -> float | None:
    if not m["marketing"]:
        return None
    return ratio(num(m["marketing"], "spend"), num(m["marketing"], "leads"))


PROFITABILITY_TO_VOLUME = Metric(
    "profitability_to_volume",
    "Profitability to volume",
    "ratio",
    ("closed", "pay", "expenses"),
    _profitability,
    "(gross margin of the period's won deals − the salespeople's base and variable pay for "
    "the days of the period they were employed − their direct sales expenses) / bookings. "
    "None when bookings are 0.",
)

SALES_EXPENSE = Metric(
    "sales_expense",
    "Direct sales expense",
    "money",
    ("expenses",),
    total("expenses", "expenses"),
    "Sum of the direct sales expenses of the people in scope for the period (monthly "
    "amounts, prorated by day for periods that are not whole months).",
    better="lower",
    accumulates=True,
)

SALES_EXPENSE_PCT_VOLUME = Metric(
    "sales_expense_pct_volume",
    "Sales expense / volume",
    "ratio",
    ("expenses", "closed"),
    _expense_share("closed", "won_amount"),
    "sales_expense / bookings. None when bookings are 0.",
    better="lower",
)

SALES_EXPENSE_PCT_MARGIN = Metric(
    "sales_expense_pct_margin",
    "Sales expense / margin",
    "ratio",
    ("expenses", "closed"),
    _expense_share("closed", "won_margin"),
    "sales_expense / gross_margin. None when the gross margin is 0.",
    better="lower",
)

SALES_EXPENSE_PCT_QUOTA = Metric(
    "sales_expense_pct_quota",
    "Sales expense / quota",
    "ratio",
    ("expenses", "quota"),
    _expense_share("quota", "quota"),
    "sales_expense / quota. None without a quota.",
    better="lower",
)

COST_PER_LEAD = Metric(
    "cost_per_lead",
    "Cost per lead",
    "money",
    ("marketing",),
    _cost_per_lead,
    "Marketing spend in the period (monthly, prorated by day) / leads created in the period, "
    "over every lead source. Company scope only (spend belongs to a source, not a person); "
    "None for teams and salespeople, and when no lead was created.",
    splits=("lead_source",),
    better="lower",
)

LEAD_COUNT = Metric(
    "lead_count",
    "Leads",
    "count",
    ("marketing",),
    total("marketing", "leads"),
    "Leads created in the period (up to the as-of date). Company scope only, like "
    "cost_per_lead; 0 for teams and salespeople.",
    splits=("lead_source",),
    accumulates=True,
)

MARKETING_SPEND = Metric(
    "marketing_spend",
    "Marketing spend",
    "money",
    ("marketing",),
    total("marketing", "spend"),
    "Marketing spend in the period (monthly amounts prorated by day). Company scope only.",
    splits=("lead_source",),
    better="neither",
    accumulates=True,
)
