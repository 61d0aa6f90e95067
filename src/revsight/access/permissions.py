"""Who may change what: one definition of each permission, used by every door (pages, the
JSON API, imports, commands) and by the services that refuse what it does not allow."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from revsight.access import visibility
from revsight.core.errors import NotAllowed
from revsight.org.models import Role, Team, TeamTree, User

# The people who submit forecasts for themselves.
FORECASTERS = (Role.SALESPERSON, Role.MANAGER)


def may_configure_organisation(actor: Any) -> bool:
    """Fiscal year, stages and activity standards are the organisation's: executives and
    administrators."""
    return bool(actor.is_authenticated and actor.sees_everything)


def may_set_targets(actor: Any) -> bool:
    """Quotas and goals: executives, administrators and managers (for their own teams)."""
    return bool(actor.is_authenticated and visibility.is_manager_or_above(actor))


def may_target_user(actor: User, user: User) -> bool:
    """Whether the actor sets this person's quota and goals."""
    if actor.sees_everything:
        return True
    return user.team_id is not None and user.team_id in visibility.managed_team_ids(actor)


def may_target_team(actor: User, team: Team) -> bool:
    return actor.sees_everything or team.pk in visibility.managed_team_ids(actor)


def may_coach(actor: Any, person: User) -> bool:
    """Whether the actor logs, edits and deletes coaching for this person: executives and
    administrators for anyone, a manager for the people in the teams they manage; never for
    themselves."""
    return bool(actor.is_authenticated and actor.pk != person.pk and may_target_user(actor, person))


def may_reply_to_coaching(actor: Any, salesperson_id: int) -> bool:
    """A reply to a coaching entry is the coached salesperson's own."""
    return bool(actor.is_authenticated and actor.pk == salesperson_id)


def may_open_coaching(actor: Any) -> bool:
    """The coaching log: salespeople (their own), and whoever manages a team or sees
    everything."""
    return bool(
        actor.is_authenticated
        and (actor.role == Role.SALESPERSON or visibility.is_manager_or_above(actor))
    )


def may_plan(actor: Any, team: Team | None = None) -> bool:
    """Capacity plans: executives and administrators for the company or any team, a manager
    for the teams they manage."""
    if not (actor.is_authenticated and visibility.is_manager_or_above(actor)):
        return False
    if team is None:
        return bool(actor.sees_everything)
    return may_target_team(actor, team)


def may_open_planning(actor: Any) -> bool:
    """The planning pages: whoever plans the company or manages a team."""
    return bool(actor.is_authenticated and visibility.is_manager_or_above(actor))


def may_open_business_plans(actor: Any) -> bool:
    """Business plans: salespeople (their own) and whoever manages or sees them."""
    return bool(
        actor.is_authenticated
        and (actor.role == Role.SALESPERSON or visibility.is_manager_or_above(actor))
    )


def may_import(actor: Any) -> bool:
    """Imports through the web: managers and administrators."""
    return bool(
        actor.is_authenticated and (actor.role in (Role.MANAGER, Role.ADMIN) or actor.is_superuser)
    )


def may_open_forecasts(actor: Any) -> bool:
    """The Forecast page: forecasters, and whoever manages a team or sees everything."""
    return bool(
        actor.is_authenticated
        and (actor.role in FORECASTERS or visibility.is_manager_or_above(actor))
    )


def may_change_preferences(actor: Any, person: User) -> bool:
    """A person's own preferences (the emails they get): theirs, or an administrator's."""
    return bool(
        actor.is_authenticated
        and (actor.pk == person.pk or actor.role == Role.ADMIN or actor.is_superuser)
    )


def require(allowed: bool, message: str) -> None:
    """Refuse with `NotAllowed` (403) unless `allowed`."""
    if not allowed:
        raise NotAllowed(message)


ABOVE_SALES = (Role.MANAGER, Role.EXECUTIVE, Role.ADMIN)


@dataclass(frozen=True)
class Reach:
    """What one person may create or change in bulk (an import, an API batch), read once.

    `actor` None is the operator at the command line, who acts as an administrator. An
    administrator may change everything and set roles; an executive everything but roles; a
    manager the teams they manage (with their sub-teams): the records their people hold, those
    people's quotas, goals and forecasts, and the details of their salespeople, never roles,
    teams or the organisation's own records; anyone else only records they hold themselves.
    Refusals are returned as sentences naming what is out of reach, for the row's problem.
    """

    actor_id: int | None
    everything: bool
    administrator: bool
    teams: frozenset[int] = frozenset()
    members: frozenset[int] = frozenset()  # people whose team is one of `teams`
    team_names: dict[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, actor: User | None) -> Reach:
        if actor is None:
            return cls(None, everything=True, administrator=True)
        admin = actor.role == Role.ADMIN or actor.is_superuser
        if actor.sees_everything:
            return cls(actor.pk, everything=True, administrator=admin)
        teams = frozenset(visibility.managed_team_ids(actor))
        members = frozenset(User.objects.filter(team_id__in=teams).values_list("id", flat=True))
        return cls(actor.pk, False, False, teams, members, TeamTree.load().names)

    @property
    def operator(self) -> bool:
        return self.actor_id is None

    def team_name(self, team_id: int | None) -> str:
        return self.team_names.get(team_id or 0, str(team_id))

    def holds(self, user_id: int | None) -> bool:
        """Whether records held by this person (deals, activities…) are the actor's to change."""
        return self.everything or user_id == self.actor_id or user_id in self.members

    def targets(self, user_id: int | None) -> bool:
        """Whether the actor sets this person's quota, goals and forecasts (`may_target_user`)."""
        return self.everything or user_id in self.members

    def holder_refusal(self, user_id: int | None) -> str | None:
        if self.holds(user_id):
            return None
        return "is not you or someone in the teams you manage"

    def target_refusal(self, user_id: int | None) -> str | None:
        if self.targets(user_id):
            return None
        return "is not someone in the teams you manage"

    def team_refusal(self, team_id: int | None) -> str | None:
        if self.everything or team_id is None or team_id in self.teams:
            return None
        return f"you do not manage team '{self.team_name(team_id)}'"

    def person_refusal(
        self, current: User | None, role: str, team_id: int | None, changes: dict[str, Any]
    ) -> tuple[str, str] | None:
        """(field, refusal) when the actor may not add this person or make these changes."""
        if current is None and role != Role.SALESPERSON and not self.administrator:
            return "role", f"only administrators add people as {Role(role).label}"
        if self.everything:
            return None
        if current is not None and current.pk == self.actor_id:
            return "email", "is you: your own record is changed by whoever manages you"
        if current is not None and current.role in ABOVE_SALES:
            return "email", f"is a {current.get_role_display()}: only administrators change them"
        for team in ({current.team_id} if current is not None else set()) | {team_id}:
            if team is not None and team not in self.teams:
                return "team", f"you do not manage team '{self.team_name(team)}'"
        if team_id is None and (current is None or current.team_id is None):
            return "team", "must be one of the teams you manage"
        return None


def may_pause_deal(actor: Any, owner: User) -> bool:
    """Pausing a deal in the CRM discipline check (docs/cadence.md): its owner, whoever manages
    the owner's team (or a team above it), executives and administrators."""
    if not (actor.is_authenticated and actor.is_active):
        return False
    return bool(actor.pk == owner.pk or may_target_user(actor, owner))
