"""What the discipline rules read, fetched in a few queries for every deal in scope and every
day asked: the deals, their stage history, the activities around them, the time won deals spent
in each stage, the pauses and the deals without a next step.

The facts come from the analytics engine (`analytics/facts.py`), so the replica answers; the
cadence's own records (pauses) and the next step (not a fact, and not kept in the history)
come from the database. Change times become dates in the organisation's time zone: a change
counts at a day's end when it was made on that day or before."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import ibis
import ibis.expr.types as ir
import pandas as pd

from revsight.analytics.engine import Engine
from revsight.cadence.discipline_models import DealPause
from revsight.core import periods
from revsight.crm.models import Opportunity, OpportunityStatus


@dataclass(frozen=True)
class Change:
    """A deal's state right after one change, on the local day it was made."""

    on: date
    stage: int
    amount: float | None
    close: date | None


@dataclass
class Deal:
    id: int
    owner_id: int
    account_id: int | None
    created: date
    status: str
    stage: int
    amount: float | None
    close: date | None
    changes: list[Change] = field(default_factory=list)


@dataclass(frozen=True)
class StageInfo:
    name: str
    outcome: str
    position: int | None  # place in the sales process: open stages in order, then won


@dataclass(frozen=True)
class Visit:
    """The days one won deal spent in one open stage (every visit added up)."""

    won_on: date
    stage: int
    days: int


@dataclass
class History:
    deals: list[Deal]
    stages: dict[int, StageInfo]
    deal_activity: dict[int, list[date]]
    account_activity: dict[int, list[date]]
    visits: list[Visit]
    pauses: dict[int, list[tuple[date, date]]]  # deal -> (paused on, first day judged again)
    no_next_step: set[int]

    def paused(self, deal: int, day: date) -> bool:
        return any(start <= day < until for start, until in self.pauses.get(deal, ()))


def _owned(table: ir.Table, column: str, owners: set[int] | None) -> ir.Table:
    if owners is None:
        return table
    ids = ibis.memtable({"member_id": sorted(owners) or [-1]}, schema={"member_id": "int64"})
    return table.semi_join(ids, table[column] == ids.member_id)


def _dates(column: pd.Series) -> list[date | None]:
    """A column of dates or timestamps as plain dates, None where missing (whole columns at
    once: a trend reads every deal's history)."""
    values = pd.to_datetime(column)
    days = values.dt.date.tolist()
    return [
        None if missing else day for day, missing in zip(days, values.isna().tolist(), strict=True)
    ]


def _local_days(column: pd.Series, zone: str) -> list[date]:
    """UTC change times as the organisation's local dates."""
    stamps = pd.to_datetime(column, utc=True).dt.tz_convert(zone)
    days: list[date] = stamps.dt.date.tolist()
    return days


def _money(value: Any) -> float | None:
    return None if value is None or value != value else float(value)


def stages_of(engine: Engine) -> dict[int, StageInfo]:
    frame = engine.table("stages").execute().sort_values(["order", "name"])
    open_ids = [int(s) for s, o in zip(frame["id"], frame["outcome"], strict=True) if o == "open"]
    result = {}
    for ident, name, outcome in zip(frame["id"], frame["name"], frame["outcome"], strict=True):
        if outcome == "open":
            position: int | None = open_ids.index(int(ident))
        else:
            position = len(open_ids) if outcome == "won" else None
        result[int(ident)] = StageInfo(str(name), str(outcome), position)
    return result


def _deals(
    engine: Engine, owners: set[int] | None, decided_since: date, last: date, zone: str
) -> list[Deal]:
    """The deals that may break a rule on a day asked: created by the last, and open or
    decided since `decided_since` (a deal decided before cannot have moved in any window)."""
    opportunities = engine.table("opportunities")
    existing = opportunities.filter(
        (opportunities.created_date <= last)
        & (
            (opportunities.status == "open")
            | opportunities.close_date.isnull()
            | (opportunities.close_date >= decided_since)
        )
    )
    deals = _owned(existing, "owner_id", owners)
    frame = deals.select(
        "id", "owner_id", "account_id", "created_date", "status", "stage_id", "amount", "close_date"
    ).execute()
    found = {
        int(row.id): Deal(
            int(row.id),
            int(row.owner_id),
            None if pd.isna(row.account_id) else int(row.account_id),
            created,
            str(row.status),
            int(row.stage_id),
            _money(row.amount),
            close,
        )
        for row, created, close in zip(
            frame.itertuples(),
            _dates(frame["created_date"]),
            _dates(frame["close_date"]),
            strict=True,
        )
        if created is not None  # the column is required; a null would be no deal at all
    }
    changes = engine.table("stage_changes")
    changes = changes.semi_join(deals, changes.opportunity_id == deals.id)
    _attach(found, changes.execute(), zone)
    return [found[key] for key in sorted(found)]


def _attach(deals: dict[int, Deal], frame: pd.DataFrame, zone: str) -> None:
    """Each deal's changes in the order they were made (time, then id)."""
    frame = frame.sort_values(["opportunity_id", "changed_at", "id"])
    days = _local_days(frame["changed_at"], zone)
    closes = _dates(frame["close_date"])
    amounts = frame["amount"].astype("float64").tolist()
    for deal_id, stage, amount, on, close in zip(
        frame["opportunity_id"].astype("int64").tolist(),
        frame["to_stage_id"].astype("int64").tolist(),
        amounts,
        days,
        closes,
        strict=True,
    ):
        deal = deals.get(deal_id)
        if deal is not None:
            deal.changes.append(Change(on, stage, _money(amount), close))


