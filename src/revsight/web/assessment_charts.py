"""The self-assessment's trend: the total quarter by quarter against its bands, and each
category's score quarter by quarter (`charts.py` gives the escaping and the layout)."""

from __future__ import annotations

from typing import Any

from revsight.assessments.bands import BANDS, CATEGORIES, HIGHEST
from revsight.web.charts import BRAND, GRID, MUTED, figure, layout

SCORE_COLOURS = [[0, "#c23b22"], [0.5, "#f2e6a7"], [1, "#17804a"]]


def totals(quarters: list[str], values: list[int | None]) -> dict[str, Any]:
    """The total of each quarter's assessment, with the bands' lower edges dotted."""
    shapes = [
        {
            "type": "line",
            "xref": "paper",
            "x0": 0,
            "x1": 1,
            "y0": band.low,
            "y1": band.low,
            "line": {"color": MUTED, "dash": "dot", "width": 1},
        }
        for band in BANDS
        if band.low
    ]
    notes = [
        {
            "xref": "paper",
            "x": 1,
            "xanchor": "right",
            "y": band.low,
            "yanchor": "bottom",
            "text": band.advice,
            "showarrow": False,
            "font": {"size": 11, "color": MUTED},
        }
        for band in BANDS
    ]
    return figure(
        data=[
            {
                "type": "scatter",
                "mode": "lines+markers+text",
                "name": "Total",
                "x": quarters,
                "y": values,
                "text": [str(v) if v is not None else "" for v in values],
                "textposition": "top center",
                "line": {"color": BRAND, "width": 3},
                "hovertemplate": "%{x}: %{y} of 55<extra></extra>",
            }
        ],
        layout=layout(
            height=300,
            showlegend=False,
            shapes=shapes,
            annotations=notes,
            xaxis={"type": "category", "gridcolor": GRID, "automargin": True},
            yaxis={
                "range": [0, len(CATEGORIES) * HIGHEST + 2],
                "gridcolor": GRID,
                "automargin": True,
                "title": {"text": "total of 55"},
            },
        ),
    )


def categories(quarters: list[str], scores: list[list[int | None]]) -> dict[str, Any]:
    """Each category (a row) in each quarter (a column), 1 red to 5 green."""
    names = [f"{c.number}. {_short(c.title)}" for c in CATEGORIES]
    return figure(
        data=[
            {
                "type": "heatmap",
                "x": quarters,
                "y": names,
                "z": scores,
                "text": [[str(s) if s is not None else "" for s in row] for row in scores],
                "texttemplate": "%{text}",
                "zmin": 1,
                "zmax": HIGHEST,
                "colorscale": SCORE_COLOURS,
                "showscale": False,
                "hovertemplate": "%{y}<br>%{x}: %{z} of 5<extra></extra>",
                "xgap": 2,
                "ygap": 2,
            }
        ],
        layout=layout(
            height=34 * len(CATEGORIES) + 90,
            xaxis={"type": "category", "side": "top", "automargin": True},
            yaxis={"automargin": True, "autorange": "reversed"},
        ),
    )


def _short(title: str, width: int = 48) -> str:
    return title if len(title) <= width else title[: width - 1].rstrip() + "…"
