"""Plotly figures as plain JSON, with one colour per stage and per activity type everywhere.

The browser draws them with the plotly.js shipped in the plotly package (`finders.py`); a click on
a bar or a cell follows the drill-down link stored in the point's `customdata`.
"""

from __future__ import annotations

import html
import itertools
from typing import Any

from revsight.analytics.dashboard import Indicators, MonthCover, RepRow, StageBar, WindowCover
from revsight.crm.models import ActivityType

INK, MUTED, GRID = "#1d2433", "#5b6579", "#e4e8ef"
GOOD, BAD, BRAND = "#17804a", "#c23b22", "#1f5eff"
# Early stages cool, late stages warm; the same stage has the same colour on every chart.
STAGE_PALETTE = ["#9db8ff", "#6f95f7", "#4672ea", "#2f55c8", "#6c4bd1", "#a347b8", "#d0488f"]
ACTIVITY_COLOURS = {
    ActivityType.NEW_PROSPECT_CALL: "#1f77b4",
    ActivityType.FACE_TO_FACE_CALL: "#2ca02c",
    ActivityType.PRESALES_CALL: "#9467bd",
    ActivityType.DISCOVERY_CALL: "#ff7f0e",
    ActivityType.DEMONSTRATION: "#d62728",
    ActivityType.EXECUTIVE_PRESENTATION: "#8c564b",
    ActivityType.OTHER: "#7f7f7f",
}
# Short enough to stand side by side above a heat map on a phone.
ACTIVITY_SHORT = {
    ActivityType.NEW_PROSPECT_CALL: "New prospect",
    ActivityType.FACE_TO_FACE_CALL: "Face to face",
    ActivityType.PRESALES_CALL: "Presales",
    ActivityType.DISCOVERY_CALL: "Discovery",
    ActivityType.DEMONSTRATION: "Demo",
    ActivityType.EXECUTIVE_PRESENTATION: "Exec. presentation",
    ActivityType.OTHER: "Other",
}
FONT = {
    "family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif",
    "size": 13,
    "color": INK,
}


# Strings of a figure that are not labels: hover templates are Revsight's own markup (`<br>`,
# `<extra>`), and customdata holds the drill-down links, whose `&` must stay as it is.
NOT_LABELS = frozenset({"hovertemplate", "customdata"})


def figure(data: list[dict[str, Any]], layout: dict[str, Any]) -> dict[str, Any]:
    """A Plotly figure with every label escaped: the one way a chart of this module is made.

    Plotly draws a subset of HTML in text, tick labels, hover text and legends, so an imported
    stage, account, person or lead source named `<a href=…>` would become a live link. Every
    string but those in `NOT_LABELS` is html-escaped (`<`, `>`, `&`), which Plotly shows as the
    characters themselves; a label never goes into a hover template, only through `%{…}`.
    """
    return {"data": _escaped(data), "layout": _escaped(layout)}


def _escaped(node: Any, key: str = "") -> Any:
    if isinstance(node, str):
        return node if key in NOT_LABELS else html.escape(node, quote=False)
    if isinstance(node, dict):
        return {name: _escaped(value, name) for name, value in node.items()}
    if isinstance(node, list | tuple):
        return [_escaped(value, key) for value in node]
    return node


def layout(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "font": FONT,
        "margin": {"l": 56, "r": 16, "t": 8, "b": 40},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "xaxis": {"gridcolor": GRID, "automargin": True},
        "yaxis": {"gridcolor": GRID, "automargin": True, "zerolinecolor": GRID},
        "legend": {"orientation": "h", "y": -0.2},
        "height": 300,
    }
    base.update(extra)
    return base


def stage_colour(index: int) -> str:
    return STAGE_PALETTE[index % len(STAGE_PALETTE)]


