"""Saved capacity scenarios: a plan's parameters as given, at the as-of date it was made on.

The plan itself is recomputed from these and the data at that date, so a scenario's page
shows the same plan later and, beside it, what actually happened.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from revsight.access import visibility
from revsight.org.models import Team, TeamTree


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


class Contest(models.Model):
    """A sales contest: a catalogue metric over a period, scored by a rule among salespeople
    (all of them, or a team's with its sub-teams) or among teams."""

    class Rule(models.TextChoices):
        MOST = "most", "The best value"
        FIRST_TO = "first_to", "First to a threshold"
        IMPROVEMENT = "improvement", "Biggest improvement on the previous period"

    class Competitors(models.TextChoices):
        SALESPEOPLE = "salespeople", "Salespeople"
        TEAMS = "teams", "Teams"

    name = models.CharField(max_length=100, unique=True)
    metric = models.CharField(max_length=64)
    # A period id in the one syntax of periods.py (2027-Q1, 2027-03, 2027-W05, 2027).
    period = models.CharField(max_length=16)
    rule = models.CharField(max_length=16, choices=Rule.choices, default=Rule.MOST)
    threshold = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    competitors = models.CharField(
        max_length=16, choices=Competitors.choices, default=Competitors.SALESPEOPLE
    )
    # Salespeople contests: the team whose salespeople (sub-teams included) compete; none for
    # every salesperson.
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="contests"
    )
    # Team contests: the teams that compete.
    teams = models.ManyToManyField(Team, blank=True, related_name="team_contests")
    prize = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _contests(viewer: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Executives and administrators see every contest; anyone else the company-wide ones,
    those of a team they belong to (at any level above their own) or manage, and those their
    team or a team they manage competes in: a contest's standings are shown to all it
    concerns."""
    if viewer.sees_everything:
        return queryset
    tree = TeamTree.load()
    teams = visibility.managed_team_ids(viewer)
    if viewer.team_id is not None:
        teams.add(viewer.team_id)
    for start in list(teams):
        walked, parent = {start}, tree.parents.get(start)
        while parent is not None and parent not in walked:  # a cyclic chain ends the walk
            walked.add(parent)
            parent = tree.parents.get(parent)
        teams |= walked
    concerned = models.Q(team__isnull=True, competitors=Contest.Competitors.SALESPEOPLE)
    concerned |= models.Q(team_id__in=teams) | models.Q(teams__in=teams)
    return queryset.filter(concerned).distinct()


visibility.register(Contest, _contests)
