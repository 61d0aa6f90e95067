"""Every change to the recruiting scorecard, whatever its door (page, API, demo): opening a
position with its criteria and hiring team, adding candidates and moving them through the
stages, each interviewer's own scorecard, the ranked comparison, and erasing a candidate's
personal data on request.

The blind rule lives here and in the scorecards' visibility rule, not in a page: an
interviewer reads the others' scores and notes of a candidate only after submitting their own,
and nobody reads a draft but its author. Viewing a candidate is audited. Each write is checked
against the actor's permissions and audited; a wrong value is an `InvalidInput` naming its
field, with nothing stored."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Case, QuerySet, When
from django.utils import timezone

from revsight.access import permissions, visibility
from revsight.assessments import scorecard
from revsight.assessments.recruiting_models import (
    SCORE_HIGHEST,
    SCORE_LOWEST,
    Candidate,
    Criterion,
    CriterionScore,
    Position,
    Scorecard,
    Stage,
    StageEvent,
)
from revsight.core import audit, clock, periods
from revsight.core.errors import InvalidInput
from revsight.org.models import Team, User
from revsight.planning.training_services import person_named

MAX_TITLE = 120
MAX_NOTE = 300
MAX_TEXT = 10_000
MAX_WEIGHT = 10
ERASED_NAME = "Erased candidate"
ORDER = [s.value for s in Stage]


# -- who may do what -------------------------------------------------------------------------


def may_open(actor: Any) -> bool:
    """The recruiting pages: managers and above, and anyone on a hiring team."""
    if not actor.is_authenticated:
        return False
    if visibility.is_manager_or_above(actor):
        return True
    return Position.objects.filter(interviewers=actor).exists()


def may_create(actor: Any) -> bool:
    return bool(actor.is_authenticated and visibility.is_manager_or_above(actor))


def may_manage(actor: Any, position: Position) -> bool:
    """Candidates, stages and erasure: the position's hiring manager and the executives."""
    return bool(actor.sees_everything or position.hiring_manager_id == actor.pk)


def interviews(actor: Any, position: Position) -> bool:
    return position.interviewers.filter(pk=actor.pk).exists()


def _require_manage(actor: User | None, position: Position) -> None:
    if actor is not None:
        permissions.require(
            may_manage(actor, position),
            f"Only {position.hiring_manager.display_name}, who hires for {position.title}, "
            "and the executives manage its candidates.",
        )


# -- reading ---------------------------------------------------------------------------------


def positions(actor: User | None) -> QuerySet[Position]:
    """The positions the actor sees, the open ones first, then the newest."""
    still_open = Case(When(status=Position.Status.OPEN, then=0), default=1)
    found = Position.objects.select_related("team", "hiring_manager").order_by(
        still_open, "-opened_on", "title"
    )
    return visibility.scope_as(actor, found).prefetch_related("interviewers", "criteria")


def position(actor: User | None, position_id: int) -> Position:
    return visibility.visible_one(actor, positions(actor), position_id, "position")


def _candidate(actor: User | None, candidate_id: int) -> Candidate:
    return visibility.visible_one(
        actor,
        Candidate.objects.select_related("position", "position__hiring_manager"),
        candidate_id,
        "candidate",
    )


def candidate(actor: User | None, candidate_id: int) -> Candidate:
    """One candidate the actor may see, to read; each view is audited (candidate data is
    personal: who read it is on record)."""
    found = _candidate(actor, candidate_id)
    audit.record(
        "candidate_viewed",
        f"Candidate #{found.pk} for {found.position.title} viewed",
        actor=actor,
        target=found,
    )
    return found


def scorecards(actor: User | None, found: Candidate) -> list[Scorecard]:
    """The candidate's scorecards the actor may read (the blind rule), with their scores."""
    cards = Scorecard.objects.filter(candidate=found).select_related("interviewer")
    return list(visibility.scope_as(actor, cards).prefetch_related("scores"))


def own_scorecard(actor: User, found: Candidate) -> Scorecard | None:
    return (
        Scorecard.objects.filter(candidate=found, interviewer=actor)
        .prefetch_related("scores")
        .first()
    )


# -- opening a position ----------------------------------------------------------------------


@dataclass
class CriterionInput:
    name: Any
    kind: Any
    weight: Any = 1


@dataclass
class PositionInput:
    title: Any
    hiring_manager: Any = None
    team: Any = None
    hire_above: Any = "3.5"
    interviewers: Sequence[Any] = ()
    criteria: Sequence[CriterionInput] = field(default_factory=list)
    opened_on: Any = None


