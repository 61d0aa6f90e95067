"""The training plans' services: a quarter's plan for a team or the company, its sessions,
attendance, and copying a plan forward to the next quarter.

The manager plans the training; salespeople and others in the firm deliver it, so the
manager of the plan's team is refused as a session's presenter. A plan is made and changed by
whoever plans for its team (`permissions.may_plan`); attendance is recorded by them or by the
session's presenter, once the session has begun. `actor` None is the operator at the command
line. Everything is checked before anything is written, in one transaction, with its audit
entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from revsight.access import permissions, visibility
from revsight.analytics.scopes import salespeople_in
from revsight.core import audit, clock, periods
from revsight.core.errors import InvalidInput, NotAllowed, NotFound
from revsight.core.models import Organisation
from revsight.org.models import Team, TeamTree, User
from revsight.planning.models import Attendance, TrainingPlan, TrainingSession
from revsight.planning.services import team_given

MAX_TEXT = 200
MIN_MINUTES, MAX_MINUTES = 5, 8 * 60
PLAN_FIELDS = ("quarter", "team", "title")
SESSION_FIELDS = (
    "topic",
    "date",
    "time",
    "minutes",
    "presenter",
    "location",
    "notes",
    "attendees",
)


@dataclass(frozen=True)
class SessionDefinition:
    """A session as checked, ready to store."""

    topic: str
    starts_at: datetime
    minutes: int
    presenter: User | None
    presenter_name: str
    location: str
    notes: str
    attendees: tuple[User, ...]


# -- reading ---------------------------------------------------------------------------------


def _fiscal() -> int:
    return Organisation.current().fiscal_year_start_month


def quarter_of(found: TrainingPlan) -> periods.Period:
    return periods.parse(found.quarter, date.min, _fiscal())


def visible_plans(actor: User | None) -> list[TrainingPlan]:
    plans = TrainingPlan.objects.select_related("team", "created_by")
    plans = visibility.scope_as(actor, plans)
    return list(plans)


def plan(actor: User | None, plan_id: int) -> TrainingPlan:
    plans = TrainingPlan.objects.select_related("team")
    return visibility.visible_one(actor, plans, plan_id, "training plan")


def sessions(found: TrainingPlan) -> list[TrainingSession]:
    return list(found.sessions.select_related("presenter").prefetch_related("attendance__person"))


def session(actor: User | None, session_id: int) -> TrainingSession:
    rows = TrainingSession.objects.select_related("plan__team", "presenter")
    return visibility.visible_one(actor, rows, session_id, "training session")


def sessions_of(person: User) -> list[TrainingSession]:
    """Every session the person attends or delivers, oldest first."""
    rows = TrainingSession.objects.filter(Q(presenter=person) | Q(attendance__person=person))
    rows = rows.distinct().select_related("plan__team", "presenter").order_by("starts_at")
    return list(rows.prefetch_related("attendance__person"))


def presenter_label(found: TrainingSession) -> str:
    if found.presenter is not None:
        return found.presenter.name or found.presenter.email
    return found.presenter_name


def may_plan(actor: User | None, team: Team | None) -> bool:
    return actor is None or permissions.may_plan(actor, team)


def may_record(actor: User | None, found: TrainingSession) -> bool:
    """Attendance: whoever plans for the plan's team, or the session's presenter."""
    if actor is None or may_plan(actor, found.plan.team):
        return True
    return found.presenter_id is not None and found.presenter_id == actor.pk


def _check(actor: User | None, team: Team | None) -> None:
    if not may_plan(actor, team):
        whose = f"the team {team.name}" if team else "the company"
        raise NotAllowed(f"Training plans for {whose} are made by its managers and executives.")


# -- checking what was typed -----------------------------------------------------------------


def _text(field: str, raw: Any, required: str | None = None, limit: int = MAX_TEXT) -> str:
    text = str(raw or "").strip()
    if not text and required:
        raise InvalidInput(field, "", f"is required: {required}")
    if len(text) > limit:
        raise InvalidInput(field, text[:40], f"is longer than {limit} characters")
    return text


def _quarter(raw: Any) -> periods.Period:
    text = str(raw or "").strip()
    if not text:
        raise InvalidInput("quarter", "", "is required: a fiscal quarter such as 2027-Q1")
    quarter = periods.parse(text, date.min, _fiscal())
    if quarter.kind != "quarter":
        raise InvalidInput("quarter", text, "must be a fiscal quarter such as 2027-Q1")
    periods.check_day("quarter", quarter.start)
    return quarter


def _day(raw: Any) -> date:
    day = periods.parse_day("date", raw, "2027-01-14")
    if day is None:
        raise InvalidInput("date", "", "is required: the session's day, such as 2027-01-14")
    return day


def _time(raw: Any) -> time:
    if isinstance(raw, time):
        return raw.replace(second=0, microsecond=0)
    text = str(raw or "").strip()
    if not text:
        raise InvalidInput("time", "", "is required: when it starts, such as 09:00")
    try:
        return time.fromisoformat(text).replace(second=0, microsecond=0)
    except ValueError:
        raise InvalidInput("time", text, "is not a time of day such as 09:00") from None


def _minutes(raw: Any) -> int:
    text = str(raw if raw is not None else "").strip()
    if not text:
        raise InvalidInput("minutes", "", "is required: how long the session lasts, in minutes")
    if not text.isdigit():
        raise InvalidInput("minutes", text, "must be a whole number of minutes, such as 60")
    value = int(text)
    if not MIN_MINUTES <= value <= MAX_MINUTES:
        raise InvalidInput(
            "minutes", text, f"must be between {MIN_MINUTES} and {MAX_MINUTES} minutes"
        )
    return value


def person_named(field: str, raw: Any) -> User:
    """A person by id (the form), email, or exact name."""
    if isinstance(raw, User):
        return raw
    text = str(raw).strip()
    found = None
    if text.isdigit():
        found = User.objects.filter(pk=int(text)).first()
    elif "@" in text:
        found = User.objects.filter(email__iexact=text).first()
    else:
        named = list(User.objects.filter(name__iexact=text)[:2])
        if len(named) > 1:
            raise InvalidInput(field, text, "names two people: give their email")
        found = named[0] if named else None
    if found is None:
        raise InvalidInput(field, text, "is not a person of the organisation")
    return found


def _presenter(raw: Any, team: Team | None) -> tuple[User | None, str]:
    if isinstance(raw, User):
        person: User | None = raw
        name = ""
    else:
        text = _text("presenter", raw, "who delivers it: a person's email, or a name")
        person, name = None, text
        if "@" in text or text.isdigit():
            person, name = person_named("presenter", text), ""
        else:
            named = list(User.objects.filter(name__iexact=text)[:2])
            if len(named) == 1:
                person, name = named[0], ""
    if person is not None:
        if not person.is_active:
            raise InvalidInput("presenter", person.email, "has left: choose someone else")
        if team is not None and team.manager_id == person.pk:
            raise InvalidInput(
                "presenter",
                person.email,
                "manages the team: the manager plans the training, a salesperson or someone "
                "else in the firm delivers it",
            )
    return person, name


def default_attendees(team: Team | None, day: date) -> list[User]:
    """Who a session is for unless told: the team's salespeople (sub-teams included), or
    every salesperson, employed on the day."""
    people = salespeople_in(periods.Period(day.isoformat(), "day", day, day))
    if team is not None:
        below = TeamTree.load().descendants(team.pk)
        people = [p for p in people if p.team_id in below]
    return people


def invitable(actor: User | None, team: Team | None, quarter: periods.Period) -> list[User]:
    """Whom the actor may invite to a session of the team's plan: the people of the team and
    its sub-teams (of the company, for its plan) employed in the quarter, whatever their role,
    but the team's manager, who plans."""
    people = User.objects.filter(is_active=True).order_by("name", "email")
    if team is not None:
        people = people.filter(team_id__in=TeamTree.load().descendants(team.pk))
        people = people.exclude(pk=team.manager_id) if team.manager_id else people
    chosen = [p for p in people if p.employed_during(quarter.start, quarter.end)]
    if actor is not None and not actor.sees_everything:
        chosen = [p for p in chosen if permissions.may_target_user(actor, p)]
    return chosen