def pipeline_by_stage(
    stages: list[StageBar],
    links: list[str],
    compared: list[StageBar] | None = None,
    compared_label: str = "",
) -> dict[str, Any]:
    """Open pipeline by stage; with the comparison period's as grey bars beside it."""
    traces: list[dict[str, Any]] = []
    if compared:
        by_stage = {bar.stage: bar for bar in compared}
        traces.append(
            {
                "type": "bar",
                "name": compared_label,
                "x": [s.stage for s in stages],
                "y": [by_stage[s.stage].value if s.stage in by_stage else 0 for s in stages],
                "marker": {"color": "#c9d1e0"},
                "hovertemplate": "%{x}<br>%{y:,.0f}<extra>" + "then" + "</extra>",
            }
        )
    traces.append(
        {
            "type": "bar",
            "name": "Now",
            "x": [s.stage for s in stages],
            "y": [s.value for s in stages],
            "text": [f"{s.count} deal{'s' if s.count != 1 else ''}" for s in stages],
            "textposition": "outside",
            "cliponaxis": False,
            "marker": {"color": [stage_colour(i) for i in range(len(stages))]},
            "customdata": links,
            "hovertemplate": "%{x}<br>%{y:,.0f}<br>%{text}<extra></extra>",
        }
    )
    return figure(
        data=traces,
        layout=layout(
            barmode="group",
            showlegend=bool(compared),
            yaxis=money_axis("Pipeline value"),
        ),
    )


def money_axis(title: str) -> dict[str, Any]:
    """An axis of money, in short numbers (2.4M), so its labels never need cutting."""
    return {
        "title": {"text": title},
        "tickformat": "~s",
        "gridcolor": GRID,
        "automargin": True,
        "rangemode": "tozero",
    }


def count_axis(title: str, most: float) -> dict[str, Any]:
    """An axis of whole things (deals), from 0 to at least 5, so one deal is a short bar."""
    top = max(5.0, most * 1.1)
    return {
        "title": {"text": title},
        "range": [0, top],
        "tickformat": "d",
        "dtick": 1 if top <= 10 else None,
        "gridcolor": GRID,
        "automargin": True,
    }


def coverage(
    following: list[MonthCover], windows: list[WindowCover], links: list[str]
) -> dict[str, Any]:
    labels = [f.label for f in following] + [f"next {w.days} days" for w in windows]
    values = [f.coverage for f in following] + [w.coverage for w in windows]
    colours = [GOOD if (v or 0) >= 1 else BAD for v in values]
    return figure(
        data=[
            {
                "type": "bar",
                "x": labels,
                "y": values,
                "marker": {"color": colours},
                "text": [f"{v:.2f}×" if v is not None else "—" for v in values],
                "textposition": "outside",
                "customdata": links,
                "hovertemplate": "%{x}: %{y:.2f}× quota<extra></extra>",
            }
        ],
        layout=layout(
            yaxis={"gridcolor": GRID, "ticksuffix": "×", "automargin": True, "rangemode": "tozero"},
            shapes=[
                {
                    "type": "line",
                    "xref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "y0": 1,
                    "y1": 1,
                    "line": {"color": MUTED, "dash": "dot", "width": 1},
                }
            ],
        ),
    )


