"""The weekly priorities: a team's week drawn from the data with exact figures (March 2026 of
tests/analytics/fixtures.build_sales, worked out by hand), the priorities agreed for the week
after and their outcomes, what carries forward, who may do what, refused input that names the
field and stores nothing, Friday's job at noon local time and its emails, which hold only the
recipient's teams, the pages and the command line."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner

from revsight.cadence import priorities_services as priorities
from revsight.cadence.priorities_models import Priority, WeeklyRecord
from revsight.cli import cli
from revsight.core import periods
from revsight.core.errors import InvalidInput, NotAllowed
from revsight.core.models import AuditEntry
from revsight.routine import priorities as friday
from revsight.routine import schedules
from revsight.routine.models import Schedule
from tests.analytics.fixtures import build_sales
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db

W10, W11, W12 = (periods.parse(w, date.min) for w in ("2026-W10", "2026-W11", "2026-W12"))


@pytest.fixture(autouse=True)
def sales(cast: Cast) -> Cast:
    build_sales(cast)
    return cast


def drawn_for(team: Any, week: periods.Period, as_of: date) -> dict[str, Any]:
    """Figures told apart by team, for the tests of what is done with them: drawing the real
    ones takes seconds, and the tests above check them."""
    booked = 1000.0 * len(team.name if team else "company")
    return {
        "week": week.id,
        "as_of": as_of.isoformat(),
        "bookings": {
            "week": booked, "week_quota": 0.0, "month": booked, "month_quota": 0.0,
            "month_quota_to_date": 0.0, "won_count": 0, "lost_count": 0,
            "opportunities_created": 0, "pipeline_created": 0.0, "month_id": "2026-03",
        },
        "won": [], "lost": [], "slipped": {"count": 0, "amount": 0.0, "deals": []},
        "below_standard": [], "discipline": {"rules": []},
        "forecast": {"month_id": "2026-03", "commit": 0.0, "commit_last_week": 0.0,
                     "changes": []},
        "coaching": {"month_id": "2026-03", "behind": []},
    }  # fmt: skip


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(priorities, "figures", drawn_for)


def test_the_week_holds_bookings_against_the_quota_and_the_deals_decided(cast: Cast) -> None:
    drawn = priorities.prepare(None, cast.east, W11, date(2026, 3, 15)).figures

    assert drawn["bookings"] == {
        "week": 10000.0,  # Ann's Globex expansion, won on 10 March
        "week_quota": round(90000 * 7 / 31, 2),  # Ann's 50,000 and Ben's 40,000, 7 days of 31
        "month": 10000.0,
        "month_quota": 90000.0,
        "month_quota_to_date": round(90000 * 15 / 31, 2),
        "won_count": 1,
        "lost_count": 1,
        "opportunities_created": 0,
        "pipeline_created": 0.0,
        "month_id": "2026-03",
    }
    assert [(d["name"], d["amount"]) for d in drawn["won"]] == [("Globex expansion", 10000.0)]
    assert [(d["owner"], d["amount"]) for d in drawn["lost"]] == [("ben@acme.test", 5000.0)]
    assert drawn["slipped"] == {"count": 0, "amount": 0.0, "deals": []}


def test_a_deal_pushed_out_of_the_month_during_the_week_is_a_problem(cast: Cast) -> None:
    drawn = priorities.prepare(None, cast.east, W12, date(2026, 3, 22)).figures

    # Ann's deal due on 28 March moved to 15 April on the 20th: 40,000 as it stood before.
    assert drawn["slipped"]["count"] == 1
    assert drawn["slipped"]["amount"] == 40000.0
    assert [d["name"] for d in drawn["slipped"]["deals"]] == ["Pushed deal"]


def test_the_months_commit_is_set_beside_last_weeks_with_who_changed_it(cast: Cast) -> None:
    drawn = priorities.prepare(None, cast.east, W10, date(2026, 3, 8)).figures

    assert drawn["forecast"]["commit"] == 55000.0  # Ann 45,000 (5 March) and Ben 10,000
    assert drawn["forecast"]["commit_last_week"] == 45000.0  # Ann's 35,000 of 27 February
    assert drawn["forecast"]["changes"] == [
        {"email": "ann@acme.test", "name": "Ann", "was": 35000.0, "now": 45000.0}
    ]


def test_the_company_week_pools_every_team(cast: Cast) -> None:
    drawn = priorities.prepare(cast.president, None, W11, date(2026, 3, 15)).figures

    assert drawn["bookings"]["month_quota"] == 90000.0
    assert drawn["bookings"]["lost_count"] == 1


# -- priorities and what carries forward -----------------------------------------------------


def agree(record: WeeklyRecord, *texts: str) -> list[Priority]:
    return [
        priorities.add_priority(None, record.pk, {"text": t, "owner": "ann@acme.test"})
        for t in texts
    ]


@pytest.mark.usefixtures("quick")
def test_preparing_a_week_carries_forward_what_the_week_before_left_unfinished(
    cast: Cast,
) -> None:
    w10 = priorities.prepare(None, cast.east, W10, date(2026, 3, 6))
    done, missed, untouched = agree(w10, "Close Globex", "Book three demos", "Clean the CRM")
    priorities.set_outcome(None, done.pk, "done")
    priorities.set_outcome(None, missed.pk, "not_done", "Two booked")

    w11 = priorities.prepare(None, cast.east, W11, date(2026, 3, 13))
    shown = priorities.week_of(None, w11)

    assert [p.text for p in shown.this_week] == [
        "Close Globex",
        "Book three demos",
        "Clean the CRM",
    ]
    carried = [(p.text, p.carried_from_id, p.outcome) for p in shown.next_week]
    assert carried == [
        ("Book three demos", missed.pk, "open"),
        ("Clean the CRM", untouched.pk, "open"),
    ]
    assert priorities.agreed_for(None, cast.east, W11) == shown.this_week


@pytest.mark.usefixtures("quick")
def test_an_outcome_set_later_removes_or_brings_back_the_carried_copy(cast: Cast) -> None:
    w10 = priorities.prepare(None, cast.east, W10, date(2026, 3, 6))
    (task,) = agree(w10, "Book three demos")
    w11 = priorities.prepare(None, cast.east, W11, date(2026, 3, 13))
    assert w11.priorities.filter(carried_from=task).count() == 1

    priorities.set_outcome(None, task.pk, "done")
    assert not w11.priorities.filter(carried_from=task).exists()
    priorities.set_outcome(None, task.pk, "partly", "One of three")
    assert w11.priorities.filter(carried_from=task).count() == 1
    priorities.prepare(None, cast.east, W11, date(2026, 3, 13))  # drawn again: no second copy
    assert w11.priorities.filter(carried_from=task).count() == 1


@pytest.mark.usefixtures("quick")
def test_preparing_and_agreeing_are_in_the_audit_log(cast: Cast) -> None:
    record = priorities.prepare(cast.east_manager, cast.east, W11, date(2026, 3, 13))
    agree(record, "Close Globex")

    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["cadence.week_prepared", "cadence.priority_added"]


@pytest.mark.usefixtures("quick")
def test_managers_prepare_their_teams_week_and_executives_the_companys(cast: Cast) -> None:
    priorities.prepare(cast.east_manager, cast.east, W11, date(2026, 3, 13))
    for actor, team in (
        (cast.west_manager, cast.east),
        (cast.east_rep, cast.east),
        (cast.east_manager, None),
    ):
        with pytest.raises(NotAllowed):
            priorities.prepare(actor, team, W11, date(2026, 3, 13))

    assert WeeklyRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("text", "field", "message"),
    [
        ({"text": ""}, "text", "is required: what is to be done"),
        ({"text": "x" * 301}, "text", "is longer than 300 characters"),
        ({"text": "Demo", "owner": "carla@acme.test"}, "owner", "is not in East"),
        ({"text": "Demo", "owner": "nobody@acme.test"}, "owner", "is not a person"),
        ({"text": "Demo", "due": "2026-03-01"}, "due", "is before the week it is agreed in"),
        ({"text": "Demo", "due": "1 April"}, "due", "must be a date such as"),
    ],
)
@pytest.mark.usefixtures("quick")
def test_a_refused_priority_names_the_field_and_stores_nothing(
    cast: Cast, text: dict[str, Any], field: str, message: str
) -> None:
    record = priorities.prepare(None, cast.east, W11, date(2026, 3, 13))
    entries = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as e:
        priorities.add_priority(cast.east_manager, record.pk, text)

    assert e.value.field == field
    assert message in str(e.value)
    assert not Priority.objects.exists()
    assert AuditEntry.objects.count() == entries


@pytest.mark.usefixtures("quick")
def test_an_unknown_outcome_is_refused(cast: Cast) -> None:
    record = priorities.prepare(None, cast.east, W10, date(2026, 3, 6))
    (task,) = agree(record, "Close Globex")
    with pytest.raises(InvalidInput) as e:
        priorities.set_outcome(None, task.pk, "maybe")

    assert str(e.value).startswith("outcome ('maybe') must be one of: open, done, partly")
    assert Priority.objects.get().outcome == "open"


@pytest.mark.usefixtures("quick")
def test_the_owner_of_a_priority_sees_it_and_nobody_else_of_the_team(cast: Cast) -> None:
    from revsight.access.visibility import scope

    record = priorities.prepare(None, cast.east, W10, date(2026, 3, 6))
    agree(record, "Close Globex")

    assert scope(cast.east_rep, Priority.objects.all()).count() == 1
    assert scope(cast.east_rep2, Priority.objects.all()).count() == 0
    assert scope(cast.east_rep, WeeklyRecord.objects.all()).count() == 0


# -- Friday's job ----------------------------------------------------------------------------


def test_the_week_is_prepared_on_friday_at_noon_local_time(cast: Cast) -> None:
    from revsight.core.models import Organisation

    organisation = Organisation.current()
    organisation.time_zone = "America/New_York"
    organisation.save()
    for other, definition in schedules.DEFINITIONS.items():
        if other != "priorities":
            Schedule.objects.create(
                name=other, enabled=False, weekday=definition.weekday, at=definition.at
            )

    def due(now: datetime) -> list[str]:
        return [setting.name for setting, _ in schedules.due(now)]

    # Friday 13 March 2026, noon in New York (EDT since the 8th) is 16:00 UTC.
    assert due(datetime(2026, 3, 13, 15, 59, tzinfo=UTC)) == []
    assert due(datetime(2026, 3, 13, 16, 0, tzinfo=UTC)) == ["priorities"]


@pytest.mark.usefixtures("quick")
def test_fridays_job_prepares_every_team_and_emails_each_only_its_own(
    cast: Cast, mailoutbox: list[Any]
) -> None:
    with time_machine.travel("2026-03-13 16:00Z", tick=False):
        done = friday.prepare_all(datetime(2026, 3, 13, 12, 0, tzinfo=UTC))

    assert done["week"] == "2026-W11"
    assert done["prepared"] == ["company", "East", "Sales", "West"]
    assert WeeklyRecord.objects.count() == 4
    by_person: dict[str, list[str]] = {}
    for message in mailoutbox:
        by_person.setdefault(message.to[0], []).append(message.subject)
    assert sorted(by_person) == [
        "east.manager@acme.test",
        "president@acme.test",
        "vp@acme.test",
        "west.manager@acme.test",
    ]
    assert len(by_person["president@acme.test"]) == 4
    assert by_person["east.manager@acme.test"] == [
        "2026-W11 · East: the week and next week's priorities"
    ]
    east = next(m for m in mailoutbox if m.to == ["east.manager@acme.test"])
    assert "Booked this week: 4,000" in east.body  # East's figures (see drawn_for) ...
    assert "West" not in east.body
    assert "Booked this week: 7,000" not in east.body  # ... not the company's


# -- the pages and the command line ----------------------------------------------------------


@pytest.mark.usefixtures("quick")
def test_the_record_page_agrees_a_priority_and_refuses_a_bad_one(cast: Cast) -> None:
    record = priorities.prepare(None, cast.east, W11, date(2026, 3, 13))
    client = logged_in(cast.east_manager)
    url = f"/priorities/{record.pk}/"

    page = client.get(url)
    added = client.post(url, {"do": "add", "text": "Close Initech", "owner": cast.east_rep.pk})
    refused = client.post(url, {"do": "add", "text": "", "owner": ""})

    assert page.status_code == 200
    assert "Booked this week" in page.content.decode()
    assert added.status_code == 302
    assert refused.status_code == 200
    assert "is required: what is to be done" in refused.content.decode()
    assert [p.text for p in Priority.objects.all()] == ["Close Initech"]


@pytest.mark.usefixtures("quick")
def test_a_salesperson_and_another_teams_manager_do_not_open_the_week(cast: Cast) -> None:
    record = priorities.prepare(None, cast.east, W11, date(2026, 3, 13))

    assert logged_in(cast.east_rep).get("/priorities/").status_code == 403
    assert logged_in(cast.west_manager).get(f"/priorities/{record.pk}/").status_code == 404


def test_the_command_line_prepares_and_shows_the_week_as_json(cast: Cast) -> None:
    runner = CliRunner()
    made = runner.invoke(
        cli,
        ["priorities", "prepare", "--team", "East", "--week", "2026-W11", "--as-of", "2026-03-15"],
    )
    shown = runner.invoke(
        cli, ["priorities", "show", "--team", "East", "--week", "2026-W11", "--format", "json"]
    )

    assert made.exit_code == 0, made.output
    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.output)
    assert (document["week"], document["team"]) == ("2026-W11", "East")
    assert document["figures"]["bookings"]["week"] == 10000.0
