"""Writing the coaching log: logging, editing and deleting an entry, a salesperson's reply,
the agreed action marked done, and the organisation's coaching settings.

Every function checks the acting person through `access/permissions.py`, validates everything
before writing (an `InvalidInput` names the field as every door names it: `user`, `date`,
`kind`, `skill`, `deal`, `account`, `notes`, `action`, `due`), writes in one transaction and
records the audit entry. Pages, the API and the command line all call them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from revsight.access import permissions, visibility
from revsight.cadence.coaching import coaching_settings
from revsight.cadence.coaching_models import (
    CoachingEntry,
    CoachingKind,
    CoachingReply,
    CoachingSettings,
    CoachingTarget,
)
from revsight.core import audit, clock, periods
from revsight.core.errors import InvalidInput, NotAllowed
from revsight.crm.models import Account, Opportunity
from revsight.org.models import Role, User

MAX_NOTES = 10_000
MAX_ACTION = 500
MAX_REPLY = 5_000
MAX_SKILLS = 50
MAX_SKILL = 100
MAX_TARGET = 31  # joint calls a month: one a day at most
KINDS = ", ".join(CoachingKind.values)


@dataclass(frozen=True)
class EntryInput:
    """An entry as a door received it, every value as typed: `date` and `due` a date or
    `YYYY-MM-DD`; the deal by its id (`deal_id`, the pages) or its external id (`deal`, the
    command line and the API); the account by its id. Blank means none."""

    date: Any
    kind: str
    scheduled: bool = True
    skill: str = ""
    deal: str = ""
    deal_id: int | None = None
    account_id: int | None = None
    notes: str = ""
    action: str = ""
    due: Any = None


def salesperson(email: str, field: str = "user") -> User:
    """The active salesperson with this email, or an `InvalidInput` naming `field`."""
    found = User.objects.filter(email__iexact=str(email).strip()).first()
    if found is None:
        raise InvalidInput(field, str(email), "is not the email of anyone here")
    if found.role != Role.SALESPERSON or not found.is_active:
        raise InvalidInput(field, str(email), "is not an active salesperson")
    return found


def person_by_email(email: str, field: str) -> User:
    """Anyone active with this email (the coach at the command line)."""
    found = User.objects.filter(email__iexact=str(email).strip(), is_active=True).first()
    if found is None:
        raise InvalidInput(field, str(email), "is not the email of anyone active here")
    return found


def day(field: str, raw: Any, required: bool = True) -> date | None:
    """A date as typed (`2026-03-31`) or given; blank is None unless `required`."""
    parsed = periods.parse_day(field, raw)
    if parsed is None and required:
        raise InvalidInput(field, "", "is required (a date such as 2026-03-31)")
    return parsed


def _text(field: str, raw: Any, limit: int) -> str:
    text = "" if raw is None else str(raw).strip()
    if "\x00" in text:
        raise InvalidInput(field, "", "may not contain a NUL character")
    if len(text) > limit:
        raise InvalidInput(field, "", f"is longer than {limit} characters")
    return text


def _kind(raw: Any) -> str:
    kind = str(raw or "").strip().lower().replace("-", "_").replace(" ", "_")
    if kind not in CoachingKind.values:
        raise InvalidInput("kind", str(raw or ""), f"must be one of: {KINDS}")
    return kind


def _skill(raw: Any, current: str | None) -> str:
    skill = _text("skill", raw, MAX_SKILL)
    if not skill or skill == current:
        return skill
    skills = coaching_settings().skills
    match = next((known for known in skills if known.lower() == skill.lower()), None)
    if match is None:
        raise InvalidInput("skill", skill, f"is not in the coaching skills: {', '.join(skills)}")
    return match


def _deal(actor: User, data: EntryInput) -> Opportunity | None:
    """The deal by id or external id, which the actor must be able to see."""
    if data.deal_id is None and not str(data.deal or "").strip():
        return None
    shown = str(data.deal_id) if data.deal_id is not None else str(data.deal).strip()
    if data.deal_id is not None:
        found = list(Opportunity.objects.filter(pk=data.deal_id))
    else:
        found = list(Opportunity.objects.filter(external_id=shown)[:2])
    if len(found) > 1:
        raise InvalidInput("deal", shown, "is the id of deals from several sources")
    if not found or not visibility.can_see(actor, found[0]):
        raise InvalidInput("deal", shown, "is not a deal you can see")
    return found[0]


def _account(actor: User, data: EntryInput, deal: Opportunity | None) -> Account | None:
    """The account given, else the deal's; a deal of another account is refused."""
    if data.account_id is None:
        return deal.account if deal is not None else None
    account = Account.objects.filter(pk=data.account_id).first()
    if account is None or not visibility.can_see(actor, account):
        raise InvalidInput("account", str(data.account_id), "is not an account you can see")
    if deal is not None and deal.account_id not in (None, account.pk):
        raise InvalidInput(
            "account", account.name, f"is not the account of deal {deal.external_id or deal.pk}"
        )
    return account


