"""Salesperson reviews' services: a month's review (or, formally, a quarter's) prepared as a
draft, its packet drawn from the data (`review_packet`) until it is held, both parties' notes,
the quarterly review's written sections, the actions agreed and how the last review's went.

Who does what (docs/cadence.md): the salesperson's managers (of their team and the teams above
it) and executives prepare a review, write the manager's notes and the written sections, agree
actions, judge the last review's and hold the review, which freezes its numbers; the
salesperson writes their own notes and acknowledges a held review, after which it is closed.
`actor` None is the operator at the command line. Every write is checked first, made in one
transaction and recorded in the audit log; refused input names its field and writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from revsight.access import permissions, visibility
from revsight.cadence import review_packet
from revsight.cadence.priorities_models import Outcome
from revsight.cadence.review_models import Review, ReviewAction, ReviewKind, ReviewStatus
from revsight.core import audit, clock, periods
from revsight.core.errors import InvalidInput, NotAllowed, NotFound
from revsight.core.models import Organisation
from revsight.org.models import Role, TeamTree, User

MAX_TEXT, MAX_NOTES = 300, 8000
SECTIONS = ("strengths", "development_areas", "goals_next_quarter")
PERIOD_KIND = {ReviewKind.MONTHLY: "month", ReviewKind.QUARTERLY: "quarter"}
EXAMPLE = {ReviewKind.MONTHLY: "2027-01", ReviewKind.QUARTERLY: "2027-Q1"}


def kind_named(raw: Any) -> ReviewKind:
    text = str(raw or "").strip().lower()
    if text not in ReviewKind.values:
        raise InvalidInput("kind", text, f"must be one of: {', '.join(ReviewKind.values)}")
    return ReviewKind(text)


def period_named(kind: ReviewKind, raw: Any, as_of: date | None = None) -> periods.Period:
    """A month (`2027-01`) for a monthly review, a fiscal quarter (`2027-Q1`) for a quarterly
    one; blank: the one containing the as-of date."""
    fiscal = Organisation.current().fiscal_year_start_month
    text = str(raw or "").strip()
    if not text:
        return periods.containing(PERIOD_KIND[kind], as_of or clock.today(), fiscal)
    try:
        found = periods.parse(text, date.min, fiscal)
    except InvalidInput:
        found = None
    if found is None or found.kind != PERIOD_KIND[kind]:
        raise InvalidInput("period", text, f"must be a {PERIOD_KIND[kind]} such as {EXAMPLE[kind]}")
    periods.check_day("period", found.start)
    return found


def period_of(found: Review) -> periods.Period:
    return period_named(ReviewKind(found.kind), found.period)


# -- who may do what -------------------------------------------------------------------------


def may_manage(actor: User | None, salesperson: User) -> bool:
    """Prepare, write the manager's part, agree actions, hold: the salesperson's managers and
    executives (never the salesperson themselves)."""
    if actor is None:
        return True
    return (
        actor.is_authenticated
        and actor.pk != salesperson.pk
        and permissions.may_target_user(actor, salesperson)
    )


def is_salesperson(actor: User | None, found: Review) -> bool:
    return actor is not None and actor.pk == found.salesperson_id


def _check_manager(actor: User | None, found: Review) -> None:
    if not may_manage(actor, found.salesperson):
        raise NotAllowed("This part of a review is written by the salesperson's managers.")
    _check_open(found)


def _check_open(found: Review) -> None:
    if found.status == ReviewStatus.ACKNOWLEDGED:
        raise NotAllowed("An acknowledged review is closed: it stays as it was acknowledged.")


def may_open(actor: User) -> bool:
    """The reviews pages: salespeople (their own) and whoever manages a team or sees all."""
    return bool(
        actor.is_authenticated
        and (actor.role == Role.SALESPERSON or visibility.is_manager_or_above(actor))
    )


# -- reading ---------------------------------------------------------------------------------


def salesperson_named(actor: User | None, raw: Any) -> User:
    """A salesperson by email (or id) whom the actor sees; NotFound otherwise."""
    text = str(raw or "").strip()
    people = User.objects.filter(role=Role.SALESPERSON)
    found = (
        people.filter(pk=int(text)).first()
        if text.isdigit()
        else people.filter(email__iexact=text).first()
    )
    if found is None or (actor is not None and not visibility.can_see(actor, found)):
        raise NotFound(f"No salesperson {text!r} (or they are not yours to see).")
    return found


def reviews(actor: User | None, salesperson: User | None = None) -> list[Review]:
    """The reviews the actor sees (of one salesperson, when given), newest period first."""
    rows = visibility.scope_as(actor, Review.objects.select_related("salesperson__team"))
    if salesperson is not None:
        rows = rows.filter(salesperson=salesperson)
    return list(rows)


def review(actor: User | None, review_id: int) -> Review:
    rows = Review.objects.select_related("salesperson__team", "held_by")
    return visibility.visible_one(actor, rows, review_id, "review")


def review_of(
    actor: User | None, salesperson: User, kind: str, period: periods.Period
) -> Review | None:
    rows = Review.objects.filter(salesperson=salesperson, kind=kind, period=period.id)
    return visibility.scope_as(actor, rows).first()


def previous_review(found: Review) -> Review | None:
    """The salesperson's review of the same kind before this one."""
    rows = Review.objects.filter(
        salesperson_id=found.salesperson_id, kind=found.kind, period__lt=found.period
    )
    return rows.order_by("-period").first()


