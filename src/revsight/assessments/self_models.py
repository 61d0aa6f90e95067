"""The sales-management self-assessment kept over time: one a quarter per person and scope (the
company or a team), each category's score with what the data suggested beside it. Changed only
through `self_services.py`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from revsight.access import visibility


class SelfAssessment(models.Model):
    """One person's assessment of the company's (`team` None) or a team's sales management in a
    fiscal quarter (`2027-Q1`). A draft until completed; the suggestions are read from the data
    as of `as_of`."""

    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="self_assessments"
    )
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quarter = models.CharField(max_length=7)
    as_of = models.DateField()
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-quarter", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessed_by", "team", "quarter"],
                condition=models.Q(team__isnull=False),
                name="one_team_self_assessment_a_quarter",
            ),
            models.UniqueConstraint(
                fields=["assessed_by", "quarter"],
                condition=models.Q(team__isnull=True),
                name="one_company_self_assessment_a_quarter",
            ),
        ]

    def __str__(self) -> str:
        return f"Self-assessment {self.quarter} by {self.assessed_by_id}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    @property
    def scope_label(self) -> str:
        return self.team.name if self.team_id and self.team else "Company"


class CategoryScore(models.Model):
    """One category of an assessment: the score the data suggested (None: it cannot say), its
    reason and figures as they were, and the score given (None until given). A score that
    differs from the suggestion is an override; both are kept."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="scores")
    number = models.PositiveSmallIntegerField()
    suggested = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)
    figures: Any = models.JSONField(default=dict, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="one_score_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} #{self.number}: {self.score}"

    @property
    def overridden(self) -> bool:
        return (
            self.score is not None and self.suggested is not None and self.score != self.suggested
        )


def _seen(viewer: Any, queryset: models.QuerySet[Any], prefix: str = "") -> models.QuerySet[Any]:
    """Executives and administrators see every assessment; a manager their own and those of
    the teams they manage (with the teams below them); nobody else any."""
    if viewer.sees_everything:
        return queryset
    teams = visibility.managed_team_ids(viewer)
    return queryset.filter(
        models.Q(**{f"{prefix}assessed_by": viewer}) | models.Q(**{f"{prefix}team_id__in": teams})
    )


visibility.register(SelfAssessment, _seen)
visibility.register(CategoryScore, lambda viewer, queryset: _seen(viewer, queryset, "assessment__"))
