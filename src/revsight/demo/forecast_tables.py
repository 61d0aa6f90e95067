"""The salespeople's forecast submissions, made only from what each of them could know then."""

from __future__ import annotations

import numpy as np

from revsight.crm.models import ForecastSubmission
from revsight.demo import days as d
from revsight.demo.simulate import DAY, BoolArray, FloatArray, IntArray
from revsight.demo.tables import Table
from revsight.demo.world import World, cents_round


def forecasts(world: World) -> Table:
    """Each rep's commit and best case before each month and quarter, and a mid-month update.

    Nobody sees the future. A rep's commit mixes what their deals will really bring (their
    insight into their own accounts, a share between 0.3 and 0.6; the accurate forecaster's
    is 0.95) with the naive estimate anyone could make from the CRM: their usual conversion
    of the pipeline expected to close in the period, plus what deals not yet in the CRM
    usually bring (both over their last six periods). Then their personal bias colours it
    (the sandbagger, the optimist).
    """
    h = world.history
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
    last_month = int(d.month_index(np.array([world.as_of]))[0]) + 1

    def add(
        r: int, period_type: str, start: int, commit: int, best: int, at: int, note: str
    ) -> None:
        if start <= h.start or at // DAY > world.as_of:
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

    def judgement(kind: str, entered: FloatArray, actual: FloatArray, lookback: int) -> FloatArray:
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
            add(r, "month", first, revised_c, max(revised_c, best_c), at_mid, "Mid-month update")
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
