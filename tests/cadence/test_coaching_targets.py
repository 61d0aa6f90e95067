"""Joint calls against the monthly target, paced through the month, and a salesperson's
history (docs/cadence.md, "Who is behind")."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from revsight.cadence import coaching
from revsight.cadence.coaching_services import set_coaching_settings
from revsight.core import clock
from revsight.core.models import Organisation
from revsight.core.periods import parse
from tests.cadence.helpers import logged, on
from tests.people import Cast

pytestmark = pytest.mark.django_db

JUNE = parse("2026-06", date(2026, 6, 17))
MAY = parse("2026-05", date(2026, 6, 17))


@pytest.fixture(autouse=True)
def organisation(db: None) -> None:
    Organisation.current()


def rows(cast: Cast, period=JUNE) -> dict[str, coaching.RepMonth]:  # type: ignore[no-untyped-def]
    month = coaching.team_month(cast.east_manager, period, clock.today())
    return {row.person.email: row for row in month.rows}


def test_a_rep_with_fewer_joint_calls_than_the_pace_is_behind(cast: Cast) -> None:
    with on():
        logged(cast.east_manager, cast.east_rep, date(2026, 6, 3))
        logged(cast.east_manager, cast.east_rep2, date(2026, 6, 4), kind="coaching_session")
        logged(cast.east_manager, cast.east_rep2, date(2026, 6, 5), kind="ride_along")
        found = rows(cast)
    ann, ben = found["ann@acme.test"], found["ben@acme.test"]
    # 13 of 22 selling days: floor(2 × 13 / 22) = 1 joint call due by the 17th.
    assert (ann.target, ann.expected, ann.joint_calls, ann.entries, ann.behind) == (
        2,
        1,
        1,
        1,
        False,
    )
    assert (ben.expected, ben.joint_calls, ben.entries, ben.behind, ben.short) == (1, 0, 2, True, 1)
    assert ben.last == date(2026, 6, 5)
    assert list(found) == ["ann@acme.test", "ben@acme.test"]  # East's salespeople only


def test_nobody_is_behind_before_half_the_month_has_gone_by(cast: Cast) -> None:
    with on(datetime(2026, 6, 12, 23, 0, tzinfo=UTC)):  # 10 of 22 selling days
        found = rows(cast)
    assert [(row.expected, row.behind) for row in found.values()] == [(0, False), (0, False)]


def test_a_finished_month_expects_the_whole_target(cast: Cast) -> None:
    with on():
        logged(cast.east_manager, cast.east_rep, date(2026, 5, 4))
        logged(cast.east_manager, cast.east_rep, date(2026, 5, 20), scheduled=False)
        logged(cast.east_manager, cast.east_rep2, date(2026, 5, 29))
        found = rows(cast, MAY)
    ann, ben = found["ann@acme.test"], found["ben@acme.test"]
    assert (ann.expected, ann.joint_calls, ann.behind) == (2, 2, False)
    assert (ben.expected, ben.joint_calls, ben.behind) == (2, 1, True)


def test_calendar_pacing_counts_calendar_days(cast: Cast) -> None:
    Organisation.objects.update(pacing="calendar")
    with on(datetime(2026, 6, 14, 12, 0, tzinfo=UTC)):  # 14 of 30 days: floor(0.93) = 0
        assert rows(cast)["ben@acme.test"].expected == 0
    with on(datetime(2026, 6, 15, 12, 0, tzinfo=UTC)):  # 15 of 30 days: floor(1.0) = 1
        assert rows(cast)["ben@acme.test"].expected == 1


def test_a_rep_hired_mid_month_is_paced_from_their_first_day(cast: Cast) -> None:
    cast.east_rep2.hire_date = date(2026, 6, 15)
    cast.east_rep2.save()
    with on():  # 3 selling days since the 15th: floor(2 × 3 / 22) = 0
        assert rows(cast)["ben@acme.test"].expected == 0
    with on(datetime(2026, 7, 1, 12, 0, tzinfo=UTC)):  # June over: floor(2 × 12 / 22) = 1
        assert rows(cast)["ben@acme.test"].expected == 1


def test_a_reps_own_target_replaces_the_organisations(cast: Cast) -> None:
    set_coaching_settings(
        cast.president,
        "Discovery\nClosing",
        "4",
        {cast.east_rep.pk: "1", cast.east_rep2.pk: ""},
    )
    with on():
        found = rows(cast)
    assert (found["ann@acme.test"].target, found["ann@acme.test"].expected) == (1, 0)
    assert (found["ben@acme.test"].target, found["ben@acme.test"].expected) == (4, 2)


def test_people_who_left_before_the_month_are_not_listed(cast: Cast) -> None:
    cast.east_rep2.end_date = date(2026, 5, 31)
    cast.east_rep2.save()
    with on():
        assert list(rows(cast)) == ["ann@acme.test"]
        assert list(rows(cast, MAY)) == ["ann@acme.test", "ben@acme.test"]


def test_the_history_lists_twelve_months_newest_first_with_their_entries(cast: Cast) -> None:
    with on():
        logged(cast.east_manager, cast.east_rep, date(2026, 6, 2), skill="Closing")
        logged(cast.east_manager, cast.east_rep, date(2026, 5, 12))
        logged(cast.east_manager, cast.east_rep, date(2026, 5, 13))
        logged(cast.vp, cast.east_rep, date(2025, 7, 1), kind="role_play")
        logged(cast.vp, cast.east_rep, date(2025, 6, 30))  # thirteen months back: not shown
        shown = coaching.history(cast.east_manager, cast.east_rep, JUNE, clock.today())
    assert [p.id for p in shown.periods][:3] == ["2026-06", "2026-05", "2026-04"]
    assert shown.periods[-1].id == "2025-07"
    assert [(m.joint_calls, m.entries, m.behind) for m in shown.months[:3]] == [
        (1, 1, False),
        (2, 2, False),
        (0, 0, True),
    ]
    assert [(e.date, e.kind, e.coach.email) for e in shown.entries] == [
        (date(2026, 6, 2), "joint_call", "east.manager@acme.test"),
        (date(2026, 5, 13), "joint_call", "east.manager@acme.test"),
        (date(2026, 5, 12), "joint_call", "east.manager@acme.test"),
        (date(2025, 7, 1), "role_play", "vp@acme.test"),
    ]


def test_the_team_filter_keeps_a_team_with_its_sub_teams(cast: Cast) -> None:
    with on():
        vp_all = coaching.team_month(cast.vp, JUNE, clock.today())
        west = coaching.team_month(cast.vp, JUNE, clock.today(), team_id=cast.west.pk)
        sales = coaching.team_month(cast.vp, JUNE, clock.today(), team_id=cast.sales.pk)
    assert [r.person.email for r in vp_all.rows] == [
        "ann@acme.test",
        "ben@acme.test",
        "carla@acme.test",
    ]
    assert [r.person.email for r in west.rows] == ["carla@acme.test"]
    assert len(sales.rows) == 3


def test_the_month_asked_must_be_a_month(cast: Cast) -> None:
    with pytest.raises(coaching.InvalidInput) as error:
        coaching.month("2026-Q2", date(2026, 6, 17))
    assert (error.value.field, error.value.value) == ("month", "2026-Q2")
    with pytest.raises(coaching.InvalidInput):
        coaching.month("2026-13", date(2026, 6, 17))
    assert coaching.month(None, date(2026, 6, 17)) == JUNE
