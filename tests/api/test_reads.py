"""Reading through the API: each token sees what its person sees on the web, in pages,
filtered; a record out of reach is answered like one that does not exist."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from revsight.org.models import Goal, Quota
from tests.api.client import Api
from tests.api.data import FEB_2, JAN_5, activity, deal, history
from tests.people import Cast

pytestmark = pytest.mark.django_db
MakeApi = Callable[[Any], Api]


@pytest.fixture
def deals(cast: Cast) -> dict[str, int]:
    return {
        "ann-1": deal(cast.east_rep, "A1", close=date(2026, 3, 31)).pk,
        "ann-2": deal(cast.east_rep, "A2", stage="Won", close=date(2026, 2, 10)).pk,
        "ben-1": deal(cast.east_rep2, "B1", close=date(2026, 4, 30)).pk,
        "carla-1": deal(cast.west_rep, "C1", close=date(2026, 3, 15)).pk,
    }


def external_ids(answer: dict[str, Any]) -> list[str]:
    return [item["external_id"] for item in answer["items"]]


def test_a_salesperson_lists_only_their_own_deals(
    cast: Cast, deals: dict[str, int], api_as: MakeApi
) -> None:
    status, answer = api_as(cast.east_rep).get("/opportunities/")
    assert status == 200
    assert (external_ids(answer), answer["count"]) == (["A1", "A2"], 2)


def test_a_manager_lists_the_deals_of_the_teams_they_manage(
    cast: Cast, deals: dict[str, int], api_as: MakeApi
) -> None:
    assert external_ids(api_as(cast.east_manager).get("/opportunities/")[1]) == ["B1", "A1", "A2"]
    assert external_ids(api_as(cast.vp).get("/opportunities/")[1]) == ["B1", "A1", "C1", "A2"]


def test_a_deal_out_of_reach_is_answered_like_one_that_does_not_exist(
    cast: Cast, deals: dict[str, int], api_as: MakeApi
) -> None:
    api = api_as(cast.east_rep)
    hidden = api.get(f"/opportunities/{deals['carla-1']}/")
    missing = api.get("/opportunities/999999/")
    assert hidden[0] == missing[0] == 404
    assert hidden[1]["error"]["code"] == missing[1]["error"]["code"] == "not_found"


def test_a_deal_comes_with_its_stage_history_oldest_first(
    cast: Cast, deals: dict[str, int], api_as: MakeApi
) -> None:
    from revsight.crm.models import Opportunity

    history(
        Opportunity.objects.get(pk=deals["ann-1"]),
        ("", "Discovery", JAN_5),
        ("Discovery", "Proposal", FEB_2),
    )
    status, answer = api_as(cast.east_rep).get(f"/opportunities/{deals['ann-1']}/")
    assert status == 200
    assert (answer["owner"], answer["stage"], answer["amount"]) == (
        "ann@acme.test",
        "Proposal",
        "10000.00",
    )
    assert [
        (row["from_stage"], row["to_stage"], row["changed_at"]) for row in answer["stage_history"]
    ] == [
        (None, "Discovery", "2026-01-05T10:00:00Z"),
        ("Discovery", "Proposal", "2026-02-02T15:30:00Z"),
    ]


def test_lists_come_in_pages_with_the_count_of_all(
    cast: Cast, deals: dict[str, int], api_as: MakeApi
) -> None:
    api = api_as(cast.vp)
    first = api.get("/opportunities/", limit=3)[1]
    rest = api.get("/opportunities/", limit=3, offset=3)[1]
    assert (external_ids(first), first["count"], first["limit"]) == (["B1", "A1", "C1"], 4, 3)
    assert (external_ids(rest), rest["offset"]) == (["A2"], 3)


def test_lists_are_filtered_by_their_parameters(
    cast: Cast, deals: dict[str, int], api_as: MakeApi
) -> None:
    api = api_as(cast.vp)
    assert external_ids(api.get("/opportunities/", status="won")[1]) == ["A2"]
    assert external_ids(api.get("/opportunities/", owner="CARLA@acme.test")[1]) == ["C1"]
    window = api.get("/opportunities/", close_from="2026-03-01", close_to="2026-03-31")[1]
    assert external_ids(window) == ["A1", "C1"]
    assert external_ids(api.get("/opportunities/", external_id="B1")[1]) == ["B1"]


def test_a_bad_parameter_is_refused_naming_it(cast: Cast, api_as: MakeApi) -> None:
    status, answer = api_as(cast.vp).get("/opportunities/", status="maybe", limit=501)
    assert status == 400
    assert answer["error"]["fields"] == [
        {"path": "status", "message": "must be 'open', 'won' or 'lost'"},
        {"path": "limit", "message": "must be less than or equal to 500"},
    ]
    assert answer["error"]["message"] == "status must be 'open', 'won' or 'lost'"


def test_people_are_those_the_person_sees(cast: Cast, api_as: MakeApi) -> None:
    rep = api_as(cast.east_rep).get("/people/")[1]
    manager = api_as(cast.east_manager).get("/people/", role="salesperson")[1]
    assert [p["email"] for p in rep["items"]] == ["ann@acme.test"]
    assert [p["email"] for p in manager["items"]] == ["ann@acme.test", "ben@acme.test"]
    assert manager["items"][0]["team"] == "East"


def test_teams_are_those_managed_and_the_person_s_own(cast: Cast, api_as: MakeApi) -> None:
    assert [t["name"] for t in api_as(cast.east_rep).get("/teams/")[1]["items"]] == ["East"]
    vp_teams = api_as(cast.vp).get("/teams/")[1]["items"]
    assert [(t["name"], t["manager"]) for t in vp_teams] == [
        ("East", "east.manager@acme.test"),
        ("Sales", "vp@acme.test"),
        ("West", "west.manager@acme.test"),
    ]


def test_activities_and_accounts_follow_their_holder(cast: Cast, api_as: MakeApi) -> None:
    from revsight.crm.models import Account

    mine = Account.objects.create(
        source="crm", external_id="ACC1", name="Acme", owner=cast.east_rep
    )
    Account.objects.create(source="crm", external_id="ACC2", name="Globex", owner=cast.west_rep)
    activity(cast.east_rep, "ACT1", date(2026, 3, 2))
    activity(cast.west_rep, "ACT2", date(2026, 3, 3))
    api = api_as(cast.east_rep)
    assert [a["id"] for a in api.get("/accounts/")[1]["items"]] == [mine.pk]
    assert external_ids(api.get("/activities/")[1]) == ["ACT1"]
    assert external_ids(api.get("/activities/", date_from="2026-03-03")[1]) == []


def test_quotas_and_goals_are_those_of_people_and_teams_seen(cast: Cast, api_as: MakeApi) -> None:
    Quota.objects.create(user=cast.east_rep, month=date(2026, 3, 1), amount=50000)
    Quota.objects.create(user=cast.west_rep, month=date(2026, 3, 1), amount=60000)
    Goal.objects.create(metric="win_rate", scope="company", period="2026-Q1", target="0.3")
    Goal.objects.create(
        metric="bookings", scope="user", user=cast.west_rep, period="2026-Q1", target=1
    )
    api = api_as(cast.east_rep)
    quotas = api.get("/quotas/")[1]["items"]
    assert [(q["user"], q["month"], q["amount"]) for q in quotas] == [
        ("ann@acme.test", "2026-03-01", "50000.00")
    ]
    assert [(g["metric"], g["scope"]) for g in api.get("/goals/")[1]["items"]] == [
        ("win_rate", "company")
    ]
