"""The Forecast page in a real browser: a manager reads where the month and the quarter are
heading (the distribution drawn), and a salesperson reads their own pipeline coverage."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from revsight.core import clock
from revsight.demo.organisation import DEMO_LOGINS
from revsight.org.models import Role
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_dashboards_flow import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_manager_reads_the_forecast_and_a_salesperson_their_coverage(
    live_server: Any, page: Any, committed_demo: Callable[..., None]
) -> None:
    committed_demo(clock.today())  # as of today: the page forecasts from today
    log_in(page, live_server.url, DEMO_LOGINS[Role.MANAGER])
    page.wait_for_url(f"{live_server.url}/dashboard/**")
    page.goto(f"{live_server.url}/forecast/")
    page.wait_for_selector(".chart.distribution.drawn")
    assert page.get_by_role("heading", name="Where").first.is_visible()
    assert page.locator("td.reason").count() > 0
    assert page.get_by_role("heading", name="Pipeline math").is_visible()
    assert page.get_by_role("button", name="Run the backtest").is_visible()
    page.screenshot(path=str(SCREENSHOTS / "forecast-manager.png"), full_page=True)

    quarter = page.locator("#outlook a").nth(2)
    label = quarter.inner_text()
    quarter.click()
    page.wait_for_selector(".chart.distribution.drawn")
    assert f"Where {label} is heading" in page.locator("#outlook h2").inner_text()

    page.context.clear_cookies()
    log_in(page, live_server.url, DEMO_LOGINS[Role.SALESPERSON])
    page.wait_for_url(f"{live_server.url}/dashboard/**")
    page.goto(f"{live_server.url}/forecast/")
    sentence = page.get_by_test_id("my-coverage").inner_text()
    assert sentence.startswith("Next month you need ")
    page.screenshot(path=str(SCREENSHOTS / "forecast-salesperson.png"), full_page=True)