def action_json(action: ReviewAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "text": action.text,
        "owner": action.owner.display_name if action.owner else None,
        "owner_email": action.owner.email if action.owner else None,
        "due": action.due.isoformat() if action.due else None,
        "outcome": action.outcome,
        "outcome_label": Outcome(action.outcome).label,
        "outcome_note": action.outcome_note,
    }


def _previous(found: Review) -> dict[str, Any] | None:
    before = previous_review(found)
    if before is None:
        return None
    return {
        "id": before.pk,
        "period": before.period,
        "status": before.status,
        "actions": [action_json(a) for a in before.actions.select_related("owner")],
    }


def live_packet(found: Review, today: date | None = None) -> dict[str, Any]:
    """The review's packet drawn from the data now (seen at `today`, today unless told)."""
    drawn = review_packet.build(
        found.salesperson, found.kind, period_of(found), today or clock.today()
    )
    return {**drawn, "previous": _previous(found)}


def packet_of(found: Review, today: date | None = None) -> dict[str, Any]:
    """The frozen packet of a held (or acknowledged) review, else the one drawn now."""
    if found.packet is not None:
        return dict(found.packet)
    return live_packet(found, today)


def owners_of(found: Review) -> list[User]:
    """Whom an action may be given to: the salesperson and the managers of their team and of
    the teams above it."""
    rep = found.salesperson
    people = [rep]
    if rep.team_id is not None:
        above = TeamTree.load().above(rep.team_id)
        managers = User.objects.filter(managed_teams__in=above, is_active=True).distinct()
        people += [m for m in managers.order_by("name", "email") if m.pk != rep.pk]
    return people


# -- preparing and holding -------------------------------------------------------------------


def prepare(actor: User | None, salesperson: User, kind: Any, period: periods.Period) -> Review:
    """The salesperson's review of the period as a draft (the one there is, if prepared
    already)."""
    chosen = kind_named(kind)
    if salesperson.role != Role.SALESPERSON:
        raise InvalidInput(
            "user", salesperson.email, "is not a salesperson: only they have reviews"
        )
    if not may_manage(actor, salesperson):
        raise NotAllowed("A salesperson's reviews are prepared by their managers.")
    if period.kind != PERIOD_KIND[chosen]:
        raise InvalidInput("period", period.id, f"is not a {PERIOD_KIND[chosen]}")
    if period.start > clock.today():
        raise InvalidInput("period", period.id, "has not begun: its numbers are not there yet")
    with transaction.atomic():
        found, created = Review.objects.get_or_create(
            salesperson=salesperson, kind=chosen, period=period.id
        )
        if created:
            audit.record(
                "cadence.review_prepared",
                f"{chosen.label} review {period.id} of {salesperson.display_name} prepared",
                actor=actor,
                target=found,
                details={"salesperson": salesperson.email, "kind": chosen, "period": period.id},
            )
    return found