def presenters(team: Team | None) -> list[User]:
    """Who may deliver a session of the team's plan: anyone in the firm who is still there,
    but the team's manager."""
    people = User.objects.filter(is_active=True, end_date__isnull=True).order_by("name", "email")
    if team is not None and team.manager_id:
        people = people.exclude(pk=team.manager_id)
    return list(people)


def _attendees(actor: User | None, raw: Any, team: Team | None, day: date) -> tuple[User, ...]:
    if raw is None:
        return tuple(default_attendees(team, day))
    items = raw.split(",") if isinstance(raw, str) else list(raw)
    found: dict[int, User] = {}
    for item in items:
        if isinstance(item, str) and not item.strip():
            continue
        person = person_named("attendees", item)
        if actor is not None and not permissions.may_target_user(actor, person):
            raise InvalidInput(
                "attendees", person.email, "is not in a team you manage: invite your own"
            )
        found[person.pk] = person
    return tuple(sorted(found.values(), key=lambda p: (p.name, p.email)))


def define_session(
    actor: User | None, found: TrainingPlan, text: Mapping[str, Any]
) -> SessionDefinition:
    """A session from what was typed (`SESSION_FIELDS`), checked field by field; `attendees`
    None invites the team's salespeople."""
    topic = _text("topic", text.get("topic"), "what the session teaches")
    day = _day(text.get("date"))
    quarter = quarter_of(found)
    if not quarter.contains(day):
        raise InvalidInput(
            "date",
            day.isoformat(),
            f"is outside the plan's quarter {quarter.id} "
            f"({quarter.start:%Y-%m-%d} to {quarter.end:%Y-%m-%d})",
        )
    starts_at = clock.local_moment(day, _time(text.get("time")))
    minutes = _minutes(text.get("minutes"))
    presenter, presenter_name = _presenter(text.get("presenter"), found.team)
    return SessionDefinition(
        topic=topic,
        starts_at=starts_at,
        minutes=minutes,
        presenter=presenter,
        presenter_name=presenter_name,
        location=_text("location", text.get("location")),
        notes=_text("notes", text.get("notes"), limit=4000),
        attendees=_attendees(actor, text.get("attendees"), found.team, day),
    )


