"""The forecast page: submitting, a manager's adjustment with a reason, reminders, and scope."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from revsight.core.models import Organisation
from revsight.crm.models import ForecastSubmission
from tests.importers.helpers import snapshot
from tests.people import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_march_2026(db: None) -> object:
    Organisation.current()
    with time_machine.travel(datetime(2026, 3, 10, 9, 0, tzinfo=UTC), tick=False):
        yield


def logged_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_a_salesperson_submits_for_this_month_next_month_or_the_quarter(cast: Cast) -> None:
    client = logged_in(cast.east_rep)
    page = client.get("/forecast/").content.decode()
    assert all(f'value="{p}"' in page for p in ("2026-03", "2026-04", "2026-Q1"))
    response = client.post(
        "/forecast/", {"period": "2026-04", "commit": "40000", "best_case": "55000"}
    )
    assert response.status_code == 302
    rows = ForecastSubmission.objects.filter(user=cast.east_rep).order_by("category")
    assert [(r.category, float(r.amount), r.submitted_by) for r in rows] == [
        ("best_case", 55000.0, None),
        ("commit", 40000.0, None),
    ]


@pytest.mark.parametrize(
    ("commit", "best_case", "field"),
    [("-40000", "", "commit"), ("40000", "-1", "best-case")],
)
def test_a_negative_forecast_is_refused_naming_the_field(
    cast: Cast, commit: str, best_case: str, field: str
) -> None:
    client = logged_in(cast.east_rep)
    before = snapshot()
    page = client.post(
        "/forecast/", {"period": "2026-04", "commit": commit, "best_case": best_case}
    ).content.decode()
    value = commit if field == "commit" else best_case
    assert f"<strong>{field}</strong> ({value}) must be zero or more. Nothing was saved." in page
    assert snapshot() == before


def test_a_salesperson_cannot_submit_for_someone_else(cast: Cast) -> None:
    client = logged_in(cast.east_rep)
    before = snapshot()
    page = client.post(
        "/forecast/", {"user": cast.east_rep2.email, "period": "2026-03", "commit": "1"}
    ).content.decode()
    assert "is not someone whose forecast you enter" in page
    assert snapshot() == before


def test_a_manager_adjusts_with_a_reason_for_their_team_only(cast: Cast) -> None:
    client = logged_in(cast.east_manager)
    before = snapshot()
    page = client.post(
        "/forecast/", {"user": cast.east_rep.email, "period": "2026-03", "commit": "30000"}
    ).content.decode()
    assert "<strong>note</strong> a manager&#x27;s adjustment needs a reason" in page
    page = client.post(
        "/forecast/",
        {"user": cast.west_rep.email, "period": "2026-03", "commit": "30000", "note": "x"},
    ).content.decode()
    assert "is not someone whose forecast you enter" in page
    assert snapshot() == before
    response = client.post(
        "/forecast/",
        {
            "user": cast.east_rep.email,
            "period": "2026-03",
            "commit": "30000",
            "note": "Acme slipped",
        },
    )
    assert response.status_code == 302
    adjustment = ForecastSubmission.objects.get()
    assert (adjustment.user, adjustment.submitted_by, adjustment.note) == (
        cast.east_rep,
        cast.east_manager,
        "Acme slipped",
    )


def test_the_manager_sees_who_has_not_submitted(cast: Cast) -> None:
    logged_in(cast.east_rep).post("/forecast/", {"period": "2026-03", "commit": "100"})
    page = logged_in(cast.east_manager).get("/forecast/")
    assert [p.email for p in page.context["missing"]["2026-03"]] == ["ben@acme.test"]
    assert "not submitted" in page.content.decode()
    west = [p.email for p in page.context["people"]]
    assert "carla@acme.test" not in west


def test_people_without_forecasts_may_not_open_it(cast: Cast) -> None:
    assert logged_in(cast.consultant).get("/forecast/").status_code == 403
