"""Results kept under the version of the data they were computed from.

A dashboard, a forecast outlook or a backtest is costly to compute and changes only when the
data does: an import, a submission, a goal, an activity standard or the fiscal year. Each is kept
in the cache under a key that includes `version_stamp()`, so a change makes every kept result
unreachable rather than stale.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Count, Max, Sum

from revsight.analytics.replica import source_state
from revsight.core.models import Organisation
from revsight.org.models import ActivityStandard, Goal

T = TypeVar("T")


def version_stamp() -> str:
    """Changes whenever any fact table, goal, activity standard, the fiscal year or the pacing
    basis changes."""
    # Aggregates rather than rows: a large organisation has thousands of goals.
    targets = (
        Goal.objects.aggregate(n=Count("pk"), last=Max("pk"), total=Sum("target")),
        list(ActivityStandard.objects.order_by("pk").values_list("pk", "per", "count")),
        Organisation.current().fiscal_year_start_month,
        Organisation.current().pacing,
    )
    return hashlib.sha1(repr((source_state(), targets)).encode()).hexdigest()[:16]


def _key(name: str) -> str:
    return "kept:" + hashlib.sha1(f"{name}:{version_stamp()}".encode()).hexdigest()


def kept(name: str, build: Callable[[], T]) -> T:
    """What `build()` gives for the current data, computed once and kept. `name` says what it is
    for (which page, scope, period and day)."""
    key = _key(name)
    found: T | None = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found)
    return found


def keep(name: str, value: Any) -> None:
    """Keep a result computed elsewhere (the command line) for the current data."""
    cache.set(_key(name), value)


def kept_already(name: str) -> Any | None:
    """The result kept under `name` for the current data, without computing it."""
    return cache.get(_key(name))
