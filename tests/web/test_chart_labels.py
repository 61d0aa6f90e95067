"""Imported names reach the charts as text: Plotly draws a subset of HTML in labels, tick
labels, hover text and legends, so a stage named like a link must not become one."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from revsight.crm.models import Stage
from tests.analytics.fixtures import build_sales
from tests.people import Cast

pytestmark = [pytest.mark.django_db, pytest.mark.views]

EVIL_STAGE = '<a href="https://evil.example/">x</a>'
EVIL_NAME = "<b onmouseover=alert(1)>Ann</b>"
FIGURE = re.compile(r'<script id="(fig-[a-z]+)" type="application/json">(.*?)</script>', re.S)


def figures(page: str) -> dict[str, Any]:
    return {name: json.loads(body) for name, body in FIGURE.findall(page)}


def labels(node: Any, key: str = "") -> Iterator[str]:
    """Every string of a figure that Plotly may draw as text (not its templates or links)."""
    if isinstance(node, dict):
        for name, value in node.items():
            yield from labels(value, name)
    elif isinstance(node, list):
        for value in node:
            yield from labels(value, key)
    elif isinstance(node, str) and key not in ("hovertemplate", "customdata"):
        yield node


def test_a_stage_and_a_person_named_in_html_are_drawn_as_text(cast: Cast) -> None:
    build_sales(cast)
    Stage.objects.filter(name="Proposal").update(name=EVIL_STAGE)
    cast.east_rep.name = EVIL_NAME
    cast.east_rep.save()
    client = Client()
    client.force_login(cast.president)
    response = client.get("/dashboard/company/?period=month&as_of=2026-03-31")
    assert response.status_code == 200
    drawn = figures(response.content.decode())
    assert {"fig-stages", "fig-winloss"} <= drawn.keys()
    stages = drawn["fig-stages"]["data"][0]["x"]
    assert '&lt;a href="https://evil.example/"&gt;x&lt;/a&gt;' in stages
    assert "&lt;b onmouseover=alert(1)&gt;Ann&lt;/b&gt;" in drawn["fig-winloss"]["data"][0]["y"]
    shown = [text for figure in drawn.values() for text in labels(figure)]
    assert not [text for text in shown if "<" in text or ">" in text]


def test_drill_down_links_keep_their_ampersands(cast: Cast) -> None:
    build_sales(cast)
    client = Client()
    client.force_login(cast.president)
    page = client.get("/dashboard/company/?period=month&as_of=2026-03-31").content.decode()
    # The bars of today's pipeline carry the links (the comparison's grey bars have none).
    [links] = [t["customdata"] for t in figures(page)["fig-stages"]["data"] if "customdata" in t]
    assert links
    assert all("&amp;" not in link and "&" in link for link in links)
