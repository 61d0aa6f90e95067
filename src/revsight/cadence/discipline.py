"""Judging deals by the discipline rules (`rules.py`) at the end of any day, from history.

Every deal in scope is walked once through its stage history for all the days asked at once
(a report's day, or the twelve week ends of a trend), so a trend costs the same few queries as
one day (`history.load`). A deal's stage, amount, close date and whether it was open at a day's
end come from its last change made by then (its current fields when it has none, as
`analytics.measures.pipeline_state` reads them); paused deals are left out on the days their
pause covers."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from revsight.cadence.history import Deal, History, Visit
from revsight.cadence.parameters import Parameters
from revsight.cadence.rules import RULE_IDS
from revsight.core import periods


@dataclass(frozen=True)
class Finding:
    rule: str
    deal_id: int
    owner_id: int
    detail: str


@dataclass(frozen=True)
class State:
    """A deal at the end of one day."""

    stage: int
    amount: float | None
    close: date | None
    open: bool
    entered: date  # the day it entered the stage it stood in
    pushes: int  # times its close date had moved later
    moves: tuple[tuple[date, int, int], ...]  # (day, from stage, to stage), oldest first


def walk(
    deal: Deal, days: Sequence[date], outcome: Callable[[int], str | None]
) -> list[State | None]:
    """The deal at the end of each of `days` (ascending); None before it was created."""
    states: list[State | None] = []
    seen = 0
    entered, pushes = deal.created, 0
    last_stage: int | None = None
    last_close: date | None = None
    moves: list[tuple[date, int, int]] = []
    for day in days:
        if deal.created > day:
            states.append(None)
            continue
        while seen < len(deal.changes) and deal.changes[seen].on <= day:
            change = deal.changes[seen]
            if change.stage != last_stage:
                entered = change.on
                if last_stage is not None:
                    moves.append((change.on, last_stage, change.stage))
            if last_close is not None and change.close is not None and change.close > last_close:
                pushes += 1
            last_stage, last_close = change.stage, change.close
            seen += 1
        if seen == 0:
            states.append(
                State(
                    deal.stage, deal.amount, deal.close, deal.status == "open", deal.created, 0, ()
                )
            )
            continue
        change = deal.changes[seen - 1]
        is_open = (outcome(change.stage) or deal.status) == "open"
        states.append(
            State(change.stage, change.amount, change.close, is_open, entered, pushes, tuple(moves))
        )
    return states


def expected_days(visits: Sequence[Visit], factor: int, day: date) -> dict[int, int]:
    """Each open stage's default expected days at a day's end: `factor` times the median days
    won deals spent in it, among deals won in the 12 months up to the day (at least 1)."""
    since = periods.shift(day, -12)
    spent: dict[int, list[int]] = defaultdict(list)
    for visit in visits:
        if since < visit.won_on <= day:
            spent[visit.stage].append(visit.days)
    return {
        stage: max(1, math.ceil(factor * statistics.median(days))) for stage, days in spent.items()
    }


class Judge:
    """The rules asked, with the parameters in force, over one loaded history."""

    def __init__(self, history: History, parameters: Parameters, rules: Sequence[str]) -> None:
        self.history = history
        self.parameters = parameters
        self.rules = [rule for rule in RULE_IDS if rule in rules]
        self.checks: dict[str, Callable[[Deal, date, State], str | None]] = {
            "past_close_date": self.past_close_date,
            "no_recent_activity": self.no_recent_activity,
            "stale_in_stage": self.stale_in_stage,
            "skipped_stage": self.skipped_stage,
            "moved_backwards": self.moved_backwards,
            "missing_amount": self.missing_amount,
            "missing_next_step": self.missing_next_step,
            "close_date_pushed": self.close_date_pushed,
        }
        self._expected: dict[date, dict[int, int]] = {}
        # The parameters read once, not once per deal and day.
        self.quiet = {
            stage: parameters.number("no_recent_activity", "days", stage)
            for stage in history.stages
        }
        self.stale = {
            stage: parameters.override("stale_in_stage", "days", stage) for stage in history.stages
        }
        self.window = {
            rule: timedelta(days=parameters.number(rule, "days"))
            for rule in ("skipped_stage", "moved_backwards")
        }
        self.times = parameters.number("close_date_pushed", "times")

    def outcome(self, stage: int) -> str | None:
        info = self.history.stages.get(stage)
        return info.outcome if info else None

    def stage_name(self, stage: int) -> str:
        info = self.history.stages.get(stage)
        return info.name if info else str(stage)

    def judge(self, days: Sequence[date]) -> dict[date, list[Finding]]:
        """Every finding at the end of each day (days in any order)."""
        ordered = sorted(set(days))
        found: dict[date, list[Finding]] = {day: [] for day in ordered}
        for deal in self.history.deals:
            for day, state in zip(ordered, walk(deal, ordered, self.outcome), strict=True):
                if state is None or self.history.paused(deal.id, day):
                    continue
                for rule in self.rules:
                    detail = self.checks[rule](deal, day, state)
                    if detail is not None:
                        found[day].append(Finding(rule, deal.id, deal.owner_id, detail))
        return found

    def past_close_date(self, deal: Deal, day: date, state: State) -> str | None:
        if not state.open or state.close is None or state.close >= day:
            return None
        return f"expected to close {state.close}, {_days(day - state.close)} ago"

    def no_recent_activity(self, deal: Deal, day: date, state: State) -> str | None:
        if not state.open:
            return None
        days = self.quiet.get(state.stage) or self.parameters.number("no_recent_activity", "days")
        since = day - timedelta(days=days)  # activity after this day counts as recent
        if deal.created > since:
            return None  # too young to judge
        last = _last_on_or_before(self.history.deal_activity.get(deal.id, []), day)
        if deal.account_id is not None:
            on_account = self.history.account_activity.get(deal.account_id, [])
            last = max(filter(None, (last, _last_on_or_before(on_account, day))), default=None)
        if last is not None and last > since:
            return None
        return f"no activity on the deal or its account in the last {days} days"

    def stale_in_stage(self, deal: Deal, day: date, state: State) -> str | None:
        if not state.open:
            return None
        expected = self.stale.get(state.stage)
        if expected is None:
            expected = self.expected(day).get(state.stage)
        spent = (day - state.entered).days
        if expected is None or spent <= expected:
            return None
        return f"in {self.stage_name(state.stage)} for {_days(spent)} (expected {expected})"

    def expected(self, day: date) -> dict[int, int]:
        if day not in self._expected:
            factor = self.parameters.number("stale_in_stage", "factor")
            self._expected[day] = expected_days(self.history.visits, factor, day)
        return self._expected[day]

    def _recent_moves(self, day: date, state: State, rule: str) -> list[tuple[date, int, int]]:
        if not state.moves:
            return []
        since = day - self.window[rule]
        return [move for move in state.moves if since < move[0] <= day]

    def skipped_stage(self, deal: Deal, day: date, state: State) -> str | None:
        stages = self.history.stages
        for on, start, end in reversed(self._recent_moves(day, state, "skipped_stage")):
            before, after = stages.get(start), stages.get(end)
            if before is None or after is None or before.outcome != "open":
                continue
            if before.position is None or after.position is None:
                continue
            if after.position > before.position + 1:
                return f"{before.name} → {after.name} on {on}"
        return None

    def moved_backwards(self, deal: Deal, day: date, state: State) -> str | None:
        stages = self.history.stages
        for on, start, end in reversed(self._recent_moves(day, state, "moved_backwards")):
            before, after = stages.get(start), stages.get(end)
            if before is None or after is None or "won" in (before.outcome, after.outcome):
                continue
            if before.position is None or after.position is None:
                continue
            if after.outcome == "open" and after.position < before.position:
                return f"{before.name} → {after.name} on {on}"
        return None

    def missing_amount(self, deal: Deal, day: date, state: State) -> str | None:
        if not state.open:
            return None
        if state.amount is None:
            return "no amount"
        return "amount 0" if state.amount == 0 else None

    def missing_next_step(self, deal: Deal, day: date, state: State) -> str | None:
        if state.open and deal.id in self.history.no_next_step:
            return "no next step"
        return None

    def close_date_pushed(self, deal: Deal, day: date, state: State) -> str | None:
        if state.open and state.pushes >= self.times:
            return f"close date pushed later {state.pushes} times"
        return None


def _days(span: timedelta | int) -> str:
    count = span.days if isinstance(span, timedelta) else span
    return f"{count} day{'' if count == 1 else 's'}"


def _last_on_or_before(days: list[date], day: date) -> date | None:
    """The latest of sorted `days` not after `day`."""
    from bisect import bisect_right

    index = bisect_right(days, day)
    return days[index - 1] if index else None
