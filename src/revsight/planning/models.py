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
    teams = _concerned_teams(viewer)
    concerned = models.Q(team__isnull=True, competitors=Contest.Competitors.SALESPEOPLE)
    concerned |= models.Q(team_id__in=teams) | models.Q(teams__in=teams)
    return queryset.filter(concerned).distinct()


visibility.register(Contest, _contests)


class TrainingPlan(models.Model):
    """A quarter's (90-day) training plan, for a team (its sub-teams included) or the company.

    The manager plans it; the sessions are delivered by salespeople and others in the firm.
    """

    # A fiscal quarter's id in the one syntax of periods.py (2027-Q1).
    quarter = models.CharField(max_length=16)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="training_plans"
    )
    title = models.CharField(max_length=200, blank=True)
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-quarter", "team__name"]

    def __str__(self) -> str:
        return self.title or f"Training {self.quarter}"


class TrainingSession(models.Model):
    plan = models.ForeignKey(TrainingPlan, on_delete=models.CASCADE, related_name="sessions")
    topic = models.CharField(max_length=200)
    # Typed and shown in the organisation's time zone; stored as the moment it is.
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField()
    # Who delivers it: a person with a login, or someone else in the firm named here.
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    presenter_name = models.CharField(max_length=200, blank=True)
    location = models.CharField(max_length=200, blank=True)
    notes = models.TextField(blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="Attendance",
        through_fields=("session", "person"),
        related_name="training_sessions",
    )

    class Meta:
        ordering = ["starts_at", "topic"]

    def __str__(self) -> str:
        return self.topic


class Attendance(models.Model):
    """A person invited to a session; `attended` is None until attendance is recorded."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_attendance"
    )
    attended = models.BooleanField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "person"], name="one_attendance_each")
        ]
        ordering = ["person__name", "person__email"]

    def __str__(self) -> str:
        return f"{self.person} at {self.session}"


def _concerned_teams(viewer: Any) -> set[int]:
    """The teams whose plans concern the viewer: those they manage (sub-teams included) and
    their own team with every team above it."""
    tree = TeamTree.load()
    teams = visibility.managed_team_ids(viewer)
    if viewer.team_id is not None:
        teams.add(viewer.team_id)
    for start in list(teams):
        teams |= tree.above(start)
    return teams


def _training_plans(viewer: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """Executives and administrators see every plan; anyone else the company's, those of a
    team they belong to (at any level) or manage, and any plan they deliver or attend a
    session of."""
    if viewer.sees_everything:
        return queryset
    concerned = models.Q(team__isnull=True) | models.Q(team_id__in=_concerned_teams(viewer))
    concerned |= models.Q(sessions__presenter=viewer) | models.Q(
        sessions__attendance__person=viewer
    )
    return queryset.filter(concerned).distinct()


def _training_sessions(viewer: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    if viewer.sees_everything:
        return queryset
    plans = _training_plans(viewer, TrainingPlan.objects.all()).values("pk")
    return queryset.filter(plan_id__in=plans)


visibility.register(TrainingPlan, _training_plans)
visibility.register(TrainingSession, _training_sessions)


class AccountPlan(models.Model):
    """A key account's plan: what the firm means to achieve with the account, the actions that
    get there over at least the next three months, how it stands, and the deals it counts on.
    One per account; executives and the account owner's managers write it (docs/planning.md)."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"
        ACHIEVED = "achieved", "Goals achieved"

    # PROTECT, as the CRM's own records do: a plan is history that an account deletion must
    # not take with it.
    account = models.OneToOneField("crm.Account", on_delete=models.PROTECT, related_name="plan")
    goals = models.TextField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ON_TRACK)
    reviewed_on = models.DateField()
    # Deals of this account only (the services check it).
    opportunities = models.ManyToManyField(
        "crm.Opportunity", blank=True, related_name="account_plans"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["account__name", "account_id"]

    def __str__(self) -> str:
        return f"Plan for {self.account}"


class AccountAction(models.Model):
    """One step of an account plan: what, who does it and by when; done once it is done."""

    plan = models.ForeignKey(AccountPlan, on_delete=models.CASCADE, related_name="actions")
    what = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="account_actions"
    )
    due = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.what

    @property
    def done(self) -> bool:
        return self.done_on is not None


def _account_plans(viewer: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """A plan is seen by whoever sees its account (its owner, the people whose deals are on
    it, whoever manages either, executives and administrators), and by anyone given one of its
    actions and whoever sees them, as a deal is by the presales engineer who worked on it: a
    presales engineer asked for a demonstration sees what it is for."""
    if not (viewer.is_authenticated and viewer.is_active):
        return queryset.none()
    if viewer.sees_everything:
        return queryset
    from revsight.crm.models import Account

    accounts = visibility.scope(viewer, Account.objects.all()).values("pk")
    people = visibility.visible_user_ids(viewer) or set()
    concerned = models.Q(account_id__in=accounts) | models.Q(actions__owner_id__in=people)
    return queryset.filter(concerned).distinct()


def _account_actions(viewer: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    if viewer.is_authenticated and viewer.is_active and viewer.sees_everything:
        return queryset
    plans = _account_plans(viewer, AccountPlan.objects.all()).values("pk")
    return queryset.filter(plan_id__in=plans)


visibility.register(AccountPlan, _account_plans)
visibility.register(AccountAction, _account_actions)


class BusinessPlan(models.Model):
    """A salesperson's plan for a fiscal half (`2027-H1`): how they will reach their quota.

    The ratios are their own history's when the plan is made (kept, so the targets hold
    still while the half is tracked against them); the strategies are theirs to write.
    """

    salesperson = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="business_plans"
    )
    half = models.CharField(max_length=16)
    # Only when no monthly quota is set for the half: what the manager typed instead.
    typed_quota = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    # `business.Ratios.as_json()`: win rate, average deal, activities per opportunity,
    # cycle days, and where each came from (their own history, their team's, the company's).
    ratios: Any = models.JSONField()
    strategies = models.TextField(blank=True)
    manager_notes = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-half", "salesperson__name"]
        constraints = [
            models.UniqueConstraint(fields=["salesperson", "half"], name="one_business_plan_a_half")
        ]

    def __str__(self) -> str:
        return f"{self.salesperson} {self.half}"


def _business_plans(viewer: Any, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
    """A salesperson's plan is seen as their records are: by them, whoever manages them, and
    executives and administrators."""
    seen = visibility.visible_user_ids(viewer)
    return queryset if seen is None else queryset.filter(salesperson_id__in=seen)


visibility.register(BusinessPlan, _business_plans)
