"""The plans the demo organisation sells against: quotas, goals and activity standards."""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from revsight.demo import days as d
from revsight.demo.profiles import (
    ACTIVITY_STANDARDS,
    BOOKINGS_SEASON,
    CONSULTANT_GOALS,
    PRESALES_STANDARDS,
)
from revsight.demo.simulate import season
from revsight.demo.tables import Table
from revsight.demo.world import World, cents_round
from revsight.org import models as org


def bookings_matrix(world: World) -> tuple[np.ndarray, int]:
    """True bookings per rep and month (including months after the as-of date)."""
    h, deals = world.history, world.history.deals
    month0 = int(d.month_index(np.array([h.start]))[0])
    months = int(d.month_index(np.array([world.as_of]))[0]) - month0 + 4
    matrix = np.zeros((len(h.reps.user_id), months))
    m = d.month_index(deals.close[deals.won]) - month0
    ok = (m >= 0) & (m < months)
    np.add.at(matrix, (deals.rep[deals.won][ok], m[ok]), deals.amount[deals.won][ok])
    return matrix, month0


def quotas(world: World) -> tuple[Table, dict[int, int]]:
    """Monthly quotas from the history up to five quarters ahead, set per team at a level the
    team's ramped reps reach about nine months in ten, seasonal, ramped for new hires."""
    h = world.history
    reps = h.reps
    matrix, month0 = bookings_matrix(world)
    past = int(d.month_index(np.array([world.as_of]))[0]) - month0
    firsts = d.month_start(np.arange(past) + month0)
    deseasoned = matrix[:, :past] / season(np.arange(past) + month0)[None, :]
    ramped = (firsts[None, :] - reps.hire_day[:, None] > 180) & (
        firsts[None, :] < reps.end_day[:, None]
    )
    annual: dict[int, int] = {}
    for team in np.unique(reps.team):
        members = reps.team == team
        typical = deseasoned[members][ramped[members]].mean()
        annual_quota = int(cents_round(typical * 12 * 1.05, 10_000))
        for member in np.flatnonzero(members):
            annual[int(reps.user_id[member])] = annual_quota
    months = np.arange(month0, int(d.month_index(np.array([world.as_of]))[0]) + 17)
    firsts = d.month_start(months)
    weight = season(months) / np.mean(list(BOOKINGS_SEASON.values()))
    rows: dict[str, list[object]] = {"user_id": [], "team_id": [], "month": [], "amount": []}
    team_totals: dict[tuple[int, int], int] = {}
    for r, user in enumerate(reps.user_id):
        tenure_months = (firsts - reps.hire_day[r]) / 30.4
        ramp = np.clip(np.floor(tenure_months + 1) / 4, 0, 1)
        active = firsts < reps.end_day[r]
        amount = cents_round(annual[int(user)] / 12 * weight * ramp, 100)
        for first, value, on in zip(firsts, amount, active & (ramp > 0), strict=True):
            if not on:
                continue
            rows["user_id"].append(int(user))
            rows["team_id"].append(None)
            rows["month"].append(int(first))
            rows["amount"].append(int(value))
            for team in _team_and_parents(world, int(reps.team[r])):
                key = (team, int(first))
                team_totals[key] = team_totals.get(key, 0) + int(value)
    for (team, first), value in sorted(team_totals.items()):
        rows["user_id"].append(None)
        rows["team_id"].append(team)
        rows["month"].append(first)
        rows["amount"].append(value)
    return Table(org.Quota, rows), annual


def _team_and_parents(world: World, team: int) -> list[int]:
    parents = {t.id: t.parent for t in world.history.org.teams}
    chain: list[int] = []
    node: int | None = team
    while node is not None:
        chain.append(node)
        node = parents[node]
    return chain


# The goals each sales team has for itself each month, beside its bookings goal (its quota).
TEAM_GOALS = (
    "win_rate",
    "average_order_value",
    "sales_cycle_days_median",
    "pipeline_coverage",
    "forecast_accuracy",
)


def goals(world: World, quota_table: Table) -> Table:
    """Company goals for each month, quarter and year; each team's bookings goal (its quota) for
    each month, quarter and year and its rate goals for each month; each consultant's
    utilisation, realisation and backlog goals for each month."""
    h = world.history
    month0 = int(d.month_index(np.array([h.start]))[0])
    months = np.arange(month0, int(d.month_index(np.array([world.as_of]))[0]) + 4)
    deals = h.deals
    won = deals.won & (deals.close <= world.as_of)
    median_deal = float(np.median(deals.amount[won])) / 100 if won.any() else 0.0
    # Bookings goals are the quotas: the company's the sum of everyone's, a team's its own
    # (with its sub-teams'), for each month, quarter and year.
    bookings: dict[tuple[int | None, str], int] = {}
    for user, team, month, amount in zip(
        quota_table.columns["user_id"],
        quota_table.columns["team_id"],
        quota_table.columns["month"],
        quota_table.columns["amount"],
        strict=True,
    ):
        when = d.to_date(month)
        quarter = f"{when.year}-Q{(when.month - 1) // 3 + 1}"
        owner = None if user is not None else team
        for key in (f"{when:%Y-%m}", quarter, str(when.year)):
            bookings[owner, key] = bookings.get((owner, key), 0) + amount
    fixed = {
        "win_rate": "0.33",
        "average_order_value": f"{round(median_deal * 1.1, -2):.0f}",
        "sales_cycle_days_median": "55",
        "pipeline_coverage": "3",
        "forecast_accuracy": "0.85",
        "new_account_sales_pct": "0.35",
        "days_sales_outstanding": "45",
        "consultant_utilization": "0.75",
        "consultant_realization": "0.9",
    }
    rows: dict[str, list[object]] = {
        "metric": [],
        "scope": [],
        "team_id": [],
        "user_id": [],
        "period": [],
        "target": [],
    }

    def add(
        metric: str, scope: str, team: int | None, period: str, target: str, user: int | None = None
    ) -> None:
        rows["metric"].append(metric)
        rows["scope"].append(scope)
        rows["team_id"].append(team)
        rows["user_id"].append(user)
        rows["period"].append(period)
        rows["target"].append(Decimal(target))

    teams = sorted({team for team, _ in bookings if team is not None})
    periods: list[str] = []
    for m in months:
        when = d.to_date(int(d.month_start(np.array([m]))[0]))
        periods.append(f"{when:%Y-%m}")
        for metric, target in fixed.items():
            add(metric, "company", None, f"{when:%Y-%m}", target)
        for team in teams:
            for metric in TEAM_GOALS:
                add(metric, "team", team, f"{when:%Y-%m}", fixed[metric])
        for consultant in h.org.consultant_ids:
            for metric, target in CONSULTANT_GOALS.items():
                add(metric, "user", None, f"{when:%Y-%m}", target, consultant)
    for (team, period), amount in sorted(
        bookings.items(), key=lambda item: (item[0][0] or 0, item[0][1])
    ):
        is_month = period[5:].isdigit()
        if is_month and period not in periods:
            continue
        scope = "company" if team is None else "team"
        add("bookings", scope, team, period, f"{amount / 100:.2f}")
    return Table(org.Goal, rows)


def standards() -> Table:
    """The salespeople's activity standards, and the presales engineers'."""
    both = [("salesperson", *s) for s in ACTIVITY_STANDARDS]
    both += [("presales", *s) for s in PRESALES_STANDARDS]
    return Table(
        org.ActivityStandard,
        {
            "role": [s[0] for s in both],
            "activity_type": [s[1] for s in both],
            "per": [s[2] for s in both],
            "count": [Decimal(s[3]) for s in both],
        },
    )
