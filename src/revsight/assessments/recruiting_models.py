"""The recruiting scorecard: an open position with its weighted criteria and hiring team, its
candidates moving through the interview stages, and each interviewer's scorecard of each
candidate. Changed only through `recruiting_services.py`.

Who sees what is the point of the scorecard, so it is a visibility rule like every other
record's: positions and candidates only the position's hiring team and the executives; an
interviewer's scorecard only its author until the viewer has submitted their own for that
candidate (a draft never anyone else)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet

from revsight.access import visibility

SCORE_LOWEST, SCORE_HIGHEST = 1, 5


class Position(models.Model):
    """A role to hire for: its criteria, the people who interview for it and the weighted total
    a candidate must exceed to be hired."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        FILLED = "filled", "Filled"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=120)
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    hiring_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="positions_managed"
    )
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="positions_interviewed", blank=True
    )
    hire_above = models.DecimalField(max_digits=3, decimal_places=2, default=Decimal("3.50"))
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "title"]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """What a candidate is scored on, 1 to 5, with its weight in the total."""

    class Kind(models.TextChoices):
        TRAIT = "trait", "Trait of the team's high performers"
        SKILL = "skill", "Skill"
        EXPERIENCE = "experience", "Experience"
        CASE_STUDY = "case_study", "Sales case study"

    position = models.ForeignKey(Position, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    weight = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["position", "name"], name="one_criterion_per_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ×{self.weight}"


class Stage(models.TextChoices):
    """The interview stages in their order, then the two ways out."""

    SCREEN = "screen", "Screen"
    INTERVIEWS = "interviews", "Interviews"
    CASE_STUDY = "case_study", "Case study"
    REFERENCES = "references", "Reference checks"
    OFFER = "offer", "Offer"
    HIRED = "hired", "Hired"
    DECLINED = "declined", "Not hired"


class Candidate(models.Model):
    """A person applying for a position. Their personal data (name, email, phone, notes) is
    removed on request (`erased_at`); the scores stay, anonymous, for the position's figures."""

    position = models.ForeignKey(Position, on_delete=models.PROTECT, related_name="candidates")
    name = models.CharField(max_length=120)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    notes = models.TextField(blank=True)
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.SCREEN)
    case_study_note = models.CharField(max_length=500, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.name

    @property
    def erased(self) -> bool:
        return self.erased_at is not None


class StageEvent(models.Model):
    """A candidate reaching a stage, on a day."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="events")
    stage = models.CharField(max_length=12, choices=Stage.choices)
    on = models.DateField()
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.candidate_id} {self.stage} {self.on}"


class Scorecard(models.Model):
    """One interviewer's scores of one candidate: a draft until submitted, then fixed."""

    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="scorecards")
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scorecards"
    )
    notes = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["candidate", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "interviewer"], name="one_scorecard_per_interviewer"
            )
        ]

    def __str__(self) -> str:
        return f"Scorecard of {self.candidate_id} by {self.interviewer_id}"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    def given(self) -> dict[int, int]:
        """The scores given, by criterion id (read through `scores`, prefetched or not)."""
        return {s.criterion_id: s.score for s in self.scores.all()}


class CriterionScore(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["criterion__order", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "criterion"], name="one_score_per_criterion"
            )
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.score}"


def on_hiring_team(viewer: Any, prefix: str = "") -> Q:
    """The records of positions `viewer` hires for: as its hiring manager or an interviewer."""
    return Q(**{f"{prefix}hiring_manager": viewer}) | Q(**{f"{prefix}interviewers": viewer})


def _positions(viewer: Any, queryset: QuerySet[Position], prefix: str = "") -> QuerySet:
    if getattr(viewer, "sees_everything", False):
        return queryset
    mine = Position.objects.filter(on_hiring_team(viewer)).values("pk")
    field = prefix.removesuffix("__") or "pk"
    return queryset.filter(**{f"{field}__in": mine})


def _scorecards(viewer: Any, queryset: QuerySet[Scorecard], prefix: str = "") -> QuerySet:
    """Its author's, always; anyone else's only once submitted, and then to whoever has
    submitted their own scorecard of that candidate, or to someone who may see the position and
    interviews nobody for it (the hiring manager, an executive): no score of theirs can be
    swayed by reading it."""
    own_submitted = Scorecard.objects.filter(
        candidate=OuterRef(f"{prefix}candidate"), interviewer=viewer, submitted_at__isnull=False
    )
    interviewing = Position.objects.filter(interviewers=viewer).values("pk")
    seen = Q(**{f"{prefix}interviewer": viewer}) | (
        Q(**{f"{prefix}submitted_at__isnull": False})
        & (Q(Exists(own_submitted)) | ~Q(**{f"{prefix}candidate__position__in": interviewing}))
    )
    if not getattr(viewer, "sees_everything", False):
        mine = Position.objects.filter(on_hiring_team(viewer)).values("pk")
        seen &= Q(**{f"{prefix}candidate__position__in": mine})
    return queryset.filter(seen)


visibility.register(Position, _positions)
visibility.register(Criterion, lambda viewer, qs: _positions(viewer, qs, "position__"))
visibility.register(Candidate, lambda viewer, qs: _positions(viewer, qs, "position__"))
visibility.register(StageEvent, lambda viewer, qs: _positions(viewer, qs, "candidate__position__"))
visibility.register(Scorecard, _scorecards)
visibility.register(CriterionScore, lambda viewer, qs: _scorecards(viewer, qs, "scorecard__"))
