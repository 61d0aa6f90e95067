"""Every change to a self-assessment, whatever its door (page, API, demo): who may assess what,
starting one from the data's suggestions, giving or overriding each score, completing it, and
the assessments a person sees. Each write is checked against the actor's permissions and
audited; a wrong value is an `InvalidInput` naming its field, with nothing stored."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from revsight.access import permissions, visibility
from revsight.assessments import suggestions
from revsight.assessments.bands import CATEGORIES, COUNT, band_of, score_of, scores_of
from revsight.assessments.self_models import CategoryScore, SelfAssessment
from revsight.core import audit, periods
from revsight.core.errors import InvalidInput, NotAllowed
from revsight.core.models import Organisation
from revsight.org.models import Team, User

MAX_NOTE = 300


def may_assess(actor: Any, team: Team | None) -> bool:
    """The company's assessment: executives and administrators; a team's: they too, and the
    managers of the team or of a team above it."""
    if not (actor.is_authenticated and visibility.is_manager_or_above(actor)):
        return False
    if actor.sees_everything:
        return True
    return team is not None and team.pk in visibility.managed_team_ids(actor)


def may_open(actor: Any) -> bool:
    """The assessments' pages: whoever manages a team or sees everything."""
    return bool(actor.is_authenticated and visibility.is_manager_or_above(actor))


def scopes_for(actor: User) -> list[Team | None]:
    """What the actor may assess: the company (None) first, then teams by name."""
    found: list[Team | None] = [None] if may_assess(actor, None) else []
    return found + [t for t in Team.objects.order_by("name") if may_assess(actor, t)]


def visible(actor: User | None) -> QuerySet[SelfAssessment]:
    """The assessments the actor sees (`self_models`' visibility rule; the operator all)."""
    found = SelfAssessment.objects.select_related("assessed_by", "team")
    return visibility.scope_as(actor, found)


def one(actor: User | None, assessment_id: int) -> SelfAssessment:
    return visibility.visible_one(actor, visible(actor), assessment_id, "self-assessment")


def quarter_of(day: date) -> periods.Period:
    return periods.containing("quarter", day, Organisation.current().fiscal_year_start_month)


def team_of(actor: User | None, raw: Any) -> Team | None:
    """The scope typed in a form or a payload: empty for the company, else a team's id or name."""
    text = str(raw or "").strip()
    if not text or text.lower() == "company":
        return None
    found = Team.objects.filter(pk=int(text)).first() if text.isdigit() else None
    return found or suggestions.team_named(text)


def _check(actor: User | None, team: Team | None) -> None:
    if actor is not None:
        what = team.name if team else "the company"
        permissions.require(may_assess(actor, team), f"You may not assess {what}.")


def _fill(assessment: SelfAssessment, as_of: date) -> None:
    """(Re)read the suggestions into the categories not yet scored."""
    found = suggestions.suggest(as_of, assessment.team)
    kept = {s.number: s for s in assessment.scores.all()}
    for suggestion in found:
        row = kept.get(suggestion.number) or CategoryScore(
            assessment=assessment, number=suggestion.number
        )
        if row.score is not None and row.pk:
            continue
        row.suggested = suggestion.suggested
        row.reason = suggestion.reason
        row.figures = suggestion.figures
        row.save()


def start(actor: User | None, team: Team | None, as_of: date) -> SelfAssessment:
    """The actor's assessment of the quarter containing `as_of` for the scope: a new draft
    pre-filled with the data's suggestions, or the one already begun (its unscored categories'
    suggestions read again as of that day). A completed one is returned as it is."""
    _check(actor, team)
    periods.check_day("as_of", as_of)
    if actor is None:
        raise NotAllowed("A self-assessment is a person's: start it as one (the web or the API).")
    quarter = quarter_of(as_of)
    with transaction.atomic():
        found, created = SelfAssessment.objects.get_or_create(
            assessed_by=actor, team=team, quarter=quarter.id, defaults={"as_of": as_of}
        )
        if found.is_complete:
            return found
        found.as_of = as_of
        found.save(update_fields=["as_of", "updated_at"])
        _fill(found, as_of)
        if created:
            audit.record(
                "self_assessment_started",
                f"Self-assessment {quarter.id} of {found.scope_label} started",
                actor=actor,
                target=found,
                details={"quarter": quarter.id, "team": team.name if team else None},
            )
    return found


def _note(number: int, raw: Any) -> str:
    text = " ".join(str(raw or "").split())
    if len(text) > MAX_NOTE:
        raise InvalidInput(
            f"note {number}", text[:40] + "…", f"is longer than {MAX_NOTE} characters"
        )
    return text


