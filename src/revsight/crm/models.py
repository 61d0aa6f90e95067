"""Sales records: accounts, opportunities and their history, activities, the money around them,
forecast submissions and pipeline snapshots.

Records that came from another system keep `source` and `external_id`, unique together, so a
re-import updates rather than duplicates. Business dates are calendar dates in the
organisation's time zone; event timestamps (`changed_at`) are UTC.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, OrderBy, Q

from revsight.core.money import MoneyField

OWNER = settings.AUTH_USER_MODEL


class ExternalRecord(models.Model):
    source = models.CharField(max_length=32, default="manual")
    external_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        abstract = True


def unique_external(model: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=["source", "external_id"],
        condition=~Q(external_id=""),
        name=f"{model}_unique_source_external_id",
    )


class Stage(models.Model):
    """A pipeline stage, in the order a deal moves through them."""

    class Outcome(models.TextChoices):
        OPEN = "open", "Open"
        WON = "won", "Won"
        LOST = "lost", "Lost"

    name = models.CharField(max_length=100, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    probability = models.DecimalField(
        max_digits=5, decimal_places=4, default=0, help_text="Fraction, 0 to 1."
    )
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.OPEN)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Account(ExternalRecord):
    """A customer or prospect. New vs existing is derived from its won deals, not stored."""

    name = models.CharField(max_length=255)
    segment = models.CharField(max_length=100, blank=True)
    owner = models.ForeignKey(
        OWNER, null=True, blank=True, on_delete=models.PROTECT, related_name="accounts"
    )
    created_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [unique_external("account")]

    def __str__(self) -> str:
        return self.name


class OpportunityType(models.TextChoices):
    NEW_BUSINESS = "new_business", "New business"
    EXISTING_BUSINESS = "existing_business", "Existing business"


class OpportunityStatus(models.TextChoices):
    OPEN = "open", "Open"
    WON = "won", "Won"
    LOST = "lost", "Lost"


class ForecastCategory(models.TextChoices):
    PIPELINE = "pipeline", "Pipeline"
    BEST_CASE = "best_case", "Best case"
    COMMIT = "commit", "Commit"
    CLOSED = "closed", "Closed"
    OMITTED = "omitted", "Omitted"


# Deals listed largest first on every database: PostgreSQL would put deals without an amount
# first in a descending order, SQLite last.
LARGEST_FIRST: tuple[OrderBy, str] = (F("amount").desc(nulls_last=True), "name")


class Opportunity(ExternalRecord):
    """A deal. `amount` is in the organisation's currency; the original is kept beside it."""

    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="opportunities"
    )
    owner = models.ForeignKey(OWNER, on_delete=models.PROTECT, related_name="opportunities")
    name = models.CharField(max_length=255)
    type = models.CharField(max_length=20, choices=OpportunityType.choices, blank=True)
    lead_source = models.CharField(max_length=100, blank=True)
    amount = MoneyField(null=True, blank=True)
    original_amount = MoneyField(null=True, blank=True)
    original_currency = models.CharField(max_length=3, blank=True)
    gross_margin = MoneyField(null=True, blank=True)
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="opportunities")
    probability = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    forecast_category = models.CharField(
        max_length=16, choices=ForecastCategory.choices, blank=True
    )
    created_date = models.DateField()
    close_date = models.DateField(
        null=True,
        blank=True,
        help_text="Expected close date while open; decision date once closed.",
    )
    status = models.CharField(
        max_length=8, choices=OpportunityStatus.choices, default=OpportunityStatus.OPEN
    )
    loss_reason = models.CharField(max_length=200, blank=True)
    next_step = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-close_date", "name"]
        verbose_name_plural = "opportunities"
        constraints = [unique_external("opportunity")]
        indexes = [
            models.Index(fields=["status", "close_date"]),
            models.Index(fields=["owner", "close_date"]),
        ]

    def __str__(self) -> str:
        return self.name