def win_loss(
    reps: list[RepRow], links: list[tuple[str, str]], compared_label: str = ""
) -> dict[str, Any]:
    names = [r.name for r in reps]
    before = [_decided(r.compared) for r in reps]
    marks = [
        {
            "type": "scatter",
            "mode": "markers",
            "name": f"Decided, {compared_label}",
            "y": [r.name for r, then in zip(reps, before, strict=True) if then is not None],
            "x": [then[0] + then[1] for then in before if then is not None],
            "customdata": [list(then) for then in before if then is not None],
            "marker": {"symbol": "line-ns-open", "size": 22, "line": {"width": 3}, "color": INK},
            "hovertemplate": f"%{{y}}, {compared_label}: %{{customdata[0]}} won, "
            "%{customdata[1]} lost<extra></extra>",
        }
    ]
    most = max(
        [(r["won_count"] or 0) + (r["lost_count"] or 0) for r in reps]
        + [won + lost for won, lost in (b for b in before if b is not None)]
        or [0]
    )
    return figure(
        data=[
            {
                "type": "bar",
                "orientation": "h",
                "name": "Won",
                "y": names,
                "x": [r["won_count"] or 0 for r in reps],
                "marker": {"color": GOOD},
                "customdata": [won for won, _ in links],
                "hovertemplate": "%{y}: %{x} won<extra></extra>",
            },
            {
                "type": "bar",
                "orientation": "h",
                "name": "Lost",
                "y": names,
                "x": [r["lost_count"] or 0 for r in reps],
                "marker": {"color": BAD},
                "customdata": [lost for _, lost in links],
                "hovertemplate": "%{y}: %{x} lost<extra></extra>",
            },
            *(marks if compared_label and any(b is not None for b in before) else []),
        ],
        layout=layout(
            barmode="stack",
            height=max(240, 34 * len(reps) + 110),
            xaxis=count_axis("deals", most),
            yaxis={"automargin": True, "autorange": "reversed"},
            legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
            margin={"l": 56, "r": 16, "t": 36, "b": 48},
        ),
    )


def _decided(values: dict[str, Any]) -> tuple[int, int] | None:
    """(won, lost) in the comparison period, or None when the salesperson was not there."""
    if not values:
        return None
    return int(values.get("won_count") or 0), int(values.get("lost_count") or 0)


def forecast_bias(reps: list[RepRow]) -> dict[str, Any]:
    shown = [r for r in reps if r["forecast_bias"] is not None]
    colours = [BAD if (r["forecast_bias"] or 0) > 0 else BRAND for r in shown]
    return figure(
        data=[
            {
                "type": "bar",
                "orientation": "h",
                "y": [r.name for r in shown],
                "x": [r["forecast_bias"] for r in shown],
                "marker": {"color": colours},
                "hovertemplate": "%{y}: %{x:+.0%} (commit vs actual)<extra></extra>",
            }
        ],
        layout=layout(
            height=max(240, 34 * len(shown) + 90),
            showlegend=False,
            xaxis={
                "tickformat": "+.0%",
                "gridcolor": GRID,
                "zerolinecolor": MUTED,
                "automargin": True,
                "title": {"text": "commit against actual"},
            },
            yaxis={"automargin": True, "autorange": "reversed"},
        ),
    )


# Below one expected activity by the as-of day (as shown, to a tenth), a share of the
# standard says nothing yet.
TOO_EARLY = 1.0


def activity_heatmap(
    reps: list[RepRow], types: list[str], labels: dict[str, str], links: list[list[str]]
) -> dict[str, Any]:
    """Each salesperson's activities of each type against the standard to date; a cell whose
    standard expects less than one activity so far is grey and shows the count."""
    shares: list[list[float | None]] = []
    early: list[list[float | None]] = []
    share_text: list[list[str]] = []
    early_text: list[list[str]] = []
    for rep in reps:
        for rows in (shares, early, share_text, early_text):
            rows.append([])
        for kind in types:
            share = rep[f"activities_vs_standard_{kind}"]
            expected = rep[f"activities_expected_{kind}"]
            if share is not None and expected is not None and round(expected, 1) < TOO_EARLY:
                shares[-1].append(None)
                share_text[-1].append("")
                early[-1].append(0.0)
                early_text[-1].append(f"{round(share * expected)} of {expected:.1f}")
            else:
                shares[-1].append(share)
                share_text[-1].append(f"{share:.0%}" if share is not None else "—")
                early[-1].append(None)
                early_text[-1].append("")
    x = [ACTIVITY_SHORT.get(ActivityType(t), labels[t]) for t in types]
    y = [r.name for r in reps]
    return figure(
        data=[
            {
                "type": "heatmap",
                "x": x,
                "y": y,
                "z": shares,
                "text": share_text,
                "texttemplate": "%{text}",
                "zmin": 0,
                "zmax": 2,
                "zmid": 1,
                "colorscale": [
                    [0, "#c23b22"],
                    [0.45, "#f6c7bd"],
                    [0.5, "#f7f7f7"],
                    [0.55, "#c7e8d3"],
                    [1, "#17804a"],
                ],
                "colorbar": {
                    "title": {"text": "of standard"},
                    "tickformat": ".0%",
                    "thickness": 12,
                },
                "customdata": links,
                "hovertemplate": "%{y}<br>%{x}: %{text} of standard<extra></extra>",
                "xgap": 2,
                "ygap": 2,
            },
            {
                "type": "heatmap",
                "x": x,
                "y": y,
                "z": early,
                "text": early_text,
                "texttemplate": "%{text}",
                "colorscale": [[0, "#e5e7eb"], [1, "#e5e7eb"]],
                "showscale": False,
                "customdata": links,
                "hovertemplate": "%{y}<br>%{x}: %{text} expected so far; too early to compare"
                "<extra></extra>",
                "xgap": 2,
                "ygap": 2,
            },
        ],
        layout=layout(
            height=max(240, 34 * len(reps) + 110),
            yaxis={"automargin": True, "autorange": "reversed", "dtick": 1},
            xaxis={"side": "top", "automargin": True, "tickangle": -30},
        ),
    )


