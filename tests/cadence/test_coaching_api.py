"""`GET` and `POST /api/v1/coaching/`: the entries the token's person sees, and logging one as
them; refusals in the API's error shape naming the field, with nothing stored."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from revsight.access.tokens import create_token
from revsight.cadence.models import CoachingEntry
from revsight.core.models import Organisation
from tests.api.client import Api
from tests.cadence.helpers import logged, on, stored
from tests.people import Cast

pytestmark = pytest.mark.django_db
BODY = {"user": "ann@acme.test", "date": "2026-06-03", "kind": "joint_call"}


@pytest.fixture(autouse=True)
def organisation(db: None) -> None:
    Organisation.current()


def api(person: Any) -> Api:
    return Api(create_token(person.email, "tests")[1])


def test_a_manager_logs_through_the_api_and_gets_the_entry(cast: Cast) -> None:
    with on():
        status, answer = api(cast.east_manager).post(
            "/coaching/",
            BODY | {"skill": "Closing", "scheduled": False, "action": "Demo", "due": "2026-06-09"},
        )
    assert status == 201, answer
    entry = CoachingEntry.objects.get()
    assert answer == {
        "id": entry.pk,
        "user": "ann@acme.test",
        "coach": "east.manager@acme.test",
        "date": "2026-06-03",
        "kind": "joint_call",
        "scheduled": False,
        "skill": "Closing",
        "deal": None,
        "account_id": None,
        "account": None,
        "notes": "",
        "action": "Demo",
        "due": "2026-06-09",
        "action_done": False,
        "replies": [],
    }


@pytest.mark.parametrize(
    ("change", "path", "code"),
    [
        ({"kind": "lunch"}, "kind", "invalid_input"),
        ({"date": "2026-06-31"}, "date", "invalid_input"),
        ({"date": "2026-06-18"}, "date", "invalid_input"),
        ({"user": "dev@acme.test"}, "user", "invalid_input"),
        ({"deal": "NOPE"}, "deal", "invalid_input"),
        ({"action": "Call"}, "due", "invalid_input"),
        ({"colour": "red"}, "colour", "invalid_input"),
        ({"user": "carla@acme.test"}, "user", "not_allowed"),
    ],
)
def test_a_refused_log_names_the_field_and_stores_nothing(
    cast: Cast, change: dict[str, Any], path: str, code: str
) -> None:
    client = api(cast.east_manager)
    before = stored()
    with on():
        status, answer = client.post("/coaching/", BODY | change)
    assert status == (403 if code == "not_allowed" else 400)
    assert answer["error"]["code"] == code
    assert [f["path"] for f in answer["error"]["fields"]] == [path]
    assert stored() == before


def test_a_salesperson_lists_their_own_entries_and_may_not_log(cast: Cast) -> None:
    with on():
        own = logged(cast.east_manager, cast.east_rep, date(2026, 6, 3))
        logged(cast.east_manager, cast.east_rep, date(2026, 5, 3))
        logged(cast.east_manager, cast.east_rep2, date(2026, 6, 4))
        client = api(cast.east_rep)
        status, listed = client.get("/coaching/", month="2026-06")
        refused, _ = client.post("/coaching/", BODY | {"user": "ben@acme.test"})
    assert status == 200
    assert (listed["count"], [e["id"] for e in listed["items"]]) == (1, [own.pk])
    assert refused == 403


def test_a_manager_lists_their_teams_entries_by_person_and_month(cast: Cast) -> None:
    with on():
        logged(cast.east_manager, cast.east_rep, date(2026, 6, 3))
        logged(cast.east_manager, cast.east_rep2, date(2026, 6, 4))
        logged(cast.west_manager, cast.west_rep, date(2026, 6, 4))
        client = api(cast.east_manager)
        _, everyone = client.get("/coaching/")
        _, ben = client.get("/coaching/", user="BEN@acme.test")
        status, bad = client.get("/coaching/", month="June")
    assert [e["user"] for e in everyone["items"]] == ["ben@acme.test", "ann@acme.test"]
    assert [e["user"] for e in ben["items"]] == ["ben@acme.test"]
    assert status == 400
    assert [f["path"] for f in bad["error"]["fields"]] == ["month"]
