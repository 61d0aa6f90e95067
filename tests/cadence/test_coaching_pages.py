"""The coaching pages: the team's month, a salesperson's history with the log and reply forms,
the edit form and the settings page; who may open and post what, and refused input shown
beside the form with nothing stored."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from revsight.cadence.models import CoachingEntry, CoachingReply, CoachingTarget
from revsight.core.models import Organisation
from tests.cadence.helpers import logged, on, stored
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db
LOG = {"do": "log", "date": "2026-06-03", "kind": "joint_call", "scheduled": "yes"}


@pytest.fixture(autouse=True)
def organisation(db: None) -> None:
    Organisation.current()


def test_the_team_page_lists_each_rep_against_the_pace_and_who_is_behind(cast: Cast) -> None:
    with on():
        logged(cast.east_manager, cast.east_rep, date(2026, 6, 3), skill="Closing")
        response = logged_in(cast.east_manager).get("/coaching/")
    assert response.status_code == 200
    data = response.context["data"]
    assert data.period.id == "2026-06"
    assert [(r.person.email, r.expected, r.joint_calls, r.behind) for r in data.rows] == [
        ("ann@acme.test", 1, 1, False),
        ("ben@acme.test", 1, 0, True),
    ]
    html = response.content.decode()
    assert "Ben (0 of 1 due)" in html
    assert [e.skill for e in data.recent] == ["Closing"]


def test_the_team_page_takes_a_month_and_a_team(cast: Cast) -> None:
    with on():
        logged(cast.vp, cast.west_rep, date(2026, 5, 6))
        response = logged_in(cast.vp).get(f"/coaching/?month=2026-05&team={cast.west.pk}")
        refused = logged_in(cast.east_manager).get(f"/coaching/?team={cast.west.pk}")
        bad = logged_in(cast.vp).get("/coaching/?month=2026-5x")
    rows = response.context["data"].rows
    assert [(r.person.email, r.expected, r.joint_calls) for r in rows] == [
        ("carla@acme.test", 2, 1)
    ]
    assert refused.status_code == 404
    assert bad.status_code == 400
    assert "month" in bad.content.decode()


def test_a_salesperson_is_sent_to_their_own_page_and_sees_only_their_own(cast: Cast) -> None:
    with on():
        logged(cast.east_manager, cast.east_rep, date(2026, 6, 3), notes="Good opening")
        logged(cast.east_manager, cast.east_rep2, date(2026, 6, 4), notes="Ben's secret")
        client = logged_in(cast.east_rep)
        landing = client.get("/coaching/?month=2026-06")
        own = client.get(f"/coaching/{cast.east_rep.pk}/")
        other = client.get(f"/coaching/{cast.east_rep2.pk}/")
    assert landing["Location"] == f"/coaching/{cast.east_rep.pk}/?month=2026-06"
    assert own.status_code == 200
    assert "Good opening" in own.content.decode()
    assert "Ben&#x27;s secret" not in own.content.decode()
    assert not own.context["may_log"]
    assert other.status_code == 404


def test_coaching_is_in_the_navigation_of_managers_and_salespeople_only(cast: Cast) -> None:
    def labels(user: Any) -> list[str]:
        response = logged_in(user).get("/organisation/")
        return [item["label"] for item in response.context["nav_items"]]

    assert "Coaching" in labels(cast.east_manager)
    assert "Coaching" in labels(cast.president)
    assert "Coaching" in labels(cast.east_rep)
    assert "Coaching" not in labels(cast.consultant)
    assert logged_in(cast.consultant).get("/coaching/").status_code == 403


def test_a_manager_logs_from_the_salespersons_page(cast: Cast) -> None:
    with on():
        response = logged_in(cast.east_manager).post(
            f"/coaching/{cast.east_rep.pk}/",
            LOG | {"skill": "Closing", "action": "Book the demo", "due": "2026-06-10"},
        )
    assert response.status_code == 302
    assert response["Location"] == f"/coaching/{cast.east_rep.pk}/?month=2026-06&logged=1"
    entry = CoachingEntry.objects.get()
    assert (entry.coach, entry.skill, entry.action_due) == (
        cast.east_manager,
        "Closing",
        date(2026, 6, 10),
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": "03/06/2026"}, "date"),
        ({"kind": "dinner"}, "kind"),
        ({"scheduled": "perhaps"}, "scheduled"),
        ({"skill": "Juggling"}, "skill"),
        ({"deal": "x"}, "deal"),
        ({"deal": "999"}, "deal"),
        ({"account": "999"}, "account"),
        ({"action": "Call back"}, "due"),
        ({"do": "dance"}, "do"),
    ],
)
def test_the_log_form_names_the_refused_field_and_stores_nothing(
    cast: Cast, change: dict[str, str], field: str
) -> None:
    before = stored()
    with on():
        response = logged_in(cast.east_manager).post(f"/coaching/{cast.east_rep.pk}/", LOG | change)
    assert response.status_code == 200
    assert response.context["error"].field == field
    assert "Nothing was saved" in response.content.decode()
    assert response.context["posted"]["kind"] == (LOG | change)["kind"]  # kept as typed
    assert stored() == before


def test_another_teams_manager_may_not_post_a_log(cast: Cast) -> None:
    before = stored()
    with on():
        response = logged_in(cast.west_manager).post(f"/coaching/{cast.east_rep.pk}/", LOG)
    assert response.status_code == 404  # not theirs to see at all
    assert stored() == before


def test_the_salesperson_replies_and_marks_the_action_done(cast: Cast) -> None:
    with on():
        entry = logged(
            cast.east_manager, cast.east_rep, date(2026, 6, 3), action="Rehearse", due="2026-06-09"
        )
        client = logged_in(cast.east_rep)
        url = f"/coaching/{cast.east_rep.pk}/"
        replied = client.post(url, {"do": "reply", "entry": entry.pk, "reply": "Booked it"})
        done = client.post(url, {"do": "done", "entry": entry.pk})
        before = stored()
        empty = client.post(url, {"do": "reply", "entry": entry.pk, "reply": " "})
        deleted = client.post(url, {"do": "delete", "entry": entry.pk})
        page = client.get(url)
    assert (replied.status_code, done.status_code) == (302, 302)
    assert CoachingReply.objects.get().text == "Booked it"
    assert CoachingEntry.objects.get().action_done
    assert empty.context["error"].field == "reply"
    assert deleted.status_code == 403  # a salesperson does not delete their coaching
    assert stored() == before
    assert "Booked it" in page.content.decode()


def test_a_manager_does_not_reply_but_edits_and_deletes(cast: Cast) -> None:
    with on():
        entry = logged(cast.east_manager, cast.east_rep, date(2026, 6, 3))
        client = logged_in(cast.east_manager)
        url = f"/coaching/{cast.east_rep.pk}/"
        reply = client.post(url, {"do": "reply", "entry": entry.pk, "reply": "Hi"})
        form = client.get(f"/coaching/entries/{entry.pk}/edit/")
        bad = client.post(f"/coaching/entries/{entry.pk}/edit/", LOG | {"date": "2026-07-01"})
        edited = client.post(
            f"/coaching/entries/{entry.pk}/edit/", LOG | {"kind": "role_play", "notes": "Pricing"}
        )
        other = logged_in(cast.west_manager).get(f"/coaching/entries/{entry.pk}/edit/")
        deleted = client.post(url, {"do": "delete", "entry": entry.pk})
    assert reply.status_code == 403
    assert form.context["posted"]["date"] == "2026-06-03"
    assert bad.context["error"].field == "date"
    assert edited["Location"] == f"/coaching/{cast.east_rep.pk}/?month=2026-06&saved=1"
    assert other.status_code == 404
    assert deleted.status_code == 302
    assert not CoachingEntry.objects.exists()


def test_the_settings_page_saves_skills_and_targets_for_executives_only(cast: Cast) -> None:
    client = logged_in(cast.president)
    assert client.get("/settings/coaching/").status_code == 200
    before = stored()
    refused = client.post(
        "/settings/coaching/",
        {"skills": "Closing", "joint_calls": "2", f"target-{cast.east_rep.pk}": "many"},
    )
    assert refused.context["error"].field == "target for Ann"
    assert stored() == before
    saved = client.post(
        "/settings/coaching/",
        {"skills": "Closing\nDiscovery", "joint_calls": "3", f"target-{cast.east_rep.pk}": "1"},
    )
    assert saved["Location"] == "/settings/coaching/?saved=1"
    assert CoachingTarget.objects.get().joint_calls_per_month == 1
    assert logged_in(cast.east_manager).get("/settings/coaching/").status_code == 403
