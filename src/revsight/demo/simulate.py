"""The demo organisation's sales history, simulated so that later features find true patterns.

The causal chain is the one sales leaders manage by: a rep's prospecting effort (which rises
and falls month to month) produces discovery calls; discovery calls become opportunities;
opportunities move through the stages and close about two months later. So activity leads
bookings by roughly sixty days. On top of that: per-rep skill, deal size and forecasting bias,
ramping new hires, a leaver whose deals pass to a teammate, a heavy fourth quarter, slipped close
dates and deals left to go stale. `docs/demo.md` lists every planted pattern.

Everything is vectorised with numpy so the same code builds 25 reps or 2,000.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
import numpy.typing as npt

from revsight.demo import days as d
from revsight.demo.organisation import Organisation, build_organisation
from revsight.demo.profiles import (
    BOOKINGS_SEASON,
    LEAD_SOURCES,
    LOST_STAGE,
    OPEN_STAGES,
    OUTBOUND_SHARE,
    SEGMENTS,
    WON_STAGE,
    Profile,
)

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

DAY = 86_400
WARM_UP_DAYS = 150  # simulated before the history starts, so its first months have a pipeline
BASE_DEAL = 24_000.0
# Activity types are stored as codes (an index into this list) to keep ten million rows small.
ACTIVITY_KINDS = [
    "new_prospect_call",
    "face_to_face_call",
    "discovery_call",
    "other",
    "presales_call",
    "demonstration",
    "executive_presentation",
]
PRODUCTS = [
    "Network refresh",
    "Cloud migration",
    "Managed services",
    "Security assessment",
    "Storage upgrade",
    "Collaboration suite",
    "Data platform",
    "Support renewal",
]


def season(months: IntArray, lead: int = 0) -> FloatArray:
    """Bookings seasonality of the calendar month `lead` months after each month index."""
    table = np.array([0.0] + [BOOKINGS_SEASON[m] for m in range(1, 13)])
    return table[d.calendar_month(np.asarray(months) + lead)]


@dataclass
class Reps:
    """Per-salesperson traits, all arrays indexed by rep number."""

    user_id: IntArray
    team: IntArray
    hire_day: IntArray
    end_day: IntArray  # a large number when still employed
    successor: IntArray  # rep number that inherits a leaver's deals (own number otherwise)
    activity_level: FloatArray
    skill: FloatArray  # base win probability
    size: FloatArray  # deal size multiplier
    segment_mult: FloatArray
    bias: FloatArray  # forecast commit as a multiple of the true outcome
    bias_noise: FloatArray
    effort: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))  # [rep, month]


@dataclass
class Deals:
    """One row per opportunity, with its full simulated life (also beyond the as-of date)."""

    rep: IntArray
    created: IntArray
    account: IntArray
    amount: IntArray  # final amount, cents
    first_amount: IntArray  # amount first entered, cents
    margin_pct: FloatArray
    won: BoolArray
    close: IntArray  # decision day
    first_close: IntArray  # close date first entered
    push_day: IntArray  # when the rep moved the close date (-1: never)
    stages: BoolArray  # [deal, open stage] entered
    entry_day: IntArray  # [deal, open stage] day entered (-1: not entered)
    amount_change_day: IntArray  # day the amount changed (-1: never)
    stale: BoolArray
    lead_source: npt.NDArray[np.str_]


@dataclass
class History:
    """What the simulation produced, before it is turned into database tables."""

    profile: Profile
    seed: int
    as_of: int
    start: int
    org: Organisation
    reps: Reps
    deals: Deals
    activities: dict[str, IntArray]
    account_count: int
    account_segment: npt.NDArray[np.str_]
    account_rep: IntArray


class Simulation:
    def __init__(self, profile: Profile, seed: int, as_of: date) -> None:
        self.profile = profile
        self.seed = seed
        self.rng = np.random.default_rng(seed)
        self.as_of = d.day_number(as_of)
        as_of_month = int(d.month_index(np.array([self.as_of]))[0])
        self.month0 = as_of_month - profile.months
        self.start = int(d.month_start(np.array([self.month0]))[0])
        self.sim_start = self.start - WARM_UP_DAYS
        self.sim_month0 = int(d.month_index(np.array([self.sim_start]))[0])
        # Far enough ahead that quotas and forecasts cover the next five quarters.
        self.horizon_month = as_of_month + 16

    def run(self) -> History:
        org = build_organisation(self.profile, self.rng, self.start)
        reps = self._reps(org)
        account_rep, account_segment = self._accounts(reps)
        activities, discovery = self._self_started_activities(reps)
        deals = self._deals(reps, discovery, account_rep)
        activities = self._deal_activities(deals, activities, reps)
        return History(
            profile=self.profile,
            seed=self.seed,
            as_of=self.as_of,
            start=self.start,
            org=org,
            reps=reps,
            deals=deals,
            activities=activities,
            account_count=len(account_rep),
            account_segment=account_segment,
            account_rep=account_rep,
        )

    # -- people ---------------------------------------------------------------------------
    def _reps(self, org: Organisation) -> Reps:
        p, rng = self.profile, self.rng
        n = p.reps
        hire = np.array([org.person(u).hire_day for u in org.rep_ids], dtype=np.int64)
        end = np.full(n, np.iinfo(np.int64).max // 4, dtype=np.int64)
        # New hires, spread over the last nine months; the leaver, some seven months ago.
        new_hires = np.arange(n - p.new_hires, n)
        hire[new_hires] = self.as_of - rng.integers(60, 270, p.new_hires)
        leavers = rng.choice(np.arange(4, n - p.new_hires), p.leavers, replace=False)
        end[leavers] = self.as_of - rng.integers(180, 240, p.leavers)
        team = np.array(org.rep_team, dtype=np.int64)
        successor = np.arange(n)
        for leaver in leavers:
            mates = np.flatnonzero((team == team[leaver]) & (end > end[leaver]))
            mates = mates[~np.isin(mates, new_hires)]
            successor[leaver] = int(rng.choice(mates))
        for i, u in enumerate(org.rep_ids):
            org.person(u).hire_day = int(hire[i])
            org.person(u).end_day = int(end[i]) if i in leavers else None

        level = rng.lognormal(0.0, 0.22, n)
        skill = np.clip(0.34 * rng.lognormal(0.0, 0.28, n), 0.12, 0.6)
        size = rng.lognormal(0.0, 0.3, n)
        bias = rng.lognormal(0.0, 0.08, n)
        noise = np.full(n, 0.15)
        # The named characters: rep 0 forecasts accurately, 1 sandbags, 2 is an optimist,
        # 3 works well below the activity standard. Large organisations get a share of each.
        bias[0], noise[0] = 1.0, 0.04
        sandbaggers = [1, *list(range(10, n, 10))]
        optimists = [2, *list(range(15, n, 10))]
        bias[sandbaggers], noise[sandbaggers] = 0.72, 0.08
        bias[optimists], noise[optimists] = 1.38, 0.1
        level[3] = 0.55
        skill[3] = min(skill[3], 0.3)

        team_segment = {t.id: t.segment for t in org.teams}
        seg_mult = np.array([SEGMENTS[team_segment[t]] for t in team])

        months = self.horizon_month - self.sim_month0 + 1
        effort = np.zeros((n, months))
        z = rng.normal(0.0, 0.2, n)
        for m in range(months):  # AR(1): effort drifts month to month, which bookings follow
            z = 0.3 * z + rng.normal(0.0, 0.35, n)
            effort[:, m] = np.exp(z)
        return Reps(
            user_id=np.array(org.rep_ids, dtype=np.int64),
            team=team,
            hire_day=hire,
            end_day=end,
            successor=successor,
            activity_level=level,
            skill=skill,
            size=size,
            segment_mult=seg_mult,
            bias=bias,
            bias_noise=noise,
            effort=effort,
        )

    def ramp(self, reps: Reps, rep: IntArray, day: IntArray) -> FloatArray:
        """0.2 on the first day, reaching 1.0 six months after the hire date."""
        tenure = np.asarray(day) - reps.hire_day[rep]
        return np.clip(0.2 + 0.8 * tenure / 180.0, 0.2, 1.0)

    def _accounts(self, reps: Reps) -> tuple[IntArray, npt.NDArray[np.str_]]:
        per = self.profile.accounts_per_rep
        account_rep = np.repeat(np.arange(len(reps.user_id)), per)
        segment_of_mult = {v: k for k, v in SEGMENTS.items()}
        segments = np.array([segment_of_mult[m] for m in reps.segment_mult])
        return account_rep, segments[account_rep]

    def pick_accounts(self, rep: IntArray) -> IntArray:
        """A few accounts in each rep's territory get most of the deals (Zipf-like)."""
        per = self.profile.accounts_per_rep
        weights = 1.0 / (np.arange(per) + 1.0) ** 0.9
        cdf = np.cumsum(weights) / weights.sum()
        index = np.searchsorted(cdf, self.rng.random(len(rep)))
        return rep * per + np.minimum(index, per - 1)

    # -- activities -----------------------------------------------------------------------
    def _self_started_activities(
        self, reps: Reps
    ) -> tuple[dict[str, IntArray], dict[str, IntArray]]:
        """Calls and meetings a rep starts on their own initiative, drawn week by week."""
        rng = self.rng
        first_monday = self.sim_start - int(d.weekday(np.array([self.sim_start]))[0])
        weeks = np.arange(first_monday, self.as_of + 1, 7, dtype=np.int64)
        n = len(reps.user_id)
        rep_grid = np.repeat(np.arange(n), len(weeks))
        week_grid = np.tile(weeks, n)
        month = d.month_index(week_grid) - self.sim_month0
        active = (reps.hire_day[rep_grid] <= week_grid) & (week_grid < reps.end_day[rep_grid])
        # Effort in a month shows up in bookings two months later, so effort follows the
        # bookings season shifted by two months.
        intensity = (
            reps.activity_level[rep_grid]
            * reps.effort[rep_grid, month]
            * season(d.month_index(week_grid), lead=2)
            * (0.4 + 0.6 * self.ramp(reps, rep_grid, week_grid))
            * active
        )
        parts: dict[str, list[IntArray]] = {"owner": [], "type": [], "day": [], "account": []}
        discovery: dict[str, IntArray] = {}
        for kind, rate in self.profile.weekly_rates.items():
            counts = rng.poisson(rate * intensity)
            rep = np.repeat(rep_grid, counts)
            day = np.repeat(week_grid, counts) + rng.integers(0, 5, counts.sum())
            account = np.full(len(rep), -1, dtype=np.int64)
            if kind in ("face_to_face_call", "discovery_call"):
                account = self.pick_accounts(rep)
            if kind == "discovery_call":
                discovery = {"rep": rep, "day": day, "account": account}
            parts["owner"].append(rep)
            parts["type"].append(np.full(len(rep), ACTIVITY_KINDS.index(kind)))
            parts["day"].append(day)
            parts["account"].append(account)
        activities = {k: np.concatenate(v) for k, v in parts.items()}
        activities["deal"] = np.full(len(activities["owner"]), -1, dtype=np.int64)
        return activities, discovery

    # -- deals ----------------------------------------------------------------------------
    def _deals(self, reps: Reps, discovery: dict[str, IntArray], account_rep: IntArray) -> Deals:
        rng = self.rng
        becomes_deal = rng.random(len(discovery["rep"])) < self.profile.opportunity_per_discovery
        rep = discovery["rep"][becomes_deal]
        created = d.next_weekday_on_or_after(
            discovery["day"][becomes_deal] + rng.integers(0, 7, becomes_deal.sum())
        )
        keep = created <= self.as_of
        rep, created = rep[keep], created[keep]
        account = discovery["account"][becomes_deal][keep]
        n = len(rep)

        typical = BASE_DEAL * reps.segment_mult[rep]
        amount_f = typical * reps.size[rep] * rng.lognormal(0.0, 0.75, n)
        amount = (np.maximum(np.round(amount_f / 100.0), 10) * 100 * 100).astype(np.int64)
        ramp = self.ramp(reps, rep, created)
        win_p = reps.skill[rep] * (0.6 + 0.4 * ramp) * (amount_f / typical) ** -0.12
        won = rng.random(n) < np.clip(win_p, 0.04, 0.8)
        cycle = np.where(
            won,
            50.0 * (amount_f / typical) ** 0.1 * rng.lognormal(0.0, 0.3, n),
            45.0 * rng.lognormal(0.0, 0.6, n),
        )
        cycle = np.clip(np.round(cycle), 10, 365).astype(np.int64)
        close = d.next_weekday_on_or_after(created + cycle)

        stages, entry_day = self._stage_path(won, created, close)
        first_close = d.next_weekday_on_or_after(
            created + np.maximum(7, np.round(cycle * rng.lognormal(-0.12, 0.3, n))).astype(np.int64)
        )
        # Reps move a close date some days after it has passed, not on the day.
        push_day = first_close + np.round(rng.exponential(8.0, n)).astype(np.int64)
        push_day = np.where(first_close < close - 1, np.minimum(push_day, close - 1), -1)

        changes = (rng.random(n) < 0.3) & stages[:, 3]
        first_amount = np.where(
            changes, (np.round(amount * rng.lognormal(0.08, 0.25, n) / 10_000) * 10_000), amount
        ).astype(np.int64)
        first_amount = np.maximum(first_amount, 100_000)
        amount_change_day = np.where(changes, entry_day[:, 3], -1)

        # Deals left to go stale: open at the as-of date, old, nobody touching them.
        open_now = close > self.as_of
        stale = open_now & (created < self.as_of - 50) & (rng.random(n) < 0.4)
        won &= ~stale
        push_day[stale] = -1

        # A leaver's deals still open on their last day pass to the successor.
        left = close >= reps.end_day[rep]
        rep = np.where(left, reps.successor[rep], rep)

        lead_source = self._lead_sources(n)
        margin_pct = rng.uniform(0.18, 0.45, n)
        deals = Deals(
            rep=rep,
            created=created,
            account=account,
            amount=amount,
            first_amount=first_amount,
            margin_pct=margin_pct,
            won=won,
            close=close,
            first_close=first_close,
            push_day=push_day,
            stages=stages,
            entry_day=entry_day,
            amount_change_day=amount_change_day,
            stale=stale,
            lead_source=lead_source,
        )
        # History starts at `start`: deals decided during the warm-up are not part of it.
        return _select(deals, close >= self.start)

    def _stage_path(
        self, won: BoolArray, created: IntArray, close: IntArray
    ) -> tuple[BoolArray, IntArray]:
        rng = self.rng
        n = len(won)
        stages = np.zeros((n, OPEN_STAGES), dtype=bool)
        reached = rng.choice(OPEN_STAGES, n, p=[0.3, 0.25, 0.2, 0.15, 0.1])
        reached[won] = OPEN_STAGES - 1
        stages[:] = np.arange(OPEN_STAGES)[None, :] <= reached[:, None]
        skips = won & (rng.random(n) < 0.06)  # CRM discipline: a stage skipped
        stages[np.flatnonzero(skips), rng.integers(1, 4, skips.sum())] = False

        entries = stages.sum(axis=1)
        fractions = rng.random((n, OPEN_STAGES - 1))
        fractions[np.arange(OPEN_STAGES - 1)[None, :] >= (entries - 1)[:, None]] = 2.0
        fractions.sort(axis=1)
        offsets = np.concatenate([np.zeros((n, 1)), fractions], axis=1)
        span = (close - created)[:, None]
        entry_days = created[:, None] + np.floor(offsets * span).astype(np.int64)
        entry_days = np.minimum(entry_days, (close - 1)[:, None])
        entry_day = np.full((n, OPEN_STAGES), -1, dtype=np.int64)
        rank = np.cumsum(stages, axis=1) - 1
        rows, cols = np.nonzero(stages)
        entry_day[rows, cols] = entry_days[rows, rank[rows, cols]]
        return stages, entry_day

    def _lead_sources(self, n: int) -> npt.NDArray[np.str_]:
        names = ["Outbound", *LEAD_SOURCES]
        shares = [OUTBOUND_SHARE] + [(1 - OUTBOUND_SHARE) * s[0] for s in LEAD_SOURCES.values()]
        return np.array(names)[self.rng.choice(len(names), n, p=shares)]

    def _deal_activities(
        self, deals: Deals, activities: dict[str, IntArray], reps: Reps
    ) -> dict[str, IntArray]:
        """Presales calls, demonstrations and executive presentations happen on deals, as they
        enter qualification, needs analysis and proposal."""
        rng = self.rng
        parts = {k: [v] for k, v in activities.items()}
        for kind, stage, chance in (
            ("presales_call", 1, 0.75),
            ("demonstration", 2, 0.85),
            ("executive_presentation", 3, 0.55),
        ):
            happens = deals.stages[:, stage] & (rng.random(len(deals.rep)) < chance)
            deal = np.flatnonzero(happens)
            day = d.next_weekday_on_or_after(deals.entry_day[deal, stage])
            parts["owner"].append(deals.rep[deal])
            parts["type"].append(np.full(len(deal), ACTIVITY_KINDS.index(kind)))
            parts["day"].append(day)
            parts["account"].append(deals.account[deal])
            parts["deal"].append(deal)
        merged = {k: np.concatenate(v) for k, v in parts.items()}
        owner, day = merged["owner"], merged["day"]
        # After a leaver's last day their work is done by the successor.
        merged["owner"] = np.where(day >= reps.end_day[owner], reps.successor[owner], owner)
        deal = merged["deal"]
        stale_gap = (
            (deal >= 0)
            & deals.stale[np.maximum(deal, 0)]
            & (day > deals.created[np.maximum(deal, 0)] + 20)
        )
        keep = (day >= self.start) & (day <= self.as_of) & ~stale_gap
        return {k: v[keep] for k, v in merged.items()}


def _select(deals: Deals, mask: BoolArray) -> Deals:
    return Deals(**{name: getattr(deals, name)[mask] for name in deals.__dataclass_fields__})


def simulate(profile: Profile, seed: int, as_of: date) -> History:
    return Simulation(profile, seed, as_of).run()


__all__ = [
    "ACTIVITY_KINDS",
    "DAY",
    "LOST_STAGE",
    "PRODUCTS",
    "WON_STAGE",
    "History",
    "season",
    "simulate",
]
