"""The organisation's people, teams, quotas, goals and activity standards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, ClassVar

from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from revsight.core.bookkeeping import unless_busy
from revsight.core.money import MoneyField


class Role(models.TextChoices):
    EXECUTIVE = "executive", "Executive"
    MANAGER = "manager", "Sales manager"
    SALESPERSON = "salesperson", "Salesperson"
    PRESALES = "presales", "Presales engineer"
    CONSULTANT = "consultant", "Consultant"
    ADMIN = "admin", "Administrator"


class Team(models.Model):
    name = models.CharField(max_length=200, unique=True)
    manager = models.ForeignKey(
        "org.User",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_teams",
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class TeamTree:
    """The teams' hierarchy, read once: the one walk of it that visibility, scopes and the
    organisation page use. A cyclic parent chain (possible through the admin) ends the walk
    instead of looping."""

    parents: dict[int, int | None]
    names: dict[int, str]

    @classmethod
    def load(cls) -> TeamTree:
        rows = list(Team.objects.values_list("id", "parent_id", "name"))
        return cls({pk: parent for pk, parent, _ in rows}, {pk: name for pk, _, name in rows})

    @cached_property
    def children(self) -> dict[int | None, list[int]]:
        found: dict[int | None, list[int]] = {}
        for team_id, parent in self.parents.items():
            found.setdefault(parent if parent in self.parents else None, []).append(team_id)
        for ids in found.values():
            ids.sort(key=lambda pk: self.names[pk])
        return found

    def descendants(self, team_id: int) -> set[int]:
        """The team and every team below it."""
        children = self.children
        seen, stack = {team_id}, [team_id]
        while stack:
            for child in children.get(stack.pop(), []):
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        return seen

    def above(self, team_id: int) -> set[int]:
        """The team and every team above it."""
        found, parent = {team_id}, self.parents.get(team_id)
        while parent is not None and parent not in found:
            found.add(parent)
            parent = self.parents.get(parent)
        return found

    def under(self, roots: set[int]) -> set[int]:
        """Every team that is one of `roots` or sits anywhere below one."""
        found: set[int] = set()
        for root in roots & set(self.parents):
            found |= self.descendants(root)
        return found

    def depth_first(self, shown: set[int]) -> list[tuple[int, int]]:
        """(team id, depth) for the `shown` teams, each parent before its sub-teams, siblings by
        name; a team whose parent is not shown starts at depth 0."""
        children: dict[int | None, list[int]] = {}
        for team_id in sorted(shown & set(self.parents), key=lambda pk: self.names[pk]):
            parent = self.parents[team_id]
            children.setdefault(parent if parent in shown else None, []).append(team_id)
        ordered: list[tuple[int, int]] = []
        stack = [(team_id, 0) for team_id in reversed(children.get(None, []))]
        visited: set[int] = set()
        while stack:
            team_id, depth = stack.pop()
            if team_id in visited:
                continue
            visited.add(team_id)
            ordered.append((team_id, depth))
            stack.extend((child, depth + 1) for child in reversed(children.get(team_id, [])))
        return ordered


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("role", Role.ADMIN)
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person in the organisation. Never deleted once they own records: deactivate instead."""

    def check_password(self, raw_password: str | None) -> bool:
        """Django's check, whose upgrade of an old hash (to today's iterations or salt) is
        bookkeeping: skipped, to be done at a later login, while the database is busy."""

        def upgrade(raw: str) -> None:
            stored = self.password
            self.set_password(raw)
            self._password = None
            if not unless_busy(lambda: self.save(update_fields=["password"])):
                # The session is signed with the stored hash: keep it until it is replaced.
                self.password = stored

        return check_password(raw_password, self.password, upgrade)

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.SALESPERSON)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    manager = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    hire_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    annual_quota = MoneyField(null=True, blank=True)
    base_salary = MoneyField(null=True, blank=True, help_text="Annual, organisation currency.")
    variable_pay = MoneyField(
        null=True, blank=True, help_text="Annual on-target variable pay, organisation currency."
    )
    source = models.CharField(max_length=32, blank=True, default="")
    external_id = models.CharField(max_length=64, blank=True, default="")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        ordering = ["name", "email"]
        indexes = [models.Index(fields=["role"]), models.Index(fields=["source", "external_id"])]

    def __str__(self) -> str:
        return self.name or self.email

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def employed_during(self, start: date, end: date) -> bool:
        """Whether they worked some day from `start` to `end` (hired by the end, not gone
        before the start); `coaching.employed_in` is the same rule as a query."""
        return (self.hire_date is None or self.hire_date <= end) and (
            self.end_date is None or self.end_date >= start
        )

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.EXECUTIVE, Role.ADMIN) or self.is_superuser


class Quota(models.Model):
    """A monthly quota for one salesperson or one team, in the organisation's currency."""

    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="quotas"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="quotas"
    )
    month = models.DateField(help_text="The first day of the month.")
    amount = MoneyField()

    class Meta:
        ordering = ["month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, team__isnull=True)
                | Q(user__isnull=True, team__isnull=False),
                name="quota_has_exactly_one_holder",
            ),
            models.UniqueConstraint(fields=["user", "month"], name="one_quota_per_user_month"),
            models.UniqueConstraint(fields=["team", "month"], name="one_quota_per_team_month"),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.team} {self.month:%Y-%m}: {self.amount}"


class GoalScope(models.TextChoices):
    COMPANY = "company", "Company"
    TEAM = "team", "Team"
    USER = "user", "Salesperson"


class Goal(models.Model):
    """A target value for one metric, scope and period (period ids as in `2026-03`, `2026-Q1`)."""

    metric = models.CharField(max_length=64)
    scope = models.CharField(max_length=8, choices=GoalScope.choices)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.PROTECT)
    user = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT)
    period = models.CharField(max_length=16)
    target = models.DecimalField(max_digits=18, decimal_places=4)

    class Meta:
        ordering = ["metric", "period"]
        indexes = [models.Index(fields=["metric", "period"])]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(scope="company", team__isnull=True, user__isnull=True)
                    | Q(scope="team", team__isnull=False, user__isnull=True)
                    | Q(scope="user", team__isnull=True, user__isnull=False)
                ),
                name="goal_scope_matches_holder",
            ),
            models.UniqueConstraint(
                fields=["metric", "period"],
                condition=Q(scope="company"),
                name="one_company_goal_per_metric_period",
            ),
            models.UniqueConstraint(
                fields=["metric", "team", "period"],
                condition=Q(scope="team"),
                name="one_team_goal_per_metric_period",
            ),
            models.UniqueConstraint(
                fields=["metric", "user", "period"],
                condition=Q(scope="user"),
                name="one_user_goal_per_metric_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.metric} {self.period} ({self.scope}): {self.target}"


class ActivityStandard(models.Model):
    """How many activities of a type a person in a role is expected to do per week or month."""

    class Per(models.TextChoices):
        WEEK = "week", "per week"
        MONTH = "month", "per month"

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.SALESPERSON)
    activity_type = models.CharField(max_length=32)
    per = models.CharField(max_length=8, choices=Per.choices)
    count = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["role", "activity_type"]
        constraints = [
            models.UniqueConstraint(
                fields=["role", "activity_type"], name="one_standard_per_role_and_type"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.count} {self.activity_type} {self.per}"
