"""The key accounts board and what a plan covers: the top ten forecasted accounts the viewer
sees, each with its plan's status, next action and whether the plan reaches three months
ahead; and the JSON of the board and of one plan (`revsight account-plan … --format json`).

"Forecasted" is the dashboards' definition, not a second one (`analytics.dashboard.
top_accounts`): the accounts with the most open pipeline expected to close in the 90 days
after the as-of date, as it stood that day, ranked by its CRM-weighted value (each deal's
amount × the probability of the stage it stood in). The pipeline counted is the viewer's
scope's: the company's for executives and administrators, their teams' for a manager, their
own deals for anyone else. The plans are read as they are now; the as-of date moves the
forecast and the three months' horizon.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from revsight.access import visibility
from revsight.analytics.dashboard import TopAccount, top_accounts
from revsight.analytics.scopes import Membership, membership, person
from revsight.core import periods
from revsight.crm.models import Account, Opportunity
from revsight.org.models import User
from revsight.planning import account_plan_services as services
from revsight.planning.models import AccountAction, AccountPlan

BOARD_SIZE = 10
HORIZON_MONTHS = 3


def horizon(as_of: date) -> date:
    """The day a plan's actions must reach: three months after the as-of date."""
    return periods.shift(as_of, HORIZON_MONTHS)


@dataclass(frozen=True)
class Coverage:
    """How far a plan's open actions reach, seen on the as-of date."""

    horizon: date
    open_actions: int
    overdue: int
    next_action: AccountAction | None
    latest_due: date | None

    @property
    def covered(self) -> bool:
        """Whether an open action is due on the horizon or later: the plan says what happens
        for at least the next three months."""
        return self.latest_due is not None and self.latest_due >= self.horizon


def coverage(found: AccountPlan, as_of: date) -> Coverage:
    """From the plan's actions (prefetched by the services' lookups)."""
    waiting = sorted((a for a in found.actions.all() if not a.done), key=lambda a: (a.due, a.pk))
    return Coverage(
        horizon=horizon(as_of),
        open_actions=len(waiting),
        overdue=sum(1 for a in waiting if a.due < as_of),
        next_action=waiting[0] if waiting else None,
        latest_due=max((a.due for a in waiting), default=None),
    )


@dataclass(frozen=True)
class BoardRow:
    rank: int
    account: Account
    forecast: TopAccount
    plan: AccountPlan | None
    coverage: Coverage | None


@dataclass(frozen=True)
class Board:
    as_of: date
    scope: str  # company | teams | own
    horizon: date
    rows: list[BoardRow]
    # The viewer's other plans, of accounts not in the top ten: kept in sight too.
    others: list[tuple[AccountPlan, Coverage]]

    @property
    def unplanned(self) -> int:
        return sum(1 for row in self.rows if row.plan is None)

    @property
    def uncovered(self) -> int:
        return sum(1 for row in self.rows if row.coverage and not row.coverage.covered)


def _members(viewer: User | None, as_of: date) -> tuple[str, Membership]:
    """Whose pipeline the board ranks: as the dashboards pool it (`analytics.scopes`)."""
    if viewer is None or viewer.sees_everything:
        return "company", membership("company", periods.containing("month", as_of))
    if visibility.is_manager_or_above(viewer):
        ids = sorted(visibility.visible_user_ids(viewer) or ())
        return "teams", Membership("team", ["teams"], [(pk, "teams") for pk in ids])
    return "own", person(viewer)


def board(viewer: User | None, as_of: date) -> Board:
    """The top ten forecasted accounts of the viewer's scope on the as-of date, with plans."""
    periods.check_day("as_of", as_of)
    scope, members = _members(viewer, as_of)
    top = top_accounts(members, as_of, BOARD_SIZE)
    accounts = Account.objects.select_related("owner").in_bulk([t.account_id for t in top])
    plans = {p.account_id: p for p in services.visible_plans(viewer)}
    rows = []
    for rank, forecast in enumerate(top, start=1):
        found = plans.pop(forecast.account_id, None)
        shown = coverage(found, as_of) if found else None
        rows.append(BoardRow(rank, accounts[forecast.account_id], forecast, found, shown))
    others = [(p, coverage(p, as_of)) for p in plans.values()]
    return Board(as_of, scope, horizon(as_of), rows, others)


# JSON: what another tool reads.


def _money(value: Any) -> float | None:
    return None if value is None else round(float(value), 2)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _action(action: AccountAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "what": action.what,
        "owner": action.owner.email,
        "due": action.due.isoformat(),
        "done_on": _day(action.done_on),
    }


def _summary(found: AccountPlan, shown: Coverage) -> dict[str, Any]:
    return {
        "status": found.status,
        "reviewed_on": found.reviewed_on.isoformat(),
        "open_actions": shown.open_actions,
        "overdue_actions": shown.overdue,
        "next_action": _action(shown.next_action) if shown.next_action else None,
        "latest_due": _day(shown.latest_due),
        "covers_three_months": shown.covered,
    }


def _account(account: Account) -> dict[str, Any]:
    owner = account.owner
    return {"id": account.pk, "name": account.name, "owner": owner.email if owner else None}


def board_json(found: Board) -> dict[str, Any]:
    return {
        "as_of": found.as_of.isoformat(),
        "scope": found.scope,
        "horizon": found.horizon.isoformat(),
        "accounts": [
            {
                "rank": row.rank,
                "account": _account(row.account),
                "pipeline": _money(row.forecast.pipeline),
                "weighted": _money(row.forecast.weighted),
                "deals": row.forecast.deals,
                "in_commit": row.forecast.committed,
                "plan": _summary(row.plan, row.coverage) if row.plan and row.coverage else None,
            }
            for row in found.rows
        ],
        "other_plans": [
            {"account": _account(p.account), "plan": _summary(p, shown)}
            for p, shown in found.others
        ],
    }


def _deal(deal: Opportunity) -> dict[str, Any]:
    return {
        "id": deal.pk,
        "name": deal.name,
        "owner": deal.owner.email,
        "stage": deal.stage.name,
        "status": deal.status,
        "forecast_category": deal.forecast_category or None,
        "amount": _money(deal.amount),
        "close_date": _day(deal.close_date),
    }


def plan_json(viewer: User | None, account: Account, as_of: date) -> dict[str, Any]:
    """One account's plan in full (None when it has none), with the deals the viewer sees."""
    found = services.plan_of(account)
    head = {
        "account": _account(account),
        "as_of": as_of.isoformat(),
        "horizon": horizon(as_of).isoformat(),
    }
    if found is None:
        return {**head, "plan": None}
    shown = coverage(found, as_of)
    deals, hidden = services.linked_deals(viewer, found)
    return {
        **head,
        "plan": {
            **_summary(found, shown),
            "goals": found.goals,
            "created_by": found.created_by.email if found.created_by else None,
            "updated_at": found.updated_at.isoformat(),
            "actions": [_action(a) for a in found.actions.all()],
            "opportunities": [_deal(d) for d in deals],
            "other_opportunities": hidden,
        },
    }
