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


def refusals(reach: Reach, entity: str, planned: list[Planned]) -> list[tuple[int, str, str]]:
    """(row index, template column, sentence) of each change the import's person may not
    make; none (and no query) for those who may change everything."""
    if reach.everything:
        return []
    changes = [change for change in planned if change.changes]
    owners: dict[int, int | None] = {}
    if entity == "stage_changes":  # a deal's history is its owner's, read once per batch
        deals = {change.fields["opportunity_id"] for change in changes}
        owners = dict(Opportunity.objects.filter(pk__in=deals).values_list("pk", "owner_id"))
    found = []
    for change in changes:
        refused = _refusal(reach, entity, change, owners)
        if refused is not None:
            found.append((change.index, *refused))
    return found


def _refusal(
    reach: Reach, entity: str, change: Planned, owners: dict[int, int | None]
) -> tuple[str, str] | None:
    if entity in COMPANY_RECORDS:
        return "", f"only executives and administrators import {COMPANY_RECORDS[entity]}"
    if entity == "stage_changes":
        owner = owners.get(change.fields["opportunity_id"])
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