# -- writing ---------------------------------------------------------------------------------


def _clash(quarter: periods.Period, team: Team | None, other: int | None = None) -> None:
    rows = TrainingPlan.objects.filter(quarter=quarter.id, team=team)
    if other is not None:
        rows = rows.exclude(pk=other)
    if rows.exists():
        whose = team.name if team else "the company"
        raise InvalidInput("quarter", quarter.id, f"already has a training plan for {whose}")


def save_plan(
    actor: User | None, text: Mapping[str, Any], plan_id: int | None = None
) -> TrainingPlan:
    """Make a quarter's plan, or change the one with `plan_id` (its title; a plan with
    sessions keeps its quarter and team)."""
    quarter, team = _quarter(text.get("quarter")), team_given(text.get("team"))
    title = _text("title", text.get("title"))
    _check(actor, team)
    with transaction.atomic():
        found = plan(actor, plan_id) if plan_id is not None else None
        if found is not None:
            _check(actor, found.team)
            moved = found.quarter != quarter.id or found.team_id != (team.pk if team else None)
            if moved and found.sessions.exists():
                raise InvalidInput(
                    "quarter", quarter.id, "cannot change on a plan with sessions: copy it forward"
                )
        _clash(quarter, team, found.pk if found else None)
        created = found is None
        found = found or TrainingPlan(created_by=actor)
        found.quarter, found.team, found.title = quarter.id, team, title
        found.save()
        whose = team.name if team else "the company"
        audit.record(
            "planning.training_plan_saved",
            f"Training plan {quarter.id} for {whose} {'made' if created else 'changed'}",
            actor=actor,
            target=found,
            details={"quarter": quarter.id, "team": team.name if team else None, "title": title},
        )
    return found


