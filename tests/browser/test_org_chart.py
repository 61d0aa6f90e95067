"""The planned organisation chart in a real browser: the demo's company scenario as the
executive and a team scenario as its manager, at 1280 px and on a 390 px phone. Every box lies
inside the drawing, no two overlap, every line of text stays inside its box, and the page does
not widen (the chart scrolls inside its card)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from revsight.demo.organisation import DEMO_LOGINS
from revsight.org.models import Role, Team, User
from revsight.planning import services
from revsight.planning.models import CapacityScenario
from tests.browser.conftest import SCREENSHOTS
from tests.browser.test_dashboard_layout import AS_OF, nav_reachable
from tests.browser.test_dashboards_flow import log_in

pytestmark = pytest.mark.django_db(transaction=True)

BOXES = """() => {
  const svg = document.querySelector("svg.org-chart").getBoundingClientRect();
  return [...document.querySelectorAll("svg.org-chart .org-box")].map(group => {
    const frame = group.querySelector("rect").getBoundingClientRect();
    const texts = [...group.querySelectorAll("text")].map(t => t.getBoundingClientRect());
    return {
      team: group.dataset.team,
      box: [frame.left, frame.top, frame.right, frame.bottom],
      inside: frame.left >= svg.left - 0.5 && frame.right <= svg.right + 0.5
        && frame.top >= svg.top - 0.5 && frame.bottom <= svg.bottom + 0.5,
      textInside: texts.every(t => t.left >= frame.left && t.right <= frame.right + 0.5
        && t.top >= frame.top && t.bottom <= frame.bottom + 0.5),
      lines: texts.length,
    };
  });
}"""


def a_third(parameters: dict[str, str]) -> dict[str, str]:
    """The company's parameters with a third of each objective: one of its three teams'."""
    quarters = [item.split("=") for item in parameters["objectives"].split(", ")]
    objectives = ", ".join(f"{q}={Decimal(a) / 3:.2f}" for q, a in quarters)
    return {**parameters, "objectives": objectives}


def overlapping(boxes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    found = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            (a0, a1, a2, a3), (b0, b1, b2, b3) = a["box"], b["box"]
            if a0 < b2 and b0 < a2 and a1 < b3 and b1 < a3:
                found.append((a["team"], b["team"]))
    return found


def check_chart(page: Any, width: int, label: str, teams: int) -> None:
    boxes = page.evaluate(BOXES)
    assert len(boxes) == teams, label
    assert all(b["inside"] and b["textInside"] and b["lines"] >= 3 for b in boxes), (label, boxes)
    assert overlapping(boxes) == [], label
    assert page.evaluate("document.documentElement.scrollWidth") <= width, label
    card = page.locator(".org-chart-scroll").bounding_box()
    assert card["x"] >= 0, label
    assert card["x"] + card["width"] <= width, label
    nav_reachable(page, label)


def test_the_org_chart_holds_at_1280_and_390_px_for_the_executive_and_the_manager(
    live_server: Any, page: Any, committed_demo: Callable[..., None]
) -> None:
    committed_demo(AS_OF)
    company = CapacityScenario.objects.filter(team__isnull=True, as_of=AS_OF).get()
    leaf_teams = Team.objects.filter(members__role=Role.SALESPERSON).distinct().count()
    manager = User.objects.get(email=DEMO_LOGINS[Role.MANAGER])
    own = Team.objects.filter(manager=manager, members__role=Role.SALESPERSON).distinct().get()
    mine = services.save_scenario(manager, "My team", a_third(company.parameters), AS_OF, own)

    log_in(page, live_server.url, DEMO_LOGINS[Role.EXECUTIVE])
    page.wait_for_url(f"{live_server.url}/dashboard/**")
    page.goto(f"{live_server.url}/planning/capacity/{company.pk}/")
    page.get_by_role("link", name="Organisation chart over 18 months").click()
    page.wait_for_url(f"**/planning/capacity/{company.pk}/org-chart/")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/planning/capacity/{company.pk}/org-chart/")
        page.get_by_role("link", name="Next month →").click()
        page.wait_for_url("**/org-chart/?month=*")
        # Sales above its selling teams.
        check_chart(page, width, f"executive at {width} px", leaf_teams + 1)
        page.screenshot(path=str(SCREENSHOTS / f"org-chart-{width}.png"), full_page=True)

    page.context.clear_cookies()
    log_in(page, live_server.url, DEMO_LOGINS[Role.MANAGER])
    page.wait_for_url(f"{live_server.url}/dashboard/**")
    page.set_viewport_size({"width": 1280, "height": 900})
    chart = f"{live_server.url}/planning/capacity/{mine.pk}/org-chart/"
    page.goto(chart)
    months = page.locator("#org-month option").all_inner_texts()
    assert len(months) == 18
    page.goto(f"{chart}?month={months[-1]}")
    check_chart(page, 1280, "manager at 1280 px, month 18", 1)
    page.screenshot(path=str(SCREENSHOTS / "org-chart-manager-1280.png"), full_page=True)
    # The company's scenario is not a manager's (asked beside the page: a 404 page would be a
    # console error).
    denied = page.request.get(f"{live_server.url}/planning/capacity/{company.pk}/org-chart/")
    assert denied.status == 404
