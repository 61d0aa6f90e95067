"""Metric results as a terminal table, JSON or CSV."""

from __future__ import annotations

import io
import json

from revsight.analytics.catalogue import MULTIPLES
from revsight.analytics.computation import Result, as_json
from revsight.core import csvsafe

# Sections of the table, each a pivot of keys × metrics, with short column headings.
SECTIONS = [
    (
        "Results",
        {
            "bookings": "Bookings",
            "quota": "Quota",
            "quota_attainment": "Attain.",
            "won_count": "Won",
            "lost_count": "Lost",
            "win_rate": "Win %",
            "win_rate_value": "Win % $",
            "average_order_value": "Avg order",
            "sales_cycle_days_median": "Cycle med",
            "sales_cycle_days_mean": "Cycle avg",
            "sales_cycle_days_lost_median": "Lost med",
            "sales_cycle_days_lost_mean": "Lost avg",
        },
    ),
    (
        "Pipeline",
        {
            "pipeline_value": "Pipeline",
            "pipeline_count": "Deals",
            "pipeline_coverage": "Coverage",
        },
    ),
    ("Accounts", {"new_account_sales_pct": "New %", "existing_account_sales_pct": "Existing %"}),
    (
        "Activities",
        {
            "activity_count": "All",
            "activities_new_prospect_call": "Prospect",
            "activities_face_to_face_call": "F2F",
            "activities_presales_call": "Presales",
            "activities_discovery_call": "Discovery",
            "activities_demonstration": "Demo",
            "activities_executive_presentation": "Exec",
            "activities_other": "Other",
        },
    ),
    (
        "Activities against standard",
        {
            "activities_vs_standard_new_prospect_call": "Prospect",
            "activities_vs_standard_face_to_face_call": "F2F",
            "activities_vs_standard_presales_call": "Presales",
            "activities_vs_standard_discovery_call": "Discovery",
            "activities_vs_standard_demonstration": "Demo",
            "activities_vs_standard_executive_presentation": "Exec",
        },
    ),
    (
        "Leading indicators (per salesperson)",
        {
            "new_prospect_calls_per_rep_per_week": "Prospect/wk",
            "face_to_face_calls_per_rep_per_week": "F2F/wk",
            "presales_calls_per_rep_per_week": "Presales/wk",
            "discovery_calls_per_rep_per_month": "Discovery/mo",
            "demonstrations_per_rep_per_month": "Demo/mo",
            "executive_presentations_per_rep_per_month": "Exec/mo",
        },
    ),
    ("Forecast", {"forecast_accuracy": "Accuracy", "forecast_bias": "Bias"}),
    (
        "Economics",
        {
            "gross_margin": "Margin",
            "profitability_to_volume": "Profit/vol",
            "sales_expense": "Expense",
            "sales_expense_pct_volume": "Exp/vol",
            "sales_expense_pct_margin": "Exp/margin",
            "sales_expense_pct_quota": "Exp/quota",
            "revenue_per_customer": "Rev/customer",
            "days_sales_outstanding": "DSO",
            "cost_per_lead": "Cost/lead",
        },
    ),
    (
        "Services",
        {
            "consultant_utilization": "Utilisation",
            "consultant_realization": "Realisation",
            "consultant_blended_rate": "Rate",
            "consultant_backlog_days": "Backlog",
        },
    ),
]


# Ratios that read better as multiples ("2.4×") than as percentages.


def format_value(value: float | int | None, unit: str, metric: str = "") -> str:
    if value is None:
        return "—"
    if metric in MULTIPLES:
        return f"{value:.1f}×"
    if unit == "money":
        return f"{value:,.0f}"
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    if unit == "days":
        return f"{value:.1f} d"
    if unit == "rate":
        return f"{value:,.1f}"
    if unit == "hours":
        return f"{value:,.1f} h"
    return f"{value:,}"


def format_gap(value: float | int | None, unit: str, metric: str = "") -> str:
    """A difference between two values with its sign: +12,500 · −3.0 d · a difference between
    two ratios in percentage points (+4.2 pp), never in per cent."""
    if value is None:
        return "—"
    if unit == "ratio" and metric not in MULTIPLES:
        return with_sign(value, f"{abs(value) * 100:.1f} pp")
    return with_sign(value, format_value(abs(value), unit, metric))


