"""The organisation's tables: the sales stages, the teams and people, the accounts they sell to."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from revsight.crm import models as crm
from revsight.demo.names import company_names
from revsight.demo.profiles import STAGES
from revsight.demo.simulate import DAY
from revsight.demo.tables import Table
from revsight.demo.world import World
from revsight.org import models as org


def stages() -> Table:
    return Table(
        crm.Stage,
        {
            "id": np.arange(1, len(STAGES) + 1),
            "name": [s[0] for s in STAGES],
            "order": [s[1] for s in STAGES],
            "probability": [Decimal(s[2]) for s in STAGES],
            "outcome": [s[3] for s in STAGES],
        },
    )


def teams(world: World) -> Table:
    teams = world.history.org.teams
    return Table(
        org.Team,
        {
            "id": [t.id for t in teams],
            "name": [t.name for t in teams],
            "manager_id": [t.manager for t in teams],
            "parent_id": [t.parent for t in teams],
        },
    )


def users(world: World, password_hash: str, quotas: dict[int, int]) -> Table:
    people = world.history.org.people
    reps = world.history.reps
    salary = {int(u): 70_000 + 5_000 * (i % 5) for i, u in enumerate(reps.user_id)}
    return Table(
        org.User,
        {
            "id": [p.id for p in people],
            "email": [p.email for p in people],
            "name": [p.name for p in people],
            "role": [p.role for p in people],
            "team_id": [p.team for p in people],
            "manager_id": [p.manager for p in people],
            "hire_date": [p.hire_day for p in people],
            "end_date": [p.end_day for p in people],
            "annual_quota": [quotas.get(p.id) for p in people],
            "base_salary": [salary[p.id] * 100 if p.id in salary else None for p in people],
            "variable_pay": [salary[p.id] * 80 if p.id in salary else None for p in people],
            "password": [password_hash] * len(people),
            "is_active": [p.end_day is None or p.end_day > world.as_of for p in people],
            "is_staff": [p.role == org.Role.ADMIN for p in people],
            "is_superuser": [p.role == org.Role.ADMIN for p in people],
            "date_joined": [(p.hire_day or world.history.start) * DAY for p in people],
            "source": ["demo"] * len(people),
            "external_id": [f"U{p.id:05d}" for p in people],
        },
    )


def accounts(world: World) -> Table:
    h = world.history
    n = h.account_count
    deals = h.deals
    first_deal = np.full(n, world.as_of, dtype=np.int64)
    np.minimum.at(first_deal, deals.account, deals.created)
    created = first_deal - world.rng.integers(10, 400, n)
    return Table(
        crm.Account,
        {
            "id": np.arange(1, n + 1),
            "name": company_names(n, world.rng),
            "segment": h.account_segment.tolist(),
            "owner_id": h.reps.user_id[h.account_rep],
            "created_date": created,
            "source": ["demo"] * n,
            "external_id": [f"ACC-{i:06d}" for i in range(1, n + 1)],
        },
    )
