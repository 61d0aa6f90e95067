"""Quarterly training plans: sessions at their local time in the organisation's zone, the
calendar files read back by a calendar parser (icalendar), attendance, copying a plan to the
next quarter, who may plan and who delivers, refused input that names the field and stores
nothing, the pages and the command line."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from click.testing import CliRunner

from revsight.cli import cli
from revsight.core.errors import InvalidInput, NotAllowed, NotFound
from revsight.core.models import AuditEntry, Organisation
from revsight.org.models import Role, User
from revsight.planning import training_calendar
from revsight.planning import training_services as training
from revsight.planning.models import Attendance, TrainingPlan, TrainingSession
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
# Mid-January 2027: the first quarter's sessions are ahead, none has begun.
BEFORE_Q1 = "2027-01-02 12:00Z"


@pytest.fixture(autouse=True)
def in_new_york(cast: Cast) -> Cast:
    organisation = Organisation.current()
    organisation.time_zone = "America/New_York"
    organisation.save()
    return cast


def make_plan(team: Any, quarter: str = "2027-Q1", actor: User | None = None) -> TrainingPlan:
    return training.save_plan(actor, {"quarter": quarter, "team": team, "title": "Close better"})


def add(found: TrainingPlan, actor: User | None = None, **fields: Any) -> TrainingSession:
    text = {
        "topic": "Discovery questions",
        "date": "2027-01-12",
        "time": "09:00",
        "minutes": "90",
        "presenter": "ann@acme.test",
        "location": "Boardroom",
        **fields,
    }
    return training.save_session(actor, found.pk, text)


def invited(found: TrainingSession) -> list[str]:
    return sorted(found.attendance.values_list("person__email", flat=True))


# -- sessions at local time ------------------------------------------------------------------


def test_a_session_is_stored_at_its_local_time_on_either_side_of_a_daylight_saving_change(
    cast: Cast,
) -> None:
    found = make_plan(cast.east)
    winter = add(found, date="2027-03-09", time="09:00")  # EST, UTC-5
    summer = add(found, date="2027-03-16", time="09:00")  # EDT from 14 March, UTC-4

    assert winter.starts_at == datetime(2027, 3, 9, 14, 0, tzinfo=ZoneInfo("UTC"))
    assert summer.starts_at == datetime(2027, 3, 16, 13, 0, tzinfo=ZoneInfo("UTC"))


def test_a_session_invites_the_teams_salespeople_unless_told_whom(cast: Cast) -> None:
    found = make_plan(cast.east)

    everyone = add(found, attendees=None)
    chosen = add(found, attendees=["ben@acme.test"])

    assert invited(everyone) == ["ann@acme.test", "ben@acme.test"]
    assert invited(chosen) == ["ben@acme.test"]


def test_someone_in_the_firm_without_a_login_may_deliver_a_session(cast: Cast) -> None:
    found = add(make_plan(cast.east), presenter="Priya Raman, product marketing")

    assert found.presenter is None
    assert training.presenter_label(found) == "Priya Raman, product marketing"


# -- the calendar files ----------------------------------------------------------------------


def parsed(body: bytes) -> icalendar.Calendar:
    return icalendar.Calendar.from_ical(body)


def test_the_plans_calendar_file_gives_each_session_at_its_local_time_with_its_people(
    cast: Cast,
) -> None:
    found = make_plan(cast.east)
    first = add(found, date="2027-03-09", time="09:00", minutes="90")
    add(found, topic="Negotiation", date="2027-03-16", time="14:30", minutes="60")

    calendar = parsed(training_calendar.plan_ics(found))
    events = sorted(calendar.walk("VEVENT"), key=lambda e: e.start)

    assert [e["SUMMARY"] for e in events] == ["Discovery questions", "Negotiation"]
    assert [e.start for e in events] == [
        datetime(2027, 3, 9, 9, 0, tzinfo=NEW_YORK),
        datetime(2027, 3, 16, 14, 30, tzinfo=NEW_YORK),
    ]
    assert [str(e.start.tzinfo) for e in events] == ["America/New_York"] * 2
    assert [e.end - e.start for e in events] == [timedelta(minutes=90), timedelta(minutes=60)]
    assert [e.start.utcoffset() for e in events] == [timedelta(hours=-5), timedelta(hours=-4)]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["America/New_York"]
    assert str(events[0]["UID"]) == f"training-session-{first.pk}@revsight"
    assert events[0]["LOCATION"] == "Boardroom"
    people = sorted(str(a) for a in events[0]["ATTENDEE"])
    assert people == ["mailto:ann@acme.test", "mailto:ann@acme.test", "mailto:ben@acme.test"]
    chair = [a for a in events[0]["ATTENDEE"] if a.params["ROLE"] == "CHAIR"]
    assert [str(a) for a in chair] == ["mailto:ann@acme.test"]


def test_the_same_plan_gives_the_same_file(cast: Cast) -> None:
    found = make_plan(cast.east)
    add(found)

    assert training_calendar.plan_ics(found) == training_calendar.plan_ics(found)


def test_a_persons_calendar_holds_the_sessions_they_attend_or_deliver_and_no_others(
    cast: Cast,
) -> None:
    east, west = make_plan(cast.east), make_plan(cast.west)
    add(east, topic="Attends", presenter="Priya Raman")
    add(east, topic="Delivers", presenter="carla@acme.test", attendees=["ben@acme.test"])
    add(west, topic="West only", presenter="Priya Raman")

    carla = parsed(training_calendar.person_ics(cast.west_rep))
    ann = parsed(training_calendar.person_ics(cast.east_rep))

    assert sorted(e["SUMMARY"] for e in carla.walk("VEVENT")) == ["Delivers", "West only"]
    assert sorted(e["SUMMARY"] for e in ann.walk("VEVENT")) == ["Attends"]


# -- attendance ------------------------------------------------------------------------------


def test_attendance_marks_everyone_invited_present_or_absent_with_an_audit_entry(
    cast: Cast,
) -> None:
    found = add(make_plan(cast.east), date="2027-01-12")
    with time_machine.travel("2027-01-12 16:00Z", tick=False):
        training.record_attendance(cast.east_manager, found.pk, [str(cast.east_rep.pk)])

    marks = dict(found.attendance.values_list("person__email", "attended"))
    assert marks == {"ann@acme.test": True, "ben@acme.test": False}
    entry = AuditEntry.objects.get(action="planning.training_attendance")
    assert entry.details == {"present": ["ann@acme.test"], "absent": ["ben@acme.test"]}


def test_the_presenter_records_attendance_and_another_salesperson_may_not(cast: Cast) -> None:
    found = add(make_plan(cast.east), presenter="carla@acme.test")
    with time_machine.travel("2027-01-12 16:00Z", tick=False):
        training.record_attendance(cast.west_rep, found.pk, ["ann@acme.test", "ben@acme.test"])
        with pytest.raises(NotAllowed):
            training.record_attendance(cast.east_rep2, found.pk, [])

    assert found.attendance.filter(attended=True).count() == 2


def test_attendance_waits_for_the_session_to_begin(cast: Cast) -> None:
    found = add(make_plan(cast.east), date="2027-01-12", time="09:00")
    with time_machine.travel("2027-01-12 13:59Z", tick=False), pytest.raises(InvalidInput) as e:
        training.record_attendance(cast.east_manager, found.pk, [])

    assert e.value.field == "attendance"
    assert "once the session has begun" in str(e.value)
    assert not found.attendance.exclude(attended=None).exists()


def test_attendance_of_someone_not_invited_is_refused_and_nothing_is_recorded(
    cast: Cast,
) -> None:
    found = add(make_plan(cast.east), attendees=["ann@acme.test"])
    with time_machine.travel("2027-01-13 12:00Z", tick=False), pytest.raises(InvalidInput) as e:
        training.record_attendance(None, found.pk, ["ann@acme.test", "ben@acme.test"])

    assert str(e.value) == "attendance ('ben@acme.test') was not invited to this session"
    assert list(found.attendance.values_list("attended", flat=True)) == [None]


# -- copying forward -------------------------------------------------------------------------


def test_copying_forward_keeps_weekday_and_local_time_thirteen_weeks_later(cast: Cast) -> None:
    found = make_plan(cast.east)
    add(found, topic="January", date="2027-01-05", time="09:00")  # a Tuesday, EST
    add(found, topic="End", date="2027-03-31", time="16:00")  # a Wednesday, EDT

    copy = training.copy_forward(cast.east_manager, found.pk)

    moved = {s.topic: s.starts_at.astimezone(NEW_YORK) for s in copy.sessions.all()}
    assert copy.quarter == "2027-Q2"
    assert copy.team == cast.east
    assert copy.copied_from == found
    assert moved == {
        "January": datetime(2027, 4, 6, 9, 0, tzinfo=NEW_YORK),
        "End": datetime(2027, 6, 30, 16, 0, tzinfo=NEW_YORK),
    }
    assert not Attendance.objects.filter(session__plan=copy).exclude(attended=None).exists()


def test_a_session_that_would_fall_after_the_next_quarter_moves_a_week_back(
    cast: Cast,
) -> None:
    found = make_plan(cast.east, quarter="2026-Q4")
    training.save_session(
        None,
        found.pk,
        {
            "topic": "Year end",
            "date": "2026-12-31",
            "time": "10:00",
            "minutes": "60",
            "presenter": "ann@acme.test",
        },
    )

    copy = training.copy_forward(None, found.pk)

    (moved,) = copy.sessions.all()
    assert moved.starts_at.astimezone(NEW_YORK) == datetime(2027, 3, 25, 10, 0, tzinfo=NEW_YORK)


def test_copying_forward_leaves_out_who_has_left_and_refuses_a_second_copy(cast: Cast) -> None:
    found = make_plan(cast.east)
    add(found)
    cast.east_rep2.end_date = date(2027, 3, 31)
    cast.east_rep2.save()

    copy = training.copy_forward(None, found.pk)
    with pytest.raises(InvalidInput) as e:
        training.copy_forward(None, found.pk)

    assert invited(copy.sessions.get()) == ["ann@acme.test"]
    assert str(e.value) == "quarter ('2027-Q2') already has a training plan for East"
    assert TrainingPlan.objects.count() == 2


# -- who plans, who delivers -----------------------------------------------------------------


def test_the_manager_plans_and_may_not_deliver_a_session_of_their_teams_plan(cast: Cast) -> None:
    found = make_plan(cast.east, actor=cast.east_manager)
    with pytest.raises(InvalidInput) as e:
        add(found, cast.east_manager, presenter="east.manager@acme.test")

    assert e.value.field == "presenter"
    assert "the manager plans the training" in str(e.value)
    assert not TrainingSession.objects.exists()


def test_a_salesperson_makes_no_plan_and_a_manager_none_for_another_team(cast: Cast) -> None:
    east = make_plan(cast.east)
    with pytest.raises(NotAllowed):
        make_plan(cast.east, quarter="2027-Q2", actor=cast.east_rep)
    with pytest.raises(NotAllowed):
        make_plan(None, actor=cast.east_manager)
    with pytest.raises(NotFound):  # another team's plan is not theirs to see
        add(east, cast.west_manager)
    make_plan(None, actor=cast.president)

    assert TrainingPlan.objects.count() == 2
    assert not TrainingSession.objects.exists()


def test_a_manager_invites_only_people_of_the_teams_they_manage(cast: Cast) -> None:
    found = make_plan(cast.east)
    with pytest.raises(InvalidInput) as e:
        add(found, cast.east_manager, attendees=["ann@acme.test", "carla@acme.test"])

    assert str(e.value) == (
        "attendees ('carla@acme.test') is not in a team you manage: invite your own"
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("topic", "", "is required: what the session teaches"),
        ("date", "2027-04-01", "is outside the plan's quarter 2027-Q1 (2027-01-01 to 2027-03-31)"),
        ("date", "12/01/2027", "must be a date such as 2027-01-14"),
        ("time", "9am", "is not a time of day such as 09:00"),
        ("minutes", "0", "must be between 5 and 480 minutes"),
        ("minutes", "1.5", "must be a whole number of minutes, such as 60"),
        ("presenter", "nobody@acme.test", "is not a person of the organisation"),
        ("presenter", "", "is required: who delivers it: a person's email, or a name"),
        ("attendees", ["zed@acme.test"], "is not a person of the organisation"),
    ],
)
def test_a_refused_session_names_the_field_and_stores_nothing(
    cast: Cast, field: str, value: Any, message: str
) -> None:
    found = make_plan(cast.east)
    entries = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as e:
        add(found, cast.east_manager, **{field: value})

    assert e.value.field == field
    assert message in str(e.value)
    assert not TrainingSession.objects.exists()
    assert AuditEntry.objects.count() == entries


@pytest.mark.parametrize(
    ("quarter", "message"),
    [
        ("", "is required: a fiscal quarter such as 2027-Q1"),
        ("2027-03", "must be a fiscal quarter such as 2027-Q1"),
        ("Q5", "is not a period"),
    ],
)
def test_a_refused_plan_names_the_quarter_and_stores_nothing(
    cast: Cast, quarter: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as e:
        training.save_plan(None, {"quarter": quarter, "team": cast.east})

    assert e.value.field in ("quarter", "period")
    assert message in str(e.value)
    assert not TrainingPlan.objects.exists()


def test_a_salesperson_sees_their_teams_and_the_companys_plans_not_another_teams(
    cast: Cast,
) -> None:
    east, west, company = make_plan(cast.east), make_plan(cast.west), make_plan(None)

    shown = {p.pk for p in training.visible_plans(cast.east_rep)}

    assert shown == {east.pk, company.pk}
    with pytest.raises(NotFound):
        training.plan(cast.east_rep, west.pk)


# -- the pages -------------------------------------------------------------------------------


@time_machine.travel(BEFORE_Q1, tick=False)
def test_the_plan_page_shows_the_quarter_as_a_calendar_with_each_session_on_its_day(
    cast: Cast,
) -> None:
    found = make_plan(cast.east)
    add(found, date="2027-02-09", time="08:30", topic="Pipeline reviews")

    page = logged_in(cast.east_manager).get(f"/planning/training/{found.pk}/")

    body = page.content.decode()
    assert page.status_code == 200
    for month in ("January 2027", "February 2027", "March 2027"):
        assert month in body
    assert "08:30 Pipeline reviews" in body
    assert "Add a session" in body


@time_machine.travel(BEFORE_Q1, tick=False)
def test_adding_a_session_on_the_page_and_a_refused_one_that_stores_nothing(cast: Cast) -> None:
    found = make_plan(cast.east)
    client = logged_in(cast.east_manager)
    typed = {
        "topic": "Objections",
        "date": "2027-02-02",
        "time": "10:00",
        "minutes": "45",
        "presenter": str(cast.east_rep.pk),
        "attendees": [str(cast.east_rep2.pk)],
    }

    added = client.post(f"/planning/training/{found.pk}/", typed)
    refused = client.post(f"/planning/training/{found.pk}/", {**typed, "minutes": "600"})

    assert added.status_code == 302
    session = found.sessions.get()
    assert (session.topic, session.minutes, invited(session)) == (
        "Objections",
        45,
        ["ben@acme.test"],
    )
    assert refused.status_code == 200
    assert "must be between 5 and 480 minutes" in refused.content.decode()
    assert found.sessions.count() == 1


def test_a_salesperson_sees_the_plan_but_cannot_change_it(cast: Cast) -> None:
    found = make_plan(cast.east)
    client = logged_in(cast.east_rep)

    page = client.get(f"/planning/training/{found.pk}/")
    posted = client.post(f"/planning/training/{found.pk}/", {"do": "delete"})

    assert page.status_code == 200
    assert "Add a session" not in page.content.decode()
    assert posted.status_code == 404
    assert TrainingPlan.objects.filter(pk=found.pk).exists()


def test_the_calendar_files_download_and_a_stranger_s_is_not_found(cast: Cast) -> None:
    found = make_plan(cast.east)
    add(found)
    client = logged_in(cast.east_rep)

    plan_file = client.get(f"/planning/training/{found.pk}.ics")
    own = client.get(f"/planning/training/people/{cast.east_rep.pk}.ics")
    stranger = client.get(f"/planning/training/people/{cast.west_rep.pk}.ics")

    assert plan_file["Content-Type"] == "text/calendar; charset=utf-8"
    assert len(list(parsed(plan_file.content).walk("VEVENT"))) == 1
    assert len(list(parsed(own.content).walk("VEVENT"))) == 1
    assert stranger.status_code == 404


def test_the_planning_link_leads_a_salesperson_to_their_plan_and_a_manager_to_capacity(
    cast: Cast,
) -> None:
    assert logged_in(cast.east_rep).get("/planning/")["Location"] == "/planning/business/"
    assert logged_in(cast.east_manager).get("/planning/")["Location"] == "/planning/capacity/"


# -- the command line ------------------------------------------------------------------------


def test_the_command_line_lists_exports_and_copies_forward(cast: Cast, tmp_path: Any) -> None:
    found = make_plan(cast.east)
    add(found)
    runner = CliRunner()

    listed = runner.invoke(cli, ["training", "list", "--format", "json"])
    out = tmp_path / "east.ics"
    exported = runner.invoke(cli, ["training", "ics", "--plan", str(found.pk), "-o", str(out)])
    copied = runner.invoke(cli, ["training", "copy-forward", str(found.pk)])
    neither = runner.invoke(cli, ["training", "ics"])

    assert listed.exit_code == 0, listed.output
    (plan,) = json.loads(listed.output)["plans"]
    assert (plan["quarter"], plan["team"]) == ("2027-Q1", "East")
    assert plan["sessions"][0]["starts_at"] == "2027-01-12T09:00:00-05:00"
    assert plan["sessions"][0]["invited"] == ["ann@acme.test", "ben@acme.test"]
    assert exported.exit_code == 0, exported.output
    assert len(list(parsed(out.read_bytes()).walk("VEVENT"))) == 1
    assert copied.exit_code == 0
    assert "Copied to 2027-Q2" in copied.output
    assert neither.exit_code != 0
    assert "--plan" in neither.output


def test_a_departed_presenter_leaves_the_copied_session_to_assign(cast: Cast) -> None:
    found = make_plan(cast.east)
    add(found, presenter="carla@acme.test")
    User.objects.filter(pk=cast.west_rep.pk).update(is_active=False, role=Role.SALESPERSON)

    copy = training.copy_forward(None, found.pk)

    assert training.presenter_label(copy.sessions.get()) == ""


def test_local_moment_of_a_time_the_clock_skips_is_an_hour_later() -> None:
    from revsight.core import clock

    moment = clock.local_moment(date(2027, 3, 14), time(2, 30), NEW_YORK)

    assert moment == datetime(2027, 3, 14, 3, 30, tzinfo=NEW_YORK)
