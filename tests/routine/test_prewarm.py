"""After a data change the worker recomputes the pages viewed in the last 30 days, so the first
view afterwards is a kept one; views are noted in the cache, not the database."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from revsight.analytics import viewed
from revsight.analytics.dashboard import kept_name
from revsight.analytics.dashboard_person import person_kept_name
from revsight.analytics.dashboard_scope import company_scope, period_of, person_scope
from revsight.analytics.kept import kept_already
from revsight.core.models import Organisation
from revsight.org import configuration
from revsight.routine import prewarm
from tests.api.data import deal
from tests.people import Cast

AS_OF = date(2026, 3, 15)


def dashboard_name(as_of: date) -> str:
    return kept_name(company_scope(), period_of("month", as_of), as_of)


def test_a_view_is_noted_without_writing_to_the_database(cast: Cast) -> None:
    Organisation.current()
    deal(cast.east_rep, "a1")
    client = Client()
    client.force_login(cast.president)
    client.get(f"/dashboard/company/?as_of={AS_OF}")
    client.get("/dashboard/company/?period=quarter")  # as of today, whichever day it is then
    with CaptureQueriesContext(connection) as queries:
        viewed.seen("dashboard", "company", "month|previous", AS_OF)
    writes = [q["sql"] for q in queries if q["sql"].split()[0].upper() in ("INSERT", "UPDATE")]
    assert writes == []
    assert viewed.recent() == [
        ("dashboard", "company", "quarter|previous", ""),
        ("dashboard", "company", "month|previous", AS_OF.isoformat()),
    ]


def test_after_a_change_the_viewed_dashboard_is_computed_before_anyone_asks(cast: Cast) -> None:
    Organisation.current()
    deal(cast.east_rep, "a1")
    viewed.seen("dashboard", "company", "month|previous", AS_OF)
    configuration.set_fiscal_year_start(cast.admin, 4)  # a settings change moves the version
    assert kept_already(dashboard_name(AS_OF)) is None
    job = prewarm.check()
    assert job is not None
    job.refresh_from_db()
    assert (job.state, job.schedule, job.result["pages"]) == ("done", "pre-warming", 1)  # type: ignore[index]
    assert kept_already(dashboard_name(AS_OF)) is not None
    assert prewarm.check() is None  # once per version of the data


def test_nothing_is_warmed_when_nothing_was_viewed(cast: Cast) -> None:
    assert prewarm.check() is None


def test_a_viewed_consultants_page_is_computed_again_after_a_change(cast: Cast) -> None:
    Organisation.current()
    client = Client()
    client.force_login(cast.consultant)
    assert client.get(f"/dashboard/person/{cast.consultant.pk}/?as_of={AS_OF}").status_code == 200
    assert ("person", f"person/{cast.consultant.pk}", "month|previous", AS_OF.isoformat()) in (
        viewed.recent()
    )
    configuration.set_pacing(cast.president, "calendar")
    scope = person_scope(cast.consultant, cast.consultant.pk)
    name = person_kept_name(scope, period_of("month", AS_OF), AS_OF)
    assert kept_already(name) is None
    job = prewarm.check()
    assert job is not None
    job.refresh_from_db()
    assert (job.state, job.result["pages"]) == ("done", 1)  # type: ignore[index]
    assert kept_already(name) is not None
