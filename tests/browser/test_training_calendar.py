"""The training plan's calendar in a real browser: the demo's sessions each inside its own
day's cell, on the day and at the local time the plan gives, readable at 1280 px and on a
390 px phone without widening the page; a session opens from the calendar."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from revsight.core import clock
from revsight.demo.organisation import DEMO_LOGINS
from revsight.org.models import Role
from revsight.planning import training_services as training
from revsight.planning.models import TrainingPlan
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_dashboard_layout import AS_OF, nav_reachable
from tests.browser.test_dashboards_flow import log_in

pytestmark = pytest.mark.django_db(transaction=True)

CHIPS = """() => [...document.querySelectorAll(".session-chip")].map(chip => {
  const cell = chip.closest("td").getBoundingClientRect();
  const box = chip.getBoundingClientRect();
  return {
    day: chip.closest("td").querySelector(".day-number").textContent.trim(),
    month: chip.closest("table").querySelector("caption").textContent.trim(),
    text: chip.textContent.trim(),
    inside: box.left >= cell.left - 0.5 && box.right <= cell.right + 0.5
      && box.top >= cell.top - 0.5 && box.bottom <= cell.bottom + 0.5,
    visible: box.width > 20 && box.height > 8,
  };
})"""


def test_the_training_calendar_places_each_session_on_its_day_at_1280_and_390_px(
    live_server: Any, page: Any, committed_demo: Callable[..., None]
) -> None:
    committed_demo(AS_OF)
    plan = TrainingPlan.objects.get()
    zone = clock.zone()
    expected = sorted(
        (
            f"{s.starts_at.astimezone(zone):%B %Y}",
            str(s.starts_at.astimezone(zone).day),
            f"{s.starts_at.astimezone(zone):%H:%M} {s.topic}",
        )
        for s in training.sessions(plan)
    )
    assert len(expected) == 7
    log_in(page, live_server.url, DEMO_LOGINS[Role.MANAGER])
    page.wait_for_url(f"{live_server.url}/dashboard/**")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/planning/training/{plan.pk}/")
        chips = page.evaluate(CHIPS)
        assert sorted((c["month"], c["day"], c["text"]) for c in chips) == expected
        assert all(c["inside"] and c["visible"] for c in chips), (width, chips)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        rights = page.evaluate(
            '[...document.querySelectorAll("table.training-month, .session-form input")]'
            ".map(t => t.getBoundingClientRect().right)"
        )
        assert max(rights) <= width, (width, rights)  # every month whole, every field in view
        nav_reachable(page, f"training calendar at {width} px")
        page.screenshot(path=str(SCREENSHOTS / f"training-calendar-{width}.png"), full_page=True)
    page.locator(".session-chip").first.click()
    page.wait_for_url(f"{live_server.url}/planning/training/{plan.pk}/sessions/**")
    assert page.get_by_role("heading", name="Attendance").is_visible()
