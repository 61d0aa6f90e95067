"""Results kept under the version of the data they were computed from.

A dashboard, a forecast outlook or a backtest is costly to compute and changes only when the
data does: an import, a submission, a goal, an activity standard or the fiscal year. Each is kept
in the cache under a key that includes `version_stamp()`, so a change makes every kept result
unreachable rather than stale.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from django.core.cache import cache
from django.db.models import Count, Max, Sum
from django.utils import timezone

from revsight import __version__
from revsight.analytics.replica import source_state
from revsight.core.models import Organisation
from revsight.org.models import ActivityStandard, Goal

T = TypeVar("T")
# Seconds a result's cost and its last copy are kept, whatever the data does meanwhile.
LAST_KEPT = 30 * 86400


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
    # The release is part of the key: a kept result is a pickled object of this code's classes.
    return "kept:" + hashlib.sha1(f"{name}:{__version__}:{version_stamp()}".encode()).hexdigest()


def kept(name: str, build: Callable[[], T], *, keep_last: bool = False) -> T:
    """What `build()` gives for the current data, computed once and kept. `name` says what it is
    for (which page, scope, period and day). How long it took is noted for its family (`cost`);
    with `keep_last`, the result is also kept as the last one of its name, whatever the data
    (`last_kept`: a page shows it, dated, while the current one is computed)."""
    key = _key(name)
    found: T | None = cache.get(key)
    if found is None:
        started = time.perf_counter()
        found = build()
        _note_cost(name, time.perf_counter() - started)
        cache.set(key, found)
        if keep_last:
            cache.set(_last_key(name), (found, timezone.now()), timeout=LAST_KEPT)
    return found


def _family(name: str) -> str:
    # "dashboard:company:…" -> "dashboard:company", "outlook:team/4:…" -> "outlook:team/4".
    return ":".join(name.split(":")[:2])


# One entry for every family's cost, so noting costs does not crowd the kept results out of a
# cache that holds a bounded number of entries.
COSTS = "kept-costs"


def _note_cost(name: str, seconds: float) -> None:
    costs: dict[str, float] = cache.get(COSTS) or {}
    costs[_family(name)] = seconds
    cache.set(COSTS, costs, timeout=LAST_KEPT)


def _last_key(name: str) -> str:
    return "kept-last:" + hashlib.sha1(f"{name}:{__version__}".encode()).hexdigest()


def cost(name: str) -> float | None:
    """Seconds the last computation of this name's family took (None: never computed)."""
    seconds = (cache.get(COSTS) or {}).get(_family(name))
    return float(seconds) if seconds is not None else None


def last_kept(name: str) -> tuple[Any, datetime] | None:
    """The last result kept under `name` with `keep_last`, for whatever data it was, and when."""
    found = cache.get(_last_key(name))
    return found if isinstance(found, tuple) else None


def keep(name: str, value: Any) -> None:
    """Keep a result computed elsewhere (the command line) for the current data."""
    cache.set(_key(name), value)


def kept_already(name: str) -> Any | None:
    """The result kept under `name` for the current data, without computing it."""
    return cache.get(_key(name))
