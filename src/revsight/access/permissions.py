"""Who may change what: one definition of each permission, used by every door (pages, the
JSON API, imports, commands) and by the services that refuse what it does not allow."""

from __future__ import annotations

from typing import Any

from revsight.access import visibility
from revsight.core.errors import NotAllowed
from revsight.org.models import Role, Team, User

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


def require(allowed: bool, message: str) -> None:
    """Refuse with `NotAllowed` (403) unless `allowed`."""
    if not allowed:
        raise NotAllowed(message)
