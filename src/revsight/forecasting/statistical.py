"""The statistical forecast: each open deal's chance of being won within the target period,
learned from the organisation's own history, simulated into a distribution of bookings.

From earlier origins whose target periods are over, every deal open then is a lesson: how its
close date stood against the target, its stage, its size band, how long it had sat in its stage,
its owner, and whether it was won in the target. Three models learn from the lessons:

- the **win table**: the win rate of each (timing, stage, size band, days-in-stage band) cell,
  shrunk toward its parent cell (the same without the last feature) with the weight of 20 deals,
  so a thin cell borrows from its parents instead of swinging wildly; then each owner's record
  against what the table expected of their deals (shrunk with the weight of 8 expected wins)
  scales the probability, and so does the record of the target month's place in the fiscal
  quarter (many teams close more in a quarter's last month than in its first);
- the **deal-age survival** table, for teams whose expected close dates are missing or say
  little: the same, by stage, age since creation, days in stage and size instead of the close
  date (of the deals still open at that age and stage, the share won within the target's
  stretch ahead: a discrete-time hazard), with the same owner and season factors;
- a **gradient-boosting** challenger on the same facts as numbers.

How far close dates can be gone by is measured and reported (`CloseDates`): the share of open
deals that had one, and the share of won deals that closed in the period they were expected in.

All three are trained on the older lessons and scored on the newest ones they did not see (out
of time); the one with the lowest Brier score there is used, the close-date table on a tie. The
chosen model's out-of-time probabilities also calibrate it (a logistic fit of the outcome on the
logit of the probability) when that proves itself out of time too: fitted without the newest
period, the correction must lower that period's Brier score. The model is then refitted on
every lesson.

Deals not yet created contribute the run-rate of deals created and won within earlier target
periods, learnt for each place of the month in the fiscal quarter (`RunRate`). The simulation
draws each deal as won or not, with one shared factor per draw for the whole period (a good
month lifts every deal), sized from how far actual bookings strayed from the table's
expectation at earlier origins it had not learnt from, beyond what the luck of which deals
closed explains; so the band is as wide as history says, not the far narrower band of
independent deals. A quarter is the sum of its months (`forecast_parts`), each with its own
model, their factors correlated as consecutive months' surprises were. P10 / P50 / P90 are its
quantiles, and the share of draws at or above quota is the probability of reaching it.
"""

from __future__ import annotations

import bisect
import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from revsight.core.periods import Period

PRIOR_WEIGHT = 20.0
OWNER_WEIGHT = 8.0
SEASON_WEIGHT = 8.0
RUN_RATE_WEIGHT = 1.0  # earlier periods: a season's run-rate is pulled toward the overall one
SIMULATIONS = 4000
SIMULATION_CELLS = 2_000_000  # simulated periods × deals drawn at once
STAGE_AGE_BANDS = (14, 45)  # days in the current stage: fresh, settled, stuck
STAGE_AGE_NAMES = ("in stage under 2 weeks", "in stage 2–6 weeks", "in stage over 6 weeks")
DEAL_AGE_BANDS = (30, 90, 180, 365)  # days since the deal was created
DEAL_AGE_NAMES = (
    "open under a month",
    "open 1–3 months",
    "open 3–6 months",
    "open 6–12 months",
    "open over a year",
)
SIZE_NAMES = ("small", "mid-sized", "large")
TIMINGS = ("no close date", "close date passed", "closing in the period", "closing after it")
SEASONS = (
    "",
    "the first month of a quarter",
    "the second month of a quarter",
    "a quarter's last month",
)
MIN_HOLDOUT_DEALS = 100
MAX_EXAMPLES = 100_000
CORRELATION_WEIGHT = 4.0  # pairs of consecutive months a measured correlation counts as


@dataclass(frozen=True)
class OpenDeal:
    id: int
    amount: float
    stage_id: int
    created: date
    close: date | None
    owner_id: int = 0
    stage_entered: date | None = None
    pushes: int = 0  # times the close date was moved later


class Profile(NamedTuple):
    """What the models know of one open deal at one origin (a named tuple: hundreds of
    thousands are made in one backtest)."""

    timing: int  # index into TIMINGS
    stage_id: int
    size: int  # index into SIZE_NAMES
    stage_age: int  # index into STAGE_AGE_NAMES
    owner_id: int
    numbers: tuple[float, ...]  # the same facts as numbers, for the boosted model
    # The target month's place in the fiscal quarter (1–3; index into SEASONS); 0 when the
    # target is not one month. Deals close more in some months than others (a quarter's last).
    season: int = 0
    deal_age: int = 0  # index into DEAL_AGE_NAMES