def delete_plan(actor: User | None, plan_id: int) -> None:
    found = plan(actor, plan_id)
    _check(actor, found.team)
    with transaction.atomic():
        audit.record(
            "planning.training_plan_deleted",
            f"Training plan {found.quarter} for {found.team.name if found.team else 'the company'} "
            f"deleted with its {found.sessions.count()} sessions",
            actor=actor,
            target=found,
            details={"quarter": found.quarter, "team": found.team.name if found.team else None},
        )
        found.delete()


def _session_details(definition: SessionDefinition) -> dict[str, Any]:
    return {
        "topic": definition.topic,
        "starts_at": definition.starts_at.isoformat(),
        "minutes": definition.minutes,
        "presenter": definition.presenter.email
        if definition.presenter
        else definition.presenter_name,
        "location": definition.location,
        "attendees": [p.email for p in definition.attendees],
    }


def save_session(
    actor: User | None,
    plan_id: int,
    text: Mapping[str, Any],
    session_id: int | None = None,
) -> TrainingSession:
    """Add a session to a plan, or change the one with `session_id`. Attendance already
    recorded is kept for the people still invited."""
    found_plan = plan(actor, plan_id)
    _check(actor, found_plan.team)
    definition = define_session(actor, found_plan, text)
    with transaction.atomic():
        found = None
        if session_id is not None:
            found = found_plan.sessions.filter(pk=session_id).first()
            if found is None:
                raise NotFound(f"The plan has no session with the id {session_id}.")
        created = found is None
        found = found or TrainingSession(plan=found_plan)
        found.topic, found.starts_at = definition.topic, definition.starts_at
        found.minutes, found.location = definition.minutes, definition.location
        found.presenter, found.presenter_name = definition.presenter, definition.presenter_name
        found.notes = definition.notes
        found.save()
        invited = {p.pk for p in definition.attendees}
        found.attendance.exclude(person_id__in=invited).delete()
        have = set(found.attendance.values_list("person_id", flat=True))
        Attendance.objects.bulk_create(
            Attendance(session=found, person=p) for p in definition.attendees if p.pk not in have
        )
        found_plan.save(update_fields=["updated_at"])  # the calendar files' stamp
        audit.record(
            "planning.training_session_saved",
            f"Training session {definition.topic!r} on {definition.starts_at:%Y-%m-%d %H:%M} "
            f"{'planned' if created else 'changed'}",
            actor=actor,
            target=found,
            details=_session_details(definition),
        )
    return found


def delete_session(actor: User | None, session_id: int) -> None:
    found = session(actor, session_id)
    _check(actor, found.plan.team)
    with transaction.atomic():
        audit.record(
            "planning.training_session_deleted",
            f"Training session {found.topic!r} on {found.starts_at:%Y-%m-%d} deleted",
            actor=actor,
            target=found,
            details={"topic": found.topic, "starts_at": found.starts_at.isoformat()},
        )
        found.delete()


