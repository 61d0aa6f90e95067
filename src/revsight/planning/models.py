"""Saved capacity scenarios: a plan's parameters as given, at the as-of date it was made on.

The plan itself is recomputed from these and the data at that date, so a scenario's page
shows the same plan later and, beside it, what actually happened.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from revsight.access import visibility
from revsight.org.models import Team


class CapacityScenario(models.Model):
    name = models.CharField(max_length=100, unique=True)
    as_of = models.DateField()
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="capacity_scenarios"
    )
    # `inputs.Parameters.as_text()`: what was typed, in the syntax it is typed in.
    parameters: Any = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-as_of", "name"]

    def __str__(self) -> str:
        return self.name


def _scenarios(viewer: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Executives and administrators see every scenario; a manager those of the teams they
    manage; nobody else any."""
    if viewer.sees_everything:
        return queryset
    return queryset.filter(team_id__in=visibility.managed_team_ids(viewer))


visibility.register(CapacityScenario, _scenarios)