def leading_indicators(data: Indicators, colours: list[str]) -> dict[str, Any]:
    """Monthly bookings above the activity rates that lead them, one axis per unit: bookings
    (money), activities per salesperson a week, activities per salesperson a month."""
    by_kind = {str(kind): str(colour) for kind, colour in ACTIVITY_COLOURS.items()}
    traces: list[dict[str, Any]] = [
        {
            "type": "bar",
            "name": "Bookings",
            "x": data.months,
            "y": data.bookings,
            "marker": {"color": "#9db8ff"},
            "hovertemplate": "%{x}: %{y:,.0f}<extra>Bookings</extra>",
        }
    ]
    if data.bookings_year_before:
        traces.insert(
            0,
            {
                "type": "bar",
                "name": "Bookings a year earlier",
                "x": data.months,
                "y": data.bookings_year_before,
                "marker": {"color": "#c9d1e0"},
                "hovertemplate": "a year earlier: %{y:,.0f}<extra></extra>",
            },
        )
    for index, series in enumerate(data.series):
        kind, _, per = series.id.partition("s_per_rep_per_")
        traces.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": series.name.split(" per salesperson")[0],
                "x": data.months,
                "y": series.values,
                "yaxis": "y2" if per == "week" else "y3",
                "line": {"color": by_kind.get(kind, colours[index % len(colours)]), "width": 2},
                "hovertemplate": "%{x}: %{y:.1f} per salesperson per " + per + "<extra></extra>",
            }
        )
    rate = {"gridcolor": GRID, "automargin": True, "rangemode": "tozero", "tickformat": ".1f"}
    return figure(
        data=traces,
        layout=layout(
            height=560,
            barmode="group",
            yaxis={**money_axis("Bookings"), "domain": [0.64, 1]},
            yaxis2={**rate, "title": {"text": "a week"}, "domain": [0.33, 0.59]},
            yaxis3={**rate, "title": {"text": "a month"}, "domain": [0, 0.28]},
            xaxis={"gridcolor": GRID, "automargin": True, "anchor": "y3"},
            legend={"orientation": "h", "y": -0.12, "yanchor": "top", "x": 0},
            margin={"l": 56, "r": 16, "t": 8, "b": 40},
        ),
    )


def sparkline(values: list[float | int | None], width: int = 96, height: int = 28) -> str:
    """A small SVG line of a tile's last periods (no script needed, prints as it shows)."""
    points = [(i, v) for i, v in enumerate(values) if v is not None]
    if len(points) < 2:
        return ""
    low = min(v for _, v in points)
    high = max(v for _, v in points)
    span = (high - low) or 1
    step = width / max(len(values) - 1, 1)
    coords = " ".join(
        f"{i * step:.1f},{height - 3 - (v - low) / span * (height - 6):.1f}" for i, v in points
    )
    last_x, last_v = points[-1]
    last_y = height - 3 - (last_v - low) / span * (height - 6)
    return (
        f'<svg class="spark" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="trend"><polyline fill="none" stroke="{BRAND}" '
        f'stroke-width="1.5" points="{coords}"/><circle cx="{last_x * step:.1f}" '
        f'cy="{last_y:.1f}" r="2.5" fill="{BRAND}"/></svg>'
    )


