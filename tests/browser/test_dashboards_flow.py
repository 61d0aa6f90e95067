"""The dashboards in a real browser, for every demo role: charts drawn, a drill-down followed,
the period switched, a CSV downloaded. Screenshots are kept for people to look at."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from revsight.demo.organisation import DEMO_LOGINS
from revsight.org.models import Role
from tests.browser.conftest import SCREENSHOTS

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = date(2026, 6, 30)


def log_in(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("revsight-demo")
    page.get_by_role("button", name="Log in").click()


def test_every_role_opens_its_dashboard_and_follows_a_number(
    live_server: Any, page: Any, tmp_path: Path, committed_demo: Callable[..., None]
) -> None:
    committed_demo(AS_OF)
    for role in (Role.EXECUTIVE, Role.MANAGER, Role.SALESPERSON):
        email = DEMO_LOGINS[role]
        page.context.clear_cookies()
        log_in(page, live_server.url, email)
        page.wait_for_url(f"{live_server.url}/dashboard/**")
        page.goto(f"{page.url}?as_of={AS_OF}")
        page.wait_for_selector(".chart.drawn")
        drawn = page.locator(".chart.drawn").count()
        assert drawn == (4 if role == Role.SALESPERSON else 6), role
        assert page.locator(".js-plotly-plot .main-svg").count() >= drawn
        page.screenshot(path=str(SCREENSHOTS / f"dashboard-{role}.png"), full_page=True)
    for role in (Role.PRESALES, Role.CONSULTANT):
        page.context.clear_cookies()
        log_in(page, live_server.url, DEMO_LOGINS[role])
        page.wait_for_url(f"{live_server.url}/dashboard/person/**")

    # Printed, a dashboard keeps its figures and drops the controls.
    page.context.clear_cookies()
    log_in(page, live_server.url, DEMO_LOGINS[Role.SALESPERSON])
    page.wait_for_url(f"{live_server.url}/dashboard/**")
    page.goto(f"{page.url}?as_of={AS_OF}")
    page.wait_for_selector(".chart.drawn")
    page.emulate_media(media="print")
    assert not page.locator(".dash-head .switch").is_visible()
    assert not page.locator(".timebar").is_visible()
    assert page.locator(".tiles").is_visible()
    page.emulate_media(media="screen")

    # The salesperson (still logged in) switches to the quarter, then follows bookings.
    page.get_by_role("link", name="Quarter").click()
    page.wait_for_selector(".chart.drawn")
    assert "period=quarter" in page.url
    assert "2026-Q2" in page.locator(".lede").first.inner_text()
    # The tile's "?" opens the catalogue's definition, without leaving the page.
    bookings = page.locator('[data-metric="bookings"]')
    bookings.locator("summary").click()
    opened = bookings.locator("details.definition").inner_text().split()
    assert opened[:6] == ["?", "Bookings", "—", "Unit:", "money", "(organisation"]
    bookings.locator("summary").click()
    dashboard = page.url
    bookings.locator(".tile-link").click()
    page.wait_for_url("**/records/won/**")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Won deals")
    page.get_by_role("link", name="← Back").click()  # to the quarter it was opened from
    page.wait_for_url(dashboard)
    bookings.locator(".tile-link").click()
    page.wait_for_url("**/records/won/**")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    saved = tmp_path / "won.csv"
    download.value.save_as(saved)
    assert saved.read_text().splitlines()[0].startswith("name,account,owner_email,stage")


def test_a_stage_bar_opens_its_deals(
    live_server: Any, page: Any, committed_demo: Callable[..., None]
) -> None:
    committed_demo(AS_OF)
    log_in(page, live_server.url, DEMO_LOGINS[Role.MANAGER])
    page.wait_for_url(f"{live_server.url}/dashboard/**")
    page.goto(f"{page.url}?period=quarter&as_of={AS_OF}")
    page.wait_for_selector('[data-figure="fig-stages"].drawn')
    # The mouse clicks where the bar is on screen: bring the chart into the viewport first
    # (how far down it sits depends on how many lines the navigation takes).
    page.locator('[data-figure="fig-stages"]').scroll_into_view_if_needed()
    bars = page.locator('[data-figure="fig-stages"] .point path')
    boxes = [bars.nth(i).bounding_box() for i in range(bars.count())]
    tallest = max((box for box in boxes if box), key=lambda box: box["height"])
    page.mouse.click(tallest["x"] + tallest["width"] / 2, tallest["y"] + tallest["height"] / 2)
    page.wait_for_url("**/records/pipeline/**")
    assert "stage=" in page.url
    assert page.locator("table tbody tr").count() >= 1
