"""Who may see which records: the one place that decides it.

- Executives and administrators see everything.
- Anyone who manages a team sees the people of that team and of all its sub-teams
  (transitively), and their records.
- Everyone else (salespeople, presales engineers, consultants) sees their own records, plus the
  names and headline numbers of their own team for the leaderboard.
- The deals a presales engineer or a consultant logged an activity on are seen by them (and by
  whoever sees them), beside those of the deals' owners.

Views, the API and exports call `scope(viewer, queryset)`; nothing filters by role elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db.models import Model, Q, QuerySet

from revsight.core.errors import NotFound
from revsight.core.models import AuditEntry, Organisation
from revsight.crm.models import (
    Account,
    Activity,
    ForecastSubmission,
    Invoice,
    Lead,
    MarketingSpend,
    Opportunity,
    SalesExpense,
    ServiceBacklog,
    Stage,
    StageChange,
    TimeEntry,
)
from revsight.jobs.models import Job
from revsight.org.models import ActivityStandard, Goal, Quota, Role, Team, TeamTree, User

M = TypeVar("M", bound=Model)

# The roles that work on other people's deals rather than own them.
SUPPORTING = (Role.PRESALES, Role.CONSULTANT)


def managed_team_ids(viewer: User) -> set[int]:
    """The teams the viewer manages, with every sub-team below them."""
    managed = set(Team.objects.filter(manager=viewer).values_list("id", flat=True))
    return TeamTree.load().under(managed) if managed else set()


def managed_teams(viewer: User) -> QuerySet[Team]:
    """The teams the viewer may open as a team: every team for those who see everything, else
    the ones they manage with their sub-teams."""
    if viewer.sees_everything:
        return Team.objects.all()
    return Team.objects.filter(pk__in=managed_team_ids(viewer))


def visible_user_ids(viewer: User) -> set[int] | None:
    """Ids of the people whose records the viewer sees; None means everyone."""
    if not viewer.is_authenticated or not viewer.is_active:
        return set()
    if viewer.sees_everything:
        return None
    teams = managed_team_ids(viewer)
    ids = {viewer.pk}
    if teams:
        ids |= set(User.objects.filter(team_id__in=teams).values_list("id", flat=True))
        ids |= set(
            Team.objects.filter(id__in=teams, manager__isnull=False).values_list(
                "manager_id", flat=True
            )
        )
    return ids


def is_manager_or_above(viewer: User) -> bool:
    return viewer.sees_everything or bool(managed_team_ids(viewer))


def _by(field: str) -> Callable[[User, QuerySet[M]], QuerySet[M]]:
    def rule(viewer: User, queryset: QuerySet[M]) -> QuerySet[M]:
        ids = visible_user_ids(viewer)
        return queryset if ids is None else queryset.filter(**{f"{field}__in": ids})

    return rule


def by_person(field: str, also: str | None = None) -> Callable[[User, QuerySet[M]], QuerySet[M]]:
    """The rule of a record that is one person's (`field` names them): seen by whoever sees
    that person; with `also`, by the person that field names too (a coach sees what they
    logged)."""

    def rule(viewer: User, queryset: QuerySet[M]) -> QuerySet[M]:
        ids = visible_user_ids(viewer)
        if ids is None:
            return queryset
        seen = Q(**{f"{field}__in": ids})
        if also is not None and viewer.is_authenticated:
            seen |= Q(**{also: viewer.pk})
        return queryset.filter(seen)

    return rule


def _managers_only(viewer: User, queryset: QuerySet[M]) -> QuerySet[M]:
    return queryset if is_manager_or_above(viewer) else queryset.none()


def everyone(viewer: User, queryset: QuerySet[M]) -> QuerySet[M]:
    """Records every active person sees (the organisation's settings)."""
    return queryset if viewer.is_authenticated and viewer.is_active else queryset.none()


def _executives_only(viewer: User, queryset: QuerySet[M]) -> QuerySet[M]:
    return queryset if viewer.is_authenticated and viewer.sees_everything else queryset.none()


def _teams(viewer: User, queryset: QuerySet[M]) -> QuerySet[M]:
    if viewer.sees_everything:
        return queryset
    ids = managed_team_ids(viewer)
    if viewer.team_id:
        ids.add(viewer.team_id)
    return queryset.filter(id__in=ids)


def _accounts(viewer: User, queryset: QuerySet[M]) -> QuerySet[M]:
    ids = visible_user_ids(viewer)
    if ids is None:
        return queryset
    owned_deal_accounts = Opportunity.objects.filter(owner_id__in=ids).values("account_id")
    return queryset.filter(Q(owner_id__in=ids) | Q(id__in=owned_deal_accounts))


def _opportunities(viewer: User, queryset: QuerySet[M]) -> QuerySet[M]:
    """Deals follow their owner; the deals a presales engineer or a consultant logged an
    activity on are also seen by them, and by whoever sees them."""
    ids = visible_user_ids(viewer)
    if ids is None:
        return queryset
    worked = Activity.objects.filter(
        owner_id__in=ids, owner__role__in=SUPPORTING, opportunity__isnull=False
    ).values("opportunity_id")
    return queryset.filter(Q(owner_id__in=ids) | Q(id__in=worked))


def _invoices(viewer: User, queryset: QuerySet[M]) -> QuerySet[M]:
    ids = visible_user_ids(viewer)
    if ids is None:
        return queryset
    return queryset.filter(account__in=_accounts(viewer, Account.objects.all()))


def _owned_or_unowned_for_managers(field: str) -> Callable[[User, QuerySet[M]], QuerySet[M]]:
    """Records with an owner follow the owner; unowned ones (marketing leads, team backlog)
    are management data."""

    def rule(viewer: User, queryset: QuerySet[M]) -> QuerySet[M]:
        ids = visible_user_ids(viewer)
        if ids is None:
            return queryset
        owned = Q(**{f"{field}__in": ids})
        if is_manager_or_above(viewer):
            return queryset.filter(owned | Q(**{f"{field}__isnull": True}))
        return queryset.filter(owned)

    return rule


def _quotas(viewer: User, queryset: QuerySet[M]) -> QuerySet[M]:
    ids = visible_user_ids(viewer)
    if ids is None:
        return queryset
    teams = _teams(viewer, Team.objects.all())
    return queryset.filter(Q(user_id__in=ids) | Q(team__in=teams))


def _goals(viewer: User, queryset: QuerySet[M]) -> QuerySet[M]:
    ids = visible_user_ids(viewer)
    if ids is None:
        return queryset
    teams = _teams(viewer, Team.objects.all())
    return queryset.filter(Q(scope="company") | Q(team__in=teams) | Q(user_id__in=ids))


RULES: dict[type[Model], Callable[[User, QuerySet], QuerySet]] = {
    User: _by("id"),
    Team: _teams,
    Account: _accounts,
    Opportunity: _opportunities,
    StageChange: _by("opportunity__owner_id"),
    Activity: _by("owner_id"),
    Quota: _quotas,
    Goal: _goals,
    ForecastSubmission: _by("user_id"),
    Lead: _owned_or_unowned_for_managers("owner_id"),
    MarketingSpend: _managers_only,
    Invoice: _invoices,
    TimeEntry: _by("consultant_id"),
    ServiceBacklog: _owned_or_unowned_for_managers("consultant_id"),
    SalesExpense: _by("user_id"),
    Stage: everyone,
    ActivityStandard: everyone,
    Organisation: everyone,
    AuditEntry: _executives_only,
    # A job follows whoever started it; a schedule's and the command line's are management's.
    Job: _owned_or_unowned_for_managers("started_by_id"),
}


def register(model: type[Model], rule: Callable[[User, QuerySet], QuerySet]) -> None:
    """Give a model of a package above this one (the cadence's records) its rule, from that
    package's models module, so its records are scoped here like every other's."""
    if model in RULES:
        raise LookupError(f"{model.__name__} already has a visibility rule")
    RULES[model] = rule


def scope_as(actor: User | None, queryset: QuerySet[M]) -> QuerySet[M]:
    """`scope` for a service's acting person, where None is the operator at the command line
    or a scheduled job, who sees everything."""
    return queryset if actor is None else scope(actor, queryset)


def visible_one(actor: User | None, queryset: QuerySet[M], pk: int, what: str) -> M:
    """The record `pk` of `queryset` when the actor may see it; else `NotFound`, the same as
    for one that does not exist, so that a refusal does not tell that it exists."""
    found = scope_as(actor, queryset.filter(pk=pk)).first()
    if found is None:
        raise NotFound(f"No {what} has the id {pk} (or it is not yours to see).")
    return found


def scope(viewer: User, queryset: QuerySet[M]) -> QuerySet[M]:
    """Restrict `queryset` to the records `viewer` may see. Unknown models are refused."""
    try:
        rule = RULES[queryset.model]
    except KeyError:
        raise LookupError(f"No visibility rule for {queryset.model.__name__}") from None
    return rule(viewer, queryset)


def can_see(viewer: User, obj: Model) -> bool:
    return scope(viewer, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def leaderboard_users(viewer: User) -> QuerySet[User]:
    """People whose names the viewer may see beside their own numbers: everyone they can see,
    and for someone who manages no team, also their own teammates (the team leaderboard)."""
    visible = scope(viewer, User.objects.all())
    if viewer.team_id is None or is_manager_or_above(viewer):
        return visible
    return User.objects.filter(Q(team_id=viewer.team_id) | Q(id__in=visible.values("id")))
