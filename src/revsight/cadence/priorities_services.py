"""The weekly priorities' services: a team's (or the company's) week prepared from the data,
the priorities agreed for the week after, their outcomes, and what carries forward.

Each Friday the worker prepares the week's record (`prepare`) for the company and every team
with a manager (`routine.priorities` emails it to the participants: the executives and the
team's manager). The
record keeps the week's figures as they were drawn (`cadence.weekly`), shows this week's
priorities (agreed the Friday before) for their outcome, and takes next week's. Preparing a
week copies into it, as next week's, every priority of the week before that is not done or
dropped; marking such a priority done or dropped later removes its open copy, marking it
partly or not done (again) brings the copy back.

Both participants edit (`permissions.may_plan` for the record's team: its managers and
executives); `actor` None is the operator or the worker. Every write is checked first, made in
one transaction and recorded in the audit log.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from revsight.access import permissions, visibility
from revsight.cadence.priorities_models import Outcome, Priority, WeeklyRecord
from revsight.cadence.weekly import figures
from revsight.core import audit, clock, periods
from revsight.core.errors import InvalidInput, NotAllowed
from revsight.org.models import Role, Team, TeamTree, User

MAX_TEXT, MAX_NOTES = 300, 8000
UNFINISHED = (Outcome.OPEN, Outcome.PARTLY, Outcome.NOT_DONE)


def week_named(raw: Any, as_of: date | None = None) -> periods.Period:
    """An ISO week (`2027-W05`); blank: the week containing the as-of date."""
    text = str(raw or "").strip()
    if not text:
        return periods.containing("week", as_of or clock.today())
    found = periods.parse(text, date.min)
    if found.kind != "week":
        raise InvalidInput("week", text, "must be an ISO week such as 2027-W05")
    periods.check_day("week", found.start)
    return found


def previous_week(week: periods.Period) -> periods.Period:
    return periods.containing("week", week.start - timedelta(days=1))


def next_week(week: periods.Period) -> periods.Period:
    return periods.following(week)


def may_edit(actor: User | None, team: Team | None) -> bool:
    return actor is None or permissions.may_plan(actor, team)


def _check(actor: User | None, team: Team | None) -> None:
    if not may_edit(actor, team):
        whose = f"the team {team.name}" if team else "the company"
        raise NotAllowed(f"The weekly priorities of {whose} are its managers' and executives'.")


def participants(team: Team | None) -> list[User]:
    """Who meets on Friday: the executives, and the team's manager."""
    people = list(User.objects.filter(role=Role.EXECUTIVE, is_active=True).order_by("email"))
    if team is not None and team.manager_id:
        manager = User.objects.filter(pk=team.manager_id, is_active=True).first()
        if manager is not None and manager not in people:
            people.append(manager)
    return people


def prepared_teams() -> list[Team]:
    """The teams whose week is prepared: every team with a manager and salespeople at or
    below it."""
    tree = TeamTree.load()
    selling = set(User.objects.filter(role=Role.SALESPERSON).values_list("team_id", flat=True))
    return [
        team
        for team in Team.objects.filter(manager__isnull=False).order_by("name")
        if tree.under({team.pk}) & selling
    ]


# -- reading ---------------------------------------------------------------------------------


def record_of(actor: User | None, team: Team | None, week: periods.Period) -> WeeklyRecord | None:
    rows = WeeklyRecord.objects.filter(week=week.id, team=team)
    return visibility.scope_as(actor, rows).first()


def record(actor: User | None, record_id: int) -> WeeklyRecord:
    rows = WeeklyRecord.objects.select_related("team")
    return visibility.visible_one(actor, rows, record_id, "weekly record")


def agreed_for(actor: User | None, team: Team | None, week: periods.Period) -> list[Priority]:
    """The priorities agreed (in the week before's record) for `week`: the week's focus."""
    before = record_of(actor, team, previous_week(week))
    if before is None:
        return []
    return list(before.priorities.select_related("owner"))


@dataclass(frozen=True)
class Week:
    """A record as its page shows it: this week's priorities to judge, next week's agreed."""

    record: WeeklyRecord
    week: periods.Period
    this_week: list[Priority]
    next_week: list[Priority]


def week_of(actor: User | None, found: WeeklyRecord) -> Week:
    week = week_named(found.week)
    return Week(
        found,
        week,
        agreed_for(actor, found.team, week),
        list(found.priorities.select_related("owner", "carried_from")),
    )


