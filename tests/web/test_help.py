"""Help where the number is: each figure's definition from the catalogue, empty states that say
what to do, error pages with the navigation and a way back, back links to where one came from."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from html import unescape

import pytest
import time_machine
from django.test import RequestFactory

from revsight.analytics.catalogue import BY_ID, METRICS
from revsight.analytics.docs import facts, render
from revsight.core.models import Organisation
from revsight.core.versions import mark_changed
from revsight.crm.models import Opportunity, Stage
from revsight.web.errors import server_error
from revsight.web.templatetags.definitions import definition, prose
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = [pytest.mark.django_db, pytest.mark.views]


@pytest.fixture(autouse=True)
def _in_march_2026() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 3, 2, 9, 0, tzinfo=UTC), tick=False):
        yield


@pytest.fixture(autouse=True)
def organisation(db: None) -> None:
    Organisation.current()


def test_a_figures_definition_is_the_catalogues_text_in_docs_metrics_md() -> None:
    win_rate = BY_ID["win_rate"]
    html = str(definition("win_rate"))
    assert html.startswith(
        '<details class="definition"><summary title="What is Win rate (by count)?">?</summary>'
    )
    assert f"<strong>Win rate (by count)</strong> — {facts(win_rate)}" in unescape(html)
    assert f"<p>{win_rate.definition}</p>" in unescape(html)
    assert '<a href="/metrics/#win_rate">All definitions</a>' in html
    docs = render()
    assert f"{facts(win_rate)}\n\n{win_rate.definition}\n" in docs  # the very same words
    assert str(definition("no_such_metric")) == ""


def test_a_definition_is_escaped_and_its_code_spans_shown_as_code() -> None:
    assert prose("wins / (wins + losses) < 1 for `win_rate`") == (
        "wins / (wins + losses) &lt; 1 for <code>win_rate</code>"
    )


def test_the_definitions_page_has_every_metric_at_its_anchor(cast: Cast) -> None:
    page = logged_in(cast.east_rep).get("/metrics/").content.decode()
    for metric in METRICS:
        assert f'<dt id="{metric.id}">{metric.name} <code>{metric.id}</code></dt>' in unescape(page)
    assert page.count("<dt id=") == len(METRICS)


@pytest.mark.slow  # computes a dashboard
def test_tiles_and_chart_titles_open_their_definition(cast: Cast) -> None:
    page = logged_in(cast.east_manager).get(f"/dashboard/team/{cast.east.pk}/").content.decode()
    for metric in ("bookings", "win_rate", "forecast_accuracy", "pipeline_value"):
        assert str(definition(metric)) in page, metric
    assert "<script>" not in page.replace('<script src="', "")  # no inline script (the CSP)


@pytest.mark.slow  # computes a dashboard
def test_an_empty_dashboard_says_what_to_do(cast: Cast) -> None:
    manager = logged_in(cast.east_manager).get(f"/dashboard/team/{cast.east.pk}/")
    assert [(h.text, h.url) for h in manager.context["hints"]] == [
        ("No data imported yet: the dashboards fill in once deals are imported.", "/import/")
    ]
    assert '<a href="/import/">Import your CRM export →</a>' in manager.content.decode()
    rep = logged_in(cast.east_rep).get(f"/dashboard/rep/{cast.east_rep.pk}/")
    assert [(h.text, h.url) for h in rep.context["hints"]] == [
        (
            "No data imported yet: the dashboards fill in once deals are imported. A manager or "
            "an administrator imports them.",
            "",
        )
    ]


def test_a_refusal_is_a_page_with_the_navigation_and_a_way_back(cast: Cast) -> None:
    client = logged_in(cast.east_rep)
    response = client.get("/settings/quotas/", HTTP_REFERER="http://testserver/organisation/")
    assert response.status_code == 403
    page = response.content.decode()
    assert '<nav aria-label="Main" id="main-nav">' in page
    assert "<h1>Not allowed</h1>" in page
    assert "Only managers and above set quotas and goals." in page
    assert '<a href="/organisation/">← Back</a>' in page


def test_a_missing_page_is_styled_and_its_way_back_never_leaves_the_site(cast: Cast) -> None:
    client = logged_in(cast.east_rep)
    response = client.get("/no-such-page/", HTTP_REFERER="https://evil.test/phish")
    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Not found</h1>" in page
    assert "There is no page at this address." in page
    assert '<nav aria-label="Main" id="main-nav">' in page
    assert '<a href="/">← Back</a>' in page
    assert "evil.test" not in page
    refused = client.get("/dashboard/company/").content.decode()  # a salesperson's: NotFound
    assert "No such dashboard." in refused


def test_a_server_error_is_a_styled_page(cast: Cast) -> None:
    request = RequestFactory().get("/dashboard/company/")
    request.user = cast.east_rep
    response = server_error(request)
    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.content.decode()


def test_the_records_back_link_returns_to_the_page_one_came_from(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    scope = f"team/{cast.east.pk}"
    came_from = f"/dashboard/team/{cast.east.pk}/?period=quarter&as_of=2026-02-15"
    page = client.get(f"/records/won/?scope={scope}", HTTP_REFERER=f"http://testserver{came_from}")
    assert page.context["back"] == came_from
    # Filtering reloads the list: the form carries where "back" goes.
    assert f'<input type="hidden" name="next" value="{came_from}">' in unescape(
        page.content.decode()
    )
    again = client.get(f"/records/won/?scope={scope}&next={came_from.replace('&', '%26')}")
    assert again.context["back"] == came_from
    elsewhere = client.get(f"/records/won/?scope={scope}&next=https://evil.test/")
    assert elsewhere.context["back"].startswith(f"/dashboard/team/{cast.east.pk}/?period=month")


@pytest.mark.slow  # computes a dashboard
def test_a_dashboard_without_quotas_goals_or_deals_in_its_period_says_so(cast: Cast) -> None:
    won = Stage.objects.create(name="Won", order=9, probability=1, outcome="won")
    Opportunity.objects.create(  # data was imported, but not for 2027
        owner=cast.east_rep,
        name="Old win",
        amount=Decimal("5000"),
        status="won",
        stage=won,
        created_date=date(2025, 11, 1),
        close_date=date(2026, 1, 20),
    )
    mark_changed("opportunities")
    url = f"/dashboard/team/{cast.east.pk}/?period=month&as_of=2027-02-10"
    page = logged_in(cast.east_manager).get(url)
    assert [(h.text, h.action, h.url) for h in page.context["hints"]] == [
        (
            "No quotas set for 2027, so there is no attainment or coverage.",
            "set them",
            "/settings/quotas/?year=2027",
        ),
        (
            "No goals set for 2027-02: the figures have nothing to be measured against.",
            "set goals",
            "/settings/goals/?period=2027-02",
        ),
        ("No deals closed in 2027-02, and none open expected to close in it.", "", ""),
    ]
    assert '<a href="/settings/quotas/?year=2027">Set them →</a>' in page.content.decode()
    rep = logged_in(cast.east_rep).get(f"/dashboard/rep/{cast.east_rep.pk}/?as_of=2027-02-10")
    assert rep.context["hints"][0].text.endswith("Your manager sets them.")
    assert rep.context["hints"][0].url == ""
