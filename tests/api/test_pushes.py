"""Pushing records from a CRM: upserted by external id, so a second push updates; checked
exactly like an import by the token's person, all or nothing, every problem named by its
row and field, and nothing stored when there is one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from revsight.core.models import ApiToken, AuditEntry, Organisation
from revsight.crm.models import Account, Activity, Opportunity
from revsight.org.models import User
from tests.api.client import Api
from tests.api.data import stages
from tests.importers.helpers import snapshot
from tests.people import Cast

pytestmark = pytest.mark.django_db
MakeApi = Callable[[Any], Api]


def opportunity(external_id: str, owner: str = "ann@acme.test", **more: Any) -> dict[str, Any]:
    return {
        "external_id": external_id,
        "name": f"Deal {external_id}",
        "owner": owner,
        "stage": "Proposal",
        "created_date": "2026-01-10",
        "close_date": "2026-04-30",
        "amount": 48000,
        **more,
    }


@pytest.fixture(autouse=True)
def _organisation(db: None) -> None:
    Organisation.current()  # made on first use: before the tables are compared
    stages()


def test_pushing_the_same_deals_again_updates_them_instead_of_adding(
    cast: Cast, api_as: MakeApi
) -> None:
    api = api_as(cast.admin)
    first = api.put(
        "/opportunities/", {"source": "crm", "rows": [opportunity("O1"), opportunity("O2")]}
    )
    again = api.put(
        "/opportunities/",
        {"source": "crm", "rows": [opportunity("O1", amount="52,000"), opportunity("O2")]},
    )
    assert first[0] == again[0] == 200
    assert first[1]["entities"]["opportunities"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert again[1]["entities"]["opportunities"] == {"created": 0, "updated": 1, "unchanged": 1}
    assert sorted(Opportunity.objects.values_list("external_id", "amount")) == [
        ("O1", 52000),
        ("O2", 48000),
    ]
    listed = api.get("/opportunities/", source="crm", external_id="O1")[1]["items"]
    assert [(o["amount"], o["owner"]) for o in listed] == [("52000.00", "ann@acme.test")]


def test_a_deal_refers_to_an_account_pushed_before_by_its_external_id(
    cast: Cast, api_as: MakeApi
) -> None:
    api = api_as(cast.admin)
    account = {"external_id": "ACC-1", "name": "Acme Corp", "owner": "ann@acme.test"}
    assert api.put("/accounts/", {"source": "crm", "rows": [account]})[0] == 200
    assert (
        api.put("/opportunities/", {"source": "crm", "rows": [opportunity("O1", account="ACC-1")]})[
            0
        ]
        == 200
    )
    assert Opportunity.objects.get().account == Account.objects.get(external_id="ACC-1")


def test_a_manager_s_batch_touching_another_team_is_refused_whole(
    cast: Cast, api_as: MakeApi
) -> None:
    api = api_as(cast.east_manager)
    before = snapshot()
    status, answer = api.put(
        "/opportunities/", {"rows": [opportunity("O1"), opportunity("O2", owner="carla@acme.test")]}
    )
    assert status == 400
    assert answer["error"]["fields"] == [
        {
            "path": "rows[1].owner",
            "message": "'carla@acme.test' is not you or someone in the teams you manage",
        }
    ]
    assert answer["error"]["message"].startswith("Nothing was stored: the batch has 1 problem")
    assert snapshot() == before


def test_a_manager_pushes_the_deals_and_activities_of_their_team(
    cast: Cast, api_as: MakeApi
) -> None:
    api = api_as(cast.east_manager)
    assert (
        api.put("/opportunities/", {"rows": [opportunity("O1", owner="ben@acme.test")]})[0] == 200
    )
    activity = {
        "external_id": "A1",
        "owner": "ben@acme.test",
        "type": "Demonstration",
        "date": "2026-03-02",
        "opportunity": "O1",
    }
    status, answer = api.put("/activities/", {"rows": [activity]})
    assert (status, answer["entities"]["activities"]["created"]) == (200, 1)
    stored = Activity.objects.get()
    assert (stored.type, stored.opportunity.external_id) == ("demonstration", "O1")


def test_a_manager_cannot_push_a_new_administrator(cast: Cast, api_as: MakeApi) -> None:
    api = api_as(cast.east_manager)
    before = snapshot()
    person = {"email": "eve@acme.test", "role": "admin", "team": "East"}
    status, answer = api.put("/people/", {"rows": [person]})
    assert status == 400
    assert answer["error"]["fields"] == [
        {
            "path": "rows[0].role",
            "message": "'admin' only administrators add people as Administrator",
        }
    ]
    assert snapshot() == before


def test_a_manager_adds_a_salesperson_to_their_team(cast: Cast, api_as: MakeApi) -> None:
    person = {"email": "Eve@acme.test", "name": "Eve", "team": "East", "external_id": "U-9"}
    status, answer = api_as(cast.east_manager).put("/people/", {"rows": [person]})
    assert (status, answer["entities"]["users"]["created"]) == (200, 1)
    eve = User.objects.get(email="eve@acme.test")
    assert (eve.role, eve.team, eve.external_id) == ("salesperson", cast.east, "U-9")


def test_a_salesperson_may_not_push_as_on_the_import_page(cast: Cast, api_as: MakeApi) -> None:
    api = api_as(cast.east_rep)
    before = snapshot()
    status, answer = api.put("/opportunities/", {"rows": [opportunity("O1")]})
    assert (status, answer["error"]["code"]) == (403, "not_allowed")
    assert answer["error"]["message"] == "Only managers and administrators import data."
    assert snapshot() == before


def test_a_dry_run_reports_what_would_change_and_stores_nothing(
    cast: Cast, api_as: MakeApi
) -> None:
    api = api_as(cast.admin)
    before = snapshot()
    status, answer = api.put("/opportunities/", {"dry_run": True, "rows": [opportunity("O1")]})
    assert (status, answer["dry_run"], answer["entities"]["opportunities"]["created"]) == (
        200,
        True,
        1,
    )
    assert ApiToken.objects.get().last_used_at is not None  # a request that succeeded
    ApiToken.objects.update(last_used_at=None)
    assert snapshot() == before


def test_a_push_is_in_the_audit_log_as_an_import_by_its_person(cast: Cast, api_as: MakeApi) -> None:
    api_as(cast.admin).put("/opportunities/", {"rows": [opportunity("O1"), opportunity("O2")]})
    entry = AuditEntry.objects.get(action="import")
    assert (entry.actor, entry.summary) == (
        cast.admin,
        "Imported 2 opportunities pushed from the API",
    )


@pytest.mark.parametrize(
    ("path", "rows", "field", "message"),
    [
        (
            "/people/",
            [{"email": "not-an-email"}],
            "rows[0].email",
            "'not-an-email' is not a valid email",
        ),
        ("/people/", [{"name": "Nobody"}], "rows[0].email", "is required"),
        ("/accounts/", [{"external_id": "ACC-1"}], "rows[0].name", "is required"),
        (
            "/accounts/",
            [{"external_id": "ACC-1", "name": "A", "colour": "red"}],
            "rows[0].colour",
            "is not a field here",
        ),
        (
            "/opportunities/",
            [opportunity("O1"), opportunity("O2", amount="12x")],
            "rows[1].amount",
            "'12x' is not an amount",
        ),
        (
            "/opportunities/",
            [opportunity("O1"), opportunity("O1")],
            "rows[1].external_id",
            "'O1' identifies a record already given on row 0",
        ),
        (
            "/opportunities/",
            [opportunity("O1", close_date="2026-02-30")],
            "rows[0].close_date",
            "'2026-02-30'",
        ),
        (
            "/activities/",
            [
                {
                    "external_id": "A1",
                    "owner": "ann@acme.test",
                    "type": "dance",
                    "date": "2026-03-02",
                }
            ],
            "rows[0].type",
            "'dance'",
        ),
        ("/activities/", [], "rows", "list should have at least 1 item"),
    ],
)
def test_bad_rows_are_refused_naming_the_row_and_field_and_store_nothing(
    cast: Cast, api_as: MakeApi, path: str, rows: list[Any], field: str, message: str
) -> None:
    api = api_as(cast.admin)
    before = snapshot()
    status, answer = api.put(path, {"rows": rows})
    assert status == 400
    assert answer["error"]["code"] == "invalid_input"
    assert answer["error"]["fields"][0]["path"] == field
    assert answer["error"]["fields"][0]["message"].startswith(message)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({"source": "Not Valid!", "rows": [opportunity("O1")]}, "source", "string should match"),
        ({"rows": "O1"}, "rows", "must be a valid list"),
        ({"rows": [opportunity("O1")] * 1001}, "rows", "list should have at most 1000 items"),
    ],
)
def test_a_bad_batch_is_refused_naming_the_field(
    cast: Cast, api_as: MakeApi, body: dict[str, Any], field: str, message: str
) -> None:
    api = api_as(cast.admin)
    before = snapshot()
    status, answer = api.put("/opportunities/", body)
    assert (status, answer["error"]["fields"][0]["path"]) == (400, field)
    assert answer["error"]["fields"][0]["message"].lower().startswith(message)
    assert snapshot() == before
