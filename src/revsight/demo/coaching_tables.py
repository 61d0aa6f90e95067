"""The coaching log of the demo: each sales manager's joint calls and coaching sessions with
their salespeople over the six months before the as-of month and that month so far, the actions
agreed and some of the salespeople's replies.

Every salesperson has two or three joint calls a month, and in the as-of month at least as many
as the pace asks (`cadence.coaching.expected_by`), except the fourth salesperson, the one who
works well below the activity standard: one joint call the month before and none in the as-of
month, so the coaching page and the manager's dashboard show them behind once half the month has
gone by. The details come from a generator of their own, so the other tables stay as they were.
"""

from __future__ import annotations

import math

import numpy as np

from revsight.cadence import coaching_models as cadence
from revsight.demo import days as d
from revsight.demo.simulate import DAY
from revsight.demo.tables import Table
from revsight.demo.world import World

MONTHS = 6  # whole months before the as-of month
BEHIND = 3  # the rep (by number) behind on joint calls
NOTES = [
    "Opened well; the discovery questions stopped before the budget came up.",
    "Let the customer talk through their current process; good silence after the price.",
    "Presented the roadmap too early: agree the problem first, then show the answer.",
    "Handled the security objection with the reference from the same industry.",
    "Asked for the next meeting before leaving, with the decision maker invited.",
    "Prepared the account plan together; two new contacts to reach in operations.",
]
ACTIONS = [
    "Send the summary and the proposed next step",
    "Book the meeting with the economic buyer",
    "Rehearse the demonstration on the customer's own data",
    "Update the opportunity's next step and close date",
    "Practise the three discovery questions on budget and timing",
]
REPLIES = [
    "Done: the summary went out the next morning.",
    "Thanks, the budget question worked in the next call.",
    "Booked for next week; the buyer accepted.",
]
OTHER_KINDS = ["coaching_session", "ride_along", "role_play"]


class _Log:
    """The rows as they are drawn, column by column, with what drawing them looks up."""

    def __init__(self, world: World) -> None:
        h = world.history
        self.world = world
        self.rng = np.random.default_rng([h.seed, 15])
        self.coach = {t.id: t.manager for t in h.org.teams}
        order = np.argsort(h.deals.rep, kind="stable")
        bounds = np.searchsorted(h.deals.rep[order], np.arange(len(h.reps.user_id) + 1))
        self.deals = [order[bounds[r] : bounds[r + 1]] for r in range(len(h.reps.user_id))]
        self.entries: dict[str, list[object]] = {
            name: []
            for name in (
                "salesperson_id",
                "coach_id",
                "date",
                "kind",
                "scheduled",
                "skill",
                "opportunity_id",
                "account_id",
                "notes",
                "action",
                "action_due",
                "action_done",
                "created_at",
                "updated_at",
            )
        }
        self.replies: dict[str, list[object]] = {
            name: [] for name in ("entry_id", "author_id", "text", "at")
        }

    def __len__(self) -> int:
        return len(self.entries["date"])


def _weekdays(first: int, last: int) -> np.ndarray:
    days = np.arange(first, last + 1, dtype=np.int64)
    return days[d.weekday(days) < 5]


def _deal_on(log: _Log, rep: int, day: int) -> int | None:
    """A deal of the rep's that was open on the day (its index), if any."""
    deals, mine = log.world.history.deals, log.deals[rep]
    open_then = mine[(deals.created[mine] <= day) & (deals.close[mine] >= day)]
    return int(log.rng.choice(open_then)) if len(open_then) else None


def _counts(rep: int, month: int, now: int, expected: int, rng: np.random.Generator) -> int:
    """Joint calls of a rep in a month: the behind rep's one, then none; everyone else's two
    or three, and in the current month at least what the pace asks."""
    if rep == BEHIND:
        return 0 if month == now else (1 if month == now - 1 else 2)
    if month == now:
        return expected + int(rng.integers(0, 2))
    return int(rng.choice([2, 2, 3]))


