"""The records CRM discipline keeps: rule parameters (with per-stage overrides) and deal
pauses. Rules themselves are evaluated from history, never stored (`discipline.py`)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from revsight.crm.models import Opportunity, Stage


class RuleParameter(models.Model):
    """One parameter of a rule set away from its default, for every stage (`stage` empty) or
    for one stage."""

    rule = models.CharField(max_length=32)
    name = models.CharField(max_length=32)
    stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    value = models.PositiveIntegerField()

    class Meta:
        ordering = ["rule", "name", "stage"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "name"],
                condition=Q(stage__isnull=True),
                name="one_rule_parameter_for_every_stage",
            ),
            models.UniqueConstraint(
                fields=["rule", "name", "stage"],
                condition=Q(stage__isnull=False),
                name="one_rule_parameter_per_stage",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule}.{self.name}{f' ({self.stage_id})' if self.stage_id else ''}"


class DealPause(models.Model):
    """A deal left out of every discipline rule from `paused_on` until the day before
    `resume_on` (or until it was resumed early, `resumed_on`). Pauses are kept, so the trend
    of any past week leaves out the deals paused then."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(max_length=500)
    paused_on = models.DateField()
    resume_on = models.DateField()
    resumed_on = models.DateField(null=True, blank=True)
    paused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    resumed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["opportunity", "paused_on", "id"]
        indexes = [models.Index(fields=["opportunity", "paused_on"])]

    def __str__(self) -> str:
        return f"{self.opportunity_id} paused {self.paused_on}–{self.until}"

    @property
    def until(self) -> date:
        """The first day the deal is judged again."""
        return min(self.resume_on, self.resumed_on) if self.resumed_on else self.resume_on

    def covers(self, day: date) -> bool:
        return self.paused_on <= day < self.until