def _text(name: str, raw: Any, limit: int, *, required: bool = False) -> str:
    text = " ".join(str(raw or "").split()) if limit <= MAX_NOTE else str(raw or "").strip()
    if required and not text:
        raise InvalidInput(name, "", "is needed")
    if len(text) > limit:
        raise InvalidInput(name, text[:40] + "…", f"is longer than {limit} characters")
    if "\x00" in text:
        raise InvalidInput(name, "", "holds a NUL character")
    return text


def _threshold(raw: Any) -> Decimal:
    text = str(raw if raw is not None else "").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(
            "hire_above", text, "must be a number from 1 to 5, such as 3.5"
        ) from None
    if not value.is_finite() or not SCORE_LOWEST <= value < SCORE_HIGHEST:
        raise InvalidInput("hire_above", text, "must be at least 1 and below 5, such as 3.5")
    return value.quantize(Decimal("0.01"))


def _criteria(rows: Sequence[CriterionInput]) -> list[tuple[str, str, int]]:
    kinds = {k.value for k in Criterion.Kind}
    found: list[tuple[str, str, int]] = []
    for n, row in enumerate(rows, 1):
        name = _text(f"criteria[{n}].name", row.name, MAX_TITLE)
        if not name:
            continue
        kind = str(row.kind or "").strip().lower().replace(" ", "_").replace("-", "_")
        if kind not in kinds:
            raise InvalidInput(
                f"criteria[{n}].kind", str(row.kind or ""), f"must be one of {', '.join(kinds)}"
            )
        text = str(row.weight if row.weight is not None else "").strip() or "1"
        if not text.isdigit() or not 1 <= int(text) <= MAX_WEIGHT:
            raise InvalidInput(
                f"criteria[{n}].weight", text, f"must be a whole number from 1 to {MAX_WEIGHT}"
            )
        if any(name.lower() == kept.lower() for kept, _, _ in found):
            raise InvalidInput(f"criteria[{n}].name", name, "is already a criterion above")
        found.append((name, kind, int(text)))
    if not found:
        raise InvalidInput("criteria", "", "are needed: at least one, with its weight")
    return found


def _team(raw: Any) -> Team | None:
    text = str(raw or "").strip()
    if not text:
        return None
    found = Team.objects.filter(pk=int(text)).first() if text.isdigit() else None
    found = found or Team.objects.filter(name__iexact=text).first()
    if found is None:
        raise InvalidInput("team", text, "is not a team of the organisation")
    return found


def open_position(actor: User | None, given: PositionInput) -> Position:
    """A new open position, its criteria and hiring team. Managers and above open positions;
    the hiring manager is the actor unless another is named."""
    if actor is not None:
        permissions.require(may_create(actor), "Only managers and executives open positions.")
    title = _text("title", given.title, MAX_TITLE, required=True)
    manager = (
        person_named("hiring_manager", given.hiring_manager)
        if given.hiring_manager not in (None, "")
        else actor
    )
    if manager is None:
        raise InvalidInput("hiring_manager", "", "is needed (an email)")
    team = _team(given.team)
    threshold = _threshold(given.hire_above)
    interviewers = []
    for n, raw in enumerate(given.interviewers, 1):
        if str(raw or "").strip():
            person = person_named(f"interviewers[{n}]", raw)
            if person not in interviewers:
                interviewers.append(person)
    if not interviewers:
        raise InvalidInput("interviewers", "", "are needed: who scores the candidates")
    criteria = _criteria(given.criteria)
    opened = periods.parse_day("opened_on", given.opened_on) or clock.today()
    with transaction.atomic():
        found = Position.objects.create(
            title=title, team=team, hiring_manager=manager, hire_above=threshold, opened_on=opened
        )
        found.interviewers.set(interviewers)
        Criterion.objects.bulk_create(
            Criterion(position=found, name=name, kind=kind, weight=weight, order=n)
            for n, (name, kind, weight) in enumerate(criteria)
        )
        audit.record(
            "position_opened",
            f"Position {title} opened",
            actor=actor,
            target=found,
            details={"criteria": len(criteria), "interviewers": [p.email for p in interviewers]},
        )
    return found


def close_position(actor: User | None, position_id: int, status: str) -> Position:
    found = position(actor, position_id)
    _require_manage(actor, found)
    if status not in (Position.Status.FILLED, Position.Status.CLOSED, Position.Status.OPEN):
        raise InvalidInput("status", status, "must be open, filled or closed")
    with transaction.atomic():
        found.status = status
        found.save(update_fields=["status"])
        audit.record(
            "position_status", f"Position {found.title} {status}", actor=actor, target=found
        )
    return found


# -- candidates and stages -------------------------------------------------------------------