class StageChange(models.Model):
    """The state of an opportunity right after one change (stage, amount or close date)."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)
    changed_at = models.DateTimeField(help_text="UTC.")
    source = models.CharField(max_length=32, default="manual")
    external_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["opportunity", "changed_at", "id"]
        constraints = [unique_external("stagechange")]
        indexes = [models.Index(fields=["opportunity", "changed_at"])]

    def __str__(self) -> str:
        return (
            f"{self.opportunity_id}: {self.from_stage_id}→{self.to_stage_id} at {self.changed_at}"
        )


class ActivityType(models.TextChoices):
    NEW_PROSPECT_CALL = "new_prospect_call", "New-prospect call"
    FACE_TO_FACE_CALL = "face_to_face_call", "Face-to-face call"
    PRESALES_CALL = "presales_call", "Presales / subject-matter-expert call"
    DISCOVERY_CALL = "discovery_call", "Discovery call"
    DEMONSTRATION = "demonstration", "Demonstration"
    EXECUTIVE_PRESENTATION = "executive_presentation", "Executive presentation"
    OTHER = "other", "Other"


class Activity(ExternalRecord):
    owner = models.ForeignKey(OWNER, on_delete=models.PROTECT, related_name="activities")
    type = models.CharField(max_length=24, choices=ActivityType.choices)
    date = models.DateField()
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    opportunity = models.ForeignKey(
        Opportunity, null=True, blank=True, on_delete=models.PROTECT, related_name="activities"
    )
    subject = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-date"]
        verbose_name_plural = "activities"
        constraints = [unique_external("activity")]
        indexes = [
            models.Index(fields=["owner", "date"]),
            models.Index(fields=["opportunity", "date"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} {self.date}"


class Lead(ExternalRecord):
    lead_source = models.CharField(max_length=100)
    created_date = models.DateField()
    owner = models.ForeignKey(
        OWNER, null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )
    converted_opportunity = models.ForeignKey(
        Opportunity, null=True, blank=True, on_delete=models.PROTECT, related_name="leads"
    )

    class Meta:
        ordering = ["-created_date"]
        constraints = [unique_external("lead")]
        indexes = [models.Index(fields=["lead_source", "created_date"])]

    def __str__(self) -> str:
        return f"{self.lead_source} lead {self.created_date}"


class MarketingSpend(models.Model):
    lead_source = models.CharField(max_length=100)
    month = models.DateField(help_text="The first day of the month.")
    amount = MoneyField()

    class Meta:
        ordering = ["month", "lead_source"]
        constraints = [
            models.UniqueConstraint(fields=["lead_source", "month"], name="one_spend_per_source")
        ]

    def __str__(self) -> str:
        return f"{self.lead_source} {self.month:%Y-%m}: {self.amount}"


class Invoice(ExternalRecord):
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="invoices")
    opportunity = models.ForeignKey(
        Opportunity, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    invoice_date = models.DateField()
    amount = MoneyField()
    due_date = models.DateField()
    paid_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-invoice_date"]
        constraints = [unique_external("invoice")]
        indexes = [models.Index(fields=["invoice_date"])]

    def __str__(self) -> str:
        return f"Invoice {self.external_id or self.pk} {self.amount}"


class TimeEntry(ExternalRecord):
    """Hours a consultant worked; billed_amount is what the client was charged."""

    consultant = models.ForeignKey(OWNER, on_delete=models.PROTECT, related_name="time_entries")
    date = models.DateField()
    hours = models.DecimalField(max_digits=6, decimal_places=2)
    billable = models.BooleanField(default=True)
    billed_amount = MoneyField(default=0)
    standard_rate = MoneyField(help_text="The list hourly rate for this work.")
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["-date"]
        verbose_name_plural = "time entries"
        constraints = [unique_external("timeentry")]
        indexes = [models.Index(fields=["consultant", "date"])]

    def __str__(self) -> str:
        return f"{self.consultant_id} {self.date}: {self.hours} h"


class ServiceBacklog(models.Model):
    """Signed-but-undelivered service hours as they stood on a date."""

    as_of = models.DateField()
    consultant = models.ForeignKey(
        OWNER, null=True, blank=True, on_delete=models.PROTECT, related_name="backlog"
    )
    account = models.ForeignKey(Account, null=True, blank=True, on_delete=models.PROTECT)
    hours = models.DecimalField(max_digits=10, decimal_places=2)
    amount = MoneyField(null=True, blank=True)

    class Meta:
        ordering = ["-as_of"]
        indexes = [models.Index(fields=["as_of"])]

    def __str__(self) -> str:
        return f"Backlog {self.as_of}: {self.hours} h"


class SalesExpense(models.Model):
    user = models.ForeignKey(OWNER, on_delete=models.PROTECT, related_name="sales_expenses")
    month = models.DateField(help_text="The first day of the month.")
    category = models.CharField(max_length=64)
    amount = MoneyField()

    class Meta:
        ordering = ["month"]
        indexes = [models.Index(fields=["user", "month"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.month:%Y-%m} {self.category}: {self.amount}"


class PeriodType(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"


class ForecastCategoryChoice(models.TextChoices):
    COMMIT = "commit", "Commit"
    BEST_CASE = "best_case", "Best case"


class ForecastSubmission(models.Model):
    """A forecaster's commit or best case for a month or quarter; every one is kept, so
    accuracy can be measured afterwards."""

    user = models.ForeignKey(OWNER, on_delete=models.PROTECT, related_name="forecast_submissions")
    period_type = models.CharField(max_length=8, choices=PeriodType.choices)
    period_start = models.DateField(help_text="First day of the month or quarter.")
    category = models.CharField(max_length=10, choices=ForecastCategoryChoice.choices)
    amount = MoneyField()
    submitted_at = models.DateTimeField(help_text="UTC.")
    submitted_by = models.ForeignKey(
        OWNER,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who entered it, when not the forecaster (a manager's adjustment).",
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        # Kept from the release that held submissions in the forecasting app.
        db_table = "forecasting_forecastsubmission"
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["user", "period_type", "period_start", "submitted_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.period_start} {self.category}: {self.amount}"


class PipelineSnapshot(models.Model):
    """One open deal as it stood at the end of a day, kept by `revsight forecast snapshot`
    (scheduled weekly). The reconstruction from stage history answers the same question for any
    date; the kept rows remain when a CRM export without history replaces the deals."""

    taken_on = models.DateField()
    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="snapshots")
    owner = models.ForeignKey(OWNER, on_delete=models.PROTECT, related_name="+")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    amount = MoneyField(null=True, blank=True)
    close_date = models.DateField(null=True, blank=True)

    class Meta:
        db_table = "forecasting_pipelinesnapshot"
        ordering = ["taken_on", "opportunity"]
        constraints = [
            models.UniqueConstraint(
                fields=["taken_on", "opportunity"], name="one_snapshot_row_per_deal_and_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.taken_on} {self.opportunity_id}"
