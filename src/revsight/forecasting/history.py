"""What the forecasting methods read of an organisation's history, fetched once: the won deals,
the deals open at any past day as they stood then, the activity series, and the seed of every
simulation (the as-of date and the data's version)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cached_property
from hashlib import sha256
from typing import Any

from revsight.analytics import compiled, measures, records
from revsight.analytics.context import Context
from revsight.analytics.engine import Engine
from revsight.analytics.kept import version_stamp
from revsight.analytics.scopes import Membership, membership
from revsight.analytics.weighting import weighted_total
from revsight.core import clock
from revsight.core.models import Organisation
from revsight.core.periods import Period
from revsight.crm.models import Stage
from revsight.forecasting import indicators
from revsight.forecasting.statistical import Fits, Lesson, OpenDeal, Residuals


class History:
    """What the methods read, fetched once: the won deals, and pipelines by as-of date."""

    def __init__(
        self,
        engine: Engine,
        as_of: date | None = None,
        members: Membership | None = None,
        version: str | None = None,
    ) -> None:
        self.engine = engine
        # The data's version: with the as-of date it seeds every simulation, so the same data
        # gives the same figures and a change to it draws afresh.
        self.version = version if version is not None else version_stamp()
        known = as_of or clock.today()
        everything = Period("history", "window", date(1900, 1, 1), known)
        self.members = members or membership("company", everything)
        # The deals the bookings metric counts (`measures.decided_deals`), over all history:
        # (id, close date, amount, created date).
        self.known, self.everything = known, everything
        ctx = Context.for_organisation(engine, everything, known, self.members)
        won = ctx.by_member(measures.decided_deals(ctx, ("won",)), "owner_id")
        frame = won.select("id", "close_date", "amount", "created_date").execute()
        # In date order whatever order the engine returns rows in (DuckDB's threads change
        # it from run to run): sums of amounts then add up in the same order every time.
        self.won: list[tuple[int, date, float, date]] = sorted(
            (
                (int(r.id), _as_date(r.close_date), _amount(r.amount), _as_date(r.created_date))
                for r in frame.itertuples()
            ),
            key=lambda row: (row[1], row[0]),
        )
        self.fiscal_start = Organisation.current().fiscal_year_start_month
        stages = list(Stage.objects.values_list("pk", "probability"))  # in stage order
        self.probability = {pk: float(p) for pk, p in stages}
        self.stage_rank = {pk: rank for rank, (pk, _) in enumerate(stages)}
        self.first_won = self.won[0][1] if self.won else None
        self._open: dict[date, list[OpenDeal]] = {}
        self._lessons: dict[tuple[date, Period], Lesson] = {}
        self.residuals: Residuals = {}
        self.fits: Fits = {}

    @cached_property
    def series(self) -> indicators.Series:
        """Monthly activity counts, bookings and ramped salespeople over the whole history."""
        ctx = Context.for_organisation(self.engine, self.everything, self.known, self.members)
        counts = indicators.monthly_counts(ctx)
        bookings: dict[int, float] = {}
        for _, day, amount, _ in self.won:
            month = indicators.month_index(day)
            bookings[month] = bookings.get(month, 0.0) + amount
        months = [m for by_month in counts.values() for m in by_month] + list(bookings)
        first = min(months) if months else indicators.month_index(self.known)
        last = indicators.month_index(self.known)
        people = {user_id for user_id, _ in self.members.pairs}
        return indicators.Series(
            counts, bookings, indicators.ramped_salespeople(range(first, last + 1), people), first
        )

    def seed(self, as_of: date, *parts: str) -> int:
        """The simulation's seed for a forecast made as of that day (and `parts`: the horizon,
        the period): the same for the same data, another after any change to it."""
        digest = sha256(":".join([as_of.isoformat(), self.version, *parts]).encode()).digest()
        return int.from_bytes(digest[:8], "big")

    def _context(self, period: Period, as_of: date) -> Context:
        return Context.for_organisation(self.engine, period, as_of, self.members)

    def open_deals(self, as_of: date) -> list[OpenDeal]:
        """Every deal open at the end of `as_of`, whatever its close date, as it stood then."""
        if as_of not in self._open:
            ctx = self._context(Period("any", "window", as_of, as_of), as_of)
            self._open[as_of] = open_deals(ctx)
        return self._open[as_of]

    def pipeline(self, as_of: date, target: Period) -> dict[int, tuple[float, int]]:
        """Deals open at the end of `as_of` expected to close in the target: amount, stage (the
        deals `measures.open_in_period` counts, read from the day's open deals)."""
        return {
            deal.id: (deal.amount, deal.stage_id)
            for deal in self.open_deals(as_of)
            if deal.close is not None and target.start <= deal.close <= target.end
        }

    def weighted_pipeline(self, as_of: date, target: Period) -> float:
        """That pipeline, each deal × its stage's probability (the CRM-weighted pipeline)."""
        return weighted_total(self.pipeline(as_of, target).values(), self.probability)

    def lesson(self, as_of: date, target: Period) -> Lesson:
        """The deals open at the end of `as_of` and what came of them in `target` (which must
        be over): the statistical model learns from it. Kept: every later origin of a backtest
        learns from it again."""
        key = (as_of, target)
        if key not in self._lessons:
            self._lessons[key] = Lesson(
                as_of,
                target,
                self.open_deals(as_of),
                self.won_in(target),
                self.bookings(target.start, target.end),
                self.new_business(as_of + timedelta(days=1), target),
            )
        return self._lessons[key]

    def won_in(self, target: Period) -> set[int]:
        return {pk for pk, day, _, _ in self.won if target.start <= day <= target.end}

    def bookings(self, start: date, end: date) -> float:
        """Won amounts closed in [start, end]."""
        return sum(amount for _, day, amount, _ in self.won if start <= day <= end)

    def new_business(self, origin: date, target: Period) -> float:
        """Bookings in the target from deals created on or after the origin."""
        return sum(
            amount
            for _, day, amount, created in self.won
            if target.start <= day <= target.end and created >= origin
        )


OPEN_DEAL_COLUMNS = (
    "id",
    "amount",
    "stage_id",
    "created_date",
    "close_date",
    "owner_id",
    "stage_entered",
    "pushes",
)


def open_deals(ctx: Context) -> list[OpenDeal]:
    """Every deal in the context's members open at the end of its as-of date, as it stood.
    A backtest reads the open deals of dozens of days: on the replica the query is compiled
    once per shape (`analytics.compiled`) instead of once a day (60% of each read)."""
    rows = compiled.run(ctx, "forecasting.open_deals", _open_deals_query)
    assert isinstance(rows, list)
    # By id, whatever order the engine returned them in: the simulation draws deal by deal and
    # the models sample and learn in this order, so it must be the same on every run.
    deals = [
        OpenDeal(
            int(row["id"]),
            _amount(row["amount"]),
            int(row["stage_id"]),
            _as_date(row["created_date"]),
            records.day(row["close_date"]),
            int(row["owner_id"]),
            records.day(row["stage_entered"]),
            int(records.number(row["pushes"]) or 0),
        )
        for row in rows
    ]
    return sorted(deals, key=lambda deal: deal.id)


def _open_deals_query(ctx: Context) -> Any:
    state = ctx.by_member(measures.pipeline_state(ctx), "owner_id")
    state = state.filter(state.is_open)
    history = measures.deal_history(ctx, state.id)
    joined = state.left_join(history, state.id == history.opportunity_id)
    return joined.select(*OPEN_DEAL_COLUMNS)


def _as_date(value: Any) -> date:
    """A plain date from what an engine returns (a pandas Timestamp is a datetime)."""
    return value.date() if isinstance(value, datetime) else value


def _amount(value: Any) -> float:
    """An engine's amount as a float; a missing one (None or NaN) is 0."""
    return records.number(value) or 0.0
