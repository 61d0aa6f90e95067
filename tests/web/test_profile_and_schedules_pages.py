"""The profile page turns emails off and on; the schedules page sets when the routine runs.
A bad value is named and saves nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from revsight.core.models import Organisation
from revsight.routine.models import EmailOptOut, Schedule
from tests.people import Cast

pytestmark = pytest.mark.django_db


def logged_in(user: object) -> Client:
    Organisation.current()
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_everyone_reaches_their_profile_from_the_navigation(cast: Cast) -> None:
    page = logged_in(cast.consultant).get("/profile/").content.decode()
    assert 'href="/profile/" aria-current="page"' in page
    assert 'name="emails_on" value="reminder" checked' in page


def test_unticking_an_email_turns_it_off(cast: Cast) -> None:
    client = logged_in(cast.east_rep)
    others = [
        "freshness",
        "import_summary",
        "weekly_priorities",
        "monday_meeting",
        "self_assessment",
    ]
    response = client.post("/profile/", {"emails_on": others})
    assert response.status_code == 302
    assert list(EmailOptOut.objects.values_list("user__email", "kind")) == [
        ("ann@acme.test", "reminder")
    ]
    client.post("/profile/", {"emails_on": ["reminder", *others]})
    assert not EmailOptOut.objects.exists()


def test_an_unknown_kind_of_email_is_named_and_nothing_saved(cast: Cast) -> None:
    client = logged_in(cast.east_rep)
    response = client.post("/profile/", {"emails_on": ["reminder", "spam"]})
    page = response.content.decode()
    assert response.status_code == 200
    assert "<strong>emails_on</strong>" in page
    assert "is not a kind of email Revsight sends" in page
    assert not EmailOptOut.objects.exists()


def schedule_form(**changes: str) -> dict[str, str]:
    form = {
        "snapshot-enabled": "on",
        "snapshot-weekday": "4",
        "snapshot-at": "23:00",
        "reminders-enabled": "on",
        "reminders-weekday": "3",
        "reminders-at": "09:00",
        "freshness-enabled": "on",
        "freshness-at": "08:00",
        "freshness-days": "7",
        "priorities-enabled": "on",
        "priorities-weekday": "4",
        "priorities-at": "12:00",
        "monday_meeting-enabled": "on",
        "monday_meeting-weekday": "0",
        "monday_meeting-at": "07:00",
        "self_assessment-enabled": "on",
        "self_assessment-weekday": "0",
        "self_assessment-at": "09:00",
    }
    form.update(changes)
    return form


def test_who_may_open_the_schedules(cast: Cast) -> None:
    assert logged_in(cast.admin).get("/settings/schedules/").status_code == 200
    assert logged_in(cast.president).get("/settings/schedules/").status_code == 200
    assert logged_in(cast.east_manager).get("/settings/schedules/").status_code == 403
    assert (
        logged_in(cast.east_manager).post("/settings/schedules/", schedule_form()).status_code
        == 403
    )
    assert not Schedule.objects.exists()


def test_an_administrator_moves_the_reminders_and_turns_the_snapshot_off(cast: Cast) -> None:
    form = schedule_form(**{"reminders-weekday": "0", "reminders-at": "08:15"})
    del form["snapshot-enabled"]
    response = logged_in(cast.admin).post("/settings/schedules/", form)
    assert response.status_code == 302
    stored = {
        s.name: (s.enabled, s.weekday, f"{s.at:%H:%M}", s.days) for s in Schedule.objects.all()
    }
    assert stored == {
        "snapshot": (False, 4, "23:00", None),
        "reminders": (True, 0, "08:15", None),
        "freshness": (True, None, "08:00", 7),
        "priorities": (True, 4, "12:00", None),
        "monday_meeting": (True, 0, "07:00", None),
        "self_assessment": (True, 0, "09:00", None),
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reminders-at": "9 o'clock"}, "reminders-at"),
        ({"snapshot-weekday": "9"}, "snapshot-weekday"),
        ({"freshness-days": "many"}, "freshness-days"),
    ],
)
def test_a_bad_schedule_is_named_and_nothing_saved(
    cast: Cast, changes: dict[str, str], field: str
) -> None:
    response = logged_in(cast.admin).post("/settings/schedules/", schedule_form(**changes))
    assert response.status_code == 200
    assert f"<strong>{field}</strong>" in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    assert not Schedule.objects.exists()