def search(actor: User | None, words: str, team: Team | None = None) -> list[Priority]:
    """Priorities whose text or outcome note holds the words, newest week first."""
    rows = Priority.objects.select_related("record__team", "owner")
    rows = visibility.scope_as(actor, rows)
    for word in words.split():
        rows = rows.filter(text__icontains=word) | rows.filter(outcome_note__icontains=word)
    if team is not None:
        rows = rows.filter(record__team=team)
    return list(rows.order_by("-record__week", "position", "pk")[:200])


# -- preparing -------------------------------------------------------------------------------


def _carry_forward(found: WeeklyRecord, actor: User | None) -> int:
    """Copy into `found` every unfinished priority of the week before that has no copy yet."""
    week = week_named(found.week)
    before = WeeklyRecord.objects.filter(week=previous_week(week).id, team=found.team).first()
    if before is None:
        return 0
    copied = set(found.priorities.exclude(carried_from=None).values_list("carried_from", flat=True))
    position = found.priorities.count()
    count = 0
    for old in before.priorities.filter(outcome__in=UNFINISHED).order_by("position", "pk"):
        if old.pk in copied:
            continue
        Priority.objects.create(
            record=found,
            text=old.text,
            owner=old.owner,
            due=old.due + timedelta(days=7) if old.due else None,
            carried_from=old,
            position=position + count,
        )
        count += 1
    return count


def prepare(
    actor: User | None,
    team: Team | None,
    week: periods.Period,
    as_of: date | None = None,
    at: datetime | None = None,
) -> WeeklyRecord:
    """Make the week's record from the data, or draw its figures again (recorded as prepared
    `at`, now unless told); carry forward what the week before left unfinished."""
    _check(actor, team)
    day = min(as_of or clock.today(), week.end)
    if day < week.start:
        raise InvalidInput("week", week.id, "has not begun: its figures are not there yet")
    drawn = figures(team, week, day)
    with transaction.atomic():
        found = WeeklyRecord.objects.filter(week=week.id, team=team).first()
        created = found is None
        found = found or WeeklyRecord(week=week.id, team=team)
        found.figures, found.prepared_at = drawn, at or timezone.now()
        found.save()
        carried = _carry_forward(found, actor)
        whose = team.name if team else "the company"
        audit.record(
            "cadence.week_prepared",
            f"Weekly record {week.id} of {whose} {'prepared' if created else 'drawn again'}"
            f"{f', {carried} priorities carried forward' if carried else ''}",
            actor=actor,
            target=found,
            details={"week": week.id, "team": team.name if team else None, "carried": carried},
        )
    return found


# -- priorities ------------------------------------------------------------------------------


def _text(raw: Any) -> str:
    text = str(raw or "").strip()
    if not text:
        raise InvalidInput("text", "", "is required: what is to be done")
    if len(text) > MAX_TEXT:
        raise InvalidInput("text", text[:40], f"is longer than {MAX_TEXT} characters")
    return text


def _owner(raw: Any, team: Team | None) -> User | None:
    if isinstance(raw, User) or raw is None:
        return raw
    text = str(raw).strip()
    if not text:
        return None
    people = User.objects.filter(is_active=True)
    found = (
        people.filter(pk=int(text)).first()
        if text.isdigit()
        else people.filter(email__iexact=text).first()
    )
    if found is None:
        raise InvalidInput("owner", text, "is not a person of the organisation")
    if team is not None and found.role != Role.EXECUTIVE:
        below = TeamTree.load().under({team.pk})
        if found.team_id not in below and found.pk != team.manager_id:
            raise InvalidInput(
                "owner", found.email, f"is not in {team.name}: give it to its people"
            )
    return found


def _due(raw: Any, week: periods.Period) -> date | None:
    day = periods.parse_day("due", raw, f"{week.end + timedelta(days=5):%Y-%m-%d}")
    if day is not None and day < week.start:
        raise InvalidInput(
            "due", day.isoformat(), f"is before the week it is agreed in ({week.id})"
        )
    return day


def _edited(actor: User | None, record_id: int) -> WeeklyRecord:
    found = record(actor, record_id)
    _check(actor, found.team)
    return found