def save(
    actor: User | None, assessment_id: int, data: Mapping[str, Any], *, complete: bool = False
) -> SelfAssessment:
    """Give the scores (`score_1` … `score_11`, each 1–5 or empty) and notes (`note_N`); with
    `complete`, every category must be scored and the assessment is completed. Every value is
    checked before anything is stored."""
    found = one(actor, assessment_id)
    _check(actor, found.team)
    if actor is not None:  # one's own judgement: others see it, only its author changes it
        permissions.require(
            actor.pk == found.assessed_by_id,
            f"This is {found.assessed_by.display_name}'s assessment; only they change it.",
        )
    if found.is_complete:
        raise InvalidInput("assessment", found.quarter, "is completed and can no longer change")
    rows = {row.number: row for row in found.scores.all()}
    changes: dict[int, tuple[int | None, str]] = {}
    for category in CATEGORIES:
        n = category.number
        raw = data.get(f"score_{n}")
        given = None if raw is None or str(raw).strip() == "" else score_of(f"score {n}", raw)
        changes[n] = (given, _note(n, data.get(f"note_{n}", rows[n].note if n in rows else "")))
    if complete:
        missing = [n for n, (given, _) in changes.items() if given is None]
        if missing:
            raise InvalidInput(
                f"score {missing[0]}", "", "is needed to complete the assessment (1 to 5)"
            )
    with transaction.atomic():
        for n, (given, note) in changes.items():
            row = rows.get(n) or CategoryScore(assessment=found, number=n)
            row.score, row.note = given, note
            row.save()
        if complete:
            found.completed_at = timezone.now()
            found.save(update_fields=["completed_at", "updated_at"])
        scores = {n: given for n, (given, _) in changes.items()}
        audit.record(
            "self_assessment_completed" if complete else "self_assessment_saved",
            f"Self-assessment {found.quarter} of {found.scope_label} "
            + ("completed" if complete else "saved"),
            actor=actor,
            target=found,
            details={"scores": scores},
        )
    return found


def record(
    actor: User,
    team: Team | None,
    as_of: date,
    scores: list[Any],
    *,
    notes: dict[int, str] | None = None,
    at: datetime | None = None,
) -> SelfAssessment:
    """Keep an assessment made outside Revsight (on paper, last year): completed, with its
    scores and no suggestions. Refused when the actor already has one for that quarter."""
    _check(actor, team)
    periods.check_day("as_of", as_of)
    checked = scores_of(scores)
    quarter = quarter_of(as_of)
    if SelfAssessment.objects.filter(assessed_by=actor, team=team, quarter=quarter.id).exists():
        raise InvalidInput("quarter", quarter.id, "already has an assessment of this scope by you")
    with transaction.atomic():
        found = SelfAssessment.objects.create(
            assessed_by=actor,
            team=team,
            quarter=quarter.id,
            as_of=as_of,
            completed_at=at or timezone.now(),
        )
        CategoryScore.objects.bulk_create(
            CategoryScore(
                assessment=found, number=n, score=score, note=(notes or {}).get(n, "")[:MAX_NOTE]
            )
            for n, score in enumerate(checked, 1)
        )
        audit.record(
            "self_assessment_recorded",
            f"Self-assessment {quarter.id} of {found.scope_label} recorded",
            actor=actor,
            target=found,
            details={"scores": checked},
        )
    return found


@dataclass(frozen=True)
class Totals:
    """A completed (or fully scored) assessment's total and band."""

    total: int
    band: str
    advice: str


def totals(found: SelfAssessment) -> Totals | None:
    """None until every category is scored."""
    scores = [row.score for row in found.scores.all()]
    if len(scores) != COUNT or any(s is None for s in scores):
        return None
    total = sum(s for s in scores if s is not None)
    band = band_of(total)
    return Totals(total, band.key, band.advice)


def history(actor: User | None, team: Team | None) -> list[SelfAssessment]:
    """The completed assessments of a scope the actor sees, oldest quarter first."""
    found = visible(actor).filter(completed_at__isnull=False).prefetch_related("scores")
    found = found.filter(team=team) if team is not None else found.filter(team__isnull=True)
    return sorted(found, key=lambda a: (a.quarter, a.completed_at))


def as_json(found: SelfAssessment) -> dict[str, Any]:
    shown = totals(found)
    return {
        "id": found.pk,
        "quarter": found.quarter,
        "team": found.team.name if found.team else None,
        "assessed_by": found.assessed_by.email,
        "as_of": found.as_of.isoformat(),
        "completed_at": found.completed_at.isoformat() if found.completed_at else None,
        "total": shown.total if shown else None,
        "band": shown.band if shown else None,
        "advice": shown.advice if shown else None,
        "categories": [
            {
                "number": row.number,
                "title": CATEGORIES[row.number - 1].title,
                "suggested": row.suggested,
                "reason": row.reason,
                "figures": row.figures,
                "score": row.score,
                "overridden": row.overridden,
                "note": row.note,
            }
            for row in found.scores.all()
        ],
    }
