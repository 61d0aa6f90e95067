"""Forecast submissions: every one kept, so accuracy can be measured afterwards."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from revsight.core.money import MoneyField


class PeriodType(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"


class ForecastCategoryChoice(models.TextChoices):
    COMMIT = "commit", "Commit"
    BEST_CASE = "best_case", "Best case"


class ForecastSubmission(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="forecast_submissions"
    )
    period_type = models.CharField(max_length=8, choices=PeriodType.choices)
    period_start = models.DateField(help_text="First day of the month or quarter.")
    category = models.CharField(max_length=10, choices=ForecastCategoryChoice.choices)
    amount = MoneyField()
    submitted_at = models.DateTimeField(help_text="UTC.")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who entered it, when not the forecaster (a manager's adjustment).",
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["user", "period_type", "period_start", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.period_start} {self.category}: {self.amount}"


class PipelineSnapshot(models.Model):
    """One open deal as it stood at the end of a day, kept by `revsight forecast snapshot`
    (scheduled weekly). The reconstruction from stage history answers the same question for any
    date; the kept rows remain when a CRM export without history replaces the deals."""

    taken_on = models.DateField()
    opportunity = models.ForeignKey(
        "crm.Opportunity", on_delete=models.CASCADE, related_name="snapshots"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    stage = models.ForeignKey("crm.Stage", on_delete=models.PROTECT, related_name="+")
    amount = MoneyField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["taken_on", "opportunity"]
        constraints = [
            models.UniqueConstraint(
                fields=["taken_on", "opportunity"], name="one_snapshot_row_per_deal_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.taken_on} {self.opportunity_id}"
