"""Whether an import's person may write each record: the holder of a sales record (a deal's
owner, an activity's owner, a consultant's time) must be within their reach, before and after
the change, and the company's own records (marketing spend, invoices, service backlog) are for
executives and administrators. The rules themselves are `access.permissions.Reach`."""

from __future__ import annotations

from revsight.access.permissions import Reach
from revsight.core.batches import Planned
from revsight.crm.models import Opportunity

# The field naming who holds a record, and its template column.
HOLDERS = {
    "accounts": ("owner_id", "owner"),
    "opportunities": ("owner_id", "owner"),
    "activities": ("owner_id", "owner"),
    "leads": ("owner_id", "owner"),
    "time_entries": ("consultant_id", "consultant"),
    "sales_expenses": ("user_id", "user"),
}
COMPANY_RECORDS = {
    "marketing_spend": "marketing spend",
    "invoices": "invoices",
    "service_backlog": "service backlog",
}
OUTSIDE = "is held by someone outside your reach: you may not change it"


def refusal(reach: Reach, entity: str, change: Planned) -> tuple[str, str] | None:
    """(template column, sentence) when the import's person may not make this change."""
    if reach.everything or not change.changes:
        return None
    if entity in COMPANY_RECORDS:
        return "", f"only executives and administrators import {COMPANY_RECORDS[entity]}"
    if entity == "stage_changes":
        owner = _deal_owner(change.fields["opportunity_id"])
        return ("opportunity", OUTSIDE) if not reach.holds(owner) else None
    if entity not in HOLDERS:
        return None
    field, column = HOLDERS[entity]
    if change.current is not None and not reach.holds(getattr(change.current, field)):
        return "external_id", OUTSIDE
    holder = change.fields.get(field)
    if holder is None and entity != "accounts":
        return column, "is required: who holds it must be you or someone in the teams you manage"
    refused = reach.holder_refusal(holder) if holder is not None else None
    return (column, refused) if refused else None


def _deal_owner(opportunity_id: int) -> int | None:
    return Opportunity.objects.filter(pk=opportunity_id).values_list("owner_id", flat=True).first()
