"""The CRM discipline cases the demo plants beside what the simulation leaves (late deals, quiet
deals, stale deals, skipped stages, missing amounts and next steps): a deal moved back a stage,
a deal whose close date was pushed three times, and a paused deal.

Each case is written within the minutes of a change the deal already had, so every deal stands
at the end of every day exactly as the simulation left it: the demo's figures do not move, only
the history the discipline rules read gains the moves. Deals are chosen in id order among the
salespeople without a published login, so the same seed plants the same cases."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from itertools import pairwise

from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max

from revsight.cadence.discipline_models import DealPause
from revsight.cadence.services import pause_deal
from revsight.crm.models import Opportunity, OpportunityStatus, StageChange
from revsight.demo.organisation import DEMO_LOGINS

MINUTE = timedelta(minutes=1)
PAUSE_REASON = "Buyer's budget is frozen until their board meets"


def _candidates(as_of: date) -> Iterator[Opportunity]:
    """Open deals of the salespeople without a published login, in id order."""
    deals = Opportunity.objects.filter(status=OpportunityStatus.OPEN, created_date__lt=as_of)
    yield from deals.exclude(owner__email__in=DEMO_LOGINS.values()).order_by("id").iterator()


def _add(**fields: object) -> None:
    """A history row with the next id, given explicitly: the database's own counter remembers
    the rows of an earlier build, which would make a rebuild differ."""
    last = StageChange.objects.aggregate(last=Max("id"))["last"] or 0
    StageChange.objects.create(id=last + 1, source="demo", **fields)


def _restart_pauses() -> None:
    """Pauses are numbered from 1 in every build, as every table the demo writes."""
    table = DealPause._meta.db_table
    statements = connection.ops.sequence_reset_by_name_sql(
        no_style(), [{"table": table, "column": "id"}]
    )
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def _history(deal: Opportunity) -> list[StageChange]:
    return list(deal.stage_changes.select_related("to_stage").order_by("changed_at", "id"))


def _moved_back(deal: Opportunity, as_of: date) -> bool:
    """Within a minute of the deal's last move forward in the last three weeks: back to the
    stage it came from, then forward again."""
    rows = _history(deal)
    entries = [
        i
        for i, row in enumerate(rows)
        if row.from_stage_id and row.from_stage_id != row.to_stage_id
    ]
    if not entries:
        return False
    index = entries[-1]
    entry = rows[index]
    if not as_of - timedelta(days=21) <= entry.changed_at.date() <= as_of - timedelta(days=1):
        return False
    following = rows[index + 1].changed_at if index + 1 < len(rows) else None
    if entry.from_stage is None or entry.from_stage.outcome != "open":
        return False
    if entry.from_stage.order >= entry.to_stage.order:
        return False
    if following is not None and following - entry.changed_at < 3 * MINUTE:
        return False
    back = (entry.to_stage_id, entry.from_stage.pk, entry.changed_at + MINUTE)
    again = (entry.from_stage.pk, entry.to_stage_id, entry.changed_at + 2 * MINUTE)
    for from_stage, to_stage, when in (back, again):
        _add(
            opportunity=deal,
            from_stage_id=from_stage,
            to_stage_id=to_stage,
            amount=entry.amount,
            close_date=entry.close_date,
            changed_at=when,
        )
    return True


def _pushed_thrice(deal: Opportunity) -> bool:
    """Two more pushes in the minutes before the deal's one push, between its first and its
    pushed close date."""
    rows = _history(deal)
    for before, push in pairwise(rows):
        if before.close_date is None or push.close_date is None:
            continue
        gap = (push.close_date - before.close_date).days
        if gap < 3 or push.changed_at - before.changed_at < 3 * MINUTE:
            continue
        for step in (1, 2):
            _add(
                opportunity=deal,
                from_stage_id=push.to_stage_id,
                to_stage_id=push.to_stage_id,
                amount=before.amount,
                close_date=before.close_date + timedelta(days=gap * step // 3),
                changed_at=push.changed_at - (3 - step) * MINUTE,
            )
        return True
    return False


def plant(as_of: date) -> dict[str, int]:
    """Plant the three cases; returns the deal of each, by the rule it is for."""
    planted: dict[str, int] = {}
    _restart_pauses()
    for deal in _candidates(as_of):
        if "moved_backwards" not in planted and _moved_back(deal, as_of):
            planted["moved_backwards"] = deal.pk
        elif "close_date_pushed" not in planted and _pushed_thrice(deal):
            planted["close_date_pushed"] = deal.pk
        elif "paused" not in planted and deal.close_date and deal.close_date < as_of:
            pause_deal(
                None,
                deal,
                PAUSE_REASON,
                as_of + timedelta(days=14),
                today=as_of - timedelta(days=3),
            )
            planted["paused"] = deal.pk
        if len(planted) == 3:
            break
    return planted
