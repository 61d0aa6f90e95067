"""The organisation as the logged-in person may see it: teams, people, roles and quotas."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from revsight.org.models import Organisation, Quota, Role, Team, User
from revsight.org.visibility import scope

ROLE_SINGULARS: dict[str, str] = {
    Role.EXECUTIVE: "executive",
    Role.MANAGER: "sales manager",
    Role.SALESPERSON: "salesperson",
    Role.PRESALES: "presales engineer",
    Role.CONSULTANT: "consultant",
    Role.ADMIN: "administrator",
}
ROLE_PLURALS: dict[str, str] = {
    Role.EXECUTIVE: "executives",
    Role.MANAGER: "sales managers",
    Role.SALESPERSON: "salespeople",
    Role.PRESALES: "presales engineers",
    Role.CONSULTANT: "consultants",
    Role.ADMIN: "administrators",
}


@dataclass
class PersonRow:
    user: User
    quota_this_year: Decimal | None


@dataclass
class TeamBlock:
    team: Team | None
    people: list[PersonRow] = field(default_factory=list)
    quota_this_year: Decimal = Decimal(0)


def organisation_overview(viewer: User, today: date | None = None) -> dict[str, Any]:
    """Teams with their visible people, each person's role and quota for the current year."""
    today = today or timezone.localdate()
    year_start = date(today.year, 1, 1)
    year_end = date(today.year, 12, 31)
    people = scope(viewer, User.objects.filter(is_active=True)).select_related("team", "manager")
    quotas = dict(
        scope(viewer, Quota.objects.filter(user__isnull=False, month__range=(year_start, year_end)))
        .values("user_id")
        .annotate(total=Sum("amount"))
        .values_list("user_id", "total")
    )
    blocks: dict[int | None, TeamBlock] = {}
    for person in people.order_by("team__name", "name"):
        block = blocks.setdefault(person.team_id, TeamBlock(team=person.team))
        quota = quotas.get(person.pk)
        block.people.append(PersonRow(person, quota))
        block.quota_this_year += quota or 0
    role_counts: dict[str, int] = {}
    for person in people:
        role_counts[person.role] = role_counts.get(person.role, 0) + 1
    labelled = [
        (count, (ROLE_PLURALS if count > 1 else ROLE_SINGULARS)[role])
        for role, count in sorted(role_counts.items())
    ]
    ordered = sorted(blocks.values(), key=lambda b: (b.team is None, b.team.name if b.team else ""))
    return {
        "organisation": Organisation.current(),
        "year": today.year,
        "teams": ordered,
        "role_counts": labelled,
        "people_count": sum(role_counts.values()),
        "is_salesperson_view": viewer.role in (Role.SALESPERSON, Role.PRESALES, Role.CONSULTANT),
    }
