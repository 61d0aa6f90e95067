"""The money around the deals: marketing leads and spend, invoices, consultants' time and
service backlog, direct sales expenses.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from revsight.crm import models as crm
from revsight.demo import days as d
from revsight.demo.profiles import EXPENSE_CATEGORIES, LEAD_SOURCES
from revsight.demo.tables import Table
from revsight.demo.world import World, cents_round


def leads(world: World) -> tuple[Table, Table]:
    """Marketing leads (converted ones linked to their deal) and the spend that bought them."""
    deals, rng, h = world.history.deals, world.rng, world.history
    month0 = int(d.month_index(np.array([h.start]))[0])
    months = int(d.month_index(np.array([world.as_of]))[0]) - month0 + 1
    parts: dict[str, list[np.ndarray]] = {"source": [], "day": [], "owner": [], "deal": []}
    spend_rows: dict[str, list[object]] = {"lead_source": [], "month": [], "amount": []}
    for name, (_, conversion, cost) in LEAD_SOURCES.items():
        converted = np.flatnonzero((deals.lead_source == name) & (deals.created >= h.start))
        day = deals.created[converted] - rng.integers(1, 21, len(converted))
        offset = d.month_index(day) - month0
        per_month = np.bincount(offset[offset >= 0], minlength=months)[:months]
        extra = rng.poisson(per_month * (1 / conversion - 1))
        extra_day = d.month_start(np.repeat(np.arange(months) + month0, extra))
        extra_day = extra_day + rng.integers(0, 28, len(extra_day))
        parts["source"] += [np.full(len(day), name), np.full(len(extra_day), name)]
        parts["day"] += [day, extra_day]
        parts["owner"] += [h.reps.user_id[deals.rep[converted]], np.zeros(len(extra_day))]
        parts["deal"] += [converted, np.full(len(extra_day), -1)]
        lead_offset = d.month_index(np.concatenate([day, extra_day])) - month0
        leads_by_month = np.bincount(lead_offset[lead_offset >= 0], minlength=months)[:months]
        spend = cents_round(leads_by_month * cost * 100 * rng.lognormal(0, 0.12, months), 100)
        spend_rows["lead_source"] += [name] * months
        spend_rows["month"] += d.month_start(np.arange(months) + month0).tolist()
        spend_rows["amount"] += spend.tolist()
    merged = {k: np.concatenate(v) for k, v in parts.items()}
    keep = (merged["day"] >= h.start) & (merged["day"] <= world.as_of)
    merged = {k: v[keep] for k, v in merged.items()}
    count = len(merged["day"])
    leads = Table(
        crm.Lead,
        {
            "lead_source": merged["source"].tolist(),
            "created_date": merged["day"],
            "owner_id": merged["owner"].astype(np.int64),
            "converted_opportunity_id": merged["deal"] + 1,
            "source": ["demo"] * count,
            "external_id": [f"LEAD-{i:07d}" for i in range(1, count + 1)],
        },
        nulls={
            "owner_id": merged["owner"] == 0,
            "converted_opportunity_id": merged["deal"] < 0,
        },
    )
    return leads, Table(crm.MarketingSpend, spend_rows)


def invoices(world: World) -> Table:
    deals, rng = world.history.deals, world.rng
    won = np.flatnonzero(deals.won & (deals.close <= world.as_of))
    invoice_day = d.next_weekday_on_or_after(deals.close[won] + rng.integers(0, 10, len(won)))
    due = invoice_day + 30
    # Each account pays in its own way: most on time, some late, a few very late.
    habit = rng.choice(3, world.history.account_count, p=[0.7, 0.24, 0.06])[deals.account[won]]
    paid = np.where(
        habit == 0,
        due - rng.integers(0, 12, len(won)),
        np.where(
            habit == 1,
            due + 1 + np.round(rng.exponential(18, len(won))).astype(np.int64),
            due + rng.integers(45, 120, len(won)),
        ),
    )
    keep = invoice_day <= world.as_of
    won, invoice_day, due, paid = won[keep], invoice_day[keep], due[keep], paid[keep]
    count = len(won)
    return Table(
        crm.Invoice,
        {
            "account_id": deals.account[won] + 1,
            "opportunity_id": world.deal_ids[won],
            "invoice_date": invoice_day,
            "amount": deals.amount[won],
            "due_date": due,
            "paid_date": paid,
            "source": ["demo"] * count,
            "external_id": [f"INV-{i:07d}" for i in range(1, count + 1)],
        },
        nulls={"paid_date": paid > world.as_of},
    )


def time_and_backlog(world: World) -> tuple[Table, Table]:
    """Consultants' daily timesheets and the monthly backlog of signed service hours."""
    h, rng = world.history, world.rng
    consultants = np.array(h.org.consultant_ids, dtype=np.int64)
    c = len(consultants)
    rate = np.array([150, 175, 200, 225])[rng.integers(0, 4, c)] * 100
    utilisation = rng.uniform(0.6, 0.85, c)
    realisation = rng.uniform(0.82, 0.97, c)
    all_days = np.arange(h.start, world.as_of + 1)
    workdays = all_days[d.weekday(all_days) < 5]
    grid_c = np.repeat(np.arange(c), len(workdays))
    grid_d = np.tile(workdays, c)
    present = rng.random(len(grid_c)) < 0.93
    grid_c, grid_d = grid_c[present], grid_d[present]
    billable = np.clip(
        np.round(8 * utilisation[grid_c] * rng.normal(1, 0.15, len(grid_c)) * 2) / 2, 0, 8
    )
    won_accounts = np.unique(h.deals.account[h.deals.won & (h.deals.close <= world.as_of)])
    account = won_accounts[rng.integers(0, len(won_accounts), len(grid_c))] + 1
    billed = np.round(
        billable * rate[grid_c] * realisation[grid_c] * rng.normal(1, 0.03, len(grid_c))
    )
    non_billable = 8 - billable
    both = np.concatenate
    hours = both([billable, non_billable])
    keep = hours > 0
    count = int(keep.sum())
    entries = Table(
        crm.TimeEntry,
        {
            "consultant_id": both([consultants[grid_c]] * 2)[keep],
            "date": both([grid_d, grid_d])[keep],
            "hours": [Decimal(str(x)) for x in hours[keep]],
            "billable": both([np.ones(len(grid_c), bool), np.zeros(len(grid_c), bool)])[keep],
            "billed_amount": both([billed, np.zeros(len(grid_c))]).astype(np.int64)[keep],
            "standard_rate": both([rate[grid_c]] * 2)[keep],
            "account_id": both([account, np.zeros(len(grid_c), np.int64)])[keep],
            "source": ["demo"] * count,
            "external_id": [""] * count,
        },
        nulls={"account_id": both([np.zeros(len(grid_c), bool), np.ones(len(grid_c), bool)])[keep]},
    )
    # Backlog: a share of the last three months' bookings is services still to deliver.
    deals = h.deals
    month0 = int(d.month_index(np.array([h.start]))[0])
    months = np.arange(month0 + 3, int(d.month_index(np.array([world.as_of]))[0]) + 1)
    firsts = d.month_start(months)
    won = deals.won & (deals.close <= world.as_of)
    shares = rng.dirichlet(np.ones(c) * 4)
    rows: dict[str, list[object]] = {
        "as_of": [],
        "consultant_id": [],
        "hours": [],
        "amount": [],
    }
    for first in firsts:
        window = won & (deals.close < first) & (deals.close >= first - 91)
        hours_total = 0.12 * deals.amount[window].sum() / rate.mean()
        for i in range(c):
            consultant_hours = round(float(hours_total * shares[i]), 1)
            rows["as_of"].append(int(first))
            rows["consultant_id"].append(int(consultants[i]))
            rows["hours"].append(Decimal(str(consultant_hours)))
            rows["amount"].append(round(consultant_hours * rate[i]))
    return entries, Table(crm.ServiceBacklog, rows)


def expenses(world: World) -> Table:
    h, rng = world.history, world.rng
    reps = h.reps
    month0 = int(d.month_index(np.array([h.start]))[0])
    months = np.arange(month0, int(d.month_index(np.array([world.as_of]))[0]) + 1)
    firsts = d.month_start(months)
    rows: dict[str, list[object]] = {"user_id": [], "month": [], "category": [], "amount": []}
    for category, base in EXPENSE_CATEGORIES.items():
        grid_r = np.repeat(np.arange(len(reps.user_id)), len(firsts))
        grid_m = np.tile(firsts, len(reps.user_id))
        active = (reps.hire_day[grid_r] <= grid_m + 27) & (grid_m < reps.end_day[grid_r])
        if category == "entertainment":
            active &= rng.random(len(grid_r)) < 0.7
        amount = base * reps.activity_level[grid_r] ** 0.5 * rng.lognormal(0, 0.25, len(grid_r))
        rows["user_id"] += reps.user_id[grid_r[active]].tolist()
        rows["month"] += grid_m[active].tolist()
        rows["category"] += [category] * int(active.sum())
        rows["amount"] += np.round(amount[active] * 100).astype(np.int64).tolist()
    return Table(crm.SalesExpense, rows)
