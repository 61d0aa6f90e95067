"""A salesperson's business plan for a fiscal half, as arithmetic (docs/planning.md).

From the quota of each month of the half and the salesperson's own ratios — win rate (won over
decided deals, by count), average deal (bookings over deals won), activities per opportunity
(activities over opportunities created) and sales cycle (mean days from created to won) — each
month needs:

    wins = quota / average deal
    opportunities = wins / win rate        (to create in the month)
    activities = opportunities × activities per opportunity
    pipeline = 3 × the quota still to book in the half from the month's start

Tracking compares what happened with the targets to date (the month in progress counted in
proportion to the selling days gone by): a month is on track when bookings reached the quota
to date, or, failing that, when the opportunities created reached those needed to date and the
open pipeline for the rest of the half is at least three times the quota still to book.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

PIPELINE_MULTIPLE = 3.0


@dataclass(frozen=True)
class Ratio:
    value: float | None
    source: str  # own, team, company; "" when nobody's history defines it


@dataclass(frozen=True)
class Ratios:
    win_rate: Ratio
    average_deal: Ratio
    activities_per_opportunity: Ratio
    cycle_days: Ratio
    since: date  # the history they are measured over, both days included
    until: date

    def as_json(self) -> dict[str, Any]:
        document = {
            name: asdict(getattr(self, name))
            for name in ("win_rate", "average_deal", "activities_per_opportunity", "cycle_days")
        }
        return {**document, "since": self.since.isoformat(), "until": self.until.isoformat()}

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> Ratios:
        def ratio(name: str) -> Ratio:
            part = document.get(name) or {}
            value = part.get("value")
            return Ratio(None if value is None else float(value), str(part.get("source", "")))

        return cls(
            ratio("win_rate"),
            ratio("average_deal"),
            ratio("activities_per_opportunity"),
            ratio("cycle_days"),
            date.fromisoformat(document["since"]),
            date.fromisoformat(document["until"]),
        )

    @property
    def complete(self) -> bool:
        """Whether the ratios turn a quota into wins and opportunities."""
        return bool(self.win_rate.value and self.average_deal.value)


@dataclass(frozen=True)
class MonthTarget:
    month: date
    quota: float
    wins: float | None
    opportunities: float | None
    activities: float | None
    pipeline: float  # the open pipeline for the rest of the half to hold at the month's start


def _over(amount: float, by: float | None) -> float | None:
    return amount / by if by else None


def targets(quotas: Sequence[tuple[date, float]], ratios: Ratios) -> list[MonthTarget]:
    """Each month's targets from its quota, in the order given."""
    rows = []
    remaining = sum(amount for _, amount in quotas)
    per_opportunity = ratios.activities_per_opportunity.value
    for month, quota in quotas:
        wins = _over(quota, ratios.average_deal.value)
        opportunities = _over(wins, ratios.win_rate.value) if wins is not None else None
        activities = (
            opportunities * per_opportunity
            if opportunities is not None and per_opportunity is not None
            else None
        )
        rows.append(
            MonthTarget(
                month, quota, wins, opportunities, activities, PIPELINE_MULTIPLE * remaining
            )
        )
        remaining -= quota
    return rows


@dataclass(frozen=True)
class MonthActual:
    month: date
    share: float  # how much of the month has gone by at the as-of date: 1.0 once it has ended
    bookings: float
    opportunities: int
    activities: int
    # The open pipeline at the month's end (or the as-of date) expected to close in the rest of
    # the half.
    pipeline: float


@dataclass(frozen=True)
class Tracked:
    month: date
    share: float
    bookings_to_date: float
    quota_to_date: float
    opportunities_to_date: int
    opportunities_needed: float | None
    activities: int
    activities_needed: float | None
    pipeline: float
    pipeline_needed: float
    on_track: bool


def track(
    quota_total: float, planned: Sequence[MonthTarget], actual: Sequence[MonthActual]
) -> list[Tracked]:
    """The months that have begun, each judged on the half to its end (or the as-of date)."""
    rows = []
    booked = quota_so_far = created = 0.0
    needed: float | None = 0.0
    for target, month in zip(planned, actual, strict=False):
        booked += month.bookings
        quota_so_far += target.quota * month.share
        created += month.opportunities
        if needed is not None and target.opportunities is not None:
            needed += target.opportunities * month.share
        else:
            needed = None
        pipeline_needed = PIPELINE_MULTIPLE * max(quota_total - booked, 0.0)
        leading = (
            needed is not None and created >= needed - 1e-9 and month.pipeline >= pipeline_needed
        )
        rows.append(
            Tracked(
                month=target.month,
                share=month.share,
                bookings_to_date=booked,
                quota_to_date=quota_so_far,
                opportunities_to_date=int(created),
                opportunities_needed=needed,
                activities=month.activities,
                activities_needed=(
                    target.activities * month.share if target.activities is not None else None
                ),
                pipeline=month.pipeline,
                pipeline_needed=pipeline_needed,
                on_track=booked >= quota_so_far - 1e-9 or leading,
            )
        )
    return rows
