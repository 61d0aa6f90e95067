"""Every link within two clicks of each role's landing page, on the demo organisation, leads to
a working page: no 5xx ever, no 4xx but the refusals listed here on purpose, and never the
login page. (It replaces the check that each item of the menu opens: the menu is two clicks'
first click, for every role.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
import time_machine
from django.test import Client

from revsight.org.models import Team, User

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db, pytest.mark.crawl]

# The demo's login for every role (docs/demo.md), the VP of Sales (an executive who manages
# teams) and the head of professional services (a manager of no sales team).
LOGINS = (
    "president@example.com",
    "vp@example.com",
    "admin@example.com",
    "manager@example.com",
    "rep@example.com",
    "presales@example.com",
    "consultant@example.com",
    "head of professional services",
)


def _person(login: str) -> User:
    if "@" in login:
        return User.objects.get(email=login)
    return Team.objects.get(name="Professional Services").manager  # type: ignore[return-value]


# Links never followed: they end the session, or they are the Django admin's own pages
# (Django's, crawled by its own tests; its change lists link every record).
# Files to download (PDF, PNG, Markdown, iCalendar) are read back by their own tests
# (tests/planning/test_org_chart.py, test_training.py, tests/cadence/test_monday_meeting.py).
SKIPPED = (
    re.compile(r"^/logout/"),
    re.compile(r"^/admin/."),
    re.compile(r"^/static/"),
    re.compile(r"^/.*\.(pdf|png|md|ics)$"),
)

# Refusals on purpose: (login, path pattern, status, why). None: every page a person is shown
# a link to opens for them (a page they may not open is not linked).
REFUSED: tuple[tuple[str, str, int, str], ...] = ()


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)


def _same_origin(href: str, base: str) -> str | None:
    """The path and query of a link to this site, or None for another site or no page."""
    parts = urlsplit(href)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    if not parts.path and not parts.query:
        return None  # a fragment on the same page
    path = parts.path or urlsplit(base).path
    if not path.startswith("/"):
        path = urlsplit(base).path.rsplit("/", 1)[0] + "/" + path
    if any(pattern.match(path) for pattern in SKIPPED):
        return None
    return f"{path}?{parts.query}" if parts.query else path


def _links_of(html: str, base: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    found = (_same_origin(href, base) for href in parser.links)
    return [link for link in dict.fromkeys(found) if link]


_RECORD_ID = re.compile(r"/\d+(?=/)")


def _page_of(link: str) -> str:
    """What makes a link a page of its own: its path, with record ids as one, and the names of
    its query's keys, whatever their values. A dashboard computes for 1–15 s: its moves in time
    (period, as-of date, comparison, the landing page's own links to another period) and its
    other people and teams are the same page drawn from other numbers (test_dashboard_pacing.py,
    test_dashboards.py and test_no_server_errors.py open those), so one of each kind of
    dashboard is visited per role, with the first such link found. Likewise one page of each
    kind of record (a deal, a coaching page, an entry's form: the president is shown 102 deals),
    one Forecast page per set of filters (its teams and periods: tests/web/test_forecast_page.py)
    and one list of records per set of filters (39 pipeline lists behind the president's
    numbers: tests/web/test_dashboards.py, test_no_server_errors.py); planning and cadence pages
    of another period have their own tests (tests/planning/, tests/cadence/)."""
    parts = urlsplit(link)
    if parts.path.startswith("/dashboard/"):
        return f"/dashboard/{parts.path.split('/')[2]}/"
    if parts.path == "/" and parts.query:
        return "/dashboard/"
    path = _RECORD_ID.sub("/<id>", parts.path)
    if not parts.query:
        return path
    keys = sorted({pair.split("=", 1)[0] for pair in parts.query.split("&")})
    return f"{path}?{'&'.join(keys)}"


def _refused_on_purpose(login: str, url: str, status: int) -> bool:
    return any(
        who == login and re.match(pattern, url) and status == code
        for who, pattern, code, _ in REFUSED
    )


@pytest.fixture(autouse=True)
def _on_the_demos_last_day() -> Iterator[None]:
    with time_machine.travel(datetime(2026, 6, 30, 18, 0, tzinfo=UTC), tick=False):
        yield


def _crawl(client: Client, email: str) -> tuple[set[str], list[str]]:
    landing = client.get("/", follow=True)
    start = landing.redirect_chain[-1][0] if landing.redirect_chain else "/"
    problems = [] if landing.status_code == 200 else [f"{start} → {landing.status_code}"]
    seen = {_page_of(start)}
    frontier = [(start, landing)]
    for _depth in range(2):
        following = []
        for url, response in frontier:
            if not response["Content-Type"].startswith("text/html"):
                continue
            for link in _links_of(response.content.decode(), url):
                if _page_of(link) in seen:
                    continue
                seen.add(_page_of(link))
                answer = client.get(link, follow=True)
                status = answer.status_code
                if any(hop.startswith("/login/") for hop, _ in answer.redirect_chain):
                    problems.append(f"{link} (from {url}) → the login page")
                elif status >= 400 and not _refused_on_purpose(email, link, status):
                    problems.append(f"{link} (from {url}) → {status}")
                elif status == 200:
                    following.append((link, answer))
        frontier = following
    return seen, problems


@pytest.mark.parametrize("login", LOGINS)
def test_every_link_within_two_clicks_of_the_landing_page_works(login: str) -> None:
    client = Client()
    client.force_login(_person(login))
    visited, problems = _crawl(client, login)
    menu = client.get("/organisation/").context["nav_items"]
    assert {_page_of(item["url"]) for item in menu} <= visited  # the whole menu was reached
    assert problems == []


def test_the_crawl_follows_this_sites_pages_only() -> None:
    html = (
        '<a href="/records/won/?scope=company">won</a> <a href="https://evil.test/">x</a>'
        ' <a href="#top">top</a> <a href="//evil.test/x">y</a> <a href="/logout/">out</a>'
        ' <a href="mailto:a@b.test">mail</a> <a href="?period=week">week</a>'
        ' <a href="/static/revsight/app.css">css</a>'
        ' <a href="/records/won/?scope=company">again</a>'
    )
    assert _links_of(html, "/dashboard/company/") == [
        "/records/won/?scope=company",
        "/dashboard/company/?period=week",
    ]
    assert (
        _page_of("/dashboard/rep/7/?period=week")
        == _page_of("/dashboard/rep/9/")
        == ("/dashboard/rep/")
    )
