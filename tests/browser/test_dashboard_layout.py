"""The dashboard holds at any width and on paper: at 1440 px, after a resize to 900 px, on a
390 px phone and printed on A4 and Letter in both orientations, every chart's axes, titles and
legend lie inside its card, each chart is laid out at its card's width, and every item of the
navigation can be reached."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from revsight.demo.organisation import DEMO_LOGINS
from revsight.org.models import Role
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_dashboards_flow import log_in

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = date(2026, 6, 20)
MM = 96 / 25.4  # CSS pixels per millimetre
# The printable area (10 mm margins) of each paper, as (width, height) in CSS pixels.
PAPERS = {
    "A4 portrait": (190 * MM, 277 * MM),
    "A4 landscape": (277 * MM, 190 * MM),
    "Letter portrait": (195.9 * MM, 259.4 * MM),
    "Letter landscape": (259.4 * MM, 195.9 * MM),
}

OUTSIDE = """() => {
  const problems = [];
  const cards = [...document.querySelectorAll(".chart-card")];
  if (!cards.length) { problems.push("no chart cards"); }
  for (const card of cards) {
    const name = card.querySelector("h2").textContent;
    const box = card.getBoundingClientRect();
    const plot = card.querySelector(".js-plotly-plot");
    if (!plot) { problems.push(name + ": not drawn"); continue; }
    const parts = plot.querySelectorAll(
      ".xaxislayer-above, .yaxislayer-above, .g-xtitle, .g-ytitle, .g-y2title, .g-y3title, "
      + ".legend, .colorbar");
    if (!plot.querySelector(".xtick, .ytick")) { problems.push(name + ": no axis"); }
    for (const part of parts) {
      const r = part.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) { continue; }
      if (r.left < box.left - 1 || r.right > box.right + 1
          || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
        problems.push(name + ": " + part.getAttribute("class") + " outside its card");
      }
    }
    const svg = plot.querySelector(".main-svg").getBoundingClientRect();
    const holder = card.querySelector(".chart").getBoundingClientRect();
    if (svg.width > holder.width + 1) { problems.push(name + ": wider than its card"); }
    if (svg.width < Math.min(holder.width, 680) - 40) {
      problems.push(name + ": " + svg.width + " px in a card of " + holder.width);
    }
  }
  return problems;
}"""

LAID_OUT = """() => [...document.querySelectorAll(".chart.drawn")].every(holder => {
  const svg = holder.querySelector(".main-svg");
  const style = getComputedStyle(holder);
  const inner = holder.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  const wanted = matchMedia("print").matches ? Math.min(inner, 680) : inner;
  return svg && Math.abs(svg.getBoundingClientRect().width - Math.floor(wanted)) <= 2;
})"""


def settle(page: Any) -> None:
    page.wait_for_function(LAID_OUT, timeout=15_000)


def charts_hold(page: Any, label: str, people: int | None = None) -> None:
    settle(page)
    assert page.evaluate(OUTSIDE) == [], label
    heat_rows = page.evaluate(
        'new Set([...document.querySelectorAll(\'[data-figure="fig-activity"] '
        ".yaxislayer-above .ytick')].map(t => t.textContent).filter(Boolean)).size"
    )  # every salesperson's row keeps its name
    if people is None:  # the Salespeople table's rows
        people = page.locator("table.reps tbody tr").count()
    assert heat_rows == people, label
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def nav_reachable(page: Any, label: str) -> None:
    width = page.viewport_size["width"]
    menu = page.locator(".menu-button")
    if menu.is_visible():
        menu.click()
        assert menu.get_attribute("aria-expanded") == "true"
    links = page.locator('nav[aria-label="Main"] a')
    assert links.count() >= 4, label
    for index in range(links.count()):
        link = links.nth(index)
        assert link.is_visible(), (label, link.inner_text())
        box = link.bounding_box()
        assert box is not None, label
        assert box["x"] >= 0, label
        assert box["x"] + box["width"] <= width, label
    assert page.get_by_role("button", name="Log out").is_visible(), label
    if menu.is_visible():
        menu.click()


def test_the_dashboard_holds_at_every_width_and_on_paper(
    live_server: Any, page: Any, committed_demo: Callable[..., None]
) -> None:
    committed_demo(AS_OF)
    log_in(page, live_server.url, DEMO_LOGINS[Role.MANAGER])
    page.wait_for_url(f"{live_server.url}/dashboard/**")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{page.url}?as_of={AS_OF}")
    page.wait_for_selector('[data-figure="fig-activity"].drawn')
    assert page.locator(".chart.drawn").count() == 6
    charts_hold(page, "1440 px")
    nav_reachable(page, "1440 px")

    page.set_viewport_size({"width": 900, "height": 900})
    charts_hold(page, "900 px after a resize")
    nav_reachable(page, "900 px")
    page.screenshot(path=str(SCREENSHOTS / "dashboard-900.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})
    assert not page.locator('nav[aria-label="Main"]').is_visible()  # folded into the menu
    charts_hold(page, "390 px")
    nav_reachable(page, "390 px")
    table = page.locator(".scroll:has(table.reps)")
    assert table.evaluate("t => t.scrollWidth > t.clientWidth")  # scrolls within itself
    page.screenshot(path=str(SCREENSHOTS / "dashboard-390.png"), full_page=True)

    page.emulate_media(media="print")
    for paper, (width, height) in PAPERS.items():
        page.set_viewport_size({"width": int(width), "height": int(height)})
        charts_hold(page, paper)
        assert not page.locator(".timebar").is_visible()
        tallest = page.evaluate(
            "Math.max(...[...document.querySelectorAll('.chart-card')]"
            ".map(card => card.getBoundingClientRect().height))"
        )
        assert tallest <= height, f"{paper}: a chart card of {tallest:.0f} px on {height:.0f}"
    page.emulate_media(media="screen")


def test_a_salesperson_on_a_phone_moves_to_the_month_before(
    live_server: Any, page: Any, committed_demo: Callable[..., None]
) -> None:
    committed_demo(AS_OF)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server.url, DEMO_LOGINS[Role.SALESPERSON])
    page.wait_for_url(f"{live_server.url}/dashboard/**")
    page.goto(f"{page.url}?as_of={AS_OF}")
    page.wait_for_selector(".chart.drawn")
    charts_hold(page, "390 px, a salesperson", people=1)
    page.get_by_role("link", name="← 2026-05").click()
    page.wait_for_selector(".chart.drawn")
    assert "as_of=2026-05-31" in page.url
    assert "2026-05" in page.locator(".lede").inner_text()
    assert page.get_by_label("As of").input_value() == "2026-05-31"
    page.get_by_role("link", name="vs the same period last year").click()
    page.wait_for_selector(".chart.drawn")
    assert "compare=last_year" in page.url
    assert "vs 2025-05" in page.locator('[data-metric="bookings"]').inner_text()
    charts_hold(page, "390 px, last year", people=1)
