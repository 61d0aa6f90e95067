"""What the capacity plan takes from the data: the salespeople at the as-of date, with their
hire dates, and what they have actually attained.

Measured attainment is each salesperson's quota attainment (the catalogue's `quota_attainment`,
bookings over quota) averaged over the complete months of the twelve to the as-of date in
which they were fully ramped by the plan's own ramp and had a quota. Planned hires, and anyone
with no such month, get the team's: the mean over all those salesperson-months.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from revsight.analytics.computation import compute
from revsight.analytics.scopes import salespeople_in
from revsight.core import periods
from revsight.core.errors import InvalidInput
from revsight.org.models import Team, TeamTree, User
from revsight.planning.capacity import Salesperson

MEASURED_MONTHS = 12


@dataclass(frozen=True)
class Measured:
    by_email: dict[str, float]
    team: float  # the mean over every counted salesperson-month
    months: int  # how many salesperson-months it rests on


def current_salespeople(as_of: date, team: Team | None = None) -> list[User]:
    """The salespeople employed on the as-of date (in `team` and its sub-teams when given)."""
    day = periods.Period(as_of.isoformat(), "day", as_of, as_of)
    people = salespeople_in(day)
    if team is not None:
        below = TeamTree.load().descendants(team.pk)
        people = [p for p in people if p.team_id in below]
    return people


def fully_ramped(ramp: tuple[float, ...], hire_date: date | None, month: periods.Period) -> bool:
    """Whether a salesperson was past the ramp (at its last value) in the month."""
    if hire_date is None:
        return True
    tenure = periods.month_index(month.start) - periods.month_index(hire_date) + 1
    return tenure >= len(ramp)


def measured_attainment(people: list[User], as_of: date, ramp: tuple[float, ...]) -> Measured:
    last = periods.last_completed("month", as_of)
    result = compute(["quota_attainment"], last, as_of, by="rep", trend=MEASURED_MONTHS - 1)
    months = [*result.trend_periods, last]  # oldest first, as the trend's values
    by_row = {row.key: row for row in result.rows}
    by_email: dict[str, float] = {}
    pooled: list[float] = []
    for person in people:
        row = by_row.get(person.email)
        if row is None:
            continue
        values = [*(row.trend or []), row.value]
        counted = [
            float(value)
            for month, value in zip(months, values, strict=True)
            if value is not None and fully_ramped(ramp, person.hire_date, month)
        ]
        if counted:
            by_email[person.email] = sum(counted) / len(counted)
            pooled.extend(counted)
    if not pooled:
        raise InvalidInput(
            "attainment",
            "measured",
            f"needs a fully ramped salesperson with a quota in the {MEASURED_MONTHS} months to "
            f"{last.end:%Y-%m-%d}; give a share such as 0.9",
        )
    return Measured(by_email, sum(pooled) / len(pooled), len(pooled))


def planned_team(
    people: list[User], attainment: float | None, measured: Measured | None
) -> tuple[Salesperson, ...]:
    def share(person: User) -> float:
        if attainment is not None:
            return attainment
        assert measured is not None
        return measured.by_email.get(person.email, measured.team)

    return tuple(
        Salesperson(p.email, p.name or p.email, p.hire_date, round(share(p), 6)) for p in people
    )
