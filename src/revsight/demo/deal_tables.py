"""Each deal and what had happened to it by the as-of date: opportunities, their stage changes
and the activities around them. Later stage changes are dropped; undecided deals are open in
the stage they had reached.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from revsight.crm import models as crm
from revsight.demo.profiles import LOSS_REASONS, LOST_STAGE, NEXT_STEPS, STAGES, WON_STAGE
from revsight.demo.simulate import ACTIVITY_KINDS, DAY, PRODUCTS, BoolArray
from revsight.demo.tables import Table
from revsight.demo.world import World

FORECAST_CATEGORY = ["pipeline", "pipeline", "best_case", "best_case", "commit"]


def opportunities(
    world: World, history_rows: dict[str, np.ndarray], account_names: list[str]
) -> Table:
    h, deals, rng = world.history, world.history.deals, world.rng
    n = len(deals.rep)
    decided = deals.close <= world.as_of
    status = np.where(decided, np.where(deals.won, "won", "lost"), "open")
    last = _last_row_per_deal(history_rows["deal"], n)
    stage = history_rows["to_stage"][last]
    amount = history_rows["amount"][last]
    close = history_rows["close_date"][last]
    amount_null = history_rows["amount_null"][last]
    existing = _existing_business(world)
    product = rng.integers(0, len(PRODUCTS), n)
    names = np.char.add(
        np.char.add(np.array(account_names)[deals.account], " — "), np.array(PRODUCTS)[product]
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
            "id": world.deal_ids,
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
            "external_id": [f"OPP-{i:07d}" for i in world.deal_ids],
        },
        nulls={
            "amount": amount_null,
            "original_amount": amount_null,
            "gross_margin": amount_null,
        },
    )


def _existing_business(world: World) -> BoolArray:
    """A deal is existing business when its account had won a deal before it was created."""
    deals = world.history.deals
    first_win = np.full(world.history.account_count, np.iinfo(np.int64).max, dtype=np.int64)
    won = deals.won & (deals.close <= world.as_of)
    np.minimum.at(first_win, deals.account[won], deals.close[won])
    result: BoolArray = first_win[deals.account] < deals.created
    return result


def stage_history(world: World) -> dict[str, np.ndarray]:
    """Every change each deal went through up to the as-of date, in time order."""
    deals, rng = world.history.deals, world.rng
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
    keep = when // DAY <= world.as_of
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
    no_amount = (deals.close > world.as_of) & ~deals.stale
    no_amount &= np.random.default_rng([world.history.seed, 3]).random(n) < 0.03
    return {
        "deal": deal,
        "from_stage": from_stage,
        "to_stage": stage,
        "amount": amount.astype(np.int64),
        "amount_null": no_amount[deal],
        "close_date": close_date,
        "changed_at": when,
    }


def stage_changes(world: World, rows: dict[str, np.ndarray]) -> Table:
    count = len(rows["deal"])
    return Table(
        crm.StageChange,
        {
            "opportunity_id": world.deal_ids[rows["deal"]],
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


def activities(world: World) -> Table:
    a = world.history.activities
    kinds = np.array(ACTIVITY_KINDS)
    count = len(a["owner"])
    return Table(
        crm.Activity,
        {
            "owner_id": world.history.reps.user_id[a["owner"]],
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


# The share of the salespeople's presales calls and demonstrations a presales engineer joins.
PRESALES_JOINS = {"presales_call": 4, "demonstration": 3}  # one deal in N goes without


def presales_activities(world: World) -> Table:
    """The presales engineers' own record of the presales calls and demonstrations they join:
    on most deals, the engineer of the deal (deals are shared among them in turn) logs the
    salesperson's call or demonstration too, on the same day. Drawn from no generator, so the
    rest of a seed's demo is unchanged."""
    a = world.history.activities
    engineers = np.array(world.history.org.presales_ids, dtype=np.int64)
    kinds = np.array(ACTIVITY_KINDS)[a["type"]]
    deal = a["deal"]
    shared = max(len(engineers), 1)
    joined = np.zeros(len(deal), dtype=bool)
    for kind, skip in PRESALES_JOINS.items():
        joined |= (kinds == kind) & (deal >= 0) & ((deal // shared) % skip != 0)
    if not len(engineers):
        joined[:] = False
    deal, count = deal[joined], int(joined.sum())
    return Table(
        crm.Activity,
        {
            # Numbered on from the salespeople's activities (`activities`).
            "id": np.arange(len(a["owner"]) + 1, len(a["owner"]) + count + 1),
            "owner_id": engineers[deal % shared] if count else deal,
            "type": kinds[joined].tolist(),
            "date": a["day"][joined],
            "account_id": a["account"][joined] + 1,
            "opportunity_id": deal + 1,
            "source": ["demo"] * count,
            "external_id": [""] * count,
            "subject": ["Presales support"] * count,
        },
        nulls={"account_id": a["account"][joined] < 0},
    )


def _last_row_per_deal(deal: np.ndarray, n: int) -> np.ndarray:
    """Index of each deal's last history row (rows are sorted by deal, then time)."""
    last = np.full(n, -1, dtype=np.int64)
    last[deal] = np.arange(len(deal))  # later rows overwrite earlier ones
    return last
