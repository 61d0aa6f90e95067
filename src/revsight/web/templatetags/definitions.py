"""A metric's definition where its number is shown: the catalogue's own text (the text of
`docs/metrics.md`), opened from the tile or chart title, with a link to every definition."""

from __future__ import annotations

import re

from django import template
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from revsight.analytics.catalogue import BY_ID
from revsight.analytics.docs import facts

register = template.Library()

_CODE = re.compile(r"`([^`]+)`")


@register.filter
def prose(text: str) -> SafeString:
    """Catalogue text as HTML: escaped, its `code` spans as <code>."""
    return mark_safe(_CODE.sub(r"<code>\1</code>", escape(text)))  # escaped first


def anchor(metric_id: str) -> str:
    return f"{reverse('metrics')}#{metric_id}"


@register.simple_tag
def definition(metric_id: str) -> SafeString:
    """A <details> with the metric's unit, direction and definition; nothing for an id the
    catalogue does not know (a chart of several metrics names each)."""
    metric = BY_ID.get(metric_id)
    if metric is None:
        return mark_safe("")
    return format_html(
        '<details class="definition"><summary title="What is {}?">?</summary>'
        '<p><strong>{}</strong> — {}</p><p>{}</p><p><a href="{}">All definitions</a></p>'
        "</details>",
        metric.name,
        metric.name,
        facts(metric),
        prose(metric.definition),
        anchor(metric_id),
    )


@register.filter
def metric_name(metric_id: str) -> str:
    """The catalogue's name of a metric (a goal's, a record's), or its id when unknown."""
    metric = BY_ID.get(metric_id)
    return metric.name if metric is not None else metric_id