def season(target: Period, fiscal_start: int) -> int:
    """The target month's place in the fiscal quarter, 1 to 3; 0 for a target of several
    months."""
    if (target.start.year, target.start.month) != (target.end.year, target.end.month):
        return 0
    return (target.start.month - fiscal_start) % 3 + 1


def timing(deal: OpenDeal, target: Period) -> int:
    if deal.close is None:
        return 0
    if deal.close < target.start:
        return 1
    return 2 if deal.close <= target.end else 3


@dataclass(frozen=True)
class Describer:
    """Turns deals into profiles with the size bands and stage order learnt from training."""

    size_edges: tuple[float, ...]
    stage_rank: dict[int, int]
    fiscal_start: int = 1  # the fiscal year's first month, for the season

    @classmethod
    def learn(
        cls, lessons: Sequence[Lesson], stage_rank: dict[int, int], fiscal_start: int = 1
    ) -> Describer:
        amounts = [deal.amount for lesson in lessons for deal in lesson.deals]
        edges = tuple(float(e) for e in np.quantile(amounts, [1 / 3, 2 / 3])) if amounts else ()
        return cls(edges, stage_rank, fiscal_start)

    def profile(self, deal: OpenDeal, as_of: date, target: Period) -> Profile:
        return self._sized(self._unsized(deal, as_of, target), deal.amount)

    def profiles(self, lesson: Lesson, chosen: Sequence[bool] | None = None) -> list[Profile]:
        """The profile of each of the lesson's deals (those `chosen`, if given). All but the
        size band are kept on the lesson: a backtest describes the same lessons again at every
        later origin, with size bands learnt afresh each time."""
        key = (self.fiscal_start, tuple(sorted(self.stage_rank.items())))
        unsized = lesson.unsized.get(key)
        if unsized is None:
            unsized = lesson.unsized[key] = [
                self._unsized(d, lesson.as_of, lesson.target) for d in lesson.deals
            ]
        pairs: Iterable[tuple[Profile, OpenDeal]] = zip(unsized, lesson.deals, strict=True)
        if chosen is not None:
            pairs = itertools.compress(pairs, chosen)
        return [self._sized(fields, deal.amount) for fields, deal in pairs]

    def _sized(self, unsized: Profile, amount: float) -> Profile:
        u = unsized  # built field by field: _replace costs three times as much
        size = bisect.bisect_right(self.size_edges, amount)
        return Profile(u[0], u[1], size, u[3], u[4], u[5], u[6], u[7])

    def _unsized(self, deal: OpenDeal, as_of: date, target: Period) -> Profile:
        in_stage = (as_of - (deal.stage_entered or deal.created)).days
        rank = self.stage_rank.get(deal.stage_id, 0)
        to_close = (deal.close - as_of).days if deal.close else 999
        when = timing(deal, target)
        place = season(target, self.fiscal_start)
        return Profile(
            timing=when,
            stage_id=deal.stage_id,
            size=0,
            stage_age=bisect.bisect_right(STAGE_AGE_BANDS, in_stage),
            owner_id=deal.owner_id,
            numbers=(
                float(rank),
                float(when),
                float(to_close),
                float((deal.close - target.end).days if deal.close else 999),
                float((as_of - deal.created).days),
                float(in_stage),
                math.log1p(max(deal.amount, 0.0)),
                float(deal.pushes),
                float(place),
            ),
            season=place,
            deal_age=bisect.bisect_right(DEAL_AGE_BANDS, (as_of - deal.created).days),
        )


def cells(full: tuple[int, ...]) -> list[tuple[int, ...]]:
    """A cell and its parents, most general first."""
    return [full[:n] for n in range(len(full) + 1)]


@dataclass
class Example:
    profile: Profile
    amount: float
    won: bool


class Model(Protocol):
    name: str

    def fit(self, examples: Sequence[Example]) -> None: ...

    def predict(self, profiles: Sequence[Profile]) -> npt.NDArray[np.float64]: ...