def hold(
    actor: User | None,
    review_id: int,
    at: datetime | None = None,
    today: date | None = None,
) -> Review:
    """The review was held (`at`, now unless told): its packet is frozen as drawn now."""
    found = review(actor, review_id)
    _check_manager(actor, found)
    if found.status != ReviewStatus.DRAFT:
        raise InvalidInput("status", found.status, "is not draft: the review was held already")
    packet = live_packet(found, today)
    with transaction.atomic():
        found.packet = packet
        found.status = ReviewStatus.HELD
        found.held_by = actor
        found.held_at = at or timezone.now()
        found.save()
        audit.record(
            "cadence.review_held",
            f"{found.get_kind_display()} review {found.period} of "
            f"{found.salesperson.display_name} held; its numbers are frozen",
            actor=actor,
            target=found,
            details={"as_of": packet["as_of"]},
        )
    return found


def acknowledge(actor: User | None, review_id: int, at: datetime | None = None) -> Review:
    """The salesperson acknowledges a held review (and with it its written sections)."""
    found = review(actor, review_id)
    if not is_salesperson(actor, found):
        raise NotAllowed("Only the salesperson acknowledges their review.")
    if found.status != ReviewStatus.HELD:
        raise InvalidInput(
            "status", found.status, "is not held: a review is acknowledged once held"
        )
    with transaction.atomic():
        found.status = ReviewStatus.ACKNOWLEDGED
        found.acknowledged_at = at or timezone.now()
        found.save(update_fields=["status", "acknowledged_at", "updated_at"])
        audit.record(
            "cadence.review_acknowledged",
            f"{found.get_kind_display()} review {found.period} acknowledged",
            actor=actor,
            target=found,
        )
    return found


# -- notes and the written sections ----------------------------------------------------------


def _long(field: str, raw: Any) -> str:
    text = str(raw or "").strip()
    if len(text) > MAX_NOTES:
        raise InvalidInput(field, text[:40], f"is longer than {MAX_NOTES} characters")
    return text


def save_manager_text(actor: User | None, review_id: int, data: Mapping[str, Any]) -> Review:
    """The manager's notes and, for a quarterly review, the written sections (those given)."""
    found = review(actor, review_id)
    _check_manager(actor, found)
    given = [f for f in ("manager_notes", *SECTIONS) if f in data]
    clean = {f: _long(f, data.get(f)) for f in given}
    if not found.is_quarterly:
        written = next((f for f in SECTIONS if clean.get(f)), None)
        if written is not None:
            raise InvalidInput(written, clean[written][:40], "is written in quarterly reviews only")
    with transaction.atomic():
        for field, text in clean.items():
            setattr(found, field, text)
        found.save(update_fields=[*clean, "updated_at"])
        audit.record(
            "cadence.review_written",
            f"Review {found.period} of {found.salesperson.display_name}: {', '.join(clean)} saved",
            actor=actor,
            target=found,
            details={"fields": list(clean)},
        )
    return found


def save_salesperson_notes(actor: User | None, review_id: int, notes: Any) -> Review:
    """The salesperson's own notes: their reply to the review."""
    found = review(actor, review_id)
    if actor is not None and not is_salesperson(actor, found):
        raise NotAllowed("The salesperson's notes are the salesperson's own words.")
    _check_open(found)
    clean = _long("salesperson_notes", notes)
    with transaction.atomic():
        found.salesperson_notes = clean
        found.save(update_fields=["salesperson_notes", "updated_at"])
        audit.record(
            "cadence.review_reply",
            f"Review {found.period}: the salesperson's notes saved",
            actor=actor,
            target=found,
        )
    return found


# -- actions ---------------------------------------------------------------------------------


