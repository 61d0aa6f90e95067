"""The rows of the records behind a number, as the records page and its CSV show them: deals,
activities and time entries, each through the viewer's visibility."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpResponse

from revsight.access import visibility
from revsight.core import csvsafe
from revsight.crm.models import LARGEST_FIRST, Activity, ActivityType, Opportunity, Stage, TimeEntry
from revsight.org.models import User

ACTIVITY_LABELS = dict(ActivityType.choices)


def deals(
    viewer: User, as_then: dict[int, Any], filters: dict[str, str], pipeline: bool
) -> list[dict[str, Any]]:
    deals = visibility.scope(viewer, Opportunity.objects.filter(id__in=list(as_then)))
    deals = deals.select_related("owner", "account", "stage").order_by(*LARGEST_FIRST)
    if filters["owner"]:
        deals = deals.filter(owner__email=filters["owner"])
    if filters["account"]:
        deals = deals.filter(account_id=filters["account"] if filters["account"].isdigit() else 0)
    stage_names = dict(Stage.objects.values_list("id", "name"))
    rows = []
    for deal in deals:
        then = as_then[deal.pk]
        stage = stage_names.get(then.stage_id) if pipeline and then.stage_id else deal.stage.name
        if filters["stage"] and stage != filters["stage"]:
            continue
        amount = then.amount if pipeline else float(deal.amount or 0)
        rows.append(
            {
                "id": deal.pk,
                "name": deal.name,
                "account": deal.account.name if deal.account else "",
                "owner": deal.owner.display_name,
                "owner_email": deal.owner.email,
                "stage": stage,
                "status": deal.get_status_display(),
                "amount": amount,
                "close_date": then.close_date if pipeline else deal.close_date,
                "created_date": deal.created_date,
            }
        )
    rows.sort(key=lambda r: (-float(r["amount"] or 0), str(r["name"])))  # type: ignore[arg-type]
    return rows


def activities(viewer: User, ids: list[int], filters: dict[str, str]) -> list[dict[str, Any]]:
    found = visibility.scope(viewer, Activity.objects.filter(id__in=ids))
    found = found.select_related("owner", "account", "opportunity").order_by("-date", "id")
    if filters["owner"]:
        found = found.filter(owner__email=filters["owner"])
    if filters["type"]:
        found = found.filter(type=filters["type"])
    return [
        {
            "id": a.pk,
            "date": a.date,
            "type": ACTIVITY_LABELS.get(a.type, a.type),
            "owner": a.owner.display_name,
            "owner_email": a.owner.email,
            "subject": a.subject,
            "account": a.account.name if a.account else "",
            "deal": a.opportunity.name if a.opportunity else "",
        }
        for a in found
    ]


def time_entries(viewer: User, ids: list[int], filters: dict[str, str]) -> list[dict[str, Any]]:
    found = visibility.scope(viewer, TimeEntry.objects.filter(id__in=ids))
    if filters["owner"]:
        found = found.filter(consultant__email=filters["owner"])
    found = found.select_related("consultant", "account").order_by("-date", "id")
    return [
        {
            "id": t.pk,
            "date": t.date,
            "owner": t.consultant.display_name,
            "owner_email": t.consultant.email,
            "hours": float(t.hours),
            "billable": "yes" if t.billable else "no",
            "amount": float(t.billed_amount),
            "standard_rate": float(t.standard_rate),
            "account": t.account.name if t.account else "",
        }
        for t in found
    ]


def rows_of(
    kind: str, viewer: User, as_then: dict[int, Any], filters: dict[str, str]
) -> list[dict[str, Any]]:
    """The rows of a kind of records (`records.KINDS`) the viewer sees."""
    if kind == "activities":
        return activities(viewer, list(as_then), filters)
    if kind == "time":
        return time_entries(viewer, list(as_then), filters)
    return deals(viewer, as_then, filters, kind == "pipeline")


COLUMNS = {
    "deals": [
        "name",
        "account",
        "owner_email",
        "stage",
        "status",
        "amount",
        "close_date",
        "created_date",
    ],
    "activities": ["date", "type", "owner_email", "subject", "account", "deal"],
    "time": ["date", "owner_email", "hours", "billable", "amount", "standard_rate", "account"],
}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, float | Decimal):
        # A number, not its text, so that the CSV writer keeps -500.00 a number.
        return Decimal(f"{value:.2f}")
    return value


def as_csv(rows: list[dict[str, Any]], kind: str) -> HttpResponse:
    columns = COLUMNS[kind if kind in COLUMNS else "deals"]
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="revsight-{kind}.csv"'
    writer = csvsafe.writer(response)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return response