@dataclass
class WinTable:
    """Win rates by the deal's expected close date against the target, stage, size and time in
    stage, each cell shrunk toward its parent."""

    name: str = "win table"
    counts: dict[tuple[int, ...], list[float]] = field(
        default_factory=lambda: defaultdict(lambda: [0.0, 0.0])
    )
    owners: dict[int, float] = field(default_factory=dict)
    seasons: dict[int, float] = field(default_factory=dict)
    # Each full cell's shrunk rate, wins and deals, kept until the next deal is learnt.
    rates: dict[tuple[int, ...], tuple[float, float, float]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def cell(self, profile: Profile) -> tuple[int, ...]:
        return (profile.timing, profile.stage_id, profile.size, profile.stage_age)

    def facts(self, profile: Profile) -> list[str]:
        """The cell in words, after the stage's name."""
        return [
            TIMINGS[profile.timing],
            SIZE_NAMES[profile.size],
            STAGE_AGE_NAMES[profile.stage_age],
        ]

    def learn(self, profile: Profile, won: bool) -> None:
        self.learn_cell(self.cell(profile), float(won), 1.0)

    def learn_cell(self, full: tuple[int, ...], wins: float, seen: float) -> None:
        self.rates.clear()
        for cell in cells(full):
            self.counts[cell][0] += wins
            self.counts[cell][1] += seen

    def cell_rate(self, profile: Profile) -> tuple[float, float]:
        """The shrunk win rate of the profile's cell, and how many deals its own cell holds."""
        estimate, _, seen = self.cell_counts(profile)
        return estimate, seen

    def cell_counts(self, profile: Profile) -> tuple[float, float, float]:
        """The shrunk win rate of the profile's cell (its own deals, pulled toward those of the
        broader cells above it: the fewer its own, the harder), its deals won and seen."""
        full = self.cell(profile)
        found = self.rates.get(full)
        if found is None:
            estimate, wins, seen = 0.0, 0.0, 0.0
            for cell in cells(full):
                wins, seen = self.counts.get(cell, [0.0, 0.0])
                weight = PRIOR_WEIGHT if cell else 1.0
                estimate = (wins + weight * estimate) / (seen + weight)
            found = self.rates[full] = (estimate, wins, seen)
        return found

    def fit(self, examples: Sequence[Example]) -> None:
        # Counted by cell first: a few hundred cells, not one update per deal and parent.
        tally: dict[tuple[int, ...], list[float]] = defaultdict(lambda: [0.0, 0.0])
        for example in examples:
            counts = tally[self.cell(example.profile)]
            counts[0] += float(example.won)
            counts[1] += 1.0
        for full, (wins, seen) in tally.items():
            self.learn_cell(full, wins, seen)
        rates = [self.cell_rate(example.profile)[0] for example in examples]
        self.owners = _factors(examples, rates, lambda p: p.owner_id, OWNER_WEIGHT)
        self.seasons = _factors(examples, rates, lambda p: p.season, SEASON_WEIGHT)

    def owner_factor(self, owner_id: int) -> float:
        return self.owners.get(owner_id, 1.0)

    def season_factor(self, place: int) -> float:
        return self.seasons.get(place, 1.0)

    def probability(self, profile: Profile) -> float:
        rate = (
            self.cell_rate(profile)[0]
            * self.owner_factor(profile.owner_id)
            * self.season_factor(profile.season)
        )
        return min(max(rate, 0.0), 0.99)

    def predict(self, profiles: Sequence[Profile]) -> npt.NDArray[np.float64]:
        return np.array([self.probability(p) for p in profiles], dtype=float)


@dataclass
class AgeSurvival(WinTable):
    """A discrete-time survival table for teams whose expected close dates say little: of the
    deals still open at the same age and stage at earlier origins, the share won within the same
    stretch ahead (the target's), by stage, then age since creation, time in stage and size,
    each cell shrunk toward its parent. A deal without a close date gets its chance from deals
    as old as it, not from a "no close date" cell."""

    name: str = "deal-age survival"

    def cell(self, profile: Profile) -> tuple[int, ...]:
        return (profile.stage_id, profile.deal_age, profile.stage_age, profile.size)

    def facts(self, profile: Profile) -> list[str]:
        return [
            DEAL_AGE_NAMES[profile.deal_age],
            STAGE_AGE_NAMES[profile.stage_age],
            SIZE_NAMES[profile.size],
        ]


def _factors(
    examples: Sequence[Example],
    rates: Sequence[float],
    key: Callable[[Profile], int],
    weight: float,
) -> dict[int, float]:
    """Per value of `key` (an owner, a season), deals won against what the cells expected of
    them, shrunk toward 1 with the weight of `weight` expected wins."""
    wins: dict[int, float] = defaultdict(float)
    expected: dict[int, float] = defaultdict(float)
    for example, rate in zip(examples, rates, strict=True):
        wins[key(example.profile)] += float(example.won)
        expected[key(example.profile)] += rate
    return {value: (wins[value] + weight) / (expected[value] + weight) for value in expected}


def _one_thread() -> AbstractContextManager[object]:
    """OpenMP held to one thread: on a few thousand deals its threads cost more to start and
    wait for than they save (a backtest took 19 s with two, 12 s with one, the same figures)."""
    return _threadpools().limit(limits=1, user_api="openmp")


@cache
def _threadpools() -> Any:
    """The process's thread pools, found once: finding them walks every loaded library, and a
    backtest limits them around each of its hundreds of fits (5% of its time)."""
    import sklearn.ensemble  # noqa: F401  (loads the OpenMP runtime the controller must see)
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


@dataclass
class Boosted:
    """The gradient-boosting challenger: the profile's numbers plus the owner's shrunk record."""

    name: str = "gradient boosting"
    owner_rates: dict[int, float] = field(default_factory=dict)
    prior: float = 0.0
    model: object | None = None

    def _matrix(self, profiles: Sequence[Profile]) -> npt.NDArray[np.float64]:
        return np.array(
            [(*p.numbers, self.owner_rates.get(p.owner_id, self.prior)) for p in profiles],
            dtype=float,
        )

    def fit(self, examples: Sequence[Example]) -> None:
        from sklearn.ensemble import HistGradientBoostingClassifier

        outcomes = np.array([e.won for e in examples], dtype=float)
        self.prior = float(outcomes.mean()) if len(outcomes) else 0.0
        wins: dict[int, float] = defaultdict(float)
        seen: dict[int, float] = defaultdict(float)
        for example in examples:
            wins[example.profile.owner_id] += float(example.won)
            seen[example.profile.owner_id] += 1.0
        self.owner_rates = {
            owner: (wins[owner] + PRIOR_WEIGHT * self.prior) / (seen[owner] + PRIOR_WEIGHT)
            for owner in seen
        }
        if len(set(outcomes.tolist())) < 2:
            return
        model = HistGradientBoostingClassifier(
            max_depth=3, learning_rate=0.1, max_iter=60, min_samples_leaf=30, random_state=0
        )
        with _one_thread():
            model.fit(self._matrix([e.profile for e in examples]), outcomes)
        self.model = model

    def predict(self, profiles: Sequence[Profile]) -> npt.NDArray[np.float64]:
        if self.model is None or not profiles:
            return np.full(len(profiles), self.prior)
        with _one_thread():
            chances = self.model.predict_proba(self._matrix(profiles))[:, 1]  # type: ignore[attr-defined]
        return np.asarray(chances, dtype=np.float64)


@dataclass(frozen=True)
class Calibration:
    """p' = sigmoid(a + b·logit(p)), fitted on out-of-time predictions; (0, 1) is no change."""

    a: float = 0.0
    b: float = 1.0

    @classmethod
    def fit(
        cls, predicted: npt.NDArray[np.float64], outcomes: npt.NDArray[np.float64]
    ) -> Calibration:
        if len(predicted) < MIN_HOLDOUT_DEALS or len(set(outcomes.tolist())) < 2:
            return cls()
        from sklearn.linear_model import LogisticRegression

        fit = LogisticRegression(C=10.0).fit(_logit(predicted)[:, None], outcomes)
        return cls(float(fit.intercept_[0]), float(fit.coef_[0][0]))

    def apply(self, p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        return np.asarray(1 / (1 + np.exp(-(self.a + self.b * _logit(p)))), dtype=float)


def _logit(p: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    clipped = np.clip(p, 1e-4, 1 - 1e-4)
    return np.asarray(np.log(clipped / (1 - clipped)), dtype=float)


def brier(p: npt.NDArray[np.float64], outcomes: npt.NDArray[np.float64]) -> float:
    return float(np.mean((p - outcomes) ** 2)) if len(p) else float("nan")


@dataclass
class Lesson:
    """One earlier origin, its target over: the deals open then and what came of them."""

    as_of: date
    target: Period
    deals: list[OpenDeal]
    won: set[int]
    actual: float
    new_business: float  # bookings from deals created after the origin
    # Its deals' profiles but for the size band, by what describes them (Describer.profiles).
    unsized: dict[tuple[object, ...], list[Profile]] = field(
        default_factory=dict, repr=False, compare=False
    )


def _examples(
    lessons: Sequence[Lesson], describer: Describer, cap: int = MAX_EXAMPLES
) -> list[Example]:
    """Every deal of every lesson, or an even sample of `cap` of them: a large organisation's
    win rates are as well known from a sample, and learning stays quick."""
    total = sum(len(lesson.deals) for lesson in lessons)
    keep = min(1.0, cap / total) if total else 1.0
    examples: list[Example] = []
    for lesson in lessons:
        deals: Iterable[OpenDeal] = lesson.deals
        chosen = None
        if keep < 1.0:  # the same sample every time for the same lesson
            rng = np.random.default_rng(lesson.as_of.toordinal())
            chosen = (rng.random(len(lesson.deals)) < keep).tolist()
            deals = itertools.compress(deals, chosen)
        profiles = describer.profiles(lesson, chosen)
        examples.extend(
            Example(p, d.amount, d.id in lesson.won) for p, d in zip(profiles, deals, strict=True)
        )
    return examples


@dataclass
class Fitted:
    """The chosen model, refitted on every lesson, with what the choice was based on."""

    model: Model
    # Always fitted (the chosen table, else the close-date one): each deal's reason comes
    # from its cells.
    table: WinTable
    describer: Describer
    calibration: Calibration
    run_rate: RunRate
    surprises: tuple[Surprise | None, ...]  # at the lessons, out of time
    holdout_brier: dict[str, float]
    close_dates: CloseDates = field(default_factory=lambda: CloseDates(None, None))

    @property
    def spread(self) -> float:
        return _spread(self.surprises)

    def probabilities(
        self, deals: Sequence[OpenDeal], as_of: date, target: Period
    ) -> npt.NDArray[np.float64]:
        profiles = [self.describer.profile(d, as_of, target) for d in deals]
        return self.calibration.apply(self.model.predict(profiles)) if profiles else np.zeros(0)

    def reason(self, deal: OpenDeal, as_of: date, target: Period, stage_name: str) -> str:
        """Why the deal gets the chance shown, step by step from what such deals did to that
        very number: the deals like it, the owner's record (or the challenger model's reading)
        and the correction learnt from how recent chances came true."""
        profile = self.describer.profile(deal, as_of, target)
        rate, wins, seen = self.table.cell_counts(profile)
        facts = [stage_name, *self.table.facts(profile)]
        steps = [f"{', '.join(facts)}: {wins:.0f} of {seen:.0f} such deals won"]
        steps[0] += (
            f", {rate:.1%} with similar deals (too few alike to go on alone)"
            if seen < PRIOR_WEIGHT
            else f" ({rate:.1%})"
        )
        raw = float(self.model.predict([profile])[0])
        if self.model is self.table:
            factors = [
                (self.table.owner_factor(deal.owner_id), "the owner's record"),
                (self.table.season_factor(profile.season), SEASONS[profile.season]),
            ]
            shown = [f"× {f:.2f} for {why}" for f, why in factors if round(f, 2) != 1]
            if shown:
                steps.append(f"{' '.join(shown)} = {raw:.1%}")
        else:
            steps.append(
                f"the model that also weighs days to close, time open and pushes says {raw:.1%}"
            )
        final = float(self.calibration.apply(np.array([raw]))[0])
        if f"{final:.1%}" != f"{raw:.1%}":
            steps.append(f"corrected by how such chances came true lately: {final:.1%}")
        return "; ".join(steps)


@dataclass(frozen=True)
class CloseDates:
    """How far the team's expected close dates can be gone by, over the lessons' deals: the
    share of open deals that had one, and the share of deals won in a target that were expected
    to close in it (of those won that had a date). None without such deals."""

    dated: float | None
    kept: float | None

    @classmethod
    def measure(cls, examples: Sequence[Example]) -> CloseDates:
        dated = [e for e in examples if e.profile.timing]
        won = [e for e in dated if e.won]
        return cls(
            round(len(dated) / len(examples), 4) if examples else None,
            round(sum(1 for e in won if e.profile.timing == 2) / len(won), 4) if won else None,
        )

    def as_json(self) -> dict[str, float | None]:
        return {"open_deals_with_date": self.dated, "won_deals_closed_when_expected": self.kept}


@dataclass(frozen=True)
class RunRate:
    """What deals not yet created at an origin went on to win within the target: the mean over
    earlier periods, and per place of the target month in the fiscal quarter (a team whose
    quarter opens with a rush of quick deals wins far more new business in its first month),
    each pulled toward the overall mean with the weight of one period."""

    overall: float = 0.0
    seasons: dict[int, float] = field(default_factory=dict)
    fiscal_start: int = 1

    @classmethod
    def learn(cls, lessons: Sequence[Lesson], fiscal_start: int = 1) -> RunRate:
        if not lessons:
            return cls(fiscal_start=fiscal_start)
        overall = sum(lesson.new_business for lesson in lessons) / len(lessons)
        by_season: dict[int, list[float]] = defaultdict(list)
        for lesson in lessons:
            by_season[season(lesson.target, fiscal_start)].append(lesson.new_business)
        seasons = {
            place: (sum(found) + RUN_RATE_WEIGHT * overall) / (len(found) + RUN_RATE_WEIGHT)
            for place, found in by_season.items()
            if place
        }
        return cls(overall, seasons, fiscal_start)

    def of(self, target: Period) -> float:
        return self.seasons.get(season(target, self.fiscal_start), self.overall)


@dataclass(frozen=True)
class Surprise:
    """How far one earlier period strayed from what a table of the lessons before it expected:
    log(actual / expected), and the part of its square that the luck of which deals closed
    explains alone (the variance of the period's total with each deal won independently at
    its chance, relative to the expected total squared)."""

    log_ratio: float
    luck: float


LessonsKey = tuple[tuple[date, date, date], ...]
Residuals = dict[LessonsKey, Surprise | None]


def _key(lessons: Sequence[Lesson]) -> LessonsKey:
    """Which lessons, oldest first: what the surprises and the fitted models are kept by."""
    return tuple(
        (x.as_of, x.target.start, x.target.end)
        for x in sorted(lessons, key=lambda lesson: lesson.as_of)
    )


def _surprises(
    lessons: Sequence[Lesson],
    stage_rank: dict[int, int],
    residuals: Residuals,
    fiscal_start: int = 1,
) -> tuple[Surprise | None, ...]:
    """The surprise at each lesson from the third on (so at origins the table had not learnt
    from); None where the actual or the expected total is nothing. `residuals` keeps them, as
    a backtest asks for the same ones again from every later origin."""
    found: list[Surprise | None] = []
    for i in range(2, len(lessons)):
        key = _key(lessons[: i + 1])
        if key not in residuals:
            residuals[key] = _residual(lessons[:i], lessons[i], stage_rank, fiscal_start)
        found.append(residuals[key])
    return tuple(found)


def _spread(surprises: Sequence[Surprise | None]) -> float:
    """The spread of the shared factor: how far periods strayed from what was expected beyond
    what the luck of which deals closed explains, since the simulation draws that luck itself.
    The surprises' spread is read robustly (1.4826 × their median absolute deviation, the
    standard deviation were they normal): the first surprises come from tables of two or three
    lessons, and one wild early miss would otherwise widen every later band."""
    found = [s for s in surprises if s is not None]
    if len(found) < 3:
        return 0.25
    ratios = np.array([s.log_ratio for s in found])
    deviation = 1.4826 * float(np.median(np.abs(ratios - np.median(ratios))))
    variance = deviation * deviation - float(np.mean([s.luck for s in found]))
    return max(math.sqrt(max(variance, 0.0)), 0.05)


def month_correlation(surprises: Sequence[Surprise | None]) -> float:
    """How much one month's surprise carries into the next: the covariance of consecutive
    months' surprises over the shared factor's variance (the luck of single deals does not
    carry over), shrunk toward none with the weight of CORRELATION_WEIGHT pairs, between 0 and
    1. It makes a quarter's months good or bad together in the simulation; a quarter drawn as
    three independent months would have too narrow a band when they are not."""
    pairs = [
        (a.log_ratio, b.log_ratio)
        for a, b in itertools.pairwise(surprises)
        if a is not None and b is not None
    ]
    if len(pairs) < 3:
        return 0.0
    spread = _spread(surprises)
    first, second = np.array(pairs, dtype=float).T
    covariance = float(np.mean((first - first.mean()) * (second - second.mean())))
    r = min(max(covariance / (spread * spread), 0.0), 1.0)
    return r * len(pairs) / (len(pairs) + CORRELATION_WEIGHT)


def _residual(
    training: Sequence[Lesson], lesson: Lesson, stage_rank: dict[int, int], fiscal_start: int = 1
) -> Surprise | None:
    describer = Describer.learn(training, stage_rank, fiscal_start)
    table = WinTable()
    # A smaller sample than the model's own: only the period's total is asked of this table.
    table.fit(_examples(training, describer, MAX_EXAMPLES // 4))
    chances = np.array(
        [table.probability(profile) for profile in describer.profiles(lesson)],
        dtype=float,
    )
    amounts = np.array([d.amount for d in lesson.deals], dtype=float)
    expected = RunRate.learn(training, fiscal_start).of(lesson.target) + float(amounts @ chances)
    if expected <= 0 or lesson.actual <= 0:
        return None
    luck = float((amounts * amounts) @ (chances * (1 - chances))) / (expected * expected)
    return Surprise(math.log(lesson.actual / expected), luck)


def _calibration(
    predicted: npt.NDArray[np.float64], outcomes: npt.NDArray[np.float64], newest: int
) -> Calibration:
    """The calibration of the held-out chances, kept only when it proves itself out of time:
    fitted on all but the newest held-out period (its last `newest` deals), it must lower the
    Brier score of that period. A correction learnt from one good or bad month would otherwise
    carry that month's luck into the next, the wrong way round when months alternate (a
    quarter's last month closing more than its first)."""
    earlier = len(predicted) - newest
    trial = Calibration.fit(predicted[:earlier], outcomes[:earlier])
    if trial == Calibration():
        return trial
    last, real = predicted[earlier:], outcomes[earlier:]
    if brier(trial.apply(last), real) >= brier(last, real):
        return Calibration()
    return Calibration.fit(predicted, outcomes)


def fit(
    lessons: Sequence[Lesson],
    stage_rank: dict[int, int],
    residuals: Residuals | None = None,
    fiscal_start: int = 1,
) -> Fitted:
    """Choose between the close-date table, the deal-age survival table and the challenger out
    of time, calibrate, refit on all."""
    lessons = sorted(lessons, key=lambda lesson: lesson.as_of)
    run_rate = RunRate.learn(lessons, fiscal_start)
    holdout_size = max(2, len(lessons) // 4)
    older, newer = lessons[:-holdout_size], lessons[-holdout_size:]
    chosen: type[WinTable] | type[Boosted] = WinTable
    candidates: tuple[type[WinTable] | type[Boosted], ...] = (WinTable, AgeSurvival, Boosted)
    calibration = Calibration()
    scores: dict[str, float] = {}
    describer = Describer.learn(older, stage_rank, fiscal_start)
    test_lessons = [(lesson, _examples([lesson], describer)) for lesson in newer]
    train, test = _examples(older, describer), [e for _, found in test_lessons for e in found]
    if len(older) >= 2 and train and test:
        outcomes = np.array([e.won for e in test], dtype=float)
        profiles = [e.profile for e in test]
        held_out = {}
        for kind in candidates:
            candidate = kind()
            candidate.fit(train)
            held_out[kind] = candidate.predict(profiles)
            scores[candidate.name] = round(brier(held_out[kind], outcomes), 5)
        # The first of the lowest: a challenger must do better, not as well.
        chosen = min(candidates, key=lambda kind: scores[kind.name])
        calibration = _calibration(held_out[chosen], outcomes, len(test_lessons[-1][1]))
    describer = Describer.learn(lessons, stage_rank, fiscal_start)
    examples = _examples(lessons, describer)
    kept = {} if residuals is None else residuals
    surprises = _surprises(lessons, stage_rank, kept, fiscal_start)
    table = AgeSurvival() if chosen is AgeSurvival else WinTable()
    table.fit(examples)
    model: Model = table
    if chosen is Boosted:
        model = Boosted()
        model.fit(examples)
    return Fitted(
        model,
        table,
        describer,
        calibration,
        run_rate,
        surprises,
        scores,
        CloseDates.measure(examples),
    )


Fits = dict[LessonsKey, Fitted]


def fit_once(
    lessons: Sequence[Lesson],
    stage_rank: dict[int, int],
    residuals: Residuals | None = None,
    fiscal_start: int = 1,
    fits: Fits | None = None,
) -> Fitted:
    """`fit`, kept in `fits` by the lessons it learnt from: a backtest's quarter asks again for
    the models its months' horizons fitted at the same origin, the outlook of a quarter for
    the month's."""
    if fits is None:
        return fit(lessons, stage_rank, residuals, fiscal_start)
    key = _key(lessons)
    if key not in fits:
        fits[key] = fit(lessons, stage_rank, residuals, fiscal_start)
    return fits[key]


@dataclass(frozen=True)
class Part:
    """One month of a forecast's target (or the whole target) and the lessons of that horizon:
    the same stretch ahead of earlier origins."""

    target: Period
    lessons: Sequence[Lesson]


@dataclass
class Prediction:
    p10: float
    p50: float
    p90: float
    p_quota: float | None
    totals: npt.NDArray[np.float64]
    parts: list[Part]
    fits: list[Fitted]  # each part's model
    chances: npt.NDArray[np.float64]  # parts × deals
    correlation: float  # of the parts' shared factors

    @property
    def fitted(self) -> Fitted:
        """The first part's model: the one named and reported."""
        return self.fits[0]

    @property
    def probabilities(self) -> list[float]:
        """Each deal's chance of being won within the whole target."""
        return np.minimum(self.chances.sum(axis=0), 1.0).tolist()

    def reason(self, index: int, deal: OpenDeal, as_of: date, stage_name: str) -> str:
        """Why the deal at `index` gets its chance: the reason of the month it is likeliest to
        be won in, with the whole target's chance when the target has several months."""
        if len(self.parts) == 1:
            return self.fitted.reason(deal, as_of, self.parts[0].target, stage_name)
        k = int(np.argmax(self.chances[:, index]))
        part = self.parts[k]
        why = self.fits[k].reason(deal, as_of, part.target, stage_name)
        return (
            f"likeliest in {part.target.start:%B}: {why}; "
            f"{self.probabilities[index]:.1%} over the {len(self.parts)} months"
        )


def forecast(
    lessons: Sequence[Lesson],
    deals: Sequence[OpenDeal],
    as_of: date,
    target: Period,
    seed: int,
    quota: float | None = None,
) -> Prediction:
    """`forecast_parts` of one target learnt from one set of lessons."""
    return forecast_parts([Part(target, lessons)], deals, as_of, seed, quota=quota)


def forecast_parts(
    parts: Sequence[Part],
    deals: Sequence[OpenDeal],
    as_of: date,
    seed: int,
    stage_rank: dict[int, int] | None = None,
    quota: float | None = None,
    residuals: Residuals | None = None,
    fiscal_start: int = 1,
    fits: Fits | None = None,
) -> Prediction:
    """The distribution of bookings over the parts together (a quarter: its months) and each
    deal's chance of being won within them.

    Each part has its own model, learnt from its own horizon's lessons. A deal is won once at
    most, so its chances over the parts are one draw against their sum (scaled down where
    separately fitted months promise more than certainty). Each part's shared factor has its
    own spread, and the parts' factors are correlated as consecutive months' surprises were
    (`month_correlation`)."""
    fitted = [
        fit_once(part.lessons, stage_rank or {}, residuals, fiscal_start, fits) for part in parts
    ]
    chances = np.array(
        [f.probabilities(deals, as_of, part.target) for f, part in zip(fitted, parts, strict=True)],
        dtype=float,
    ).reshape(len(parts), len(deals))
    total = chances.sum(axis=0)
    over = total > 1
    chances[:, over] /= total[over]
    amounts = np.array([deal.amount for deal in deals], dtype=float)
    rng = np.random.default_rng(seed)
    correlation = month_correlation(fitted[0].surprises) if len(parts) > 1 else 1.0
    common = rng.standard_normal(SIMULATIONS)
    # One target alone draws no factor of its own: its draws stay those of a month forecast.
    own = rng.standard_normal((len(parts), SIMULATIONS)) if len(parts) > 1 else np.zeros((1, 1))
    shared = math.sqrt(correlation) * common + math.sqrt(1 - correlation) * own
    factors = np.exp(np.array([f.spread for f in fitted])[:, None] * shared)
    totals = np.zeros(SIMULATIONS)
    # A block of simulated periods at a time: all 4,000 at once over 100,000 open deals would
    # hold several gigabytes of draws.
    block = max(1, SIMULATION_CELLS // max(len(deals), 1))
    for start in range(0, SIMULATIONS if len(deals) else 0, block):
        stop = min(start + block, SIMULATIONS)
        threshold = np.einsum("kd,ks->sd", chances, factors[:, start:stop])
        draws = rng.random((stop - start, len(deals))) < np.clip(threshold, 0, 1)
        totals[start:stop] = draws @ amounts
    for k, (f, part) in enumerate(zip(fitted, parts, strict=True)):
        totals = totals + f.run_rate.of(part.target) * factors[k]
    p10, p50, p90 = np.quantile(totals, [0.1, 0.5, 0.9])
    p_quota = float(np.mean(totals >= quota)) if quota else None
    return Prediction(
        float(p10),
        float(p50),
        float(p90),
        p_quota,
        totals,
        list(parts),
        fitted,
        chances,
        correlation,
    )
