"""Schedules fire at the organisation's local time, across daylight-saving changes, once per
occurrence, and each run is a job started by the schedule."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
import time_machine

from revsight.core.errors import InvalidInput, NotAllowed
from revsight.jobs.models import Job
from revsight.routine import schedules
from revsight.routine.models import Schedule, ScheduleRun
from tests.people import Cast


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def due_names(now: datetime) -> list[str]:
    return [setting.name for setting, _ in schedules.due(now)]


def only(name: str) -> None:
    for other in schedules.DEFINITIONS:
        if other != name:
            definition = schedules.DEFINITIONS[other]
            Schedule.objects.create(
                name=other, enabled=False, weekday=definition.weekday, at=definition.at
            )


@pytest.mark.parametrize(
    ("before", "at"),
    [
        # Thursday 26 March 2026, 09:00 in Berlin is 08:00 UTC (CET, UTC+1) ...
        (utc(2026, 3, 26, 7, 59), utc(2026, 3, 26, 8, 0)),
        # ... and after the clocks go forward on 29 March, 09:00 is 07:00 UTC (CEST, UTC+2).
        (utc(2026, 4, 2, 6, 59), utc(2026, 4, 2, 7, 0)),
        # Back on 25 October: Thursday 29 October, 09:00 CET is 08:00 UTC again.
        (utc(2026, 10, 29, 7, 59), utc(2026, 10, 29, 8, 0)),
    ],
)
def test_reminders_fire_at_nine_in_berlin_across_daylight_saving(
    in_zone: Callable[[str], object], before: datetime, at: datetime
) -> None:
    in_zone("Europe/Berlin")
    only("reminders")
    assert due_names(before) == []
    assert due_names(at) == ["reminders"]


@pytest.mark.parametrize(
    ("before", "at"),
    [
        # Friday 6 March 2026, 23:00 in Los Angeles is Saturday 07:00 UTC (PST, UTC−8) ...
        (utc(2026, 3, 7, 6, 59), utc(2026, 3, 7, 7, 0)),
        # ... after the clocks go forward on 8 March, 23:00 PDT is 06:00 UTC.
        (utc(2026, 3, 14, 5, 59), utc(2026, 3, 14, 6, 0)),
        # After they go back on 1 November: Friday 6 November, 23:00 PST is 07:00 UTC.
        (utc(2026, 11, 7, 6, 59), utc(2026, 11, 7, 7, 0)),
    ],
)
def test_the_snapshot_fires_friday_at_eleven_in_los_angeles_across_daylight_saving(
    in_zone: Callable[[str], object], before: datetime, at: datetime
) -> None:
    in_zone("America/Los_Angeles")
    only("snapshot")
    assert due_names(before) == []
    assert due_names(at) == ["snapshot"]


def test_a_run_is_a_job_started_by_the_schedule_and_fires_once(
    cast: Cast, in_zone: Callable[[str], object]
) -> None:
    in_zone("America/Los_Angeles")
    only("reminders")
    # Thursday 9 April 2026, 09:00 PDT is 16:00 UTC; two workers tick the same minute.
    with time_machine.travel(utc(2026, 4, 9, 16, 0, 30), tick=False):
        [job] = schedules.tick()
        assert schedules.tick() == []
    with time_machine.travel(utc(2026, 4, 9, 16, 5), tick=False):
        assert schedules.tick() == []
    job = Job.objects.get(pk=job.pk)
    assert (job.kind, job.schedule, job.started_by, job.state) == (
        "forecast_reminders",
        "reminders",
        None,
        "done",
    )
    assert job.origin() == "schedule: reminders"
    [run] = ScheduleRun.objects.all()
    assert run.job_id == job.pk
    assert run.occurrence == utc(2026, 4, 9, 16, 0)


def test_an_occurrence_claimed_by_another_worker_is_not_run_again(
    cast: Cast, in_zone: Callable[[str], object]
) -> None:
    in_zone("Europe/Berlin")
    only("reminders")
    ScheduleRun.objects.create(schedule="reminders", occurrence=utc(2026, 4, 2, 7, 0))
    with time_machine.travel(utc(2026, 4, 2, 7, 0, 10), tick=False):
        assert schedules.tick() == []
    assert not Job.objects.exists()


def test_a_worker_down_at_the_time_catches_up_within_the_grace(
    in_zone: Callable[[str], object],
) -> None:
    in_zone("Europe/Berlin")
    only("reminders")
    assert due_names(utc(2026, 4, 2, 12, 59)) == ["reminders"]
    assert due_names(utc(2026, 4, 2, 13, 1)) == []  # more than six hours late: skipped


def test_a_changed_schedule_fires_at_its_new_time(
    cast: Cast, in_zone: Callable[[str], object]
) -> None:
    in_zone("Europe/Berlin")
    only("reminders")
    schedules.set_schedule(cast.admin, "reminders", enabled=True, weekday="0", at="07:30")
    # Monday 6 April 2026, 07:30 CEST is 05:30 UTC.
    assert due_names(utc(2026, 4, 6, 5, 29)) == []
    assert due_names(utc(2026, 4, 6, 5, 30)) == ["reminders"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"weekday": "7", "at": "09:00"}, "weekday"),
        ({"weekday": "Thursday", "at": "09:00"}, "weekday"),
        ({"weekday": "3", "at": "25:00"}, "at"),
        ({"weekday": "3", "at": ""}, "at"),
    ],
)
def test_a_bad_schedule_names_the_field_and_stores_nothing(
    cast: Cast, changes: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        schedules.set_schedule(cast.admin, "reminders", enabled=True, **changes)
    assert caught.value.field == field
    assert not Schedule.objects.exists()


def test_the_freshness_days_must_be_a_number_of_days(cast: Cast) -> None:
    with pytest.raises(InvalidInput) as caught:
        schedules.set_schedule(
            cast.admin, "freshness", enabled=True, weekday=None, at="08:00", days="0"
        )
    assert caught.value.field == "days"


def test_only_executives_and_administrators_change_schedules(cast: Cast) -> None:
    with pytest.raises(NotAllowed):
        schedules.set_schedule(cast.vp, "reminders", enabled=False, weekday="3", at="09:00")
    assert not Schedule.objects.exists()