def _add(log: _Log, rep: int, day: int, kind: str) -> None:
    world, rng = log.world, log.rng
    h = world.history
    coach = log.coach[int(h.reps.team[rep])]
    deal = _deal_on(log, rep, day) if kind == "joint_call" else None
    agreed = rng.random() < 0.6
    due = day + 7
    e = log.entries
    e["salesperson_id"].append(int(h.reps.user_id[rep]))
    e["coach_id"].append(coach)
    e["date"].append(day)
    e["kind"].append(kind)
    e["scheduled"].append(bool(rng.random() < 0.75))
    e["skill"].append(cadence.DEFAULT_SKILLS[int(rng.integers(0, len(cadence.DEFAULT_SKILLS)))])
    e["opportunity_id"].append(None if deal is None else deal + 1)
    e["account_id"].append(None if deal is None else int(h.deals.account[deal]) + 1)
    e["notes"].append(NOTES[int(rng.integers(0, len(NOTES)))])
    e["action"].append(ACTIONS[int(rng.integers(0, len(ACTIONS)))] if agreed else "")
    e["action_due"].append(due if agreed else None)
    e["action_done"].append(bool(agreed and due <= world.as_of and rng.random() < 0.7))
    e["created_at"].append(day * DAY + 18 * 3600)
    e["updated_at"].append(day * DAY + 18 * 3600)
    if agreed and day + 1 <= world.as_of and rng.random() < 0.35:
        log.replies["entry_id"].append(len(log))
        log.replies["author_id"].append(int(h.reps.user_id[rep]))
        log.replies["text"].append(REPLIES[int(rng.integers(0, len(REPLIES)))])
        log.replies["at"].append((day + 1) * DAY + 8 * 3600)


def _month(log: _Log, rep: int, month: int) -> None:
    world, rng = log.world, log.rng
    h, now = world.history, int(d.month_index(np.array([world.as_of]))[0])
    start = int(d.month_start(np.array([month]))[0])
    end = int(d.month_start(np.array([month + 1]))[0]) - 1
    first = max(start, int(h.reps.hire_day[rep]))
    last = min(end, world.as_of, int(h.reps.end_day[rep]) - 1)
    days = _weekdays(first, last)
    if not len(days):
        return
    # The pace as the coaching page reads it: selling days gone by since the later of the month's
    # start and the hire date, of those in the whole month.
    expected = math.floor(
        cadence.DEFAULT_JOINT_CALLS * len(days) / len(_weekdays(start, end)) + 1e-9
    )
    calls = min(_counts(rep, month, now, expected, rng), len(days))
    chosen = [int(x) for x in rng.choice(days, calls, replace=False)] if calls else []
    kinds = ["joint_call"] * calls
    if rng.random() < 0.5 or rep == BEHIND:
        chosen.append(int(rng.choice(days)))
        kinds.append(OTHER_KINDS[int(rng.integers(0, len(OTHER_KINDS)))])
    for day, kind in sorted(zip(chosen, kinds, strict=True)):
        _add(log, rep, day, kind)


def coaching(world: World) -> list[Table]:
    """The coaching entries (month by month, each rep's in date order) and the replies."""
    now = int(d.month_index(np.array([world.as_of]))[0])
    log = _Log(world)
    for month in range(now - MONTHS, now + 1):
        for rep in range(len(world.history.reps.user_id)):
            _month(log, rep, month)
    entries = _table(cadence.CoachingEntry, log.entries, ("opportunity_id", "account_id"))
    replies = _table(cadence.CoachingReply, log.replies, ())
    return [entries, replies]


def _table(model: type, columns: dict[str, list[object]], nullable_ids: tuple[str, ...]) -> Table:
    """A table of the drawn columns; empty id and due-date cells become nulls."""
    nulls = {}
    out: dict[str, object] = {}
    for name, values in columns.items():
        missing = np.array([v is None for v in values], dtype=bool)
        if name in nullable_ids or name == "action_due":
            nulls[name] = missing
            out[name] = np.array([0 if v is None else v for v in values], dtype=np.int64)
        else:
            out[name] = values
    return Table(model, out, nulls)
