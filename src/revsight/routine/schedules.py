"""The routine's schedules, in the organisation's local time (`core.clock`).

A huey periodic task calls `tick()` every minute in each worker. For every enabled schedule it
finds the latest local time it was due; when that moment has passed (by at most `GRACE`, so a
worker that was down catches up) and no run of that occurrence exists, it claims the occurrence
with a unique row and queues the schedule's job, started by the schedule as the operator. Two
workers ticking the same minute insert the same row: one wins, the other sees the conflict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone

from revsight.access import permissions
from revsight.core import audit, clock
from revsight.core.errors import InvalidInput
from revsight.jobs import services as jobs
from revsight.jobs.models import Job
from revsight.routine.models import Schedule, ScheduleRun

# How late a missed occurrence is still run (a worker restarted, a machine back up).
GRACE = timedelta(hours=6)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Definition:
    name: str
    label: str
    kind: str  # the kind of job it starts
    weekday: int | None  # None: every day
    at: time
    days: int | None = None  # the freshness check's threshold


DEFINITIONS = {
    d.name: d
    for d in (
        Definition("snapshot", "Weekly pipeline snapshot", "pipeline_snapshot", 4, time(23, 0)),
        Definition("reminders", "Forecast submission reminders", "forecast_reminders", 3, time(9)),
        Definition("freshness", "Data-freshness check", "freshness_check", None, time(8), 7),
        Definition("monday_meeting", "Monday meeting agenda", "monday_meeting", 0, time(7)),
        Definition("priorities", "Weekly priorities prepared", "weekly_priorities", 4, time(12)),
        # Every Monday; it emails only in the last month of a fiscal quarter.
        Definition(
            "self_assessment",
            "Self-assessment reminders (last month of each quarter)",
            "self_assessment_reminders",
            0,
            time(9),
        ),
    )
}


@dataclass(frozen=True)
class Setting:
    """A schedule as it stands: its definition with the organisation's choices."""

    definition: Definition
    enabled: bool
    weekday: int | None
    at: time
    days: int | None

    @property
    def name(self) -> str:
        return self.definition.name

    def when(self) -> str:
        day = "every day" if self.weekday is None else f"{WEEKDAYS[self.weekday]}s"
        return f"{day} at {self.at:%H:%M}"


def settings_of() -> list[Setting]:
    """Every schedule, with the stored choices or the defaults."""
    stored = {row.name: row for row in Schedule.objects.all()}
    found = []
    for definition in DEFINITIONS.values():
        row = stored.get(definition.name)
        if row is None:
            found.append(
                Setting(definition, True, definition.weekday, definition.at, definition.days)
            )
        else:
            weekday = row.weekday if definition.weekday is not None else None
            found.append(Setting(definition, row.enabled, weekday, row.at, row.days))
    return found


def _time(raw: Any) -> time:
    if isinstance(raw, time):
        return raw.replace(second=0, microsecond=0)
    try:
        return time.fromisoformat(str(raw).strip()).replace(second=0, microsecond=0)
    except ValueError:
        raise InvalidInput("at", str(raw), "is not a time of day such as 09:00") from None


def _weekday(definition: Definition, raw: Any) -> int | None:
    if definition.weekday is None:
        return None
    try:
        value = int(str(raw))
    except ValueError:
        value = -1
    if not 0 <= value <= 6:
        raise InvalidInput("weekday", str(raw), "is not a day of the week (0 Monday … 6 Sunday)")
    return value


def _days(definition: Definition, raw: Any) -> int | None:
    if definition.days is None:
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = 0
    if not 1 <= value <= 365:
        raise InvalidInput("days", str(raw), "must be a whole number of days from 1 to 365")
    return value


def set_schedule(
    actor: Any, name: str, *, enabled: bool, weekday: Any, at: Any, days: Any = None
) -> Setting:
    """Change when schedule `name` runs (executives and administrators)."""
    permissions.require(
        permissions.may_configure_organisation(actor),
        "Only executives and administrators change the schedules.",
    )
    definition = DEFINITIONS.get(name)
    if definition is None:
        raise InvalidInput("schedule", name, "is not one of: " + ", ".join(DEFINITIONS))
    values = {
        "enabled": bool(enabled),
        "weekday": _weekday(definition, weekday),
        "at": _time(at),
        "days": _days(definition, days),
    }
    with transaction.atomic():
        Schedule.objects.update_or_create(name=name, defaults=values)
        setting = next(s for s in settings_of() if s.name == name)
        state = setting.when() if setting.enabled else "off"
        audit.record("schedule", f"Schedule {definition.label}: {state}", actor=actor)
    return setting


def latest_occurrence(setting: Setting, now: datetime, zone: ZoneInfo) -> datetime:
    """The latest local moment at or before `now` when the schedule was due, as an aware
    datetime in `zone`. A time that a daylight-saving change skips falls one hour later (as
    zoneinfo reads it); a time that happens twice is its first."""
    local = now.astimezone(zone)
    day = local.date()
    for back in range(8):
        candidate = day - timedelta(days=back)
        if setting.weekday is not None and candidate.weekday() != setting.weekday:
            continue
        moment = clock.local_moment(candidate, setting.at, zone)
        if moment <= local:
            return moment
    raise AssertionError("a weekly schedule is due within eight days")


def due(now: datetime | None = None) -> list[tuple[Setting, datetime]]:
    """The schedules due now and not yet run for that occurrence."""
    moment = now or timezone.now()
    zone = clock.zone()
    found = []
    for setting in settings_of():
        if not setting.enabled:
            continue
        occurrence = latest_occurrence(setting, moment, zone)
        if moment - occurrence > GRACE:
            continue
        if not ScheduleRun.objects.filter(schedule=setting.name, occurrence=occurrence).exists():
            found.append((setting, occurrence))
    return found


def tick(now: datetime | None = None) -> list[Job]:
    """Run every schedule that is due, each occurrence once; the jobs started."""
    started = []
    for setting, occurrence in due(now):
        try:
            with transaction.atomic():
                run = ScheduleRun.objects.create(schedule=setting.name, occurrence=occurrence)
        except IntegrityError:  # another worker claimed this occurrence first
            continue
        params = {"occurrence": occurrence.isoformat(), "days": setting.days}
        job = jobs.submit(
            setting.definition.kind,
            params,
            schedule=setting.name,
            label=f"{occurrence:%a %Y-%m-%d %H:%M %Z}",
        )
        ScheduleRun.objects.filter(pk=run.pk).update(job=job)
        started.append(job)
    return started