def with_sign(value: float | int, magnitude: str) -> str:
    """`magnitude` (the difference as shown) with the sign of `value`; a difference that
    rounds to nothing is ±0, never −0.0 pp beside a goal met to the decimal."""
    if not any(digit in magnitude for digit in "123456789"):
        return "±" + magnitude
    return ("+" if value >= 0 else "−") + magnitude


def grid(headings: list[str], rows: list[list[str]], text_columns: int = 1) -> str:
    """Aligned columns: the first `text_columns` to the left, numbers to the right."""
    widths = [max([len(h), *(len(r[i]) for r in rows)]) for i, h in enumerate(headings)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i < text_columns else c.rjust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headings), line(["─" * w for w in widths]), *map(line, rows)])


def as_table(result: Result) -> str:
    period = result.period
    header = (
        f"{period.id} ({period.start:%d %b %Y} – {period.end:%d %b %Y}), as of "
        f"{result.as_of:%d %b %Y}, by {result.scope}, engine {result.engine}"
    )
    if not result.rows:
        nobody = {"rep": "salespeople employed", "team": "teams with salespeople or consultants"}
        return f"{header}\n\nNo {nobody.get(result.scope, 'records')} in this period."
    if result.split is not None:
        return "\n\n".join([header, _split_table(result)])
    by_cell = {(r.metric, r.key): r for r in result.rows}
    keys = list(dict.fromkeys(r.key for r in result.rows))
    chosen = {m.id for m in result.metrics}
    blocks = [header]
    if keys == ["company"]:
        rows = []
        for metric in result.metrics:
            row = by_cell[(metric.id, "company")]
            cells = [format_value(v, row.unit, metric.id) for v in (row.value, row.goal)]
            cells.append(format_gap(row.gap, row.unit, metric.id))
            if row.goal is None:
                cells[1:] = ["", ""]
            trend = ""
            if row.trend is not None:
                trend = "  ".join(format_value(v, row.unit, metric.id) for v in row.trend)
            rows.append([metric.name, *cells, trend])
        headings = [
            "Metric",
            "Value",
            "Goal",
            "Gap",
            "Trend (oldest first)" if result.trend_periods else "",
        ]
        blocks.append(grid(headings, rows))
        return "\n\n".join(blocks)
    shown = {m for _, cols in SECTIONS for m in cols}
    extra = {m.id: m.name for m in result.metrics if m.id not in shown}
    for title, columns in [*SECTIONS, ("Other", extra)]:
        ids = [m for m in columns if m in chosen]
        if not ids:
            continue
        rows = [
            [result.label(key)]
            + [format_value(by_cell[(m, key)].value, by_cell[(m, key)].unit, m) for m in ids]
            for key in keys
        ]
        blocks.append(f"{title}\n" + grid([result.scope.title(), *(columns[m] for m in ids)], rows))
    return "\n\n".join(blocks)


def _split_table(result: Result) -> str:
    """One row per scope key and split value, one column per metric."""
    cells = {(r.metric, r.key, r.split): r for r in result.rows}
    lines = list(dict.fromkeys((r.key, r.split) for r in result.rows))
    headings = [result.scope.title(), (result.split or "").replace("_", " ").title()]
    headings += [m.name for m in result.metrics]
    rows = [
        [result.label(key), str(value)]
        + [format_value(cells[(m.id, key, value)].value, m.unit, m.id) for m in result.metrics]
        for key, value in lines
    ]
    return grid(headings, rows, text_columns=2)


def as_csv(result: Result) -> str:
    buffer = io.StringIO()
    writer = csvsafe.writer(buffer, lineterminator="\n")
    header = ["period", "as_of", "metric", "scope", "key", "value", "goal", "gap", "unit"]
    writer.writerow(header + ([result.split] if result.split else []))
    for row in result.rows:
        writer.writerow(
            [
                result.period.id,
                result.as_of.isoformat(),
                row.metric,
                row.scope,
                row.key,
                _csv(row.value),
                _csv(row.goal),
                _csv(row.gap),
                row.unit,
                *([row.split or ""] if result.split else []),
            ]
        )
    return buffer.getvalue()


def _csv(value: float | int | None) -> float | int | str:
    return "" if value is None else value  # a number as a number: see core.csvsafe


def render(result: Result, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(as_json(result))
    if fmt == "csv":
        return as_csv(result)
    return as_table(result)