def record_attendance(
    actor: User | None, session_id: int, present: Iterable[Any], at: datetime | None = None
) -> TrainingSession:
    """Record who came: everyone invited is marked present (in `present`, as ids or emails)
    or absent, as recorded `at` (now unless told). A person who was not invited is refused,
    as is a session yet to begin."""
    found = session(actor, session_id)
    if not may_record(actor, found):
        raise NotAllowed(
            "Attendance is recorded by whoever plans the team's training and by the presenter."
        )
    if found.starts_at > timezone.now():
        raise InvalidInput(
            "attendance",
            f"{found.starts_at.astimezone(clock.zone()):%Y-%m-%d %H:%M}",
            "is recorded once the session has begun",
        )
    invited = {a.person_id: a for a in found.attendance.select_related("person")}
    came: set[int] = set()
    for raw in present:
        if isinstance(raw, str) and not raw.strip():
            continue
        person = person_named("attendance", raw)
        if person.pk not in invited:
            raise InvalidInput("attendance", person.email, "was not invited to this session")
        came.add(person.pk)
    now = at or timezone.now()
    with transaction.atomic():
        for person_id, row in invited.items():
            row.attended = person_id in came
            row.recorded_by, row.recorded_at = actor, now
            row.save(update_fields=["attended", "recorded_by", "recorded_at"])
        audit.record(
            "planning.training_attendance",
            f"Attendance at {found.topic!r}: {len(came)} of {len(invited)}",
            actor=actor,
            target=found,
            details={
                "present": sorted(invited[i].person.email for i in came),
                "absent": sorted(invited[i].person.email for i in invited if i not in came),
            },
        )
    return found


def shifted(moment: datetime, offset_days: int, quarter: periods.Period) -> datetime:
    """A session's moment moved by whole weeks into the next quarter, at the same local time
    and weekday: by `offset_days` (a multiple of seven), then a week back or forward while it
    falls outside the quarter."""
    zone = clock.zone()
    local = moment.astimezone(zone)
    day = local.date() + timedelta(days=offset_days)
    while day > quarter.end:
        day -= timedelta(days=7)
    while day < quarter.start:
        day += timedelta(days=7)
    return clock.local_moment(day, local.time().replace(tzinfo=None), zone)


def week_offset(source: periods.Period, target: periods.Period) -> int:
    """The whole number of weeks nearest the distance between two quarters' starts, in days."""
    return 7 * round((target.start - source.start).days / 7)


def copy_forward(actor: User | None, plan_id: int) -> TrainingPlan:
    """The plan copied to the next fiscal quarter: same title and team, every session on the
    same weekday and local time thirteen-or-so weeks later, the same presenter and the
    invited people who are still employed; no attendance."""
    source = plan(actor, plan_id)
    _check(actor, source.team)
    fiscal = _fiscal()
    here = quarter_of(source)
    target = periods.following(here, fiscal)
    offset = week_offset(here, target)
    with transaction.atomic():
        _clash(target, source.team)
        copy = TrainingPlan.objects.create(
            quarter=target.id,
            team=source.team,
            title=source.title,
            copied_from=source,
            created_by=actor,
        )
        count = 0
        for old in sessions(source):
            moved = shifted(old.starts_at, offset, target)
            day = moved.astimezone(clock.zone()).date()
            new = TrainingSession.objects.create(
                plan=copy,
                topic=old.topic,
                starts_at=moved,
                minutes=old.minutes,
                # Someone who has left delivers nothing: the copied session is to assign.
                presenter=old.presenter if old.presenter and old.presenter.is_active else None,
                presenter_name=old.presenter_name,
                location=old.location,
                notes=old.notes,
            )
            still = [
                a.person
                for a in old.attendance.all()
                if a.person.is_active and a.person.employed_during(day, day)
            ]
            Attendance.objects.bulk_create(Attendance(session=new, person=p) for p in still)
            count += 1
        whose = source.team.name if source.team else "the company"
        audit.record(
            "planning.training_plan_copied",
            f"Training plan {here.id} for {whose} copied forward to {target.id} ({count} sessions)",
            actor=actor,
            target=copy,
            details={"from": here.id, "to": target.id, "sessions": count},
        )
    return copy
