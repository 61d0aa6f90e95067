"""The Monday agenda's figures as the page, the PDF and the email show them (the same words as
its Markdown, `cadence.meeting_output`)."""

from __future__ import annotations

from django import template

from revsight.cadence import meeting_output

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    return meeting_output.percent(value)


@register.filter
def score(value: float | int | None, unit: str) -> str:
    """A contest's score in its metric's unit (money without its currency)."""
    return meeting_output.score(value, unit, "").strip()
