"""A monthly review in a real browser: on the demo, the manager opens their salesperson's draft
review of the month, writes notes, agrees an action and holds it; the salesperson logs in,
writes their reply and acknowledges it; the page says so."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from revsight.demo.organisation import DEMO_LOGINS
from revsight.org.models import Role
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_dashboard_layout import AS_OF
from tests.browser.test_dashboards_flow import log_in

pytestmark = pytest.mark.django_db(transaction=True)

MONTH = f"{AS_OF:%Y-%m}"  # the demo's current month: a draft


def test_a_manager_holds_a_monthly_review_and_the_salesperson_acknowledges_it(
    live_server: Any, page: Any, committed_demo: Callable[..., None]
) -> None:
    committed_demo(AS_OF)
    log_in(page, live_server.url, DEMO_LOGINS[Role.MANAGER])
    page.wait_for_url(f"{live_server.url}/dashboard/**")
    page.get_by_role("link", name="Reviews").first.click()
    page.wait_for_url(f"{live_server.url}/reviews/")
    page.get_by_role("link", name=MONTH, exact=True).first.click()
    page.wait_for_url(f"{live_server.url}/reviews/*/")
    review = page.url
    assert page.locator('[data-status="draft"]').count() == 1
    assert page.locator('[data-figure="bookings"]').inner_text() not in ("", "—")

    page.get_by_label("The manager's").fill("Strong discovery; demonstrations behind.")
    page.get_by_role("button", name="Save the notes").click()
    page.get_by_role("textbox", name="Action", exact=True).fill(
        "Book three demonstrations before the 15th"
    )
    page.get_by_role("button", name="Agree it").click()
    page.get_by_role("status").filter(has_text="Action agreed").wait_for()
    page.get_by_role("button", name="Hold", exact=True).click()
    page.get_by_role("status").filter(has_text="Held").wait_for()
    assert page.locator('[data-status="held"]').count() == 1
    page.screenshot(path=str(SCREENSHOTS / "monthly-review-held.png"), full_page=True)

    page.context.clear_cookies()
    log_in(page, live_server.url, DEMO_LOGINS[Role.SALESPERSON])
    page.wait_for_url(f"{live_server.url}/dashboard/**")
    page.goto(review)
    assert "Strong discovery; demonstrations behind." in page.inner_text('[data-notes="manager"]')
    page.get_by_label("Yours").fill("Agreed; two are booked already.")
    page.get_by_role("button", name="Save my notes").click()
    page.get_by_role("status").filter(has_text="Saved").wait_for()
    page.get_by_role("button", name="Acknowledge").click()
    page.get_by_role("status").filter(has_text="Acknowledged").wait_for()

    assert page.locator('[data-status="acknowledged"]').count() == 1
    assert "Agreed; two are booked already." in page.inner_text('[data-notes="salesperson"]')
    assert "Book three demonstrations before the 15th" in page.inner_text("#part-actions")
