"""Money as a sales leader reads it: whole units with thousands separators."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

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
