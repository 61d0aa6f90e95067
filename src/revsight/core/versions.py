"""The data-version counters: one per fact table, raised by every change to it.

Services call `mark_changed("opportunities", "stage_changes")` inside their transaction. The
analytics replica re-copies the tables whose counter moved, and cached results are kept per
version. New rows are noticed even without it (each table's highest id is compared too), but
updates and deletions are only noticed through it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models import F

from revsight.core.models import TableVersion

# The fact tables the analytics layer builds from the records (`analytics/facts.py` defines
# each one; a test holds the two lists together).
FACT_TABLES = (
    "users",
    "teams",
    "stages",
    "opportunities",
    "stage_changes",
    "activities",
    "quotas",
    "forecasts",
    "accounts",
    "invoices",
    "time_entries",
    "backlog",
    "expenses",
    "leads",
    "marketing_spend",
    "activity_standards",
)


# The facts marked while `deferred()` is active, to be marked by its caller at the end.
_deferred: ContextVar[set[str] | None] = ContextVar("deferred_marks", default=None)


def mark_changed(*facts: str) -> None:
    unknown = set(facts) - set(FACT_TABLES)
    if unknown:
        raise KeyError(f"Not fact tables: {', '.join(sorted(unknown))}")
    pending = _deferred.get()
    if pending is not None:
        pending.update(facts)
        return
    for fact in facts:
        TableVersion.objects.get_or_create(fact=fact)
    TableVersion.objects.filter(fact__in=facts).update(version=F("version") + 1)


@contextmanager
def deferred() -> Iterator[set[str]]:
    """Collect the facts marked inside the block instead of raising their counters: the caller
    marks them once, as the last write of its transaction. A long transaction (an import) so
    holds the counters' rows only for its last moment (other writers raise them too), and work
    staged elsewhere (`core/staging.py`) leaves them alone."""
    marks: set[str] = set()
    token = _deferred.set(marks)
    try:
        yield marks
    finally:
        _deferred.reset(token)


def mark_all_changed() -> None:
    mark_changed(*FACT_TABLES)


def table_versions() -> dict[str, int]:
    return dict(TableVersion.objects.values_list("fact", "version"))
