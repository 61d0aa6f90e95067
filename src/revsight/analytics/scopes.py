"""Scopes: which people's records make up each company, team or salesperson value.

A team's value pools the records of everyone in the team and in its sub-teams; the company pools
everyone. Salespeople are named by email, teams by name, the company by `company`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from revsight.core.errors import InvalidInput
from revsight.core.periods import Period
from revsight.org.models import Role, TeamTree, User

SCOPES = ("company", "team", "rep")


@dataclass(frozen=True)
class Membership:
    scope: str
    keys: list[str]  # every key that must appear in the output, in display order
    pairs: list[tuple[int, str]]  # (user id, key)
    labels: dict[str, str] = field(default_factory=dict)  # key -> what people call it

    def label(self, key: str) -> str:
        return self.labels.get(key, key)


def salespeople_in(period: Period) -> list[User]:
    """Salespeople employed at some point in the period, by name."""
    people = User.objects.filter(role=Role.SALESPERSON).order_by("name", "email")
    return [p for p in people if p.employed_during(period.start, period.end)]


def membership(scope: str, period: Period) -> Membership:
    if scope == "rep":
        people = salespeople_in(period)
        return Membership(
            "rep",
            [p.email for p in people],
            [(p.pk, p.email) for p in people],
            {p.email: p.name or p.email for p in people},
        )
    users = list(User.objects.values_list("id", "team_id", "role"))
    if scope == "company":
        return Membership(
            "company",
            ["company"],
            [(uid, "company") for uid, _, _ in users],
            {"company": "Company"},
        )
    if scope != "team":
        raise InvalidInput("by", scope, f"must be one of: {', '.join(SCOPES)}")
    tree = TeamTree.load()
    names = tree.names
    pairs: list[tuple[int, str]] = []
    keys: list[str] = []
    for team_id in sorted(names, key=lambda t: names[t]):
        below = tree.descendants(team_id)
        members = [uid for uid, team, _ in users if team in below]
        roles = {role for uid, team, role in users if team in below}
        # Teams of salespeople carry the sales metrics, teams of consultants the service ones;
        # a presales-only team carries neither.
        if roles & {Role.SALESPERSON, Role.CONSULTANT}:
            keys.append(names[team_id])
            pairs.extend((uid, names[team_id]) for uid in members)
    return Membership("team", keys, pairs)


def narrowed(members: Membership, keys: list[str]) -> Membership:
    """The same membership with only `keys` (in that order); unknown keys are left out."""
    known = [key for key in keys if key in set(members.keys)]
    wanted = set(known)
    return Membership(
        members.scope,
        known,
        [pair for pair in members.pairs if pair[1] in wanted],
        {key: label for key, label in members.labels.items() if key in wanted},
    )


def person(user: User) -> Membership:
    """One person as a scope of their own, named by email like a salesperson: a presales
    engineer's or a consultant's figures are their own records'."""
    return Membership(
        "rep", [user.email], [(user.pk, user.email)], {user.email: user.name or user.email}
    )
