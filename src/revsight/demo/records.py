"""Turn a simulated history into the rows of each table, as the world stood on the as-of date.

The simulation knows every deal's whole life; here what had not happened by the as-of date is
cut away: later stage changes are dropped, undecided deals are open in the stage they had
reached, and only forecasts submitted by then exist.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import numpy.typing as npt

from revsight.crm import models as crm
from revsight.crm.models import ForecastSubmission
from revsight.demo import days as d
from revsight.demo.profiles import (
    ACTIVITY_STANDARDS,
    BOOKINGS_SEASON,
    EXPENSE_CATEGORIES,
    LEAD_SOURCES,
    LOSS_REASONS,
    LOST_STAGE,
    NEXT_STEPS,
    STAGES,
    WON_STAGE,
)
from revsight.demo.simulate import (
    ACTIVITY_KINDS,
    DAY,
    PRODUCTS,
    FloatArray,
    History,
    IntArray,
    season,
)
from revsight.demo.tables import Table
from revsight.org import models as org

BoolArray = npt.NDArray[np.bool_]
FORECAST_CATEGORY = ["pipeline", "pipeline", "best_case", "best_case", "commit"]


def cents_round(values: npt.ArrayLike, unit: int) -> IntArray:
    """Round cents to a whole `unit` of currency (e.g. 1000 for thousands)."""
    return (np.round(np.asarray(values, dtype=float) / (unit * 100)) * unit * 100).astype(np.int64)


class Records:
    def __init__(self, history: History) -> None:
        self.h = history
        self.rng = np.random.default_rng([history.seed, 2])
        self.as_of = history.as_of
        self.deal_ids = np.arange(1, len(history.deals.rep) + 1)

    # -- the organisation -------------------------------------------------------------------
    def stages(self) -> Table:
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

    def teams(self) -> Table:
        teams = self.h.org.teams
        return Table(
            org.Team,
            {
                "id": [t.id for t in teams],
                "name": [t.name for t in teams],
                "manager_id": [t.manager for t in teams],
                "parent_id": [t.parent for t in teams],
            },
        )

    def users(self, password_hash: str, quotas: dict[int, int]) -> Table:
        people = self.h.org.people
        reps = self.h.reps
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
                "is_active": [p.end_day is None or p.end_day > self.as_of for p in people],
                "is_staff": [p.role == org.Role.ADMIN for p in people],
                "is_superuser": [p.role == org.Role.ADMIN for p in people],
                "date_joined": [(p.hire_day or self.h.start) * DAY for p in people],
                "source": ["demo"] * len(people),
                "external_id": [f"U{p.id:05d}" for p in people],
            },
        )

    def accounts(self) -> Table:
        from revsight.demo.names import company_names

        h = self.h
        n = h.account_count
        deals = h.deals
        first_deal = np.full(n, self.as_of, dtype=np.int64)
        np.minimum.at(first_deal, deals.account, deals.created)
        created = first_deal - self.rng.integers(10, 400, n)
        return Table(
            crm.Account,
            {
                "id": np.arange(1, n + 1),
                "name": company_names(n, self.rng),
                "segment": h.account_segment.tolist(),
                "owner_id": h.reps.user_id[h.account_rep],
                "created_date": created,
                "source": ["demo"] * n,
                "external_id": [f"ACC-{i:06d}" for i in range(1, n + 1)],
            },
        )

    # -- deals and their history ------------------------------------------------------------
    def opportunities(self, history_rows: dict[str, np.ndarray]) -> Table:
        h, deals, rng = self.h, self.h.deals, self.rng
        n = len(deals.rep)
        decided = deals.close <= self.as_of
        status = np.where(decided, np.where(deals.won, "won", "lost"), "open")
        last = _last_row_per_deal(history_rows["deal"], n)
        stage = history_rows["to_stage"][last]
        amount = history_rows["amount"][last]
        close = history_rows["close_date"][last]
        amount_null = history_rows["amount_null"][last]
        existing = self._existing_business()
        product = rng.integers(0, len(PRODUCTS), n)
        account_names = np.array(self.accounts_table.columns["name"])
        names = np.char.add(
            np.char.add(account_names[deals.account], " — "), np.array(PRODUCTS)[product]
        )
        open_ = status == "open"
        next_step = np.array(NEXT_STEPS)[rng.integers(0, len(NEXT_STEPS), n)]
        no_step = ~open_ | deals.stale | (rng.random(n) < 0.12)
        next_step = np.where(no_step, "", next_step)
        probability = np.array([Decimal(s[2]) for s in STAGES], dtype=object)[stage - 1]
        category = np.where(
            status == "won",
            "closed",
            np.where(
                status == "lost", "omitted", np.array(FORECAST_CATEGORY)[np.minimum(stage - 1, 4)]
            ),
        )
        loss = np.where(status == "lost", np.array(LOSS_REASONS)[rng.integers(0, 5, n)], "")
        return Table(
            crm.Opportunity,
            {
                "id": self.deal_ids,
                "account_id": deals.account + 1,
                "owner_id": h.reps.user_id[deals.rep],
                "name": names.tolist(),
                "type": np.where(existing, "existing_business", "new_business").tolist(),
                "lead_source": deals.lead_source.tolist(),
                "amount": amount,
                "original_amount": amount,
                "original_currency": ["USD"] * n,
                "gross_margin": np.round(amount * deals.margin_pct).astype(np.int64),
                "stage_id": stage,
                "probability": probability.tolist(),
                "forecast_category": category.tolist(),
                "created_date": deals.created,
                "close_date": close,
                "status": status.tolist(),
                "loss_reason": loss.tolist(),
                "next_step": next_step.tolist(),
                "source": ["demo"] * n,
                "external_id": [f"OPP-{i:07d}" for i in self.deal_ids],
            },
            nulls={
                "amount": amount_null,
                "original_amount": amount_null,
                "gross_margin": amount_null,
            },
        )

    def _existing_business(self) -> BoolArray:
        """A deal is existing business when its account had won a deal before it was created."""
        deals = self.h.deals
        first_win = np.full(self.h.account_count, np.iinfo(np.int64).max, dtype=np.int64)
        won = deals.won & (deals.close <= self.as_of)
        np.minimum.at(first_win, deals.account[won], deals.close[won])
        result: BoolArray = first_win[deals.account] < deals.created
        return result

    def stage_history(self) -> dict[str, np.ndarray]:
        """Every change each deal went through up to the as-of date, in time order."""
        deals, rng = self.h.deals, self.rng
        n = len(deals.rep)
        rows, cols = np.nonzero(deals.stages)
        entry = deals.entry_day[rows, cols]
        # Within one day a later stage is always entered later: 8:00 plus an hour per stage.
        entry_time = entry * DAY + (8 + cols) * 3600 + rng.integers(0, 3600, len(rows))
        pushed = np.flatnonzero(deals.push_day >= 0)
        push_time = deals.push_day[pushed] * DAY + rng.integers(8 * 3600, 18 * 3600, len(pushed))
        final_time = deals.close * DAY + 16 * 3600 + rng.integers(0, 3600, n)

        deal = np.concatenate([rows, pushed, np.arange(n)])
        stage = np.concatenate(
            [
                cols + 1,
                np.zeros(len(pushed), dtype=np.int64),
                np.where(deals.won, WON_STAGE + 1, LOST_STAGE + 1),
            ]
        )
        when = np.concatenate([entry_time, push_time, final_time])
        kind = np.concatenate([np.zeros(len(rows)), np.ones(len(pushed)), np.full(n, 2)]).astype(
            np.int64
        )
        order = np.lexsort((kind, when, deal))
        deal, stage, when, kind = deal[order], stage[order], when[order], kind[order]
        keep = when // DAY <= self.as_of
        deal, stage, when, kind = deal[keep], stage[keep], when[keep], kind[keep]

        # A close-date change keeps the stage the deal was in (carried forward).
        carried = np.where(stage > 0, np.arange(len(stage)), 0)
        stage = stage[np.maximum.accumulate(carried)]
        same_deal = np.concatenate([[False], deal[1:] == deal[:-1]])
        from_stage = np.where(same_deal, np.concatenate([[0], stage[:-1]]), 0)

        day = when // DAY
        change_day = deals.amount_change_day[deal]
        amount = np.where(
            (change_day >= 0) & (day < change_day), deals.first_amount[deal], deals.amount[deal]
        )
        closing = kind == 2
        amount = np.where(
            closing & ~deals.won[deal] & (change_day < 0), deals.first_amount[deal], amount
        )
        push_day = deals.push_day[deal]
        close_date = np.where(
            closing | ((push_day >= 0) & (day >= push_day)),
            deals.close[deal],
            deals.first_close[deal],
        )
        # A few open deals were never given an amount (CRM discipline).
        no_amount = (deals.close > self.as_of) & ~deals.stale
        no_amount &= np.random.default_rng([self.h.seed, 3]).random(n) < 0.03
        return {
            "deal": deal,
            "from_stage": from_stage,
            "to_stage": stage,
            "amount": amount.astype(np.int64),
            "amount_null": no_amount[deal],
            "close_date": close_date,
            "changed_at": when,
        }

    def stage_changes(self, rows: dict[str, np.ndarray]) -> Table:
        count = len(rows["deal"])
        return Table(
            crm.StageChange,
            {
                "opportunity_id": self.deal_ids[rows["deal"]],
                "from_stage_id": rows["from_stage"],
                "to_stage_id": rows["to_stage"],
                "amount": rows["amount"],
                "close_date": rows["close_date"],
                "changed_at": rows["changed_at"],
                "source": ["demo"] * count,
                "external_id": [""] * count,
            },
            nulls={"from_stage_id": rows["from_stage"] == 0, "amount": rows["amount_null"]},
        )

    def activities(self) -> Table:
        a = self.h.activities
        kinds = np.array(ACTIVITY_KINDS)
        count = len(a["owner"])
        return Table(
            crm.Activity,
            {
                "owner_id": self.h.reps.user_id[a["owner"]],
                "type": kinds[a["type"]].tolist(),
                "date": a["day"],
                "account_id": a["account"] + 1,
                "opportunity_id": a["deal"] + 1,
                "source": ["demo"] * count,
                "external_id": [""] * count,
                "subject": [""] * count,
            },
            nulls={"account_id": a["account"] < 0, "opportunity_id": a["deal"] < 0},
        )

    # -- money around the deals --------------------------------------------------------------
    def leads(self) -> tuple[Table, Table]:
        """Marketing leads (converted ones linked to their deal) and the spend that bought them."""
        deals, rng, h = self.h.deals, self.rng, self.h
        month0 = int(d.month_index(np.array([h.start]))[0])
        months = int(d.month_index(np.array([self.as_of]))[0]) - month0 + 1
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
        keep = (merged["day"] >= h.start) & (merged["day"] <= self.as_of)
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

    def invoices(self) -> Table:
        deals, rng = self.h.deals, self.rng
        won = np.flatnonzero(deals.won & (deals.close <= self.as_of))
        invoice_day = d.next_weekday_on_or_after(deals.close[won] + rng.integers(0, 10, len(won)))
        due = invoice_day + 30
        # Each account pays in its own way: most on time, some late, a few very late.
        habit = rng.choice(3, self.h.account_count, p=[0.7, 0.24, 0.06])[deals.account[won]]
        paid = np.where(
            habit == 0,
            due - rng.integers(0, 12, len(won)),
            np.where(
                habit == 1,
                due + 1 + np.round(rng.exponential(18, len(won))).astype(np.int64),
                due + rng.integers(45, 120, len(won)),
            ),
        )
        keep = invoice_day <= self.as_of
        won, invoice_day, due, paid = won[keep], invoice_day[keep], due[keep], paid[keep]
        count = len(won)
        return Table(
            crm.Invoice,
            {
                "account_id": deals.account[won] + 1,
                "opportunity_id": self.deal_ids[won],
                "invoice_date": invoice_day,
                "amount": deals.amount[won],
                "due_date": due,
                "paid_date": paid,
                "source": ["demo"] * count,
                "external_id": [f"INV-{i:07d}" for i in range(1, count + 1)],
            },
            nulls={"paid_date": paid > self.as_of},
        )

    def time_and_backlog(self) -> tuple[Table, Table]:
        """Consultants' daily timesheets and the monthly backlog of signed service hours."""
        h, rng = self.h, self.rng
        consultants = np.array(h.org.consultant_ids, dtype=np.int64)
        c = len(consultants)
        rate = np.array([150, 175, 200, 225])[rng.integers(0, 4, c)] * 100
        utilisation = rng.uniform(0.6, 0.85, c)
        realisation = rng.uniform(0.82, 0.97, c)
        all_days = np.arange(h.start, self.as_of + 1)
        workdays = all_days[d.weekday(all_days) < 5]
        grid_c = np.repeat(np.arange(c), len(workdays))
        grid_d = np.tile(workdays, c)
        present = rng.random(len(grid_c)) < 0.93
        grid_c, grid_d = grid_c[present], grid_d[present]
        billable = np.clip(
            np.round(8 * utilisation[grid_c] * rng.normal(1, 0.15, len(grid_c)) * 2) / 2, 0, 8
        )
        won_accounts = np.unique(h.deals.account[h.deals.won & (h.deals.close <= self.as_of)])
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
            nulls={
                "account_id": both([np.zeros(len(grid_c), bool), np.ones(len(grid_c), bool)])[keep]
            },
        )
        # Backlog: a share of the last three months' bookings is services still to deliver.
        deals = h.deals
        month0 = int(d.month_index(np.array([h.start]))[0])
        months = np.arange(month0 + 3, int(d.month_index(np.array([self.as_of]))[0]) + 1)
        firsts = d.month_start(months)
        won = deals.won & (deals.close <= self.as_of)
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

    def expenses(self) -> Table:
        h, rng = self.h, self.rng
        reps = h.reps
        month0 = int(d.month_index(np.array([h.start]))[0])
        months = np.arange(month0, int(d.month_index(np.array([self.as_of]))[0]) + 1)
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

    # -- plans and forecasts ------------------------------------------------------------------
    def bookings_matrix(self) -> tuple[np.ndarray, int]:
        """True bookings per rep and month (including months after the as-of date)."""
        h, deals = self.h, self.h.deals
        month0 = int(d.month_index(np.array([h.start]))[0])
        months = int(d.month_index(np.array([self.as_of]))[0]) - month0 + 4
        matrix = np.zeros((len(h.reps.user_id), months))
        m = d.month_index(deals.close[deals.won]) - month0
        ok = (m >= 0) & (m < months)
        np.add.at(matrix, (deals.rep[deals.won][ok], m[ok]), deals.amount[deals.won][ok])
        return matrix, month0

    def quotas(self) -> tuple[Table, dict[int, int]]:
        """Monthly quotas from the history up to five quarters ahead, set per team at a level the
        team's ramped reps reach about nine months in ten, seasonal, ramped for new hires."""
        h = self.h
        reps = h.reps
        matrix, month0 = self.bookings_matrix()
        past = int(d.month_index(np.array([self.as_of]))[0]) - month0
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
        months = np.arange(month0, int(d.month_index(np.array([self.as_of]))[0]) + 17)
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
                for team in self._team_and_parents(int(reps.team[r])):
                    key = (team, int(first))
                    team_totals[key] = team_totals.get(key, 0) + int(value)
        for (team, first), value in sorted(team_totals.items()):
            rows["user_id"].append(None)
            rows["team_id"].append(team)
            rows["month"].append(first)
            rows["amount"].append(value)
        return Table(org.Quota, rows), annual

    def _team_and_parents(self, team: int) -> list[int]:
        parents = {t.id: t.parent for t in self.h.org.teams}
        chain: list[int] = []
        node: int | None = team
        while node is not None:
            chain.append(node)
            node = parents[node]
        return chain

    def forecasts(self) -> Table:
        """Each rep's commit and best case before each month and quarter, and a mid-month update.

        Nobody sees the future. A rep's commit mixes what their deals will really bring (their
        insight into their own accounts, a share between 0.3 and 0.6; the accurate forecaster's
        is 0.95) with the naive estimate anyone could make from the CRM: their usual conversion
        of the pipeline expected to close in the period, plus what deals not yet in the CRM
        usually bring (both over their last six periods). Then their personal bias colours it
        (the sandbagger, the optimist).
        """
        h = self.h
        # A generator of its own: earlier tables keep their values whatever is drawn here.
        rng = np.random.default_rng([h.seed, 5])
        reps, deals = h.reps, h.deals
        n_reps = len(reps.user_id)
        insight = rng.uniform(0.3, 0.6, n_reps)
        insight[0] = 0.95
        rows: dict[str, list[object]] = {
            "user_id": [],
            "period_type": [],
            "period_start": [],
            "category": [],
            "amount": [],
            "submitted_at": [],
            "note": [],
        }
        month0 = int(d.month_index(np.array([h.start]))[0])
        last_month = int(d.month_index(np.array([self.as_of]))[0]) + 1

        def add(
            r: int, period_type: str, start: int, commit: int, best: int, at: int, note: str
        ) -> None:
            if start <= h.start or at // DAY > self.as_of:
                return  # the first month only teaches the reps their conversion
            if not (reps.hire_day[r] <= at // DAY < reps.end_day[r]):
                return
            for category, amount in (("commit", commit), ("best_case", best)):
                rows["user_id"].append(int(reps.user_id[r]))
                rows["period_type"].append(period_type)
                rows["period_start"].append(int(start))
                rows["category"].append(category)
                rows["amount"].append(int(amount))
                rows["submitted_at"].append(int(at))
                rows["note"].append(note)

        def per_rep(mask: BoolArray, values: IntArray) -> FloatArray:
            totals = np.bincount(deals.rep[mask], weights=values[mask], minlength=n_reps)
            return np.asarray(totals, dtype=np.float64)

        def booked(first: int, last: int) -> FloatArray:
            return per_rep(deals.won & (deals.close >= first) & (deals.close <= last), deals.amount)

        def pipeline(day: int, first: int, last: int) -> tuple[FloatArray, FloatArray]:
            """Per rep, as known at the end of `day`: the deals expected in [first, last], and
            the true wins among them."""
            open_then = (deals.created <= day) & (deals.close > day)
            moved = (deals.push_day >= 0) & (day >= deals.push_day)
            expected = np.where(moved, deals.close, deals.first_close)
            candidate = open_then & (expected >= first) & (expected <= last)
            amount = np.where(
                (deals.amount_change_day >= 0) & (day < deals.amount_change_day),
                deals.first_amount,
                deals.amount,
            )
            wins = deals.won & (deals.close >= first) & (deals.close <= last)
            return per_rep(candidate, amount), per_rep(candidate & wins, deals.amount)

        past: dict[str, list[tuple[FloatArray, FloatArray, FloatArray]]] = {
            "month": [],
            "quarter": [],
        }

        def judgement(
            kind: str, entered: FloatArray, actual: FloatArray, lookback: int
        ) -> FloatArray:
            """Each rep's honest estimate of a period's bookings (`actual`), made with
            `entered` pipeline expected in it."""
            recent = past[kind][-lookback:]
            if recent:
                entered_before = np.sum([e for e, _, _ in recent], axis=0)
                won_before = np.sum([w for _, w, _ in recent], axis=0)
                conversion = np.divide(
                    won_before, entered_before, out=np.zeros(n_reps), where=entered_before > 0
                )
                unseen = np.mean([u for _, _, u in recent], axis=0)
            else:
                conversion, unseen = np.full(n_reps, 0.3), np.zeros(n_reps)
            naive = conversion * entered + unseen
            return insight * actual + (1 - insight) * naive

        for m in range(month0, last_month + 1):
            first = int(d.month_start(np.array([m]))[0])
            last = int(d.month_start(np.array([m + 1]))[0]) - 1
            before = int(d.previous_weekday_before(np.array([first]))[0])
            mid = int(d.next_weekday_on_or_after(np.array([first + 14]))[0])
            entered, known_wins = pipeline(before, first, last)
            actual = booked(first, last)
            estimate = judgement("month", entered, actual, 6)
            won_by_mid = booked(first, mid)
            entered_mid, _ = pipeline(mid, mid + 1, last)
            estimate_mid = won_by_mid + judgement("month", entered_mid, actual - won_by_mid, 6) * (
                (last - mid) / (last - first + 1)
            )
            past["month"].append((entered, known_wins, actual - known_wins))
            for r in range(n_reps):
                tone = reps.bias[r] * rng.lognormal(0, reps.bias_noise[r] * 0.5)
                commit_c = int(cents_round(tone * estimate[r], 1000))
                best = max(tone * estimate[r], 0.4 * entered[r]) * rng.uniform(1.15, 1.4)
                best_c = int(cents_round(best, 1000))
                at = before * DAY + int(rng.integers(14 * 3600, 19 * 3600))
                add(r, "month", first, commit_c, best_c, at, "")
                revised = won_by_mid[r] + tone * (estimate_mid[r] - won_by_mid[r])
                revised_c = int(cents_round(revised, 1000))
                at_mid = mid * DAY + int(rng.integers(9 * 3600, 17 * 3600))
                add(
                    r, "month", first, revised_c, max(revised_c, best_c), at_mid, "Mid-month update"
                )
            if (m % 12) % 3 == 0:
                quarter_last = int(d.month_start(np.array([m + 3]))[0]) - 1
                entered_q, known_q = pipeline(before, first, quarter_last)
                actual_q = booked(first, quarter_last)
                estimate_q = judgement("quarter", entered_q, actual_q, 2)
                past["quarter"].append((entered_q, known_q, actual_q - known_q))
                for r in range(n_reps):
                    tone = reps.bias[r] * rng.lognormal(0, reps.bias_noise[r] * 0.5)
                    commit_c = int(cents_round(tone * estimate_q[r], 1000))
                    at = before * DAY + int(rng.integers(14 * 3600, 19 * 3600))
                    add(
                        r,
                        "quarter",
                        first,
                        commit_c,
                        int(cents_round(commit_c * 1.3, 1000)),
                        at,
                        "",
                    )
        return Table(ForecastSubmission, rows)

    def goals(self, quota_table: Table) -> Table:
        """Company goals for each month, quarter and year; a win-rate goal for each sales team."""
        h = self.h
        month0 = int(d.month_index(np.array([h.start]))[0])
        months = np.arange(month0, int(d.month_index(np.array([self.as_of]))[0]) + 4)
        deals = h.deals
        won = deals.won & (deals.close <= self.as_of)
        median_deal = float(np.median(deals.amount[won])) / 100 if won.any() else 0.0
        company_quota: dict[str, int] = {}
        for user, month, amount in zip(
            quota_table.columns["user_id"],
            quota_table.columns["month"],
            quota_table.columns["amount"],
            strict=True,
        ):
            if user is None:
                continue
            when = d.to_date(month)
            quarter = f"{when.year}-Q{(when.month - 1) // 3 + 1}"
            for key in (f"{when:%Y-%m}", quarter, str(when.year)):
                company_quota[key] = company_quota.get(key, 0) + amount
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

        def add(metric: str, scope: str, team: int | None, period: str, target: str) -> None:
            rows["metric"].append(metric)
            rows["scope"].append(scope)
            rows["team_id"].append(team)
            rows["user_id"].append(None)
            rows["period"].append(period)
            rows["target"].append(Decimal(target))

        periods: list[str] = []
        for m in months:
            when = d.to_date(int(d.month_start(np.array([m]))[0]))
            periods.append(f"{when:%Y-%m}")
            for metric, target in fixed.items():
                add(metric, "company", None, f"{when:%Y-%m}", target)
            for team in {int(t) for t in h.reps.team}:
                add("win_rate", "team", team, f"{when:%Y-%m}", "0.33")
        for period, amount in sorted(company_quota.items()):
            is_month = period[5:].isdigit()
            if is_month and period not in periods:
                continue
            add("bookings", "company", None, period, f"{amount / 100:.2f}")
        return Table(org.Goal, rows)

    def standards(self) -> Table:
        return Table(
            org.ActivityStandard,
            {
                "role": ["salesperson"] * len(ACTIVITY_STANDARDS),
                "activity_type": [s[0] for s in ACTIVITY_STANDARDS],
                "per": [s[1] for s in ACTIVITY_STANDARDS],
                "count": [Decimal(s[2]) for s in ACTIVITY_STANDARDS],
            },
        )

    def build(self, password_hash: str) -> list[Table]:
        """All tables, parents before children."""
        self.accounts_table = self.accounts()
        history = self.stage_history()
        quotas, annual = self.quotas()
        leads, spend = self.leads()
        time_entries, backlog = self.time_and_backlog()
        return [
            self.stages(),
            self.teams(),
            self.users(password_hash, annual),
            self.accounts_table,
            self.opportunities(history),
            self.stage_changes(history),
            self.activities(),
            leads,
            spend,
            self.invoices(),
            time_entries,
            backlog,
            self.expenses(),
            quotas,
            self.forecasts(),
            self.goals(quotas),
            self.standards(),
        ]


def _last_row_per_deal(deal: np.ndarray, n: int) -> np.ndarray:
    """Index of each deal's last history row (rows are sorted by deal, then time)."""
    last = np.full(n, -1, dtype=np.int64)
    last[deal] = np.arange(len(deal))  # later rows overwrite earlier ones
    return last
