"""Where metrics run: the DuckDB replica (default), the database itself, or Apache Spark.

Every engine exposes the same fact tables (`facts.py`), so one metric expression runs on each.
Each engine is a module of `engines/`; this module keeps the registry and chooses among them.
Inside an analytics session (`revsight.analytics.session`) the engine is opened once.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Protocol

import ibis.expr.types as ir

from revsight.analytics.engines.database import DatabaseEngine
from revsight.analytics.engines.replica import DuckDBEngine
from revsight.analytics.engines.spark import SparkEngine
from revsight.core.config import env_str
from revsight.core.errors import InvalidInput


class Engine(Protocol):
    name: str

    def table(self, fact: str) -> ir.Table: ...


REGISTRY: dict[str, Callable[[], Engine]] = {
    "duckdb": DuckDBEngine,
    "database": DatabaseEngine,
    "spark": SparkEngine,
}
ENGINES = tuple(REGISTRY)


def chosen_name(name: str | None = None) -> str:
    """The engine named, else REVSIGHT_ENGINE, else the DuckDB replica."""
    chosen = (name or env_str("REVSIGHT_ENGINE", "duckdb")).lower()
    if chosen not in REGISTRY:
        raise InvalidInput("engine", chosen, f"must be one of: {', '.join(ENGINES)}")
    return chosen


def open_engine(name: str | None = None) -> Engine:
    """A new engine (the replica brought up to date first)."""
    return REGISTRY[chosen_name(name)]()


class Opened(Protocol):
    """What an open analytics session offers the engine registry (`session.Session`)."""

    engine_name: str

    @property
    def engine(self) -> Engine: ...


# The session open in this request or command; set by `session.session()`.
active: ContextVar[Opened | None] = ContextVar("revsight_analytics_session", default=None)


def get_engine(name: str | None = None) -> Engine:
    """The current analytics session's engine when it is the one asked for, else a new one."""
    opened = active.get()
    if opened is not None and opened.engine_name == chosen_name(name):
        return opened.engine
    return open_engine(name)
