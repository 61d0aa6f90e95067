"""Completing stage history after an import's rows are written (see `write.py`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from revsight.crm.models import Opportunity, StageChange
from revsight.importers.report import Counts

BATCH = 1000


def complete_stage_history(source: str, now: datetime, counts: Counts) -> bool:
    """Chain each history row to the one before it, and record a deal's current state as a
    new history row whenever it differs from the last one recorded (or none exists), so
    history accrues even from sources that export only the current state."""
    touched = False
    deals_of_source = Opportunity.objects.filter(source=source).order_by("id")
    after = 0
    # Deal by deal in id ranges, so no cursor is open while rows are written.
    while deals := list(
        deals_of_source.filter(id__gt=after).values_list("id", "stage_id", "amount", "close_date")[
            : BATCH * 5
        ]
    ):
        first, after = deals[0][0], deals[-1][0]
        changes = (
            StageChange.objects.filter(opportunity_id__gte=first, opportunity_id__lte=after)
            .order_by("opportunity_id", "changed_at", "id")
            .values_list(
                "id", "opportunity_id", "from_stage_id", "to_stage_id", "amount", "close_date"
            )
        )
        relinks: list[StageChange] = []
        appended: list[StageChange] = []
        for deal, history in _merge(iter(deals), iter(changes)):
            previous_stage = None
            last: tuple[Any, ...] | None = None
            for change_id, _, from_stage, to_stage, amount, close_date in history:
                if from_stage != previous_stage:
                    relinks.append(StageChange(id=change_id, from_stage_id=previous_stage))
                previous_stage = to_stage
                last = (to_stage, amount, close_date)
            deal_id, stage_id, amount, close_date = deal
            if last != (stage_id, amount, close_date):
                appended.append(
                    StageChange(
                        opportunity_id=deal_id,
                        from_stage_id=previous_stage,
                        to_stage_id=stage_id,
                        amount=amount,
                        close_date=close_date,
                        changed_at=now,
                        source=source,
                    )
                )
        StageChange.objects.bulk_update(relinks, ["from_stage_id"], batch_size=500)
        StageChange.objects.bulk_create(appended, batch_size=500)
        counts.created += len(appended)
        if relinks or appended:
            touched = True
    return touched


def _merge(
    deals: Iterator[tuple[Any, ...]], changes: Iterator[tuple[Any, ...]]
) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]:
    """Pair each deal (ordered by id) with its history rows (ordered by deal id, then time)."""
    pending = next(changes, None)
    for deal in deals:
        history = []
        while pending is not None and pending[1] < deal[0]:
            pending = next(changes, None)
        while pending is not None and pending[1] == deal[0]:
            history.append(pending)
            pending = next(changes, None)
        yield deal, history
