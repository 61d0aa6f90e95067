"""Money as a sales leader reads it: whole units with thousands separators."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

from revsight.analytics.catalogue import BY_ID
from revsight.analytics.output import format_gap, format_value, with_sign

register = template.Library()


@register.filter
def money(value: Decimal | int | float | None) -> str:
    if value is None:
        return "—"
    whole = Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{whole:,}"


@register.filter
def metric(value: float | int | None, unit_or_metric: str) -> str:
    """A value as `revsight metrics` prints it (683,200 · 60.9% · 41.0 d · 1.1×), given the
    metric's id, or just a unit."""
    if unit_or_metric in BY_ID:
        return format_value(value, BY_ID[unit_or_metric].unit, unit_or_metric)
    return format_value(value, unit_or_metric)


@register.filter
def signed(value: float | int | None, unit: str) -> str:
    """A difference with its sign: +12.5% · −3,400 · +2 d."""
    if value is None:
        return ""
    return with_sign(value, metric(abs(value), unit))


@register.filter
def gap(value: float | int | None, metric_id: str) -> str:
    """A metric's gap or change with its sign; between two ratios in percentage points."""
    if value is None:
        return ""
    metric = BY_ID[metric_id]
    return format_gap(value, metric.unit, metric.id)


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    """mapping[key] in a template, None when absent."""
    return mapping.get(key)


@register.filter
def words(identifier: str) -> str:
    """An id as words: face_to_face_call → Face to face call."""
    return identifier.replace("_", " ").capitalize()
