"""The discipline page per role (a salesperson sees only their own deals), the deal page with
its pause form, the rule settings page for executives and administrators, and the links to
them; bad input is shown naming the field and nothing is written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from revsight.cadence.discipline_models import DealPause, RuleParameter
from revsight.core import clock
from revsight.core.models import AuditEntry
from revsight.crm.models import Opportunity
from tests.cadence.builders import deal, stages
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db
AS_OF = "?as_of=2026-06-30"


@pytest.fixture
def deals(cast: Cast) -> dict[str, Opportunity]:
    made = {}
    for owner, name in [(cast.east_rep, "A1"), (cast.east_rep2, "B1"), (cast.west_rep, "C1")]:
        made[name] = deal(
            owner, name, date(2026, 4, 1), [(date(2026, 4, 1), "Proposal", 100, date(2026, 6, 1))]
        )
    return made


def names(response: object) -> list[str]:
    report = response.context["report"]  # type: ignore[attr-defined]
    return sorted({item.deal.name for item in report.findings})


@pytest.mark.parametrize(
    ("who", "query", "shown"),
    [
        ("east_rep", "", ["A1"]),
        ("east_manager", "", ["A1", "B1"]),
        ("vp", "", ["A1", "B1", "C1"]),
        ("president", "", ["A1", "B1", "C1"]),
        ("consultant", "", []),
        ("vp", "&team={west}", ["C1"]),
        ("east_manager", "&user={ben}", ["B1"]),
    ],
)
def test_each_role_sees_the_deals_of_the_people_they_see(
    cast: Cast, deals: dict[str, Opportunity], who: str, query: str, shown: list[str]
) -> None:
    address = "/discipline/" + AS_OF + query.format(west=cast.west.pk, ben=cast.east_rep2.pk)
    response = logged_in(getattr(cast, who)).get(address)
    assert response.status_code == 200
    assert names(response) == shown
    html = response.content.decode()
    for name in shown:
        assert f'href="/deals/{deals[name].pk}/?as_of=2026-06-30">{name}</a>' in html


def test_the_page_has_twelve_weeks_of_counts_and_the_chart(
    cast: Cast, deals: dict[str, Opportunity]
) -> None:
    response = logged_in(cast.east_rep).get("/discipline/" + AS_OF)
    report = response.context["report"]
    assert [p.week for p in report.trend][::11] == ["2026-W16", "2026-W27"]
    assert [p.counts["past_close_date"] for p in report.trend] == [0] * 7 + [1] * 5
    chart = response.context["chart"]
    past = next(t for t in chart["data"] if t["name"] == "past_close_date")
    assert past["y"] == [0] * 7 + [1] * 5
    assert 'id="fig-trend"' in response.content.decode()


@pytest.mark.parametrize(
    ("who", "query"),
    [("east_rep", "?team={east}"), ("east_manager", "?team={west}"), ("east_rep", "?user={ben}")],
)
def test_a_team_or_person_out_of_sight_is_not_found(cast: Cast, who: str, query: str) -> None:
    address = "/discipline/" + query.format(
        east=cast.east.pk, west=cast.west.pk, ben=cast.east_rep2.pk
    )
    assert logged_in(getattr(cast, who)).get(address).status_code == 404


@pytest.mark.parametrize("query", ["?team=west", "?user=0", "?as_of=2026-13-01"])
def test_bad_parameters_are_a_bad_request(cast: Cast, query: str) -> None:
    response = logged_in(cast.vp).get("/discipline/" + query)
    assert response.status_code == 400


def test_the_navigation_links_the_page_and_the_settings_link_the_rules(cast: Cast) -> None:
    assert 'href="/discipline/"' in logged_in(cast.east_rep).get("/profile/").content.decode()
    settings = logged_in(cast.admin).get("/settings/stages/").content.decode()
    assert 'href="/settings/discipline/"' in settings


def test_a_deal_page_shows_its_findings_and_is_only_for_who_sees_the_deal(
    cast: Cast, deals: dict[str, Opportunity]
) -> None:
    page = logged_in(cast.east_rep).get(f"/deals/{deals['A1'].pk}/" + AS_OF)
    assert page.status_code == 200
    assert [i.rule for i in page.context["findings"]] == ["no_recent_activity", "past_close_date"]
    assert "expected to close 2026-06-01, 29 days ago" in page.content.decode()
    assert logged_in(cast.east_rep).get(f"/deals/{deals['B1'].pk}/").status_code == 404
    assert logged_in(cast.east_manager).get(f"/deals/{deals['B1'].pk}/").status_code == 200


def test_the_deal_page_pauses_and_resumes(cast: Cast, deals: dict[str, Opportunity]) -> None:
    client = logged_in(cast.east_rep)
    address = f"/deals/{deals['A1'].pk}/"
    answer = client.post(
        address, {"action": "pause", "reason": "Buyer on leave", "resume_on": "2999-01-01"}
    )
    assert answer.status_code == 200  # shown again with the error
    assert "must be within 366 days of today" in answer.content.decode()
    assert not DealPause.objects.exists()
    resume_on = (clock.today() + timedelta(days=10)).isoformat()
    answer = client.post(
        address, {"action": "pause", "reason": "Buyer on leave", "resume_on": resume_on}
    )
    assert answer.status_code == 302
    pause = DealPause.objects.get()
    assert (pause.reason, pause.resume_on.isoformat(), pause.paused_by) == (
        "Buyer on leave",
        resume_on,
        cast.east_rep,
    )
    page = client.get(address)
    assert page.context["findings"] == []
    assert "Paused: left out of every rule until" in page.content.decode()
    assert client.post(address, {"action": "resume"}).status_code == 302
    assert DealPause.objects.get().resumed_on == clock.today()
    assert AuditEntry.objects.filter(action__startswith="cadence.").count() == 2


def test_pausing_someone_else_s_deal_is_refused(cast: Cast, deals: dict[str, Opportunity]) -> None:
    client = logged_in(cast.west_manager)
    deal_b = deals["B1"]
    assert (
        client.post(
            f"/deals/{deal_b.pk}/", {"action": "pause", "reason": "x", "resume_on": "2026-07-01"}
        ).status_code
        == 404
    )
    assert not DealPause.objects.exists()


@pytest.mark.parametrize("who", ["admin", "president"])
def test_the_settings_page_shows_the_parameters_and_the_computed_defaults(
    cast: Cast, who: str
) -> None:
    stages()
    page = logged_in(getattr(cast, who)).get("/settings/discipline/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="no_recent_activity.days"' in html
    assert f'name="stale_in_stage.days.{stages()["Proposal"].pk}"' in html
    assert "none (no deal won through it in 12 months)" in html


@pytest.mark.parametrize("who", ["east_manager", "vp", "east_rep"])
def test_the_settings_page_is_for_executives_and_administrators(cast: Cast, who: str) -> None:
    assert logged_in(getattr(cast, who)).get("/settings/discipline/").status_code == 403


def test_the_settings_page_saves_and_refuses_bad_values(cast: Cast) -> None:
    proposal = stages()["Proposal"]
    client = logged_in(cast.admin)
    bad = client.post(
        "/settings/discipline/",
        {"no_recent_activity.days": "21", f"stale_in_stage.days.{proposal.pk}": "soon"},
    )
    assert bad.status_code == 200
    assert "stale_in_stage.days[Proposal]" in bad.content.decode()
    assert "must be a whole number" in bad.content.decode()
    assert not RuleParameter.objects.exists()
    good = client.post(
        "/settings/discipline/",
        {"no_recent_activity.days": "21", f"stale_in_stage.days.{proposal.pk}": "40"},
    )
    assert good.status_code == 302
    assert sorted(RuleParameter.objects.values_list("rule", "name", "stage_id", "value")) == [
        ("no_recent_activity", "days", None, 21),
        ("stale_in_stage", "days", proposal.pk, 40),
    ]
    assert AuditEntry.objects.filter(action="cadence.parameters", actor=cast.admin).count() == 1
