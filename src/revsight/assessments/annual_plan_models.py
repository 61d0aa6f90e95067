"""The annual sales plan worksheet: the planning questions answered once a fiscal year for the
company, with links to the year's goals and to the capacity scenario adopted for it. Changed
only through `annual_plan_services.py`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from revsight.access import visibility


class AnnualPlan(models.Model):
    """The plan for fiscal year `year`, named as the periods name it (the calendar year it starts
    in: `2027`)."""

    year = models.PositiveSmallIntegerField(unique=True)
    # {question key: text}, and for the two assumptions' questions {key + "_holds": yes|partly|no}.
    answers: Any = models.JSONField(default=dict, blank=True)
    goals = models.ManyToManyField("org.Goal", blank=True, related_name="+")
    capacity_scenario = models.ForeignKey(
        "planning.CapacityScenario",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"Annual plan FY{self.year}"


def _managers_and_above(viewer: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """The company's plan is read by everyone who manages (they carry it out) and written by
    the executives (`annual_plan_services.may_write`)."""
    return queryset if visibility.is_manager_or_above(viewer) else queryset.none()


visibility.register(AnnualPlan, _managers_and_above)