def _action(data: EntryInput, on: date) -> tuple[str, date | None]:
    action = _text("action", data.action, MAX_ACTION)
    due = day("due", data.due, required=False)
    if action and due is None:
        raise InvalidInput("due", "", "is required with an agreed action")
    if due is not None and not action:
        raise InvalidInput("due", due.isoformat(), "needs the agreed action it is the date of")
    if due is not None and due < on:
        raise InvalidInput("due", due.isoformat(), "is before the date of the entry")
    return action, due


def cleaned(actor: User, data: EntryInput, current: CoachingEntry | None = None) -> dict[str, Any]:
    """The entry's fields as stored, or the first problem as an `InvalidInput`."""
    on = day("date", data.date)
    assert on is not None
    if on > clock.today():
        raise InvalidInput("date", on.isoformat(), "is after today: log it once it has happened")
    fields: dict[str, Any] = {"date": on, "kind": _kind(data.kind)}
    if not isinstance(data.scheduled, bool):
        raise InvalidInput("scheduled", str(data.scheduled), "must be yes or no")
    fields["scheduled"] = data.scheduled
    fields["skill"] = _skill(data.skill, current.skill if current else None)
    deal = _deal(actor, data)
    fields["opportunity"], fields["account"] = deal, _account(actor, data, deal)
    fields["notes"] = _text("notes", data.notes, MAX_NOTES)
    fields["action"], fields["action_due"] = _action(data, on)
    return fields


def _may_coach(actor: User, person: User) -> None:
    if not permissions.may_coach(actor, person):
        raise NotAllowed(
            f"user ({person.email!r}) is not someone whose coaching you log", field="user"
        )


def _summary(entry: CoachingEntry, person: User) -> str:
    return f"{entry.get_kind_display()} with {person.email} on {entry.date}"


def log_entry(actor: User, person: User, data: EntryInput) -> CoachingEntry:
    """Log a joint call or coaching session of `person`, coached by the actor."""
    if person.role != Role.SALESPERSON:
        raise InvalidInput("user", person.email, "is not a salesperson")
    _may_coach(actor, person)
    fields = cleaned(actor, data)
    with transaction.atomic():
        entry = CoachingEntry.objects.create(salesperson=person, coach=actor, **fields)
        audit.record("coaching.log", _summary(entry, person), actor=actor, target=entry)
    return entry


def visible_entry(actor: User, entry_id: int) -> CoachingEntry:
    """The entry, when the actor may see it (else `NotFound`, as for one that does not exist)."""
    entries = CoachingEntry.objects.select_related("salesperson", "coach")
    return visibility.visible_one(actor, entries, entry_id, "coaching entry")


def edit_entry(actor: User, entry_id: int, data: EntryInput) -> CoachingEntry:
    """Change an entry (its salesperson and coach stay)."""
    entry = visible_entry(actor, entry_id)
    _may_coach(actor, entry.salesperson)
    fields = cleaned(actor, data, entry)
    changed = sorted(name for name, value in fields.items() if getattr(entry, name) != value)
    if not changed:
        return entry
    with transaction.atomic():
        for name, value in fields.items():
            setattr(entry, name, value)
        entry.save()
        audit.record(
            "coaching.edit",
            f"{_summary(entry, entry.salesperson)} changed: {', '.join(changed)}",
            actor=actor,
            target=entry,
            details={"changed": changed},
        )
    return entry


def delete_entry(actor: User, entry_id: int) -> None:
    """Remove an entry with its replies."""
    entry = visible_entry(actor, entry_id)
    _may_coach(actor, entry.salesperson)
    summary = _summary(entry, entry.salesperson)
    with transaction.atomic():
        audit.record("coaching.delete", f"{summary} deleted", actor=actor, target=entry)
        entry.delete()


