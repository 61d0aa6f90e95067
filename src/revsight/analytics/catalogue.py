"""The metric catalogue: every number Revsight shows, defined once.

Each metric names the measure it is computed from (measures.py) and how its value is finished
from that measure's components. Money is in the organisation's currency; ratios are fractions
(0.42, not 42). A value of None means "not defined" (a ratio over nothing); sums and counts over
nothing are 0. `docs/metrics.md` is generated from this module (`revsight metrics --docs`).

The metrics are defined by subject (deal_metrics, pipeline_metrics, forecast_metrics,
activity_metrics, cost_metrics, delivery_metrics); this module lists them in the order every
list of metrics follows.
"""

from __future__ import annotations

from revsight.analytics import (
    activity_metrics,
    cost_metrics,
    deal_metrics,
    delivery_metrics,
    forecast_metrics,
    pipeline_metrics,
)
from revsight.analytics.metric import Components, Measures, Metric

__all__ = ["BY_ID", "METRICS", "SPLITS", "Components", "Measures", "Metric"]

METRICS: list[Metric] = [
    deal_metrics.BOOKINGS,
    deal_metrics.WON_COUNT,
    deal_metrics.LOST_COUNT,
    deal_metrics.WIN_RATE,
    deal_metrics.WIN_RATE_VALUE,
    deal_metrics.AVERAGE_ORDER_VALUE,
    deal_metrics.SALES_CYCLE_DAYS_MEDIAN,
    deal_metrics.SALES_CYCLE_DAYS_MEAN,
    pipeline_metrics.PIPELINE_VALUE,
    pipeline_metrics.PIPELINE_COUNT,
    pipeline_metrics.OPPORTUNITIES_CREATED,
    pipeline_metrics.PIPELINE_CREATED,
    pipeline_metrics.QUOTA,
    pipeline_metrics.PIPELINE_COVERAGE,
    pipeline_metrics.QUOTA_ATTAINMENT,
    deal_metrics.NEW_ACCOUNT_SALES_PCT,
    deal_metrics.EXISTING_ACCOUNT_SALES_PCT,
    activity_metrics.ACTIVITY_COUNT,
    *activity_metrics.ACTIVITY_COUNTS,
    forecast_metrics.FORECAST_ACCURACY,
    forecast_metrics.FORECAST_BIAS,
    *pipeline_metrics.WINDOW_COVERAGES,
    *activity_metrics.AGAINST_STANDARD,
    *activity_metrics.EXPECTED,
    activity_metrics.DEALS_SUPPORTED,
    deal_metrics.GROSS_MARGIN,
    cost_metrics.PROFITABILITY_TO_VOLUME,
    cost_metrics.SALES_EXPENSE,
    cost_metrics.SALES_EXPENSE_PCT_VOLUME,
    cost_metrics.SALES_EXPENSE_PCT_MARGIN,
    cost_metrics.SALES_EXPENSE_PCT_QUOTA,
    deal_metrics.REVENUE_PER_CUSTOMER,
    cost_metrics.COST_PER_LEAD,
    delivery_metrics.DAYS_SALES_OUTSTANDING,
    delivery_metrics.CONSULTANT_UTILIZATION,
    delivery_metrics.CONSULTANT_REALIZATION,
    delivery_metrics.CONSULTANT_BLENDED_RATE,
    delivery_metrics.CONSULTANT_BACKLOG_DAYS,
    delivery_metrics.CONSULTANT_HOURS,
    delivery_metrics.CONSULTANT_BILLABLE_HOURS,
    deal_metrics.SALES_CYCLE_DAYS_LOST_MEDIAN,
    deal_metrics.SALES_CYCLE_DAYS_LOST_MEAN,
    *activity_metrics.LEADING_INDICATOR_RATES,
    cost_metrics.LEAD_COUNT,
    cost_metrics.MARKETING_SPEND,
]

SPLITS = ("stage", "lead_source")

BY_ID = {m.id: m for m in METRICS}

# Goals in the user's units. A ratio shown as a per cent is entered as one (25 % is 0.25); the
# coverage ratios are multiples (1.1×), entered as they are shown.
MULTIPLES = frozenset({"pipeline_coverage", *(m.id for m in pipeline_metrics.WINDOW_COVERAGES)})
# Shares of a whole: a goal above 100 % means nothing.
SHARES = frozenset(
    {
        "win_rate",
        "win_rate_value",
        "new_account_sales_pct",
        "existing_account_sales_pct",
        "forecast_accuracy",
    }
)
# The only metrics whose goal may be below zero: a bias (sandbagging) and margins.
SIGNED = frozenset({"forecast_bias", "gross_margin", "profitability_to_volume"})


def in_percent(metric_id: str) -> bool:
    """Whether the metric is shown, and its goal entered, as a per cent."""
    metric = BY_ID.get(metric_id)
    return metric is not None and metric.unit == "ratio" and metric_id not in MULTIPLES
