"""Telling the analytics replica which fact tables a change touched.

Services call `mark_changed("opportunities", "stage_changes")` inside their transaction. New
rows are noticed even without it (each table's highest id is compared too), but updates and
deletions are only noticed through it.
"""

from __future__ import annotations

from django.db.models import F

from revsight.analytics.facts import FACTS
from revsight.analytics.models import TableVersion


def mark_changed(*facts: str) -> None:
    unknown = set(facts) - set(FACTS)
    if unknown:
        raise KeyError(f"Not fact tables: {', '.join(sorted(unknown))}")
    for fact in facts:
        TableVersion.objects.get_or_create(fact=fact)
    TableVersion.objects.filter(fact__in=facts).update(version=F("version") + 1)


def mark_all_changed() -> None:
    mark_changed(*FACTS)


def table_versions() -> dict[str, int]:
    return dict(TableVersion.objects.values_list("fact", "version"))
