"""The Forecast page on the demo: where the month is heading, the deals behind it, the leading
indicators, pipeline math, and the backtest run from the page."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from revsight.analytics.scopes import membership, narrowed
from revsight.core.periods import parse
from revsight.forecasting.backtest import remembered
from revsight.forecasting.outlook import outlook
from revsight.org.models import User
from revsight.web.templatetags.humanize_money import money

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db, pytest.mark.backtest]

TODAY = datetime(2026, 6, 17, 10, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _mid_june() -> Iterator[None]:
    with time_machine.travel(TODAY, tick=False):
        yield


def logged_in(email: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(email=email))
    return client


def test_a_manager_sees_where_the_team_s_month_is_heading() -> None:
    page = logged_in("manager@example.com").get("/forecast/")
    assert page.status_code == 200
    result = page.context["outlook"]
    june = parse("2026-06", TODAY.date())
    expected = outlook(june, TODAY.date(), narrowed(membership("team", june), ["Enterprise"]))
    assert page.context["scope"].key == "Enterprise"
    assert (result.p10, result.p50, result.p90) == (expected.p10, expected.p50, expected.p90)
    html = page.content.decode()
    # The page leads with Revsight's forecast, its range, and how it is made.
    recommended = result.recommended
    assert recommended is not None
    assert recommended.p50 == expected.recommended.p50
    lead = re.search(r'<div class="tile tile-lead" id="recommended">(.*?)</div>', html, re.S)
    assert lead is not None
    assert money(recommended.p50) in lead.group(1)
    assert f"between {money(recommended.p10)} and {money(recommended.p90)}" in lead.group(1)
    assert html.index('id="recommended"') < html.index("Deal by deal")
    shares = page.context["recommended_parts"]
    assert [part["weight"] for part in shares] == [p.weight for p in recommended.parts]
    assert "Salespeople&#x27;s commit" in html.split("How Revsight's forecast is made")[1]
    assert "Where 2026-06 is heading — Enterprise" in html
    figure = json.loads(json.dumps(page.context["distribution"]))
    assert [shape["x0"] for shape in figure["layout"]["shapes"]][:3] == [
        result.p10,
        result.p50,
        result.p90,
    ]
    assert html.count('class="reason"') == len(result.deals) > 0
    assert "Pipeline math" in html
    assert page.context["math"].reps  # each salesperson's coverage


def test_the_quarter_tab_forecasts_the_quarter() -> None:
    page = logged_in("vp@example.com").get("/forecast/?period=2026-Q2")
    assert page.context["chosen_period"].id == "2026-Q2"
    assert page.context["outlook"].period.end.isoformat() == "2026-06-30"


def test_a_salesperson_reads_their_own_coverage() -> None:
    page = logged_in("rep@example.com").get("/forecast/")
    mine = page.context["my_math"]
    assert mine is not None
    assert mine.email == "rep@example.com"
    assert f"Next month {mine.sentence()}" in page.content.decode()
    assert "outlook" not in page.context  # the team's numbers are the manager's page


@pytest.fixture
def short_backtest(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The page's backtest over three origins instead of twelve: the page is under test here (the
    backtest itself is in tests/forecasting). What it keeps is forgotten afterwards, so other
    modules see the page as it is before anyone runs it."""
    from django.core.cache import cache

    from revsight.forecasting import tasks

    monkeypatch.setattr(tasks, "MONTHS", 3)
    yield
    cache.clear()


@pytest.mark.usefixtures("short_backtest")
def test_the_backtest_is_run_from_the_page_by_managers_only() -> None:
    assert logged_in("rep@example.com").post("/forecast/backtest/").status_code == 403
    before = logged_in("president@example.com").get("/forecast/")
    assert before.context["backtest"] is None
    assert "Run the backtest" in before.content.decode()
    run = logged_in("president@example.com").post("/forecast/backtest/")
    assert run.status_code == 302
    stored = remembered(TODAY.date())
    assert stored is not None
    after = logged_in("president@example.com").get("/forecast/")
    assert after.context["backtest"] == stored
    methods = {row["method"] for row in stored["rows"]}
    assert "statistical" in methods
    assert "leading_indicators" in methods
    assert "Run the backtest" not in after.content.decode()
    html = after.content.decode()
    technical = re.findall(r'<details class="technical">.*?</details>', html, flags=re.S)
    plain = re.sub(r'<details class="technical">.*?</details>', "", html, flags=re.S)
    terms = ("Brier", "WAPE", "rep_commit", "weighted_pipeline", "P50", "gradient boosting")
    for term in (*terms, "deal-age survival", "had an expected close date"):
        assert term not in plain, term
        assert any(term in part for part in technical), term
    for words in (
        "Error on past months",
        "How often right in the past (within ±10%)",
        "Salespeople&#x27;s commit",
        "How sure of reaching quota",
        "Revsight&#x27;s forecast",
        "Deal by deal",
    ):
        assert words in plain, words


def test_the_page_seen_as_of_a_day_stays_on_that_day() -> None:
    manager = logged_in("manager@example.com")
    page = manager.get("/forecast/?as_of=2026-05-31").content.decode()
    tabs = re.findall(r'href="\?period=([^"]+)"', page)
    assert len(tabs) == 3  # this month, next month, this quarter
    assert all("as_of=2026-05-31" in tab for tab in tabs)
    assert 'action="/forecast/backtest/?as_of=2026-05-31"' in page
    rep = logged_in("rep@example.com")
    saved = rep.post("/forecast/?as_of=2026-05-31", {"period": "2026-07", "commit": "1000"})
    assert saved.status_code == 302
    assert saved["Location"] == "/forecast/?saved=1&as_of=2026-05-31"
