"""The statistical forecast: thin cells borrow from their parents, owners' records scale the
table, the challenger is used only when it wins out of time, and the band follows history."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import numpy as np
import pytest

from revsight.core.periods import Period
from revsight.forecasting import statistical
from revsight.forecasting.statistical import (
    AgeSurvival,
    Boosted,
    Calibration,
    CloseDates,
    Describer,
    Example,
    Lesson,
    OpenDeal,
    WinTable,
    fit,
    forecast,
)

AS_OF = date(2026, 3, 31)
APRIL = Period("2026-04", "month", date(2026, 4, 1), date(2026, 4, 30))
DESCRIBE = Describer((50.0, 500.0), {1: 0, 2: 1})


def deal(
    n: int,
    stage: int,
    close: date = date(2026, 4, 15),
    amount: float = 100.0,
    owner: int = 1,
) -> OpenDeal:
    return OpenDeal(n, amount, stage, date(2026, 3, 1), close, owner, date(2026, 3, 20))


def example(d: OpenDeal, won: bool) -> Example:
    return Example(DESCRIBE.profile(d, AS_OF, APRIL), d.amount, won)


def test_a_thin_cell_is_shrunk_toward_its_parents() -> None:
    table = WinTable()
    table.fit(
        [example(deal(n, 1), n % 4 == 0) for n in range(200)]  # stage 1: 25% won
        + [example(deal(999, 2), True)]  # stage 2: one deal, won
    )
    thin = table.cell_rate(DESCRIBE.profile(deal(1000, 2), AS_OF, APRIL))[0]
    full = table.cell_rate(DESCRIBE.profile(deal(1001, 1), AS_OF, APRIL))[0]
    assert full == pytest.approx(0.25, abs=0.01)
    # Each level: (wins + 20 × parent) / (seen + 20). Stage 2's one won deal is not a 100%
    # stage: three levels of one deal each pull it only part of the way up.
    overall = 51 / (201 + 1)
    timing = (51 + 20 * overall) / (201 + 20)
    expected = timing
    for _ in ("stage", "size band", "days in stage"):
        expected = (1 + 20 * expected) / (1 + 20)
    assert thin == pytest.approx(expected)
    assert 0.25 < thin < 0.4


def test_an_owner_who_wins_more_than_the_table_expects_gets_a_higher_chance() -> None:
    examples = [example(deal(n, 1, owner=1), n % 4 == 0) for n in range(200)]
    examples += [example(deal(300 + n, 1, owner=2), n % 2 == 0) for n in range(40)]
    table = WinTable()
    table.fit(examples)
    usual = table.probability(DESCRIBE.profile(deal(1, 1, owner=1), AS_OF, APRIL))
    strong = table.probability(DESCRIBE.profile(deal(2, 1, owner=2), AS_OF, APRIL))
    unknown = table.probability(DESCRIBE.profile(deal(3, 1, owner=9), AS_OF, APRIL))
    assert strong > usual
    # 20 wins from 40 deals against ~11 expected, shrunk by 8 expected wins: not the raw 50%.
    assert strong < 0.5
    assert unknown == pytest.approx(table.cell_rate(DESCRIBE.profile(deal(3, 1), AS_OF, APRIL))[0])


def test_the_close_date_against_the_period_is_a_feature() -> None:
    table = WinTable()
    table.fit(
        [example(deal(n, 1), n % 2 == 0) for n in range(100)]
        + [example(deal(200 + n, 1, close=date(2026, 6, 1)), n % 10 == 0) for n in range(100)]
    )
    inside = table.probability(DESCRIBE.profile(deal(1, 1), AS_OF, APRIL))
    later = table.probability(DESCRIBE.profile(deal(2, 1, close=date(2026, 6, 1)), AS_OF, APRIL))
    assert inside > 0.4 > 0.15 > later


def _lessons(outcome: object, count: int = 8, deals: int = 60) -> list[Lesson]:
    """`count` monthly lessons whose deals are won when `outcome(deal)` says so."""
    rng = np.random.default_rng(3)
    lessons = []
    for k in range(count):
        as_of = AS_OF - timedelta(days=31 * (count - k))
        target = Period(f"t{k}", "window", as_of + timedelta(days=1), as_of + timedelta(days=30))
        open_deals = [
            OpenDeal(
                k * 1000 + i,
                float(rng.lognormal(7, 1)),
                int(rng.integers(1, 3)),
                as_of - timedelta(days=30),
                target.start + timedelta(days=int(rng.integers(0, 60))),
                int(rng.integers(1, 5)),
                as_of - timedelta(days=10),
            )
            for i in range(deals)
        ]
        won = {d.id for d in open_deals if outcome(d)}  # type: ignore[operator]
        actual = sum(d.amount for d in open_deals if d.id in won)
        lessons.append(Lesson(as_of, target, open_deals, won, actual, 0.0))
    return lessons


def test_the_challenger_is_used_only_when_it_wins_out_of_time() -> None:
    # Won exactly when the amount is above 1,500: a threshold inside the table's middle size
    # band, which the boosted model (seeing the amount itself) finds and the table cannot.
    fitted = fit(_lessons(lambda d: d.amount > 1500), {1: 0, 2: 1})
    scores = fitted.holdout_brier
    assert set(scores) == {"win table", "deal-age survival", "gradient boosting"}
    assert fitted.model.name == min(scores, key=scores.__getitem__)
    assert fitted.model.name == "gradient boosting"


def test_without_close_dates_the_deal_s_age_is_learnt_from() -> None:
    # No open deal has an expected close date; deals are won within the month when they have
    # been open under three months. The close-date table cannot see that, the survival table can.
    rng = np.random.default_rng(5)
    lessons = []
    for k in range(8):
        as_of = AS_OF - timedelta(days=31 * (8 - k))
        target = Period(f"t{k}", "window", as_of + timedelta(days=1), as_of + timedelta(days=30))
        deals = [
            OpenDeal(
                k * 1000 + i,
                float(rng.lognormal(7, 1)),
                int(rng.integers(1, 3)),
                as_of - timedelta(days=int(rng.integers(1, 400))),
                None,
                int(rng.integers(1, 5)),
            )
            for i in range(80)
        ]
        won = {d.id for d in deals if (as_of - d.created).days < 90 and d.id % 3}
        actual = sum(d.amount for d in deals if d.id in won)
        lessons.append(Lesson(as_of, target, deals, won, actual, 0.0))
    fitted = fit(lessons, {1: 0, 2: 1})
    scores = fitted.holdout_brier
    assert fitted.model.name == "deal-age survival"
    assert scores["deal-age survival"] < scores["win table"]
    assert fitted.close_dates == CloseDates(0.0, None)
    young = OpenDeal(1, 900.0, 1, AS_OF - timedelta(days=20), None, 1)
    old = OpenDeal(2, 900.0, 1, AS_OF - timedelta(days=300), None, 1)
    target = Period("next", "window", AS_OF + timedelta(days=1), AS_OF + timedelta(days=30))
    chance_young, chance_old = fitted.probabilities([young, old], AS_OF, target)
    assert chance_young > 0.4 > 0.1 > chance_old
    assert fitted.reason(young, AS_OF, target, "Proposal").startswith(
        "Proposal, open under a month, in stage 2–6 weeks, "
    )


def test_close_dates_are_measured_by_how_often_won_deals_closed_when_expected() -> None:
    # Deals won at random, whenever they were expected to close.
    lessons = _lessons(lambda d: d.id % 2 == 0)
    fitted = fit(lessons, {1: 0, 2: 1})
    assert fitted.close_dates.dated == 1.0
    examples = statistical._examples(lessons, fitted.describer)
    won = [e for e in examples if e.won]
    inside = sum(1 for e in won if e.profile.timing == 2)
    assert fitted.close_dates.kept == round(inside / len(won), 4)
    assert 0 < fitted.close_dates.kept < 1


def test_calibration_leaves_few_predictions_alone_and_corrects_a_shifted_model() -> None:
    assert Calibration.fit(np.array([0.2, 0.8]), np.array([0.0, 1.0])) == Calibration()
    rng = np.random.default_rng(1)
    truth = rng.uniform(0.05, 0.6, 2000)
    outcomes = (rng.random(2000) < truth).astype(float)
    overconfident = np.clip(truth * 1.5, 0, 0.99)
    calibrated = Calibration.fit(overconfident, outcomes).apply(overconfident)

    def brier(p: np.ndarray) -> float:
        return float(np.mean((p - outcomes) ** 2))

    assert brier(calibrated) < brier(overconfident)
    assert calibrated.mean() == pytest.approx(outcomes.mean(), abs=0.02)


def test_the_band_widens_with_the_spread_of_history() -> None:
    deals = [deal(n, 1) for n in range(50)]

    def lesson(actual: float, k: int) -> Lesson:
        return Lesson(AS_OF - timedelta(days=k), APRIL, deals, set(range(0, 50, 4)), actual, 0.0)

    steady = [lesson(a, k) for k, a in enumerate([1300.0, 1250.0, 1200.0, 1280.0, 1220.0, 1260.0])]
    erratic = [lesson(a, k) for k, a in enumerate([400.0, 1300.0, 3000.0, 600.0, 2500.0, 900.0])]
    narrow = forecast(steady, deals, AS_OF, APRIL, seed=1)
    wide = forecast(erratic, deals, AS_OF, APRIL, seed=1)
    assert narrow.p10 <= narrow.p50 <= narrow.p90
    assert wide.p90 - wide.p10 > narrow.p90 - narrow.p10


def test_the_chance_of_reaching_quota_reads_the_simulated_totals() -> None:
    deals = [deal(n, 1) for n in range(50)]
    lessons = [
        Lesson(AS_OF - timedelta(days=k), APRIL, deals, set(range(0, 50, 4)), 1300.0, 0.0)
        for k in range(4)
    ]
    easy = forecast(lessons, deals, AS_OF, APRIL, seed=1, quota=1.0)
    impossible = forecast(lessons, deals, AS_OF, APRIL, seed=1, quota=5001.0)
    middle = forecast(lessons, deals, AS_OF, APRIL, seed=1, quota=1300.0)
    assert easy.p_quota == pytest.approx(1.0, abs=0.01)
    assert impossible.p_quota == 0.0  # more than every open deal together
    assert middle.p_quota == pytest.approx(float(np.mean(middle.totals >= 1300.0)))
    assert 0.2 < (middle.p_quota or 0) < 0.8


def test_a_deal_s_reason_names_its_cell_and_the_owner_s_record() -> None:
    lessons = _lessons(lambda d: d.owner_id == 1 or d.amount > 3000)
    fitted = fit(lessons, {1: 0, 2: 1})
    fitted = dataclasses.replace(fitted, model=fitted.table, calibration=Calibration())
    target = Period("next", "window", AS_OF + timedelta(days=1), AS_OF + timedelta(days=30))
    strong_owner = OpenDeal(1, 900.0, 2, AS_OF - timedelta(days=30), target.end, 1, AS_OF)
    reason = fitted.reason(strong_owner, AS_OF, target, "Proposal")
    profile = fitted.describer.profile(strong_owner, AS_OF, target)
    rate, wins, seen = fitted.table.cell_counts(profile)
    factor = fitted.table.owner_factor(1)
    assert reason == (
        f"Proposal, closing in the period, mid-sized, in stage under 2 weeks: {wins:.0f} of "
        f"{seen:.0f} such deals won ({rate:.1%}); × {factor:.2f} for the owner's record = "
        f"{fitted.table.probability(profile):.1%}"
    )
    assert factor > 1.1


@pytest.mark.parametrize("model", ["win table", "deal-age survival", "gradient boosting"])
@pytest.mark.parametrize("calibration", [Calibration(), Calibration(0.8, 1.3)])
def test_a_deal_s_reason_ends_on_the_very_chance_it_is_given(
    model: str, calibration: Calibration
) -> None:
    lessons = _lessons(lambda d: d.owner_id == 1 or d.amount > 3000)
    fitted = fit(lessons, {1: 0, 2: 1})
    if model == "gradient boosting":
        boosted = Boosted()
        boosted.fit(statistical._examples(lessons, fitted.describer))
        fitted = dataclasses.replace(fitted, model=boosted)
    elif model == "deal-age survival":
        survival = AgeSurvival()
        survival.fit(statistical._examples(lessons, fitted.describer))
        fitted = dataclasses.replace(fitted, model=survival, table=survival)
    else:
        fitted = dataclasses.replace(fitted, model=fitted.table)
    fitted = dataclasses.replace(fitted, calibration=calibration)
    target = Period("next", "window", AS_OF + timedelta(days=1), AS_OF + timedelta(days=30))
    for owner in (1, 2):
        open_deal = OpenDeal(1, 900.0, 2, AS_OF - timedelta(days=30), target.end, owner, AS_OF)
        [chance] = fitted.probabilities([open_deal], AS_OF, target)
        reason = fitted.reason(open_deal, AS_OF, target, "Proposal")
        assert reason.endswith(f" {chance:.1%}"), (reason, chance)
        assert ("corrected by how such chances came true lately" in reason) is (
            calibration != Calibration()
        )


def test_a_large_history_is_learnt_from_an_even_sample() -> None:
    from revsight.forecasting import statistical

    lessons = _lessons(lambda d: d.amount > 1500, count=8, deals=100)
    describer = Describer.learn(lessons, {1: 0, 2: 1})
    assert len(statistical._examples(lessons, describer)) == 800  # under the cap: every deal
    sample = statistical._examples(lessons, describer, cap=200)
    again = statistical._examples(lessons, describer, cap=200)
    assert 150 < len(sample) < 250  # a quarter of the 800 deals
    assert [e.amount for e in sample] == [e.amount for e in again]


def test_a_quarter_s_last_month_that_closes_more_gets_a_higher_chance() -> None:
    # The same deals won one time in five in the first month of a quarter and one in two in
    # its last: the table learns each month's place in the quarter against what it expected.
    march = Period("2026-03", "month", date(2026, 3, 1), date(2026, 3, 31))
    january = Period("2026-01", "month", date(2026, 1, 1), date(2026, 1, 31))
    assert (statistical.season(january, 1), statistical.season(march, 1)) == (1, 3)
    assert statistical.season(march, 2) == 2  # a fiscal year from February
    assert statistical.season(Period("q", "window", date(2026, 1, 1), date(2026, 3, 31)), 1) == 0

    def examples(target: Period, every: int) -> list[Example]:
        day = target.start - timedelta(days=1)
        return [
            Example(
                DESCRIBE.profile(deal(n, 1, close=target.end), day, target), 100.0, n % every == 0
            )
            for n in range(300)
        ]

    table = WinTable()
    table.fit(examples(january, 5) + examples(march, 2))
    first = table.probability(
        DESCRIBE.profile(deal(1, 1, close=date(2026, 4, 30)), date(2026, 3, 31), APRIL)
    )
    last = table.probability(
        DESCRIBE.profile(
            deal(2, 1, close=date(2026, 6, 30)),
            date(2026, 5, 31),
            Period("2026-06", "month", date(2026, 6, 1), date(2026, 6, 30)),
        )
    )
    assert first == pytest.approx(0.2, abs=0.02)
    assert last == pytest.approx(0.5, abs=0.02)
    # A month in second place has no record: the table's rate alone.
    assert table.season_factor(2) == 1.0


def test_a_calibration_is_kept_only_when_it_improves_the_newest_period() -> None:
    rng = np.random.default_rng(5)
    truth = rng.uniform(0.05, 0.6, 3000)
    outcomes = (rng.random(3000) < truth).astype(float)
    overconfident = np.clip(truth * 1.5, 0, 0.99)
    # Overconfident throughout: the correction learnt on the earlier deals helps the newest.
    assert statistical._calibration(overconfident, outcomes, 1000) != Calibration()
    # Overconfident on the earlier deals only: learnt there, it would spoil the newest period,
    # whose chances were right.
    shifted = np.concatenate([overconfident[:2000], truth[2000:]])
    assert statistical._calibration(shifted, outcomes, 1000) == Calibration()


def test_new_business_is_expected_by_the_month_s_place_in_the_quarter() -> None:
    # A quarter that opens with a rush of quick deals: 600 of new business in each quarter's
    # first month, 200 in the others, over a year of monthly lessons.
    def lesson(month: int, new: float) -> Lesson:
        start = date(2025, month, 1)
        end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
        target = Period(f"2025-{month:02}", "month", start, end)
        return Lesson(start - timedelta(days=1), target, [], set(), new, new)

    lessons = [lesson(m, 600.0 if m % 3 == 1 else 200.0) for m in range(1, 13)]
    rate = statistical.RunRate.learn(lessons, fiscal_start=1)
    overall = (600.0 * 4 + 200.0 * 8) / 12
    assert rate.overall == pytest.approx(overall)
    # Four first months pulled toward the overall mean with the weight of one period.
    assert rate.of(APRIL) == pytest.approx((600.0 * 4 + overall) / 5)
    may = Period("2026-05", "month", date(2026, 5, 1), date(2026, 5, 31))
    assert rate.of(may) == pytest.approx((200.0 * 4 + overall) / 5)
    # A quarter-long target has no place in the quarter: the overall mean.
    quarter = Period("q2", "window", date(2026, 4, 1), date(2026, 6, 30))
    assert rate.of(quarter) == pytest.approx(overall)
