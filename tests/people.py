"""A named cast of people for tests: who sees what is easiest to read with names."""

from __future__ import annotations

from dataclasses import dataclass

from revsight.org.models import Role, Team, User


@dataclass
class Cast:
    president: User
    admin: User
    vp: User  # manages Sales, the parent of East and West
    east_manager: User
    west_manager: User
    east_rep: User
    east_rep2: User
    west_rep: User
    consultant: User
    services_head: User
    sales: Team
    east: Team
    west: Team
    services: Team


def _person(email: str, role: str, team: Team | None = None, manager: User | None = None) -> User:
    return User.objects.create_user(
        email,
        "correct horse battery",
        name=email.split("@")[0].title(),
        role=role,
        team=team,
        manager=manager,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )


def build_cast() -> Cast:
    president = _person("president@acme.test", Role.EXECUTIVE)
    admin = _person("admin@acme.test", Role.ADMIN)
    vp = _person("vp@acme.test", Role.MANAGER, manager=president)
    sales = Team.objects.create(name="Sales", manager=vp)
    east_manager = _person("east.manager@acme.test", Role.MANAGER, sales, vp)
    west_manager = _person("west.manager@acme.test", Role.MANAGER, sales, vp)
    east = Team.objects.create(name="East", manager=east_manager, parent=sales)
    west = Team.objects.create(name="West", manager=west_manager, parent=sales)
    services_head = _person("services@acme.test", Role.MANAGER, manager=president)
    services = Team.objects.create(name="Services", manager=services_head)
    return Cast(
        president=president,
        admin=admin,
        vp=vp,
        east_manager=east_manager,
        west_manager=west_manager,
        east_rep=_person("ann@acme.test", Role.SALESPERSON, east, east_manager),
        east_rep2=_person("ben@acme.test", Role.SALESPERSON, east, east_manager),
        west_rep=_person("carla@acme.test", Role.SALESPERSON, west, west_manager),
        consultant=_person("dev@acme.test", Role.CONSULTANT, services, services_head),
        services_head=services_head,
        sales=sales,
        east=east,
        west=west,
        services=services,
    )
