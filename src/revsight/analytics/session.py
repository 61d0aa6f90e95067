"""One analytics session per request or command: the engine chosen and the replica brought up
to date once, however many metrics a page or a command computes.

    >>> from revsight.analytics.session import Query, session
    >>> with session() as analytics:  # doctest: +SKIP
    ...     result = analytics.compute(Query(["win_rate"], period="2026-03", by="rep"))

The web opens one per request (`web.middleware`), the CLI one per command (`cli.base`). Code
that computes outside a session gets an engine of its own, as before. A session sees the data
as it stood when it first computed: a request that writes and then computes again in the same
session would read the replica as it was (pages redirect after a write, so none does).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from revsight.analytics.engine import Engine, active, chosen_name, open_engine
from revsight.analytics.scopes import Membership
from revsight.core.periods import Period

if TYPE_CHECKING:
    from revsight.analytics.computation import Result


@dataclass(frozen=True)
class Query:
    """What to compute: metric ids (None: all), a period (a `Period`, an id such as `2026-Q1`,
    or None for the as-of date's month), the as-of date (None: today), the scope (`company`,
    `team`, `rep`), how many earlier periods of trend, a split, and optionally some of the
    scope's members only."""

    metrics: Sequence[str] | None = None
    period: Period | str | None = None
    as_of: date | None = None
    by: str = "company"
    trend: int = 0
    split: str | None = None
    members: Membership | None = None


class Session:
    def __init__(self, engine: str | None = None) -> None:
        self.engine_name = chosen_name(engine)
        self._engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        """Opened on first use, so a session that computes nothing costs nothing."""
        if self._engine is None:
            self._engine = open_engine(self.engine_name)
        return self._engine

    def compute(self, query: Query) -> Result:
        from revsight.analytics.computation import compute_query

        return compute_query(query, self.engine)

    def close(self) -> None:
        closing = getattr(self._engine, "close", None)
        if closing is not None:
            closing()
        self._engine = None


def current() -> Session | None:
    """The session open in this request or command, if any."""
    opened = active.get()
    return opened if isinstance(opened, Session) else None


@contextmanager
def session(engine: str | None = None) -> Iterator[Session]:
    """Open a session, or join the one already open for the same engine."""
    joined = current()
    if joined is not None and joined.engine_name == chosen_name(engine):
        yield joined
        return
    opened = Session(engine)
    token = active.set(opened)
    try:
        yield opened
    finally:
        active.reset(token)
        opened.close()
