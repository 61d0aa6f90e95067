"""The weekly priorities' records: a team's (or the company's) week, prepared on Friday from
the data, with the priorities its president and sales manager agreed. Changed only through
`priorities_services.py`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from revsight.access import visibility
from revsight.org.models import Team


class WeeklyRecord(models.Model):
    """One team's week (or the company's, without a team): an ISO week id (`2027-W05`).

    `figures` are the week's achievements and problems as they were drawn from the data when
    the record was prepared, kept so that a later import does not rewrite the week's story.
    """

    week = models.CharField(max_length=8)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="weekly_records"
    )
    figures: Any = models.JSONField(default=dict)
    notes = models.TextField(blank=True)
    prepared_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-week", "team__name"]
        constraints = [
            models.UniqueConstraint(fields=["week", "team"], name="one_weekly_record_a_team"),
            models.UniqueConstraint(
                fields=["week"],
                condition=models.Q(team__isnull=True),
                name="one_company_weekly_record",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.team.name if self.team else 'company'}"


class Outcome(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    PARTLY = "partly", "Partly done"
    NOT_DONE = "not_done", "Not done"
    DROPPED = "dropped", "Dropped"


class Priority(models.Model):
    """A priority agreed in a week's record for the week after it."""

    record = models.ForeignKey(WeeklyRecord, on_delete=models.CASCADE, related_name="priorities")
    text = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    outcome_note = models.CharField(max_length=300, blank=True)
    # The priority of an earlier week this one carries forward, not done then.
    carried_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="carried_to"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name_plural = "priorities"

    def __str__(self) -> str:
        return self.text


def _records(viewer: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """The company's weeks are the executives'; a team's are also its managers' (the teams they
    manage, with those below)."""
    if viewer.sees_everything:
        return queryset
    return queryset.filter(team_id__in=visibility.managed_team_ids(viewer))


def _priorities(viewer: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """A priority is seen with its week, and by the person who owns it."""
    if viewer.sees_everything:
        return queryset
    weeks = _records(viewer, WeeklyRecord.objects.all()).values("pk")
    return queryset.filter(models.Q(record_id__in=weeks) | models.Q(owner=viewer))


visibility.register(WeeklyRecord, _records)
visibility.register(Priority, _priorities)
