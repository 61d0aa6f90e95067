"""The pages under their Content-Security-Policy in a real browser: the dashboard's Plotly
charts, the Forecast page's distribution and the settings' role picker all work, and the
browser reports no violation of the policy."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from revsight.core import clock
from revsight.demo.organisation import DEMO_LOGINS
from revsight.org.models import Role
from tests.browser.test_dashboards_flow import log_in

pytestmark = pytest.mark.django_db(transaction=True)

# Collects every violation the browser reports, whether or not it also logs it.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def test_charts_forecast_and_forms_work_under_the_policy(
    live_server: Any, page: Any, committed_demo: Callable[..., None]
) -> None:
    committed_demo(clock.today())  # as of today: the Forecast page forecasts from today
    messages: list[str] = []
    page.on("console", lambda m: messages.append(m.text))
    page.add_init_script(LISTEN)

    log_in(page, live_server.url, DEMO_LOGINS[Role.MANAGER])
    page.wait_for_url(f"{live_server.url}/dashboard/**")
    response = page.reload()
    assert "script-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_selector('[data-figure="fig-stages"].drawn')
    assert page.locator(".js-plotly-plot .main-svg").count() >= 4
    # The chart may sit below the fold (the tiles above it wrap): the mouse only reaches what
    # is in the viewport.
    page.locator('[data-figure="fig-stages"]').scroll_into_view_if_needed()
    bars = page.locator('[data-figure="fig-stages"] .point path')
    boxes = [box for box in (bars.nth(i).bounding_box() for i in range(bars.count())) if box]
    tallest = max(boxes, key=lambda box: box["height"])
    page.mouse.move(tallest["x"] + tallest["width"] / 2, tallest["y"] + tallest["height"] / 2)
    page.wait_for_selector('[data-figure="fig-stages"] .hoverlayer .hovertext')  # styled too
    # The modebar's PNG download draws the chart's SVG through a data: image (img-src data:).
    with page.expect_download() as download:
        page.click('[data-figure="fig-stages"] .modebar-btn[data-title="Download plot as a PNG"]')
    assert download.value.suggested_filename.endswith(".png")
    assert page.evaluate("window.__violations") == []

    page.goto(f"{live_server.url}/forecast/")
    page.wait_for_selector(".chart.distribution.drawn")
    assert page.evaluate("window.__violations") == []

    page.context.clear_cookies()
    log_in(page, live_server.url, DEMO_LOGINS[Role.ADMIN])
    page.goto(f"{live_server.url}/settings/standards/")
    page.get_by_label("Role").select_option(Role.MANAGER)
    page.wait_for_url(f"**/settings/standards/?role={Role.MANAGER}")
    assert page.evaluate("window.__violations") == []
    assert [m for m in messages if "Content Security Policy" in m] == []
