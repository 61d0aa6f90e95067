"""Money as a sales leader reads it: whole units with thousands separators."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def money(value: Decimal | int | float | None) -> str:
    if value is None:
        return "—"
    whole = Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{whole:,}"


@register.filter
def count(value: int | None) -> str:
    """A whole number with thousands separators: 15,511."""
    return "" if value is None else f"{int(value):,}"


@register.filter
def metric(value: float | int | None, unit: str) -> str:
    """A metric's value as the catalogue's unit reads: 683,200 · 60.9% · 41 d · 12 · 2.4."""
    if value is None:
        return "—"
    if unit == "money":
        return money(value)
    if unit == "ratio":
        return f"{value:.1%}"
    if unit == "days":
        return f"{value:,.0f} d"
    if unit == "count":
        return f"{int(value):,}"
    return f"{value:,.1f}"


@register.filter
def signed(value: float | int | None, unit: str) -> str:
    """A difference with its sign: +12.5% · −3,400 · +2 d."""
    if value is None:
        return ""
    text = metric(abs(value), unit)
    return ("+" if value >= 0 else "−") + text


@register.filter
def get(mapping: dict[str, Any], key: str) -> Any:
    """mapping[key] in a template, None when absent."""
    return mapping.get(key)
