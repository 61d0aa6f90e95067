"""The demo organisation's people and teams, including the logins printed by `make demo`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from revsight.demo.names import email_for, person_names
from revsight.demo.profiles import SEGMENTS, Profile
from revsight.org.models import Role

# One login per role, printed by `make demo`; every demo person shares the demo password.
DEMO_LOGINS = {
    Role.EXECUTIVE: "president@example.com",
    Role.MANAGER: "manager@example.com",
    Role.SALESPERSON: "rep@example.com",
    Role.PRESALES: "presales@example.com",
    Role.CONSULTANT: "consultant@example.com",
    Role.ADMIN: "admin@example.com",
}


@dataclass
class Person:
    id: int
    name: str
    email: str
    role: str
    title: str
    team: int | None = None  # team id
    manager: int | None = None  # user id
    hire_day: int | None = None
    end_day: int | None = None


@dataclass
class TeamSpec:
    id: int
    name: str
    manager: int | None
    parent: int | None
    segment: str = ""


@dataclass
class Organisation:
    people: list[Person] = field(default_factory=list)
    teams: list[TeamSpec] = field(default_factory=list)
    rep_ids: list[int] = field(default_factory=list)  # user ids of salespeople, in rep order
    rep_team: list[int] = field(default_factory=list)  # team id per rep
    presales_ids: list[int] = field(default_factory=list)
    consultant_ids: list[int] = field(default_factory=list)

    def person(self, user_id: int) -> Person:
        return self.people[user_id - 1]


class _Builder:
    def __init__(self, profile: Profile, rng: np.random.Generator) -> None:
        self.profile = profile
        self.org = Organisation()
        headcount = 4 + profile.regions + profile.teams + profile.reps
        headcount += profile.presales + profile.consultants
        self.names = iter(person_names(headcount, rng))

    def add_person(self, role: str, title: str, email: str | None = None, **kw: object) -> Person:
        name = next(self.names)
        person = Person(
            id=len(self.org.people) + 1,
            name=name,
            email=email or email_for(name),
            role=role,
            title=title,
            **kw,  # type: ignore[arg-type]
        )
        self.org.people.append(person)
        return person

    def add_staff(
        self,
        role: str,
        title: str,
        count: int,
        team: int,
        manager: int,
        hire_day: Callable[[], int],
    ) -> list[int]:
        """`count` people of a role in one team; the first gets the role's demo login."""
        ids = []
        for n in range(count):
            email = DEMO_LOGINS[Role(role)] if n == 0 else None
            person = self.add_person(
                role, title, email, team=team, manager=manager, hire_day=hire_day()
            )
            ids.append(person.id)
        return ids

    def add_team(
        self, name: str, manager: Person | None, parent: int | None, segment: str = ""
    ) -> int:
        team = TeamSpec(
            len(self.org.teams) + 1, name, manager.id if manager else None, parent, segment
        )
        self.org.teams.append(team)
        return team.id


def build_organisation(profile: Profile, rng: np.random.Generator, start_day: int) -> Organisation:
    """People, reporting lines and teams. Hire dates of established staff precede the history."""
    b = _Builder(profile, rng)
    veteran = day_number_offset(start_day, rng)
    president = b.add_person(
        Role.EXECUTIVE, "President", DEMO_LOGINS[Role.EXECUTIVE], hire_day=veteran()
    )
    vp = b.add_person(
        Role.EXECUTIVE, "VP of Sales", "vp@example.com", manager=president.id, hire_day=veteran()
    )
    sales = b.add_team("Sales", vp, None)
    b.add_person(
        Role.ADMIN,
        "Sales operations",
        DEMO_LOGINS[Role.ADMIN],
        team=sales,
        manager=vp.id,
        hire_day=veteran(),
    )

    parents = [sales]
    region_managers = [vp]
    for r in range(profile.regions):
        mgr = b.add_person(
            Role.MANAGER, "Regional sales director", team=sales, manager=vp.id, hire_day=veteran()
        )
        parents.append(b.add_team(f"Region {r + 1:02d}", mgr, sales))
        region_managers.append(mgr)
    if profile.regions:
        parents, region_managers = parents[1:], region_managers[1:]

    segments = list(SEGMENTS)
    team_ids = []
    for t in range(profile.teams):
        parent_index = t % len(parents)
        email = DEMO_LOGINS[Role.MANAGER] if t == 0 else None
        mgr = b.add_person(
            Role.MANAGER,
            "Sales manager",
            email,
            team=parents[parent_index],
            manager=region_managers[parent_index].id,
            hire_day=veteran(),
        )
        segment = segments[t % len(segments)]
        name = segment if profile.teams <= len(segments) else f"Team {t + 1:03d} {segment}"
        team_ids.append(b.add_team(name, mgr, parents[parent_index], segment))
        b.org.person(mgr.id).team = parents[parent_index]

    for r in range(profile.reps):
        team = team_ids[r % len(team_ids)]
        email = DEMO_LOGINS[Role.SALESPERSON] if r == 0 else None
        manager = next(t.manager for t in b.org.teams if t.id == team)
        rep = b.add_person(
            Role.SALESPERSON,
            "Account executive",
            email,
            team=team,
            manager=manager,
            hire_day=veteran(),
        )
        b.org.rep_ids.append(rep.id)
        b.org.rep_team.append(team)

    presales_team = b.add_team("Presales", vp, sales)
    b.org.presales_ids = b.add_staff(
        Role.PRESALES, "Presales engineer", profile.presales, presales_team, vp.id, veteran
    )
    services_head = b.add_person(
        Role.MANAGER, "Head of professional services", manager=president.id, hire_day=veteran()
    )
    services = b.add_team("Professional Services", services_head, None)
    services_head.team = services
    b.org.consultant_ids = b.add_staff(
        Role.CONSULTANT, "Consultant", profile.consultants, services, services_head.id, veteran
    )
    return b.org


def day_number_offset(start_day: int, rng: np.random.Generator) -> Callable[[], int]:
    """A source of hire dates one to six years before the history starts."""

    def draw() -> int:
        return int(start_day - rng.integers(365, 6 * 365))

    return draw
