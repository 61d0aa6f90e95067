"""Weekly pipeline snapshots: the open pipeline as it stood at the end of a day, kept as rows.

The pipeline of any past date is reconstructed from stage history (`measures.pipeline_state`);
a snapshot keeps that answer, so it survives a later import that replaces deals without their
history. Taking the same day's snapshot again replaces it. Schedule it weekly (docs/forecasting.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction

from revsight.analytics.context import Context
from revsight.analytics.engine import Engine, get_engine
from revsight.analytics.scopes import membership
from revsight.core import audit
from revsight.core.periods import Period
from revsight.crm.models import PipelineSnapshot
from revsight.forecasting.history import open_deals


@dataclass(frozen=True)
class Taken:
    day: date
    deals: int
    value: float
    replaced: int


def take_snapshot(day: date, engine: Engine | None = None) -> Taken:
    """Keep every deal open at the end of `day`, as it stood then."""
    period = Period("snapshot", "window", day, day)
    ctx = Context.for_organisation(
        engine or get_engine(), period, day, membership("company", period)
    )
    deals = open_deals(ctx)
    with transaction.atomic():
        replaced, _ = PipelineSnapshot.objects.filter(taken_on=day).delete()
        PipelineSnapshot.objects.bulk_create(
            [
                PipelineSnapshot(
                    taken_on=day,
                    opportunity_id=deal.id,
                    owner_id=deal.owner_id,
                    stage_id=deal.stage_id,
                    amount=round(deal.amount, 2),
                    close_date=deal.close,
                )
                for deal in deals
            ],
            batch_size=2000,
        )
        taken = Taken(day, len(deals), sum(deal.amount for deal in deals), replaced)
        audit.record(
            "forecast.snapshot",
            f"Pipeline snapshot of {day}: {taken.deals} open deals, {taken.value:,.2f}",
            details={"replaced": replaced},
        )
    return taken
