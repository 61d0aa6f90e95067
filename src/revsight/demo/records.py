"""Turn a simulated history into the rows of each table, as the world stood on the as-of date.

The simulation knows every deal's whole life; here what had not happened by the as-of date is
cut away: later stage changes are dropped, undecided deals are open in the stage they had
reached, and only forecasts submitted by then exist. Each group of tables has its module:
org_tables, deal_tables, money_tables, plan_tables and forecast_tables.
"""

from __future__ import annotations

from revsight.demo import (
    coaching_tables,
    deal_tables,
    forecast_tables,
    money_tables,
    org_tables,
    plan_tables,
)
from revsight.demo.simulate import History
from revsight.demo.tables import Table
from revsight.demo.world import World


class Records:
    """Every demo table of one simulated history."""

    def __init__(self, history: History) -> None:
        self.world = World(history)

    def build(self, password_hash: str) -> list[Table]:
        """All tables, parents before children."""
        world = self.world
        # The tables draw on one generator in turn: reordering these calls changes a seed's demo.
        accounts = org_tables.accounts(world)
        history = deal_tables.stage_history(world)
        quotas, annual = plan_tables.quotas(world)
        leads, spend = money_tables.leads(world)
        time_entries, backlog = money_tables.time_and_backlog(world)
        return [
            org_tables.stages(),
            org_tables.teams(world),
            org_tables.users(world, password_hash, annual),
            accounts,
            deal_tables.opportunities(world, history, accounts.columns["name"]),
            deal_tables.stage_changes(world, history),
            deal_tables.activities(world),
            deal_tables.presales_activities(world),
            leads,
            spend,
            money_tables.invoices(world),
            time_entries,
            backlog,
            money_tables.expenses(world),
            quotas,
            forecast_tables.forecasts(world),
            plan_tables.goals(world, quotas),
            plan_tables.standards(),
            # Last, and from a generator of its own: the tables above stay as they were.
            *coaching_tables.coaching(world),
        ]
