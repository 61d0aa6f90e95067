"""The capacity plan's chart: each quarter's objective beside the current team's capacity and
the capacity with the planned hires, the hires marked in the quarter they start."""

from __future__ import annotations

from typing import Any

from revsight.web.charts import BAD, BRAND, figure, layout, money_axis

HOVER = "%{x}: %{y:,.0f}<extra>%{fullData.name}</extra>"


def capacity(document: dict[str, Any], hires_by_quarter: list[str]) -> dict[str, Any]:
    """`document` is the plan's JSON; `hires_by_quarter` the mark above each quarter's bar."""
    quarters = document["quarters"]
    labels = [q["quarter"] for q in quarters]

    def bars(name: str, key: str, colour: Any) -> dict[str, Any]:
        values = [q[key] for q in quarters]
        return {"type": "bar", "name": name, "x": labels, "y": values, "marker": {"color": colour}}

    planned = bars(
        "With planned hires",
        "planned_capacity",
        [BRAND if q["reachable"] else BAD for q in quarters],
    )
    planned.update(text=hires_by_quarter, textposition="outside", cliponaxis=False)
    traces = [
        bars("Objective", "objective", "#c9d1e0"),
        bars("Current team", "capacity", "#9db8ff"),
        planned,
    ]
    for trace in traces:
        trace["hovertemplate"] = HOVER
    return figure(
        data=traces,
        layout=layout(barmode="group", yaxis=money_axis("Bookings a quarter"), height=340),
    )