def reply(actor: User, entry_id: int, text: Any) -> CoachingReply:
    """The coached salesperson's answer to an entry of theirs."""
    entry = visible_entry(actor, entry_id)
    if not permissions.may_reply_to_coaching(actor, entry.salesperson_id):
        raise NotAllowed("only the salesperson coached replies to an entry", field="reply")
    written = _text("reply", text, MAX_REPLY)
    if not written:
        raise InvalidInput("reply", "", "is empty: write what you answer")
    with transaction.atomic():
        answer = CoachingReply.objects.create(entry=entry, author=actor, text=written)
        audit.record(
            "coaching.reply", f"{actor.email} replied to {_summary(entry, actor)}", actor=actor
        )
    return answer


def mark_action_done(actor: User, entry_id: int, done: bool = True) -> CoachingEntry:
    """The agreed action done (or not after all): by the salesperson or whoever coaches them."""
    entry = visible_entry(actor, entry_id)
    own = permissions.may_reply_to_coaching(actor, entry.salesperson_id)
    if not own and not permissions.may_coach(actor, entry.salesperson):
        raise NotAllowed("only the salesperson and their managers mark the action done")
    if not entry.action:
        raise InvalidInput("action", "", "there is no agreed action on this entry")
    if entry.action_done != done:
        with transaction.atomic():
            entry.action_done = done
            entry.save(update_fields=["action_done", "updated_at"])
            state = "done" if done else "not done"
            audit.record(
                "coaching.action",
                f"Action of {_summary(entry, entry.salesperson)} marked {state}",
                actor=actor,
                target=entry,
            )
    return entry


def _count(field: str, raw: Any) -> int:
    text = str(raw).strip()
    if not text.isdigit() or int(text) > MAX_TARGET:
        raise InvalidInput(field, text, f"must be a whole number from 0 to {MAX_TARGET}")
    return int(text)


def _skills(raw: str | Sequence[str]) -> list[str]:
    lines = raw.splitlines() if isinstance(raw, str) else list(raw)
    skills: list[str] = []
    for line in lines:
        skill = _text("skills", line, MAX_SKILL)
        if skill and skill.lower() in {known.lower() for known in skills}:
            raise InvalidInput("skills", skill, "is listed twice")
        if skill:
            skills.append(skill)
    if not skills:
        raise InvalidInput("skills", "", "needs at least one skill")
    if len(skills) > MAX_SKILLS:
        raise InvalidInput("skills", "", f"may list at most {MAX_SKILLS} skills")
    return skills


def target_field(person: User) -> str:
    """How the settings page names a salesperson's own target."""
    return f"target for {person.display_name}"


def set_coaching_settings(
    actor: User,
    skills: str | Sequence[str],
    joint_calls: Any,
    targets: dict[int, Any] | None = None,
) -> CoachingSettings:
    """The skills coached, the monthly joint-call target and each salesperson's own target
    ({user id: count, or blank for the organisation's}). All checked before any is written."""
    permissions.require(
        permissions.may_configure_organisation(actor),
        f"{actor.email} may not change organisation settings",
    )
    listed, default = _skills(skills), _count("joint_calls", joint_calls)
    people = User.objects.in_bulk(list(targets or {}))
    own: dict[int, int | None] = {}
    for user_id, raw in (targets or {}).items():
        person = people.get(user_id)
        if person is None or person.role != Role.SALESPERSON:
            raise InvalidInput("target", str(user_id), "is not a salesperson's id")
        blank = raw is None or str(raw).strip() == ""
        own[user_id] = None if blank else _count(target_field(person), raw)
    with transaction.atomic():
        current = CoachingSettings.objects.order_by("pk").first() or CoachingSettings()
        current.skills, current.joint_calls_per_month = listed, default
        current.save()
        removed = [pk for pk, count in own.items() if count is None]
        CoachingTarget.objects.filter(Q(salesperson_id__in=removed)).delete()
        for user_id, count in own.items():
            if count is not None:
                CoachingTarget.objects.update_or_create(
                    salesperson_id=user_id, defaults={"joint_calls_per_month": count}
                )
        audit.record(
            "settings.coaching",
            f"Coaching: {default} joint calls a month, {len(listed)} skills, "
            f"{sum(1 for c in own.values() if c is not None)} own targets",
            actor=actor,
            target=current,
        )
    return current