def distribution(outlook: Any) -> dict[str, Any]:
    """The simulated bookings of the period as a histogram, with P10 / P50 / P90, the reps'
    commit and the quota marked on it."""
    edges, counts = outlook.histogram
    total = sum(counts) or 1
    centres = [(a + b) / 2 for a, b in itertools.pairwise(edges)]
    marks = [
        # P10 / P50 / P90 in words (the technical names are in the page's details panel).
        ("Likely low", outlook.p10, MUTED, "dot"),
        ("Most likely", outlook.p50, BRAND, "solid"),
        ("Likely high", outlook.p90, MUTED, "dot"),
        ("Commit", outlook.commit, INK, "dash"),
        ("Quota", outlook.quota, GOOD, "dashdot"),
    ]
    shown = [(name, value, colour, dash) for name, value, colour, dash in marks if value]
    return figure(
        data=[
            {
                "type": "bar",
                "x": centres,
                "y": [c / total for c in counts],
                "marker": {"color": "#9db8ff"},
                "hovertemplate": "%{x:,.0f}: %{y:.1%} of simulations<extra></extra>",
                "name": "Simulated bookings",
            }
        ],
        layout=layout(
            height=260,
            bargap=0.05,
            showlegend=False,
            xaxis={"tickformat": ",.0f", "gridcolor": GRID, "title": {"text": "Bookings"}},
            yaxis={"tickformat": ".0%", "gridcolor": GRID, "title": {"text": "Share"}},
            shapes=[
                {
                    "type": "line",
                    "x0": value,
                    "x1": value,
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "line": {"color": colour, "dash": dash, "width": 2},
                }
                for _, value, colour, dash in shown
            ],
            annotations=[
                {
                    "x": value,
                    "yref": "paper",
                    "y": 1.0 - 0.09 * i,
                    "text": name,
                    "showarrow": False,
                    "xanchor": "left",
                    "font": {"color": colour, "size": 12},
                }
                for i, (name, value, colour, _) in enumerate(shown)
            ],
        ),
    )


def calibration(bands: list[dict[str, Any]]) -> dict[str, Any]:
    """The reliability of the deal chances: for each band of chance given, the mean chance
    against the share of those deals won, each point sized by its deals, beside the diagonal
    where honest chances lie."""
    sizes = [band["n"] for band in bands]
    largest = max(sizes, default=1) or 1
    return figure(
        data=[
            {
                "type": "scatter",
                "mode": "lines",
                "x": [0, 1],
                "y": [0, 1],
                "line": {"color": MUTED, "dash": "dot", "width": 1},
                "hoverinfo": "skip",
                "name": "Honest chances",
            },
            {
                "type": "scatter",
                "mode": "markers+lines",
                "x": [band["predicted"] for band in bands],
                "y": [band["observed"] for band in bands],
                "customdata": sizes,
                "marker": {
                    "color": BRAND,
                    "size": [8 + 16 * (n / largest) ** 0.5 for n in sizes],
                },
                "line": {"color": BRAND, "width": 1},
                "hovertemplate": "Chance given %{x:.0%}: %{y:.0%} won"
                " (%{customdata:,} deals)<extra></extra>",
                "name": "Deals of the forecast",
            },
        ],
        layout=layout(
            height=300,
            showlegend=False,
            xaxis={
                "range": [0, 1],
                "tickformat": ".0%",
                "gridcolor": GRID,
                "title": {"text": "Chance given"},
            },
            yaxis={
                "range": [0, 1],
                "tickformat": ".0%",
                "gridcolor": GRID,
                "title": {"text": "Share won"},
            },
        ),
    )
