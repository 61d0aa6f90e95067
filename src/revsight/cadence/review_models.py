"""Salesperson reviews: a month's (or, formally, a quarter's) review of one salesperson, its
packet of numbers, both parties' notes and the actions agreed in it. Changed only through
`review_services.py`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from revsight.access import visibility
from revsight.cadence.priorities_models import Outcome


class ReviewKind(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    HELD = "held", "Held"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


class Review(models.Model):
    """One salesperson's review of a month (`2027-01`) or a fiscal quarter (`2027-Q1`).

    `packet` is null while the review is a draft (its numbers are drawn from the data each time
    it is opened); holding the review freezes them there, so a later import does not rewrite
    what was discussed. The written sections are the quarterly review's.
    """

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews"
    )
    kind = models.CharField(max_length=10, choices=ReviewKind.choices)
    period = models.CharField(max_length=7)
    status = models.CharField(
        max_length=12, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    held_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    packet: Any = models.JSONField(null=True, blank=True)
    manager_notes = models.TextField(blank=True)
    salesperson_notes = models.TextField(blank=True)
    strengths = models.TextField(blank=True)
    development_areas = models.TextField(blank=True)
    goals_next_quarter = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period", "kind", "salesperson__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["salesperson", "kind", "period"], name="one_review_a_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} review {self.period} of {self.salesperson_id}"

    @property
    def is_quarterly(self) -> bool:
        return self.kind == ReviewKind.QUARTERLY

    @property
    def is_frozen(self) -> bool:
        return self.status != ReviewStatus.DRAFT


class ReviewAction(models.Model):
    """An action agreed in a review, judged in the next one."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    outcome_note = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


# A review is seen by whoever sees its salesperson: themselves, the managers of their team and
# of the teams above it, executives and administrators.
visibility.register(Review, visibility.by_person("salesperson_id"))
visibility.register(ReviewAction, visibility.by_person("review__salesperson_id"))
