"""Schedules, their runs, and who turned which emails off. Changed only through the services of
this package (`schedules.py`, `preferences.py`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EmailKind(models.TextChoices):
    """The emails Revsight sends on its own; each person may turn each off."""

    REMINDER = "reminder", "Forecast submission reminders"
    FRESHNESS = "freshness", "Warnings that no import has arrived (administrators)"
    IMPORT_SUMMARY = "import_summary", "Summaries of the watched folder's imports (managers)"
    WEEKLY_PRIORITIES = "weekly_priorities", "The week's record and priorities (Fridays)"
    MONDAY_MEETING = "monday_meeting", "The Monday sales meeting's agenda"
    SELF_ASSESSMENT = "self_assessment", "Reminders to assess sales management each quarter"


class EmailOptOut(models.Model):
    """A kind of email one person does not want (a row per kind turned off)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs"
    )
    kind = models.CharField(max_length=32, choices=EmailKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_opt_out_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} off {self.kind}"


class Schedule(models.Model):
    """When one of the routine's schedules fires, in the organisation's local time. A schedule
    without a row runs at its default (`schedules.DEFAULTS`)."""

    name = models.CharField(max_length=32, unique=True)
    enabled = models.BooleanField(default=True)
    weekday = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="0 Monday … 6 Sunday; empty: every day."
    )
    at = models.TimeField(help_text="Local time of day.")
    days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The freshness check: days without an import."
    )

    def __str__(self) -> str:
        return f"{self.name} {self.weekday} {self.at}"


class ScheduleRun(models.Model):
    """One occurrence of a schedule, claimed by the worker that runs it: the unique constraint
    makes it fire once even when two workers look at the same minute."""

    schedule = models.CharField(max_length=32)
    occurrence = models.DateTimeField(help_text="The local time it was due, in UTC.")
    started_at = models.DateTimeField(auto_now_add=True)
    job = models.ForeignKey(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-occurrence"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "occurrence"], name="one_run_per_occurrence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.schedule} {self.occurrence:%Y-%m-%d %H:%M}"
