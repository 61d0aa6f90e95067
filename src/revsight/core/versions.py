"""The data-version counters: one per fact table, raised by every change to it.

Services call `mark_changed("opportunities", "stage_changes")` inside their transaction. The
analytics replica re-copies the tables whose counter moved, and cached results are kept per
version. New rows are noticed even without it (each table's highest id is compared too), but
updates and deletions are only noticed through it.
"""

from __future__ import annotations

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
)


def mark_changed(*facts: str) -> None:
    unknown = set(facts) - set(FACT_TABLES)
    if unknown:
        raise KeyError(f"Not fact tables: {', '.join(sorted(unknown))}")
    for fact in facts:
        TableVersion.objects.get_or_create(fact=fact)
    TableVersion.objects.filter(fact__in=facts).update(version=F("version") + 1)


def mark_all_changed() -> None:
    mark_changed(*FACT_TABLES)


def table_versions() -> dict[str, int]:
    return dict(TableVersion.objects.values_list("fact", "version"))