def _activity(
    engine: Engine, deals: list[Deal], start: date, last: date
) -> tuple[dict[int, list[date]], dict[int, list[date]]]:
    """The days something happened on each deal and on each account, from `start` to `last`."""
    activities = engine.table("activities")
    activities = activities.filter((activities.date >= start) & (activities.date <= last))
    frame = activities.select("opportunity_id", "account_id", "date").distinct().execute()
    wanted_deals = {d.id for d in deals}
    wanted_accounts = {d.account_id for d in deals if d.account_id is not None}
    by_deal: dict[int, set[date]] = defaultdict(set)
    by_account: dict[int, set[date]] = defaultdict(set)
    for deal, account, day in zip(
        frame["opportunity_id"], frame["account_id"], _dates(frame["date"]), strict=True
    ):
        if day is None:
            continue
        if not pd.isna(deal) and int(deal) in wanted_deals:
            by_deal[int(deal)].add(day)
        if not pd.isna(account) and int(account) in wanted_accounts:
            by_account[int(account)].add(day)
    return (
        {k: sorted(v) for k, v in by_deal.items()},
        {k: sorted(v) for k, v in by_account.items()},
    )


def won_visits(
    engine: Engine, stages: dict[int, StageInfo], first: date, last: date, zone: str
) -> list[Visit]:
    """For every deal won in the 12 months before any day asked, the days it spent in each open
    stage: from entering it to entering the next different stage."""
    opportunities = engine.table("opportunities")
    won = opportunities.filter(
        (opportunities.status == "won")
        & (opportunities.close_date > periods.shift(first, -12))
        & (opportunities.close_date <= last)
    ).select(won_id="id", won_on="close_date")
    changes = engine.table("stage_changes")
    joined = changes.join(won, changes.opportunity_id == won.won_id)
    frame = joined.select("opportunity_id", "to_stage_id", "changed_at", "id", "won_on").execute()
    frame = frame.sort_values(["opportunity_id", "changed_at", "id"])
    days = _local_days(frame["changed_at"], zone)
    spent: dict[tuple[int, int], int] = defaultdict(int)
    won_on: dict[int, date] = {}
    entry: tuple[int, int, date] | None = None  # deal, stage, day entered
    for deal, stage, on, decided in zip(
        frame["opportunity_id"].astype(int),
        frame["to_stage_id"].astype(int),
        days,
        _dates(frame["won_on"]),
        strict=True,
    ):
        if decided is not None:
            won_on[deal] = decided
        if entry is not None and entry[0] == deal and entry[1] == stage:
            continue  # an amount or close-date change: still in the stage
        if entry is not None and entry[0] == deal:
            spent[(deal, entry[1])] += (on - entry[2]).days
        entry = (deal, stage, on)
    return [
        Visit(won_on[deal], stage, days_spent)
        for (deal, stage), days_spent in spent.items()
        if stages.get(stage) is not None and stages[stage].outcome == "open" and deal in won_on
    ]


def _pauses(
    deals: list[Deal], owners: set[int] | None, first: date, last: date
) -> dict[int, list[tuple[date, date]]]:
    ids = {d.id for d in deals}
    pauses = DealPause.objects.filter(paused_on__lte=last, resume_on__gt=first)
    if owners is not None:
        pauses = pauses.filter(opportunity__owner_id__in=owners)
    found: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for pause in pauses:
        if pause.opportunity_id in ids and pause.until > first:
            found[pause.opportunity_id].append((pause.paused_on, pause.until))
    return dict(found)


def _no_next_step(deals: list[Deal], owners: set[int] | None) -> set[int]:
    """Open deals with no next step now. The history does not keep the next step, so a deal
    is judged by the one it has now, on every day it was open, and a deal decided since is
    not judged by it at all (a CRM clears the next step of a closed deal)."""
    ids = {d.id for d in deals}
    empty = Opportunity.objects.filter(next_step="", status=OpportunityStatus.OPEN)
    if owners is not None:
        empty = empty.filter(owner_id__in=owners)
    return {pk for pk in empty.values_list("id", flat=True) if pk in ids}


def load(
    engine: Engine,
    owners: set[int] | None,
    days: list[date],
    zone: str,
    activity_days: int,
    window_days: int,
) -> History:
    """Everything the rules need to judge the deals of `owners` (None: everyone) at the end of
    each of `days`; activities are read back `activity_days` before the first, and deals
    decided up to `window_days` before it (the longest window a rule looks back over)."""
    first, last = min(days), max(days)
    stages = stages_of(engine)
    deals = _deals(engine, owners, first - timedelta(days=window_days + 1), last, zone)
    by_deal, by_account = _activity(engine, deals, first - timedelta(days=activity_days), last)
    return History(
        deals,
        stages,
        by_deal,
        by_account,
        won_visits(engine, stages, first, last, zone),
        _pauses(deals, owners, first, last),
        _no_next_step(deals, owners),
    )