def add_priority(actor: User | None, record_id: int, text: Mapping[str, Any]) -> Priority:
    """Agree a priority for the week after the record's."""
    found = _edited(actor, record_id)
    week = week_named(found.week)
    clean = _text(text.get("text"))
    owner, due = _owner(text.get("owner"), found.team), _due(text.get("due"), week)
    with transaction.atomic():
        made = Priority.objects.create(
            record=found, text=clean, owner=owner, due=due, position=found.priorities.count()
        )
        audit.record(
            "cadence.priority_added",
            f"Priority for {next_week(week).id}: {clean}",
            actor=actor,
            target=made,
            details={
                "week": found.week,
                "owner": owner.email if owner else None,
                "due": due.isoformat() if due else None,
            },
        )
    return made


def _priority(actor: User | None, priority_id: int) -> Priority:
    rows = Priority.objects.select_related("record__team")
    found = visibility.visible_one(actor, rows, priority_id, "priority")
    _check(actor, found.record.team)
    return found


def change_priority(actor: User | None, priority_id: int, text: Mapping[str, Any]) -> Priority:
    found = _priority(actor, priority_id)
    week = week_named(found.record.week)
    clean = _text(text.get("text"))
    owner, due = _owner(text.get("owner"), found.record.team), _due(text.get("due"), week)
    with transaction.atomic():
        found.text, found.owner, found.due = clean, owner, due
        found.save(update_fields=["text", "owner", "due"])
        audit.record(
            "cadence.priority_changed",
            f"Priority changed: {clean}",
            actor=actor,
            target=found,
            details={
                "owner": owner.email if owner else None,
                "due": due.isoformat() if due else None,
            },
        )
    return found


def delete_priority(actor: User | None, priority_id: int) -> None:
    found = _priority(actor, priority_id)
    with transaction.atomic():
        audit.record(
            "cadence.priority_deleted",
            f"Priority deleted: {found.text}",
            actor=actor,
            target=found,
            details={"week": found.record.week},
        )
        found.delete()


def set_outcome(actor: User | None, priority_id: int, outcome: Any, note: Any = "") -> Priority:
    """How a priority went. Done or dropped removes its open copy in the week after; partly
    or not done keeps (or makes) one there."""
    found = _priority(actor, priority_id)
    chosen = str(outcome or "").strip().lower().replace(" ", "_")
    if chosen not in Outcome.values:
        raise InvalidInput("outcome", str(outcome), f"must be one of: {', '.join(Outcome.values)}")
    clean = str(note or "").strip()
    if len(clean) > MAX_TEXT:
        raise InvalidInput("outcome_note", clean[:40], f"is longer than {MAX_TEXT} characters")
    week = week_named(found.record.week)
    with transaction.atomic():
        found.outcome, found.outcome_note = chosen, clean
        found.save(update_fields=["outcome", "outcome_note"])
        after = WeeklyRecord.objects.filter(week=next_week(week).id, team=found.record.team).first()
        if after is not None:
            if chosen in UNFINISHED:
                _carry_forward(after, actor)
            else:
                after.priorities.filter(carried_from=found, outcome=Outcome.OPEN).delete()
        audit.record(
            "cadence.priority_outcome",
            f"Priority {Outcome(chosen).label.lower()}: {found.text}",
            actor=actor,
            target=found,
            details={"outcome": chosen, "note": clean},
        )
    return found


def save_notes(actor: User | None, record_id: int, notes: Any) -> WeeklyRecord:
    found = _edited(actor, record_id)
    clean = str(notes or "").strip()
    if len(clean) > MAX_NOTES:
        raise InvalidInput("notes", clean[:40], f"is longer than {MAX_NOTES} characters")
    with transaction.atomic():
        found.notes = clean
        found.save(update_fields=["notes", "updated_at"])
        audit.record(
            "cadence.week_notes", f"Notes of {found.week} saved", actor=actor, target=found
        )
    return found


def owners_of(team: Team | None) -> list[User]:
    """Who may own a priority besides the participants: the people of the team (and those
    below it), or everyone for the company's."""
    people = User.objects.filter(is_active=True, end_date__isnull=True)
    if team is not None:
        people = people.filter(team_id__in=TeamTree.load().under({team.pk}))
    return list(people.order_by("name", "email"))


def default_owners(team: Team | None) -> list[User]:
    """The team's salespeople, by name: whom the demo's priorities go to in turn."""
    return [p for p in owners_of(team) if p.role == Role.SALESPERSON]