def add_candidate(
    actor: User | None,
    position_id: int,
    name: Any,
    *,
    email: Any = "",
    phone: Any = "",
    notes: Any = "",
    on: Any = None,
) -> Candidate:
    """A candidate at the screen, from the day given (default today)."""
    found = position(actor, position_id)
    _require_manage(actor, found)
    if found.status != Position.Status.OPEN:
        raise InvalidInput("position", found.title, f"is {found.status}: it takes no candidate")
    shown = _text("name", name, MAX_TITLE, required=True)
    mail = _text("email", email, 254)
    if mail and ("@" not in mail or " " in mail):
        raise InvalidInput("email", mail, "must be an email address such as ann@example.com")
    day = periods.parse_day("on", on) or clock.today()
    with transaction.atomic():
        made = Candidate.objects.create(
            position=found,
            name=shown,
            email=mail,
            phone=_text("phone", phone, 40),
            notes=_text("notes", notes, MAX_TEXT),
        )
        StageEvent.objects.create(candidate=made, stage=Stage.SCREEN, on=day)
        audit.record(
            "candidate_added",
            f"Candidate #{made.pk} added to {found.title}",
            actor=actor,
            target=made,
        )
    return made


def move(
    actor: User | None, candidate_id: int, stage: Any, *, on: Any = None, note: Any = ""
) -> Candidate:
    """The candidate reaches a stage (any: a candidate may skip one, or leave at any point)."""
    found = _candidate(actor, candidate_id)
    _require_manage(actor, found.position)
    if found.erased:
        raise InvalidInput("candidate", str(found.pk), "was erased: nothing more is recorded")
    text = str(stage or "").strip().lower().replace(" ", "_")
    if text not in ORDER:
        raise InvalidInput("stage", str(stage or ""), f"must be one of {', '.join(ORDER)}")
    day = periods.parse_day("on", on) or clock.today()
    last = found.events.order_by("-on", "-pk").first()
    if last is not None and day < last.on:
        raise InvalidInput("on", day.isoformat(), f"is before the last stage's day ({last.on})")
    with transaction.atomic():
        StageEvent.objects.create(
            candidate=found, stage=text, on=day, note=_text("note", note, MAX_NOTE)
        )
        found.stage = text
        found.save(update_fields=["stage"])
        audit.record(
            "candidate_moved",
            f"Candidate #{found.pk} for {found.position.title}: {Stage(text).label}",
            actor=actor,
            target=found,
            details={"stage": text, "on": day.isoformat()},
        )
    return found


def record_case_study(actor: User | None, candidate_id: int, note: Any) -> Candidate:
    found = _candidate(actor, candidate_id)
    _require_manage(actor, found.position)
    with transaction.atomic():
        found.case_study_note = _text("case_study_note", note, 500)
        found.save(update_fields=["case_study_note"])
        audit.record(
            "candidate_case_study",
            f"Case study of candidate #{found.pk}",
            actor=actor,
            target=found,
        )
    return found


# -- scoring ---------------------------------------------------------------------------------


def _score(name: str, raw: Any) -> int:
    text = str(raw).strip()
    if not text.isdigit() or not SCORE_LOWEST <= int(text) <= SCORE_HIGHEST:
        raise InvalidInput(
            name, text, f"must be a whole number from {SCORE_LOWEST} to {SCORE_HIGHEST}"
        )
    return int(text)


def _criterion_of(criteria: Sequence[Criterion], key: Any) -> Criterion:
    text = str(key).strip()
    for criterion in criteria:
        if text == str(criterion.pk) or text.lower() == criterion.name.lower():
            return criterion
    names = ", ".join(c.name for c in criteria)
    raise InvalidInput(f"scores.{text}", text, f"is not a criterion of this position ({names})")


def save_scorecard(
    actor: User,
    candidate_id: int,
    scores: Mapping[Any, Any],
    *,
    notes: Any = "",
    submit: bool = False,
    at: datetime | None = None,
) -> Scorecard:
    """The actor's own scorecard of a candidate: scores keyed by criterion (id or name), each
    1–5 or blank. Submitting needs every criterion scored and fixes the scorecard; until then
    it is a draft nobody else reads. `at`: when it was submitted, if not now (a scorecard
    kept on paper, the demo's)."""
    found = _candidate(actor, candidate_id)
    permissions.require(
        interviews(actor, found.position),
        f"Only {found.position.title}'s interviewers score its candidates.",
    )
    if found.erased:
        raise InvalidInput("candidate", str(found.pk), "was erased: it takes no more scores")
    criteria = list(found.position.criteria.all())
    given: dict[int, int] = {}
    for key, raw in scores.items():
        criterion = _criterion_of(criteria, key)
        if str(raw if raw is not None else "").strip():
            given[criterion.pk] = _score(f"scores.{criterion.name}", raw)
    text = _text("notes", notes, MAX_TEXT)
    card = own_scorecard(actor, found)
    if card is not None and card.submitted:
        raise InvalidInput("scorecard", "", "was submitted and can no longer change")
    if submit:
        missing = [c.name for c in criteria if c.pk not in given]
        if missing:
            raise InvalidInput(f"scores.{missing[0]}", "", "is needed to submit (1 to 5)")
    with transaction.atomic():
        card = card or Scorecard.objects.create(candidate=found, interviewer=actor)
        card.notes = text
        if submit:
            card.submitted_at = at or timezone.now()
        card.save()
        CriterionScore.objects.filter(scorecard=card).delete()
        CriterionScore.objects.bulk_create(
            CriterionScore(scorecard=card, criterion_id=pk, score=value)
            for pk, value in given.items()
        )
        audit.record(
            "scorecard_submitted" if submit else "scorecard_saved",
            f"Scorecard of candidate #{found.pk} " + ("submitted" if submit else "saved"),
            actor=actor,
            target=card,
        )
    return card


