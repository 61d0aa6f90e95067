"""The Monday sales meeting's agenda: exact figures on a hand-built week, in the configured
order; who may open whose agenda and what of it they see on the page, in its PDF and Markdown,
at the command line and in the Monday email; the schedule at 07:00 local time."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner
from pypdf import PdfReader

from revsight.cadence import meeting
from revsight.cadence.meeting_models import MeetingSettings
from revsight.cadence.meeting_output import as_markdown
from revsight.cadence.meeting_services import save_settings
from revsight.cadence.priorities_models import Priority, WeeklyRecord
from revsight.cli import cli
from revsight.core.errors import InvalidInput, NotAllowed, NotFound
from revsight.core.models import AuditEntry, Organisation
from revsight.core.periods import parse
from revsight.crm.models import ForecastSubmission
from revsight.org.models import Quota
from revsight.planning import contest_services
from revsight.planning import training_services as training
from revsight.routine import preferences, schedules
from revsight.routine.models import Schedule
from tests.cadence.builders import deal
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db

# The meeting of Monday 15 June 2026 (2026-W25): figures at the end of Sunday 14 June, last
# week 8–14 June (2026-W24). June has 22 selling days, 10 gone by; the quarter (April to
# June) 65, 53 gone by.
WEEK = parse("2026-W25", date(2026, 6, 15))
JUNE = (date(2026, 4, 1), date(2026, 5, 1), date(2026, 6, 1))


def apr(day: int) -> date:
    return date(2026, 4, day)


def may(day: int) -> date:
    return date(2026, 5, day)


def jun(day: int) -> date:
    return date(2026, 6, day)


def jul(day: int) -> date:
    return date(2026, 7, day)


def at(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def commit(person: Any, category: str, amount: int, when: datetime) -> None:
    ForecastSubmission.objects.create(
        user=person,
        period_type="month",
        period_start=date(2026, 6, 1),
        category=category,
        amount=Decimal(amount),
        submitted_at=when,
    )


@pytest.fixture
def week(cast: Cast) -> Cast:
    """East: Ann and Ben (30,000 and 20,000 a month); West: Carla (40,000)."""
    for person, amount in ((cast.east_rep, 30000), (cast.east_rep2, 20000), (cast.west_rep, 40000)):
        for month in JUNE:
            Quota.objects.create(user=person, month=month, amount=Decimal(amount))
    ann, ben, carla, west = cast.east_rep, cast.east_rep2, cast.west_rep, cast.west
    for owner, name, created, stage, amount, was, now, moved in (
        # (owner, name, created, stage at the end, amount, close date, then, on the day moved)
        (ann, "Ann's Acme win", may(1), "Won", 12000, jun(30), jun(9), None),
        (ben, "Ben's Bolt win", may(10), "Won", 8000, jun(20), jun(11), None),
        (ann, "Ann's early June win", may(5), "Won", 5000, jun(5), jun(2), None),
        (ben, "Ben's May win", apr(1), "Won", 7000, may(31), may(20), None),
        (ann, "Ann's lost deal", may(3), "Lost", 9000, jun(25), jun(10), None),
        (ben, "Ben's slipping deal", apr(20), "Proposal", 15000, jun(26), jul(15), jun(12)),
        (ann, "Ann's pulled-in deal", apr(25), "Proposal", 6000, jul(10), jun(29), jun(10)),
        (carla, "Carla's whale", may(1), "Won", 64000, jun(30), jun(10), None),
    ):  # fmt: skip
        first = (created, "Proposal", amount, was)
        then = (moved or now, stage, amount, now)
        deal(owner, name, created, [first, then])
    for owner, name, created, close in (
        (ann, "Ann's new lead", jun(9), date(2026, 8, 30)),
        (ben, "Ben's new lead", jun(13), jun(30)),
    ):
        deal(
            owner, name, created, [(created, "Prospecting", 4000 if owner == ann else 3000, close)]
        )
    commit(ann, "commit", 45000, at(jun(5)))
    commit(ann, "best_case", 60000, at(jun(5)))
    commit(ann, "commit", 40000, at(jun(10)))
    commit(ben, "commit", 20000, at(jun(15)))  # Monday: after the agenda's Sunday
    record = WeeklyRecord.objects.create(week="2026-W24", team=cast.east, prepared_at=at(jun(12)))
    Priority.objects.create(
        record=record, text="Close the Bolt renewal", owner=ann, due=jun(19), position=1
    )
    Priority.objects.create(record=record, text="Book three demos", owner=ben, position=2)
    plan = training.save_plan(None, {"quarter": "2026-Q2", "team": cast.east, "title": "Q2"})
    for day, topic in ((jun(16), "Negotiating price"), (jun(23), "Close plans")):
        training.save_session(
            None,
            plan.pk,
            {
                "topic": topic,
                "date": day,
                "time": time(8, 30),
                "minutes": "60",
                "presenter": ann,
                "location": "Boardroom",
                "attendees": None,
            },
        )
    june = {"period": "2026-06"}
    contest_services.save(None, {**june, "name": "Most wins in June", "metric": "won_count"})
    contest_services.save(None, {**june, "name": "West push", "metric": "bookings", "team": west})
    return cast


def items(agenda: meeting.Agenda) -> dict[str, Any]:
    return {item["id"]: item for item in agenda.as_json()["items"]}


def test_the_agenda_states_every_figure_of_the_week(week: Cast) -> None:
    agenda = meeting.agenda(None, week.east, WEEK)
    document = agenda.as_json()
    assert (document["as_of"], document["last_week"], document["monday"]) == (
        "2026-06-14",
        "2026-W24",
        "2026-06-15",
    )
    found = items(agenda)
    assert list(found) == list(meeting.DEFAULT_ORDER)
    wins = found["wins"]
    assert (wins["count"], wins["amount"]) == (2, 20000.0)
    assert [(d["name"], d["amount"]) for d in wins["deals"]] == [
        ("Ann's Acme win", 12000.0),
        ("Ben's Bolt win", 8000.0),
    ]
    assert wins["top_booker_week"] == {"name": "Ann", "email": "ann@acme.test", "amount": 12000.0}
    assert wins["top_booker_month"]["amount"] == 17000.0
    week_row, month_row, quarter_row = found["numbers"]["rows"]
    assert week_row == {
        "label": "Last week",
        "period": "2026-W24",
        "bookings": 20000.0,
        "quota": 11666.67,  # 7 of June's 30 days of 50,000
        "attainment": 1.7143,
        "expected_to_date": 11666.67,
        "share_gone_by": 1.0,
        "gap": 8333.33,
    }
    assert month_row == {
        "label": "Month to date",
        "period": "2026-06",
        "bookings": 25000.0,
        "quota": 50000.0,
        "attainment": 0.5,
        "expected_to_date": 22727.27,  # 50,000 × 10 / 22 selling days
        "share_gone_by": 0.4545,
        "gap": 2272.73,
    }
    assert (quarter_row["bookings"], quarter_row["quota"]) == (32000.0, 150000.0)
    assert (quarter_row["expected_to_date"], quarter_row["gap"]) == (122307.69, -90307.69)
    pipeline = found["pipeline"]
    assert pipeline["month"] == "2026-06"
    assert pipeline["created"] == {"count": 2, "amount": 7000.0}
    assert pipeline["won"]["count"] == 2
    assert pipeline["won"]["amount"] == 20000.0
    assert pipeline["lost"] == {"count": 1, "amount": 9000.0}
    assert pipeline["slipped"]["count"] == 1
    assert pipeline["slipped"]["amount"] == 15000.0
    assert [d["name"] for d in pipeline["slipped"]["deals"]] == ["Ben's slipping deal"]
    assert pipeline["slipped"]["deals"][0]["close_date"] == "2026-07-15"
    assert [d["name"] for d in pipeline["moved_in"]["deals"]] == ["Ann's pulled-in deal"]
    assert pipeline["moved_in"]["amount"] == 6000.0
    assert found["forecast"] == {
        "id": "forecast",
        "title": "The month's forecast",
        "month": "2026-06",
        "quota": 50000.0,
        "booked": 25000.0,
        "commit": 40000.0,  # Ann's latest; Ben's came on Monday
        "best_case": 60000.0,
        "commit_vs_quota": 0.8,
        "submitted": 1,
        "forecasters": 2,
        "not_submitted": ["Ben"],
    }
    assert [p["text"] for p in found["focus"]["priorities"]] == [
        "Close the Bolt renewal",
        "Book three demos",
    ]
    assert found["training"]["this_week"] is True
    assert [(s["starts"], s["topic"]) for s in found["training"]["sessions"]] == [
        ("2026-06-16 08:30", "Negotiating price")
    ]
    [contest] = found["contests"]["contests"]  # the West push concerns West only
    assert contest["contest"] == "Most wins in June"
    assert [(p["rank"], p["name"], p["score"]) for p in contest["top"]] == [
        (1, "Ann", 2),
        (2, "Ben", 1),
        (2, "Carla", 1),
    ]


def test_without_a_session_this_week_the_training_moment_is_the_next_one(week: Cast) -> None:
    training_item = items(meeting.agenda(None, week.east, parse("2026-W24", date.min)))["training"]
    assert training_item["this_week"] is False
    assert [s["topic"] for s in training_item["sessions"]] == ["Negotiating price"]


def test_the_company_agenda_adds_every_team(week: Cast) -> None:
    found = items(meeting.agenda(None, None, WEEK))
    assert (found["wins"]["count"], found["wins"]["amount"]) == (3, 84000.0)
    assert found["numbers"]["rows"][1]["quota"] == 90000.0
    assert found["focus"]["priorities"] == []  # the company's week has no record
    assert [c["contest"] for c in found["contests"]["contests"]] == [
        "Most wins in June",
        "West push",
    ]


def test_the_settings_order_and_switch_the_items(week: Cast) -> None:
    order = ["forecast", "wins", "numbers", "pipeline", "focus", "training", "contests"]
    save_settings(week.president, order, ["forecast", "wins", "contests"])
    assert list(items(meeting.agenda(None, week.east, WEEK))) == ["forecast", "wins", "contests"]
    entry = AuditEntry.objects.get(action="cadence.meeting_settings")
    assert entry.actor == week.president
    assert "numbers (off)" in entry.summary


@pytest.mark.parametrize(
    ("order", "field", "value"),
    [
        (["wins", "numbers", "pipeline", "forecast", "focus", "training"], "items", "contests"),
        ([*meeting.DEFAULT_ORDER, "wins"], "items", "wins"),
        ([*meeting.DEFAULT_ORDER[:-1], "raffle"], "items", "raffle"),
    ],
)
def test_a_refused_order_names_the_field_and_saves_nothing(
    cast: Cast, order: list[str], field: str, value: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        save_settings(cast.admin, order, [])
    assert (refused.value.field, refused.value.value) == (field, value)
    assert not MeetingSettings.objects.exists()


def test_only_executives_and_administrators_change_the_agenda(cast: Cast) -> None:
    with pytest.raises(NotAllowed):
        save_settings(cast.east_manager, list(meeting.DEFAULT_ORDER), [])
    assert not MeetingSettings.objects.exists()


def test_the_settings_page_reorders_the_items(week: Cast) -> None:
    client = logged_in(week.admin)
    form = {f"position-{item}": str(7 - n) for n, item in enumerate(meeting.DEFAULT_ORDER)}
    form |= {"on-wins": "1", "on-contests": "1"}
    response = client.post("/settings/meeting/", form)
    assert response.status_code == 302
    assert [c.id for c in meeting.choices() if c.on] == ["contests", "wins"]
    refused = client.post("/settings/meeting/", {**form, "position-wins": "9"})
    assert refused.status_code == 200
    assert b"position-wins" in refused.content
    assert logged_in(week.east_manager).get("/settings/meeting/").status_code == 403


@pytest.mark.parametrize(
    ("who", "team", "status"),
    [
        ("east_manager", "east", 200),
        ("east_manager", "west", 404),
        ("vp", "west", 200),
        ("east_rep", "east", 200),
        ("east_rep", "west", 404),
        ("consultant", "east", 404),
        ("president", "west", 200),
    ],
)
def test_who_opens_whose_agenda(week: Cast, who: str, team: str, status: int) -> None:
    team_id = getattr(week, team).pk
    response = logged_in(getattr(week, who)).get(f"/cadence/monday/?team={team_id}&week=2026-W25")
    assert response.status_code == status


def test_a_manager_sees_every_deal_of_the_team(week: Cast) -> None:
    page = logged_in(week.east_manager).get(f"/cadence/monday/?team={week.east.pk}&week=2026-W25")
    text = page.content.decode()
    for shown in ("Ann&#x27;s Acme win", "Ben&#x27;s Bolt win", "Book three demos", "20,000"):
        assert shown in text
    assert "Carla" not in text.replace("Carla 1", "")  # only as a contest's standing
    assert "/records/won/?scope=team" in text


def test_a_salesperson_sees_the_team_figures_and_only_their_own_deals(week: Cast) -> None:
    page = logged_in(week.east_rep).get("/cadence/monday/?week=2026-W25")
    assert page.status_code == 200
    text = page.content.decode()
    assert "20,000" in text  # the team's wins
    assert "Ann&#x27;s Acme win" in text
    assert "Ben&#x27;s Bolt win" not in text
    assert "Ben&#x27;s slipping deal" not in text
    assert "Close the Bolt renewal" in text
    assert "Book three demos" not in text
    assert "/records/" not in text  # the team's lists are its managers'
    assert "Carla&#x27;s whale" not in text
    assert "64,000" not in text


def test_a_refused_week_names_the_field(week: Cast) -> None:
    page = logged_in(week.east_manager).get("/cadence/monday/?week=2026-06")
    assert page.status_code == 400
    assert b"week" in page.content


def test_the_pdf_is_one_page_with_the_bookings_figure(week: Cast) -> None:
    client = logged_in(week.east_manager)
    response = client.get(f"/cadence/monday.pdf?team={week.east.pk}&week=2026-W25")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "25,000" in text  # the month's bookings
    assert "Ben's Bolt win" in text


def test_a_salespersons_pdf_and_markdown_hold_what_they_see(week: Cast) -> None:
    client = logged_in(week.east_rep)
    pdf = client.get("/cadence/monday.pdf?week=2026-W25")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Ann's Acme win" in text
    assert "Ben's Bolt win" not in text
    markdown = client.get("/cadence/monday.md?week=2026-W25").content.decode()
    assert markdown.startswith("# Monday sales meeting — East, Monday 15 June 2026")
    assert "Ann's Acme win" in markdown
    assert "Ben's Bolt win" not in markdown


def test_the_markdown_links_each_item_to_its_records(week: Cast) -> None:
    text = as_markdown(meeting.agenda(None, week.east, WEEK), "https://revsight.example")
    assert "## 1. Wins and recognition" in text
    assert "## 7. Contest standings" in text
    assert (
        f"(https://revsight.example/records/won/?scope=team%2F{week.east.pk}&period=2026-W24"
        in text
    )
    assert "| [Month to date (2026-06)](https://revsight.example/records/won/" in text
    assert "25,000 USD" in text or "25,000 " in text


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["meeting", "monday", "--as-of", "2026-06-17", *args])
    return result.exit_code, result.output


def test_the_command_gives_the_document(week: Cast) -> None:
    code, output = run("--team", "east", "--format", "json")
    assert code == 0, output
    document = json.loads(output)
    assert document == meeting.agenda(None, week.east, WEEK).as_json()
    assert document["week"] == "2026-W25"


def test_the_command_refuses_a_team_naming_the_option(week: Cast) -> None:
    code, output = run("--team", "Eats")
    assert code == 2
    assert "--team 'Eats' is not a team with salespeople (did you mean 'East'?)" in output


def test_the_command_writes_the_pdf(week: Cast, tmp_path: Any) -> None:
    target = tmp_path / "monday.pdf"
    code, output = run("--team", "East", "--format", "pdf", "-o", str(target))
    assert code == 0, output
    assert len(PdfReader(target).pages) == 1


def test_a_team_the_viewer_does_not_manage_is_not_found(week: Cast) -> None:
    with pytest.raises(NotFound):
        meeting.team_by_id(week.east_manager, week.west.pk)
    assert meeting.team_by_id(week.east_rep, None) == week.east
    assert meeting.team_by_id(week.president, None) is None


# -- the Monday email ------------------------------------------------------------------------


@pytest.fixture
def in_zone(db: None) -> Callable[[str], Organisation]:
    """Put the organisation in a time zone."""

    def put(name: str) -> Organisation:
        organisation = Organisation.current()
        organisation.time_zone = name
        organisation.save()
        return organisation

    return put


def only_monday() -> None:
    for name, definition in schedules.DEFINITIONS.items():
        if name != "monday_meeting":
            Schedule.objects.create(
                name=name, enabled=False, weekday=definition.weekday, at=definition.at
            )


def test_the_agenda_is_due_on_monday_at_seven_local_time(in_zone: Callable[[str], object]) -> None:
    in_zone("Europe/Berlin")
    only_monday()
    due = [s.name for s, _ in schedules.due(datetime(2026, 6, 15, 4, 59, tzinfo=UTC))]
    assert due == []
    # 07:00 in Berlin in June (CEST, UTC+2) is 05:00 UTC.
    [(setting, occurrence)] = schedules.due(datetime(2026, 6, 15, 5, 0, tzinfo=UTC))
    assert setting.name == "monday_meeting"
    assert occurrence.isoformat() == "2026-06-15T07:00:00+02:00"


def by_recipient(outbox: list[Any]) -> dict[str, Any]:
    return {message.to[0]: message for message in outbox}


def test_each_team_gets_its_own_agenda_with_only_what_each_may_see(
    week: Cast, in_zone: Callable[[str], object], mailoutbox: list[Any]
) -> None:
    in_zone("Europe/Berlin")
    only_monday()
    preferences.set_opt_outs(week.west_manager, week.west_manager, ["monday_meeting"])
    with time_machine.travel(datetime(2026, 6, 15, 5, 0, 30, tzinfo=UTC), tick=False):
        [job] = schedules.tick()
    job.refresh_from_db()
    assert job.state == "done", job.error
    assert job.result["sent"] == {
        "East": ["east.manager@acme.test", "ann@acme.test", "ben@acme.test"],
        "Sales": ["vp@acme.test"],
        "West": ["carla@acme.test"],
    }
    assert job.result["opted_out"] == ["west.manager@acme.test"]
    sent = by_recipient(mailoutbox)
    ann = sent["ann@acme.test"]
    assert ann.subject == "Monday meeting 15 June: East"
    html = ann.alternatives[0][0]
    for body in (ann.body, html):
        assert "20,000" in body
        assert "Ann's Acme win" in body.replace("&#x27;", "'")
        assert "Ben's Bolt win" not in body.replace("&#x27;", "'")
        assert "Carla's whale" not in body.replace("&#x27;", "'")
        assert "64,000" not in body
    manager = sent["east.manager@acme.test"].body
    assert "Ben's Bolt win" in manager
    assert "Carla's whale" not in manager
    assert f"/cadence/monday/?team={week.east.pk}&week=2026-W25" in manager
    carla = sent["carla@acme.test"].body
    assert "Carla's whale" in carla
    assert "Ann's Acme win" not in carla


def test_the_navigation_offers_the_meeting_to_managers_and_above(week: Cast) -> None:
    def labels(person: Any) -> list[str]:
        response = logged_in(person).get("/cadence/monday/?week=2026-W25")
        return [item["label"] for item in response.context["nav_items"]]

    assert "Monday meeting" in labels(week.east_manager)
    assert "Monday meeting" in labels(week.president)
    assert "Monday meeting" not in labels(week.east_rep)  # opens it from the Monday email
