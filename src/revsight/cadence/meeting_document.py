"""The Monday agenda as a document: its items, each with its figures and the links to its
records, in the agenda's order; JSON through `as_json`. Built by `meeting.agenda`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from revsight.core import periods
from revsight.org.models import Team

ITEMS = {
    "wins": "Wins and recognition",
    "numbers": "Numbers vs plan",
    "pipeline": "Pipeline changes last week",
    "forecast": "The month's forecast",
    "focus": "This week's focus",
    "training": "Training moment",
    "contests": "Contest standings",
}
DEFAULT_ORDER = tuple(ITEMS)


@dataclass(frozen=True)
class Deal:
    id: int
    name: str
    account: str | None
    owner: str
    amount: float
    close_date: date | None
    link: str  # the deal's page

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "account": self.account,
            "owner": self.owner,
            "amount": self.amount,
            "close_date": self.close_date.isoformat() if self.close_date else None,
        }


@dataclass(frozen=True)
class Booker:
    name: str
    email: str
    amount: float

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "email": self.email, "amount": self.amount}


@dataclass(frozen=True)
class Wins:
    count: int
    amount: float
    deals: list[Deal]  # those the viewer sees, largest first (at most LISTED)
    top_week: Booker | None
    top_month: Booker | None
    link: str | None
    id: str = "wins"

    def as_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "amount": self.amount,
            "deals": [d.as_json() for d in self.deals],
            "top_booker_week": self.top_week.as_json() if self.top_week else None,
            "top_booker_month": self.top_month.as_json() if self.top_month else None,
        }


@dataclass(frozen=True)
class Against:
    """Bookings against quota over a period, at the end of the as-of date."""

    label: str
    period: str
    bookings: float
    quota: float
    expected: float  # the quota pro-rated to the days gone by
    share: float  # of the period gone by
    link: str | None

    @property
    def attainment(self) -> float | None:
        return self.bookings / self.quota if self.quota else None

    @property
    def gap(self) -> float:
        return round(self.bookings - self.expected, 2)

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "period": self.period,
            "bookings": self.bookings,
            "quota": self.quota,
            "attainment": None if self.attainment is None else round(self.attainment, 4),
            "expected_to_date": self.expected,
            "share_gone_by": round(self.share, 4),
            "gap": self.gap,
        }


@dataclass(frozen=True)
class Numbers:
    rows: list[Against]
    id: str = "numbers"

    def as_json(self) -> dict[str, Any]:
        return {"rows": [r.as_json() for r in self.rows]}


@dataclass(frozen=True)
class Change:
    label: str
    count: int
    amount: float
    link: str | None = None
    deals: list[Deal] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "amount": self.amount,
            **({"deals": [d.as_json() for d in self.deals]} if self.deals else {}),
        }


@dataclass(frozen=True)
class Pipeline:
    month: str
    created: Change
    won: Change
    lost: Change
    slipped: Change
    moved_in: Change
    id: str = "pipeline"

    @property
    def changes(self) -> list[tuple[str, Change]]:
        return [
            ("created", self.created),
            ("won", self.won),
            ("lost", self.lost),
            ("slipped", self.slipped),
            ("moved_in", self.moved_in),
        ]

    def as_json(self) -> dict[str, Any]:
        return {"month": self.month, **{name: c.as_json() for name, c in self.changes}}


@dataclass(frozen=True)
class Forecast:
    month: str
    quota: float
    booked: float
    commit: float | None  # None: nobody has submitted
    best_case: float | None
    submitted: int
    forecasters: int
    missing: list[str]  # names of those with no commit
    link: str | None
    id: str = "forecast"

    @property
    def commit_vs_quota(self) -> float | None:
        return self.commit / self.quota if self.commit is not None and self.quota else None

    def as_json(self) -> dict[str, Any]:
        ratio = self.commit_vs_quota
        return {
            "month": self.month,
            "quota": self.quota,
            "booked": self.booked,
            "commit": self.commit,
            "best_case": self.best_case,
            "commit_vs_quota": None if ratio is None else round(ratio, 4),
            "submitted": self.submitted,
            "forecasters": self.forecasters,
            "not_submitted": self.missing,
        }


@dataclass(frozen=True)
class Focus:
    text: str
    owner: str | None
    due: date | None
    outcome: str

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "owner": self.owner,
            "due": self.due.isoformat() if self.due else None,
            "outcome": self.outcome,
        }


@dataclass(frozen=True)
class Priorities:
    priorities: list[Focus]
    link: str | None
    id: str = "focus"

    def as_json(self) -> dict[str, Any]:
        return {"priorities": [p.as_json() for p in self.priorities]}


@dataclass(frozen=True)
class Session:
    topic: str
    starts: str  # local date and time, 2027-02-02 08:30
    minutes: int
    presenter: str
    location: str
    link: str

    def as_json(self) -> dict[str, Any]:
        return {
            "topic": self.topic,
            "starts": self.starts,
            "minutes": self.minutes,
            "presenter": self.presenter,
            "location": self.location,
        }


@dataclass(frozen=True)
class Training:
    this_week: bool  # False: the sessions are the next one after this week
    sessions: list[Session]
    id: str = "training"

    def as_json(self) -> dict[str, Any]:
        return {"this_week": self.this_week, "sessions": [s.as_json() for s in self.sessions]}


@dataclass(frozen=True)
class Place:
    rank: int
    name: str
    score: float | int | None

    def as_json(self) -> dict[str, Any]:
        return {"rank": self.rank, "name": self.name, "score": self.score}


@dataclass(frozen=True)
class Standing:
    name: str
    metric: str
    unit: str
    period: str
    places: list[Place]
    link: str

    def as_json(self) -> dict[str, Any]:
        return {
            "contest": self.name,
            "metric": self.metric,
            "unit": self.unit,
            "period": self.period,
            "top": [p.as_json() for p in self.places],
        }


@dataclass(frozen=True)
class Contests:
    standings: list[Standing]
    id: str = "contests"

    def as_json(self) -> dict[str, Any]:
        return {"contests": [s.as_json() for s in self.standings]}


Item = Wins | Numbers | Pipeline | Forecast | Priorities | Training | Contests


@dataclass(frozen=True)
class Agenda:
    team: Team | None
    label: str
    week: periods.Period  # the meeting's week
    last_week: periods.Period
    as_of: date  # the Sunday before the meeting
    currency: str
    items: list[Item]

    @property
    def monday(self) -> date:
        return self.week.start

    def titled(self) -> list[tuple[str, Item]]:
        return [(ITEMS[item.id], item) for item in self.items]

    def as_json(self) -> dict[str, Any]:
        return {
            "team": self.team.name if self.team else None,
            "label": self.label,
            "week": self.week.id,
            "monday": self.monday.isoformat(),
            "as_of": self.as_of.isoformat(),
            "last_week": self.last_week.id,
            "currency": self.currency,
            "items": [
                {"id": item.id, "title": ITEMS[item.id], **item.as_json()} for item in self.items
            ],
        }