# -- the comparison --------------------------------------------------------------------------


def _weighted(criteria: Sequence[Criterion]) -> list[scorecard.Weighted]:
    return [
        scorecard.Weighted(c.pk, c.weight, c.kind == Criterion.Kind.CASE_STUDY) for c in criteria
    ]


@dataclass(frozen=True)
class Ranked:
    """A candidate in the comparison, as the viewer may see it: `blind` while the viewer is an
    interviewer who has not submitted their own scorecard of them."""

    candidate: Candidate
    result: scorecard.Result | None
    blind: bool
    submitted: int
    above: bool


def comparison(actor: User | None, found: Position) -> list[Ranked]:
    """The position's candidates (not erased), best weighted total first; those the viewer may
    not compare yet last."""
    weighted = _weighted(list(found.criteria.all()))
    rows = []
    interviewer = actor is not None and interviews(actor, found)
    for person in found.candidates.filter(erased_at__isnull=True).order_by("pk"):
        submitted = Scorecard.objects.filter(candidate=person, submitted_at__isnull=False)
        own = actor is not None and submitted.filter(interviewer=actor).exists()
        blind = interviewer and not own
        result = None if blind else _result(weighted, visibility.scope_as(actor, submitted))
        rows.append(
            Ranked(
                person,
                result,
                blind,
                submitted.count(),
                bool(result and result.above(found.hire_above)),
            )
        )

    def rank(row: Ranked) -> tuple[bool, Decimal]:
        total = row.result.total if row.result and row.result.total is not None else None
        return (row.blind, -total if total is not None else Decimal(1))

    return sorted(rows, key=rank)


def _result(weighted: list[scorecard.Weighted], cards: QuerySet[Scorecard]) -> scorecard.Result:
    return scorecard.result(weighted, [card.given() for card in cards.prefetch_related("scores")])


def statistics_of(person: Candidate) -> scorecard.Result:
    """A candidate's figures from every submitted scorecard (the operator's view)."""
    cards = Scorecard.objects.filter(candidate=person, submitted_at__isnull=False)
    return _result(_weighted(list(person.position.criteria.all())), cards)


def statistics(actor: User | None, found: Position) -> scorecard.Result:
    """Every submitted score of the position the actor may read, erased candidates' included
    (anonymous): how the interviewers score for it. Scoped like the scorecards themselves, so
    the figures tell an interviewer nothing of a candidate they have not scored yet."""
    cards = visibility.scope_as(
        actor, Scorecard.objects.filter(candidate__position=found, submitted_at__isnull=False)
    )
    return _result(_weighted(list(found.criteria.all())), cards)


# -- erasure ---------------------------------------------------------------------------------


def erase(actor: User | None, candidate_id: int) -> Candidate:
    """Remove a candidate's personal data on their request: name, contact details, notes (the
    candidate's, the stages', the scorecards'). The scores stay, for the position's figures."""
    found = _candidate(actor, candidate_id)
    _require_manage(actor, found.position)
    if found.erased:
        raise InvalidInput("candidate", str(found.pk), "was already erased")
    with transaction.atomic():
        found.name = f"{ERASED_NAME} #{found.pk}"
        found.email = found.phone = found.notes = found.case_study_note = ""
        found.erased_at = timezone.now()
        found.save()
        StageEvent.objects.filter(candidate=found).update(note="")
        Scorecard.objects.filter(candidate=found).update(notes="")
        audit.record(
            "candidate_erased",
            f"Candidate #{found.pk} for {found.position.title}: personal data erased",
            actor=actor,
            target=found,
        )
    return found


__all__ = [
    "CriterionInput",
    "PositionInput",
    "Ranked",
    "add_candidate",
    "candidate",
    "comparison",
    "erase",
    "move",
    "open_position",
    "own_scorecard",
    "position",
    "positions",
    "save_scorecard",
    "scorecards",
    "statistics",
    "statistics_of",
]
