"""The self-assessment in a real browser: on the demo, the president starts this quarter's
assessment from the data's suggestions, accepts most, overrides one with a note, completes it,
and sees the quarter join the trend of the four before it."""

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


def test_an_executive_completes_an_assessment_from_the_suggestions(
    live_server: Any, page: Any, committed_demo: Callable[..., None]
) -> None:
    from revsight.assessments.self_models import SelfAssessment

    committed_demo(AS_OF)
    log_in(page, live_server.url, DEMO_LOGINS[Role.EXECUTIVE])
    page.wait_for_url(f"{live_server.url}/dashboard/**")
    page.get_by_role("link", name="Assessments").first.click()
    page.wait_for_url(f"{live_server.url}/assessments/")
    page.goto(f"{live_server.url}/assessments/?as_of={AS_OF}")  # the demo's today
    page.get_by_role("button", name="Start from the suggestions").click()
    page.wait_for_url(f"{live_server.url}/assessments/*/")

    # Every category the data can judge arrives with its suggestion chosen.
    rows = page.locator("tr[data-category]")
    assert rows.count() == 11
    for n in (8, 5):  # the ones no data answers: the person's own
        page.locator(f'tr[data-category="{n}"]').get_by_label("3", exact=True).check()
    page.locator('tr[data-category="11"]').get_by_label("4", exact=True).check()
    page.get_by_label("Note for category 11").fill("A summer contest is agreed, not yet entered.")
    page.get_by_role("button", name="Complete the assessment").click()
    page.wait_for_url(f"{live_server.url}/assessments/*/")
    page.get_by_text("of 55").first.wait_for()

    found = SelfAssessment.objects.get(completed_at__isnull=False, quarter=f"{AS_OF.year}-Q2")
    eleventh = found.scores.get(number=11)
    assert (eleventh.score, eleventh.note) == (4, "A summer contest is agreed, not yet entered.")
    assert eleventh.overridden == (eleventh.suggested != 4)
    assert all(row.score is not None for row in found.scores.all())

    page.get_by_role("link", name="All assessments").click()
    page.wait_for_selector('[data-figure="fig-assessment-total"] .main-svg')
    page.wait_for_selector('[data-figure="fig-assessment-categories"] .main-svg')
    ticks = page.locator('[data-figure="fig-assessment-total"] .xtick').all_text_contents()
    assert ticks == ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
    page.screenshot(path=str(SCREENSHOTS / "self-assessment-trend.png"), full_page=True)
