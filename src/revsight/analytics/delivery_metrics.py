"""After the sale: how fast invoices are paid, and how the consultants' time is used and billed."""

from __future__ import annotations

from collections.abc import Callable

from revsight.analytics.metric import Measures, Metric, num, ratio, total


def _dso(m: Measures) -> float | None:
    c = m["invoicing"]
    invoiced = num(c, "invoiced")
    return num(c, "receivables") / invoiced * num(c, "days") if invoiced else None


def _consulting(numerator: str, denominator: str) -> Callable[[Measures], float | None]:
    return lambda m: ratio(num(m["consulting"], numerator), num(m["consulting"], denominator))


def _backlog_days(m: Measures) -> float | None:
    c = m["consulting"]
    per_day = ratio(num(c, "billable_hours"), num(c, "workdays"))
    if not per_day or not m["backlog"]:
        return None
    return num(m["backlog"], "backlog_hours") / per_day


DAYS_SALES_OUTSTANDING = Metric(
    "days_sales_outstanding",
    "Days sales outstanding",
    "days",
    ("invoicing",),
    _dso,
    "Receivables open at the end of the period (or the as-of date: invoiced by then and not "
    "paid by then) / amount invoiced in the period × days in the period. Invoices belong to "
    "the owner of the deal invoiced, else of the account. None when nothing was invoiced.",
    better="lower",
)

CONSULTANT_UTILIZATION = Metric(
    "consultant_utilization",
    "Consultant utilisation",
    "ratio",
    ("consulting",),
    _consulting("billable_hours", "hours"),
    "Billable hours / all hours the consultants logged in the period. None without hours.",
)

CONSULTANT_REALIZATION = Metric(
    "consultant_realization",
    "Consultant realisation",
    "ratio",
    ("consulting",),
    _consulting("billed", "standard_value"),
    "Amount billed / billable hours × standard rate: the share of list price actually "
    "billed. None without billable hours.",
)

CONSULTANT_BLENDED_RATE = Metric(
    "consultant_blended_rate",
    "Blended billing rate",
    "money",
    ("consulting",),
    _consulting("billed", "billable_hours"),
    "Amount billed / billable hours: the average hourly rate earned. None without billable hours.",
)

CONSULTANT_BACKLOG_DAYS = Metric(
    "consultant_backlog_days",
    "Backlog in days",
    "days",
    ("backlog", "consulting"),
    _backlog_days,
    "Signed-but-undelivered service hours (each consultant's latest backlog on or before the "
    "period's end) / billable hours delivered per working day in the period: how many "
    "working days the backlog would last. None without billable hours or backlog.",
)

CONSULTANT_HOURS = Metric(
    "consultant_hours",
    "Hours logged",
    "hours",
    ("consulting",),
    total("consulting", "hours"),
    "All hours the consultants in scope logged on their timesheets in the period (up to the "
    "as-of date), billable or not.",
    accumulates=True,
)

CONSULTANT_BILLABLE_HOURS = Metric(
    "consultant_billable_hours",
    "Billable hours",
    "hours",
    ("consulting",),
    total("consulting", "billable_hours"),
    "Billable hours the consultants in scope logged in the period (up to the as-of date).",
    accumulates=True,
)
