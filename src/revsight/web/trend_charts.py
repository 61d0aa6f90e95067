"""The month-by-month chart of a presales engineer's or a consultant's page: ratios over twelve
months against their goals, and a year before when compared with it (`charts.py` draws the
sales dashboards' charts, with the same escaping and layout)."""

from __future__ import annotations

from typing import Any

from revsight.analytics.dashboard_person import Monthly
from revsight.crm.models import ActivityType
from revsight.web.charts import ACTIVITY_SHORT, BRAND, GRID, figure, layout

LINE_COLOURS = [BRAND, "#d0488f", "#2ca02c", "#ff7f0e"]


def monthly_rates(monthly: Monthly) -> dict[str, Any]:
    """Ratios month by month (utilisation, realisation, activity against standard), each goal
    of the latest month dotted in its line's colour, and the same months a year earlier dashed
    when the page is compared with the same period last year."""
    traces: list[dict[str, Any]] = []
    shapes: list[dict[str, Any]] = []
    for index, series in enumerate(monthly.series):
        colour = LINE_COLOURS[index % len(LINE_COLOURS)]
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": _short(series.id, series.name),
                "x": monthly.months,
                "y": series.values,
                "line": {"color": colour, "width": 2},
                "hovertemplate": "%{x}: %{y:.1%}<extra></extra>",
            }
        )
        goal = monthly.goals.get(series.id)
        if goal is not None:
            shapes.append(_goal_line(goal, colour))
    for index, series in enumerate(monthly.year_before):
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": f"{_short(series.id, series.name)}, a year before",
                "x": monthly.months,
                "y": series.values,
                "line": {"color": LINE_COLOURS[index % len(LINE_COLOURS)], "dash": "dash"},
                "opacity": 0.55,
                "hovertemplate": "a year earlier: %{y:.1%}<extra></extra>",
            }
        )
    return figure(
        data=traces,
        layout=layout(
            yaxis={
                "tickformat": ".0%",
                "gridcolor": GRID,
                "automargin": True,
                "rangemode": "tozero",
            },
            legend={"orientation": "h", "y": -0.18, "yanchor": "top", "x": 0},
            shapes=shapes,
            height=320,
        ),
    )


def _short(metric_id: str, name: str) -> str:
    """A legend's name short enough for a phone: `Presales vs standard`."""
    kind = metric_id.removeprefix("activities_vs_standard_")
    if kind != metric_id and kind in ActivityType.values:
        return f"{ACTIVITY_SHORT[ActivityType(kind)]} vs standard"
    return name.removeprefix("Consultant ").capitalize()


def _goal_line(value: float, colour: str) -> dict[str, Any]:
    return {
        "type": "line",
        "xref": "paper",
        "x0": 0,
        "x1": 1,
        "y0": value,
        "y1": value,
        "line": {"color": colour, "dash": "dot", "width": 1},
    }
