"""What the review documents draw: a metric's months as a small line."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from revsight.web.charts import sparkline

register = template.Library()


@register.filter
def trend_line(trend: list[dict[str, Any]]) -> SafeString:
    """The months of a packet's line (`{"period", "value"}`, oldest first) as an SVG line;
    empty with fewer than two known values. The SVG holds numbers only."""
    return mark_safe(sparkline([point.get("value") for point in trend], width=84, height=22))
