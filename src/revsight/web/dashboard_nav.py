"""Moving a dashboard in time: the period before and after, a picker for any month, week,
quarter or year, the as-of day, and what the figures are compared with. Every control is a
plain link or a GET form, so each view has an address to share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from revsight.analytics.dashboard_figures import COMPARISONS
from revsight.analytics.dashboard_scope import PERIOD_KINDS
from revsight.core import periods

PICKED_YEARS = 4  # how many fiscal years back the quarter and year pickers offer


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool = False


@dataclass(frozen=True)
class Timeline:
    """The controls above a dashboard."""

    kind: str  # the kind of the period shown
    previous: Link
    following: Link | None  # None once it would start after today
    kinds: list[Link]
    comparisons: list[Link]
    compare: str
    as_of: date
    today: date
    month: str  # the pickers' current values
    week: str
    quarters: list[Link]
    years: list[Link]


def query(period: str, as_of: date, compare: str) -> str:
    """A dashboard's query string (the previous period, the default, is left out)."""
    asked = {"period": period, "as_of": as_of.isoformat()}
    if compare != "previous":
        asked["compare"] = compare
    return "?" + urlencode(asked)


def timeline(
    period: periods.Period, as_of: date, today: date, compare: str, fiscal: int
) -> Timeline:
    kind = period.kind
    before = periods.previous(period, 1, fiscal)[0]
    after = periods.following(period, fiscal)
    # A year to date moves by a year, to the same day (or today); others to their last day.
    after_day = min(periods.shift(as_of, 12) if kind == "ytd" else after.end, today)
    following = None
    if after.start <= today:
        label = "next year →" if kind == "ytd" else f"{after.id} →"
        following = Link(label, query(kind, after_day, compare))
    year = periods.containing("year", as_of, fiscal)
    fiscal_years = [int(year.id) - n for n in range(PICKED_YEARS)]
    return Timeline(
        kind=kind,
        previous=Link(f"← {before.id}", query(kind, before.end, compare)),
        following=following,
        kinds=[
            Link(label, query(name, as_of, compare), name == kind)
            for name, label in PERIOD_KINDS.items()
        ],
        comparisons=[
            Link(f"vs {label}", query(kind, as_of, name), name == compare)
            for name, label in COMPARISONS.items()
        ],
        compare=compare,
        as_of=as_of,
        today=today,
        month=f"{as_of:%Y-%m}",
        week=periods.containing("week", as_of).id,
        quarters=[
            Link(f"{y}-Q{q}", f"{y}-Q{q}", f"{y}-Q{q}" == period.id)
            for y in fiscal_years
            for q in (4, 3, 2, 1)
            if periods.parse(f"{y}-Q{q}", as_of, fiscal).start <= today
        ],
        years=[Link(str(y), str(y), str(y) == period.id) for y in fiscal_years],
    )
