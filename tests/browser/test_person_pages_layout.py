"""The pages of a presales engineer and a consultant hold at 1440 px and on a 390 px phone: the
month-by-month chart's axes and legend inside its card, no page wider than the screen (tables
scroll within themselves), every item of the navigation reachable, and a click on a figure
opens the records behind it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from revsight.demo.organisation import DEMO_LOGINS
from revsight.org.models import Role
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_dashboard_layout import AS_OF, OUTSIDE, nav_reachable, settle
from tests.browser.test_dashboards_flow import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def holds(page: Any, label: str) -> None:
    settle(page)
    assert page.evaluate(OUTSIDE) == [], label
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    nav_reachable(page, label)


@pytest.mark.parametrize(
    ("role", "first", "records"),
    [
        (Role.PRESALES, "Activity standards", "Activities"),
        (Role.CONSULTANT, "Timesheets", "Time entries"),
    ],
)
def test_a_persons_page_holds_at_1440_and_390_px(
    live_server: Any,
    page: Any,
    role: str,
    first: str,
    records: str,
    committed_demo: Callable[..., None],
) -> None:
    committed_demo(AS_OF)
    log_in(page, live_server.url, DEMO_LOGINS[role])
    page.wait_for_url(f"{live_server.url}/dashboard/person/**")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{page.url}?as_of={AS_OF}")
    page.wait_for_selector(".chart.drawn")
    assert page.get_by_role("heading", name=first).is_visible()
    assert page.locator(".chart.drawn").count() == 1
    holds(page, f"{role} at 1440 px")
    page.screenshot(path=str(SCREENSHOTS / f"{role}-1440.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    assert not page.locator('nav[aria-label="Main"]').is_visible()  # folded into the menu
    holds(page, f"{role} at 390 px")
    wide = page.locator(".card .scroll").first
    assert wide.evaluate("t => t.scrollWidth > t.clientWidth")  # scrolls within itself
    page.screenshot(path=str(SCREENSHOTS / f"{role}-390.png"), full_page=True)

    page.locator(".tile-link").first.click()
    page.wait_for_url(f"{live_server.url}/records/**")
    assert page.get_by_role("heading", level=1).inner_text().startswith(records)
    assert page.locator("section.card tbody tr").count() > 1