def _text(field: str, raw: Any, required: bool = True) -> str:
    text = str(raw or "").strip()
    if required and not text:
        raise InvalidInput(field, "", "is required: what is to be done")
    if len(text) > MAX_TEXT:
        raise InvalidInput(field, text[:40], f"is longer than {MAX_TEXT} characters")
    return text


def _owner(raw: Any, found: Review) -> User | None:
    if isinstance(raw, User) or raw is None:
        return raw
    text = str(raw).strip()
    if not text:
        return None
    allowed = owners_of(found)
    chosen = next((p for p in allowed if text.lower() in (str(p.pk), p.email.lower())), None)
    if chosen is None:
        raise InvalidInput(
            "owner", text, "is not the salesperson or one of their managers: give it to them"
        )
    return chosen


def _due(raw: Any, found: Review) -> date | None:
    day = periods.parse_day("due", raw)
    start = period_of(found).start
    if day is not None and day < start:
        raise InvalidInput(
            "due", day.isoformat(), f"is before the review's period ({found.period})"
        )
    return day


def _checked(actor: User | None, found: Review, data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "text": _text("text", data.get("text")),
        "owner": _owner(data.get("owner"), found),
        "due": _due(data.get("due"), found),
    }


def _details(action: ReviewAction) -> dict[str, Any]:
    return {
        "review": action.review_id,
        "owner": action.owner.email if action.owner else None,
        "due": action.due.isoformat() if action.due else None,
    }


def add_action(actor: User | None, review_id: int, data: Mapping[str, Any]) -> ReviewAction:
    """Agree an action in the review (text, owner, due date)."""
    found = review(actor, review_id)
    _check_manager(actor, found)
    clean = _checked(actor, found, data)
    with transaction.atomic():
        made = ReviewAction.objects.create(review=found, position=found.actions.count(), **clean)
        audit.record(
            "cadence.review_action_added",
            f"Action agreed in review {found.period}: {made.text}",
            actor=actor,
            target=made,
            details=_details(made),
        )
    return made


def _action(actor: User | None, action_id: int) -> ReviewAction:
    rows = ReviewAction.objects.select_related("review__salesperson")
    return visibility.visible_one(actor, rows, action_id, "review action")


def change_action(actor: User | None, action_id: int, data: Mapping[str, Any]) -> ReviewAction:
    found = _action(actor, action_id)
    _check_manager(actor, found.review)
    clean = _checked(actor, found.review, data)
    with transaction.atomic():
        for field, value in clean.items():
            setattr(found, field, value)
        found.save(update_fields=list(clean))
        audit.record(
            "cadence.review_action_changed",
            f"Review action changed: {found.text}",
            actor=actor,
            target=found,
            details=_details(found),
        )
    return found


def remove_action(actor: User | None, action_id: int) -> None:
    found = _action(actor, action_id)
    _check_manager(actor, found.review)
    with transaction.atomic():
        audit.record(
            "cadence.review_action_removed",
            f"Review action removed: {found.text}",
            actor=actor,
            target=found,
            details=_details(found),
        )
        found.delete()


def set_outcome(actor: User | None, action_id: int, outcome: Any, note: Any = "") -> ReviewAction:
    """How an action agreed in an earlier review went: judged by the salesperson's managers in
    the review after it (whatever the earlier review's status)."""
    found = _action(actor, action_id)
    if not may_manage(actor, found.review.salesperson):
        raise NotAllowed("How an agreed action went is judged by the salesperson's managers.")
    chosen = str(outcome or "").strip().lower().replace(" ", "_")
    if chosen not in Outcome.values:
        raise InvalidInput("outcome", str(outcome), f"must be one of: {', '.join(Outcome.values)}")
    clean = _text("outcome_note", note, required=False)
    with transaction.atomic():
        found.outcome, found.outcome_note = chosen, clean
        found.save(update_fields=["outcome", "outcome_note"])
        audit.record(
            "cadence.review_action_outcome",
            f"Review action {Outcome(chosen).label.lower()}: {found.text}",
            actor=actor,
            target=found,
            details={"outcome": chosen, "note": clean},
        )
    return found
