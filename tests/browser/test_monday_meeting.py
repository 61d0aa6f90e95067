"""The Monday agenda in a real browser: a manager opens the demo team's agenda, readable at
1280 px and on a 390 px phone without widening the page; printed (print media) it fits one
page of A4 and of Letter; its PDF is one page with the page's bookings figure."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pypdf import PdfReader

from revsight.demo.organisation import DEMO_LOGINS
from revsight.org.models import Role
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_dashboard_layout import AS_OF, PAPERS, nav_reachable
from tests.browser.test_dashboards_flow import log_in

pytestmark = pytest.mark.django_db(transaction=True)

WEEK = "2026-W25"  # Monday 15 June, figures at the end of Sunday 14 June


def test_a_manager_prints_the_monday_agenda_on_one_page_and_downloads_its_pdf(
    live_server: Any, page: Any, tmp_path: Any, committed_demo: Callable[..., None]
) -> None:
    committed_demo(AS_OF)
    log_in(page, live_server.url, DEMO_LOGINS[Role.MANAGER])
    page.wait_for_url(f"{live_server.url}/dashboard/**")
    page.get_by_role("link", name="Monday meeting").first.click()
    page.wait_for_url(f"{live_server.url}/cadence/monday/**")
    page.goto(f"{page.url.split('?')[0]}?week={WEEK}")
    assert page.locator(".agenda-item").count() == 7
    bookings = page.locator('[data-figure="bookings-2"]').inner_text()  # the month to date
    assert bookings not in ("", "—")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, width
        nav_reachable(page, f"Monday agenda at {width} px")
        page.screenshot(path=str(SCREENSHOTS / f"monday-meeting-{width}.png"), full_page=True)

    page.emulate_media(media="print")
    for paper, (width, height) in PAPERS.items():
        if "portrait" not in paper:
            continue
        page.set_viewport_size({"width": int(width), "height": int(height)})
        assert not page.locator(".meeting-filters").is_visible()
        tall = page.evaluate("document.documentElement.scrollHeight")
        assert tall <= height, f"{paper}: the agenda is {tall} px on a page of {height:.0f}"
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= int(width) + 1, f"{paper}: {wide} px wide"
    page.screenshot(path=str(SCREENSHOTS / "monday-meeting-print-a4.png"), full_page=True)
    page.emulate_media(media="screen")

    page.set_viewport_size({"width": 1280, "height": 900})
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF").click()
    saved = tmp_path / "monday.pdf"
    download.value.save_as(str(saved))
    reader = PdfReader(str(saved))
    assert len(reader.pages) == 1
    assert bookings in reader.pages[0].extract_text()
