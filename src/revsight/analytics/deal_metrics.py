"""Metrics of decided deals: bookings, wins and losses, win rates, order value, sales cycles,
gross margin, and what new and existing accounts buy.
"""

from __future__ import annotations

from revsight.analytics.metric import Measures, Metric, count, field, num, ratio, total

IN_PERIOD = (
    "A deal's decision date is its close date; it counts in a period when that date falls "
    "inside the period and on or before the as-of date."
)


def _win_rate(m: Measures) -> float | None:
    c = m["closed"]
    return ratio(num(c, "won_count"), num(c, "won_count") + num(c, "lost_count"))


def _win_rate_value(m: Measures) -> float | None:
    c = m["closed"]
    return ratio(num(c, "won_amount"), num(c, "won_amount") + num(c, "lost_amount"))


def _average_order_value(m: Measures) -> float | None:
    return ratio(num(m["closed"], "won_amount"), num(m["closed"], "won_count"))


def _new_share(m: Measures) -> float | None:
    c = m["account_mix"]
    return ratio(num(c, "new_amount"), num(c, "total_amount"))


def _existing_share(m: Measures) -> float | None:
    share = _new_share(m)
    return None if share is None else 1 - share


def _revenue_per_customer(m: Measures) -> float | None:
    return ratio(num(m["customers"], "year_bookings"), num(m["customers"], "customers"))


BOOKINGS = Metric(
    "bookings",
    "Bookings",
    "money",
    ("closed",),
    total("closed", "won_amount"),
    f"Sum of the amounts of won opportunities closed in the period. {IN_PERIOD} "
    "0 when nothing was won.",
    accumulates=True,
)

WON_COUNT = Metric(
    "won_count",
    "Deals won",
    "count",
    ("closed",),
    count("closed", "won_count"),
    f"Number of won opportunities closed in the period. {IN_PERIOD}",
    accumulates=True,
)

LOST_COUNT = Metric(
    "lost_count",
    "Deals lost",
    "count",
    ("closed",),
    count("closed", "lost_count"),
    f"Number of lost opportunities closed in the period. {IN_PERIOD}",
    better="lower",
    accumulates=True,
)

WIN_RATE = Metric(
    "win_rate",
    "Win rate (by count)",
    "ratio",
    ("closed",),
    _win_rate,
    "won_count / (won_count + lost_count) over deals decided in the period; open deals do "
    "not count. Teams and the company pool their deals (not an average of rates). None "
    "when nothing was decided.",
)

WIN_RATE_VALUE = Metric(
    "win_rate_value",
    "Win rate (by value)",
    "ratio",
    ("closed",),
    _win_rate_value,
    "Won amount / (won amount + lost amount) over deals decided in the period. Deals "
    "without an amount add nothing. None when nothing with an amount was decided.",
)

AVERAGE_ORDER_VALUE = Metric(
    "average_order_value",
    "Average order value",
    "money",
    ("closed",),
    _average_order_value,
    "bookings / won_count. None when nothing was won.",
)

SALES_CYCLE_DAYS_MEDIAN = Metric(
    "sales_cycle_days_median",
    "Sales cycle, median",
    "days",
    ("cycle",),
    field("cycle", "cycle_median"),
    "Median number of days from created date to close date over won deals closed in the "
    "period (the mean of the middle two for an even number). None when nothing was won.",
    better="lower",
)

SALES_CYCLE_DAYS_MEAN = Metric(
    "sales_cycle_days_mean",
    "Sales cycle, mean",
    "days",
    ("cycle",),
    field("cycle", "cycle_mean"),
    "Mean number of days from created date to close date over won deals closed in the "
    "period. None when nothing was won.",
    better="lower",
)

NEW_ACCOUNT_SALES_PCT = Metric(
    "new_account_sales_pct",
    "New-account sales share",
    "ratio",
    ("account_mix",),
    _new_share,
    "Share of bookings from won deals whose account had no won deal with an earlier close "
    "date (deals without an account count as new). None when bookings are 0.",
)

EXISTING_ACCOUNT_SALES_PCT = Metric(
    "existing_account_sales_pct",
    "Existing-account sales share",
    "ratio",
    ("account_mix",),
    _existing_share,
    "1 − new_account_sales_pct. None when bookings are 0.",
)

GROSS_MARGIN = Metric(
    "gross_margin",
    "Gross margin",
    "money",
    ("closed",),
    total("closed", "won_margin"),
    f"Sum of the gross margin of won opportunities closed in the period. {IN_PERIOD}",
    accumulates=True,
)

REVENUE_PER_CUSTOMER = Metric(
    "revenue_per_customer",
    "Revenue per customer (12 months)",
    "money",
    ("customers",),
    _revenue_per_customer,
    "Bookings of the 365 days ending with the period's last day (or the as-of date) / the "
    "number of distinct accounts with a won deal in those days: what a current customer "
    "buys in a year. Deals without an account are left out. None without customers.",
)

SALES_CYCLE_DAYS_LOST_MEDIAN = Metric(
    "sales_cycle_days_lost_median",
    "Sales cycle of lost deals, median",
    "days",
    ("lost_cycle",),
    field("lost_cycle", "cycle_median"),
    "Median number of days from created date to close date over lost deals closed in the "
    "period: how long a deal takes to be lost. None when nothing was lost.",
    better="lower",
)

SALES_CYCLE_DAYS_LOST_MEAN = Metric(
    "sales_cycle_days_lost_mean",
    "Sales cycle of lost deals, mean",
    "days",
    ("lost_cycle",),
    field("lost_cycle", "cycle_mean"),
    "Mean number of days from created date to close date over lost deals closed in the "
    "period. None when nothing was lost.",
    better="lower",
)
