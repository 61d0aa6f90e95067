"""The shared kernel's records: the organisation itself, the audit log, API tokens and the
data-version counters."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class AuditEntry(models.Model):
    """One state change made through a service function (an import, an edit, a demo build)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_entries",
        help_text="Empty for changes made from the command line or by the system.",
    )
    action = models.CharField(max_length=64, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}: {self.summary}"


class ApiToken(models.Model):
    """A key another program uses to act as one person through the JSON API. Only a hash is
    kept; the token itself is shown once, when it is created."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True, help_text="What uses it.")
    prefix = models.CharField(max_length=16, unique=True, help_text="Shown to tell tokens apart.")
    digest = models.CharField(max_length=64, help_text="SHA-256 of the whole token.")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix} ({self.user_id})"


class Organisation(models.Model):
    """The one organisation a Revsight installation serves (a single row)."""

    name = models.CharField(max_length=200, default="My organisation")
    currency = models.CharField(max_length=3, default="USD", help_text="ISO 4217 code.")
    time_zone = models.CharField(max_length=64, default="UTC")
    fiscal_year_start_month = models.PositiveSmallIntegerField(default=1)
    pacing = models.CharField(
        max_length=16,
        default="selling",
        choices=[("selling", "Selling days (Monday to Friday)"), ("calendar", "Calendar days")],
        help_text="What a goal to date is pro-rated by.",
    )
    is_demo = models.BooleanField(
        default=False, help_text="Built by `revsight demo`; real imports refuse to mix into it."
    )
    demo_seed = models.IntegerField(null=True, blank=True)
    demo_as_of = models.DateField(null=True, blank=True)
    demo_scale = models.CharField(max_length=16, blank=True)

    class Meta:
        # Kept from the release that held the organisation among the people records.
        db_table = "org_organisation"
        constraints = [
            models.CheckConstraint(
                condition=Q(fiscal_year_start_month__gte=1, fiscal_year_start_month__lte=12),
                name="fiscal_year_start_month_is_a_month",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Organisation:
        org = cls.objects.order_by("pk").first()
        return org if org is not None else cls.objects.create()


class TableVersion(models.Model):
    """A counter per fact table, raised by every service that changes the table, in the same
    transaction; the analytics replica re-copies the tables whose counter moved."""

    fact = models.CharField(max_length=32, primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        # Kept from the release that held the counter in the analytics app.
        db_table = "analytics_tableversion"

    def __str__(self) -> str:
        return f"{self.fact} v{self.version}"
