"""The organisation as the logged-in person may see it: teams, people, roles and quotas."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum

from revsight.access.visibility import leaderboard_users, scope
from revsight.core import clock
from revsight.core.models import Organisation
from revsight.org.models import Quota, Role, Team, TeamTree, User

ROLE_NOUNS: dict[str, tuple[str, str]] = {
    Role.EXECUTIVE: ("executive", "executives"),
    Role.MANAGER: ("sales manager", "sales managers"),
    Role.SALESPERSON: ("salesperson", "salespeople"),
    Role.PRESALES: ("presales engineer", "presales engineers"),
    Role.CONSULTANT: ("consultant", "consultants"),
    Role.ADMIN: ("administrator", "administrators"),
}


# Roles that see their colleagues by name and team only: no emails, hire dates or team totals.
NAMES_ONLY = frozenset({Role.SALESPERSON, Role.PRESALES, Role.CONSULTANT})


@dataclass(frozen=True)
class PersonRow:
    """A person as the viewer may see them: None for what is not set, or not theirs to see."""

    pk: int
    name: str
    role: str
    manager: str | None
    email: str | None
    hire_date: date | None
    quota_this_year: Decimal | None

    @classmethod
    def shown_to(cls, details: bool, person: User, quota: Decimal | None) -> PersonRow:
        return cls(
            pk=person.pk,
            name=person.display_name,
            role=person.get_role_display(),
            manager=person.manager.display_name if person.manager else None,
            email=person.email if details else None,
            hire_date=person.hire_date if details else None,
            quota_this_year=quota,
        )


@dataclass
class TeamBlock:
    team: Team | None
    depth: int = 0
    people: list[PersonRow] = field(default_factory=list)
    quota_this_year: Decimal | None = None


def _tree_order(tree: TeamTree, teams: list[Team]) -> list[tuple[Team, int]]:
    """Teams depth first, each parent before its sub-teams, siblings by name."""
    by_id = {team.pk: team for team in teams}
    return [(by_id[pk], depth) for pk, depth in tree.depth_first(set(by_id))]


def quotas_by_team(months: tuple[date, date]) -> dict[int, Decimal]:
    """The people's quotas over a span of months, summed by the team they are in (one query)."""
    rows = (
        Quota.objects.filter(month__range=months, user__team__isnull=False)
        .values("user__team_id")
        .annotate(total=Sum("amount"))
        .values_list("user__team_id", "total")
    )
    return dict(rows)


def team_quota(tree: TeamTree, team_id: int, by_team: dict[int, Decimal]) -> Decimal | None:
    """A team's quota is its people's, in the team and every sub-team: the definition the
    `quota` metric uses. None when none of them has a quota then."""
    found = [by_team[pk] for pk in tree.descendants(team_id) if pk in by_team]
    return sum(found, Decimal(0)) if found else None


def role_summary(people: list[User]) -> list[str]:
    """ "2 executives", "1 sales manager", … in the order of the roles."""
    counts = {role: sum(p.role == role for p in people) for role in Role.values}
    return [f"{n} {ROLE_NOUNS[role][0 if n == 1 else 1]}" for role, n in counts.items() if n]


def organisation_overview(viewer: User, today: date | None = None) -> dict[str, Any]:
    """Teams in tree order with their people; each person's and each team's quota for the
    current year where the viewer may see it. Salespeople, presales and consultants see their
    teammates' names and teams only, and their own quota."""
    today = today or clock.today()
    details = viewer.role not in NAMES_ONLY
    year = (date(today.year, 1, 1), date(today.year, 12, 31))
    people = list(
        leaderboard_users(viewer)
        .filter(is_active=True)
        .select_related("team", "manager")
        .order_by("name", "email")
    )
    visible_quotas = scope(viewer, Quota.objects.filter(month__range=year))
    person_quota = dict(
        visible_quotas.filter(user__isnull=False)
        .values("user_id")
        .annotate(total=Sum("amount"))
        .values_list("user_id", "total")
    )
    blocks: dict[int | None, TeamBlock] = {}
    teams_shown = {p.team for p in people if p.team is not None}
    tree = TeamTree.load()
    quota_teams = (
        set(scope(viewer, Team.objects.all()).values_list("pk", flat=True)) if details else set()
    )
    by_team = quotas_by_team(year)
    for team, depth in _tree_order(tree, list(teams_shown)):
        shown = team_quota(tree, team.pk, by_team) if team.pk in quota_teams else None
        blocks[team.pk] = TeamBlock(team, depth, quota_this_year=shown)
    for person in people:
        block = blocks.setdefault(person.team_id, TeamBlock(team=None))
        block.people.append(PersonRow.shown_to(details, person, person_quota.get(person.pk)))
    return {
        "organisation": Organisation.current(),
        "year": today.year,
        "teams": list(blocks.values()),
        "role_summary": role_summary(people),
        "people_count": len(people),
        "is_salesperson_view": not details,
    }
