"""HubSpot exports: deals (the UI export's labels or the API's property names), owners, calls
and meetings.

Files are recognised by name (`deals`, `owners`, `calls`, `meetings`, `engagements`) or, for a
single file, by its columns. Stage history comes from the `hs_date_entered_<stage>` properties
(or the UI's `Date entered "<stage> (<pipeline>)"` columns) when the export includes them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from revsight.importers.base import Context, Record, cell
from revsight.importers.files import Bundle, Row
from revsight.importers.report import Problem
from revsight.importers.sources.common import RowProblem, flag

# HubSpot's default sales pipeline: internal stage id → (label, order, probability, outcome).
DEFAULT_STAGES: dict[str, tuple[str, int, str, str]] = {
    "appointmentscheduled": ("Appointment Scheduled", 1, "20", "open"),
    "qualifiedtobuy": ("Qualified To Buy", 2, "40", "open"),
    "presentationscheduled": ("Presentation Scheduled", 3, "60", "open"),
    "decisionmakerboughtin": ("Decision Maker Bought-In", 4, "80", "open"),
    "contractsent": ("Contract Sent", 5, "90", "open"),
    "closedwon": ("Closed Won", 6, "100", "won"),
    "closedlost": ("Closed Lost", 7, "0", "lost"),
}
_LABELS = {label.lower(): stage_id for stage_id, (label, *_) in DEFAULT_STAGES.items()}
_ENTERED_API = re.compile(r"^hs_date_entered_(.+)$")
_ENTERED_UI = re.compile(r'^Date entered "(.+?)(?: \((.+)\))?"$')
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(\.[\w-]+)+")

KEY = ("Record ID", "hs_object_id", "Deal ID", "id", "ID")
DEAL_NAME = ("Deal Name", "dealname")
OWNER = ("Deal owner", "Deal Owner", "hubspot_owner_id", "HubSpot Owner", "Owner")
FORECAST = {
    "commit": "commit",
    "best_case": "best_case",
    "best case": "best_case",
    "pipeline": "pipeline",
    "omit": "omitted",
    "omitted": "omitted",
    "closed": "closed",
}


def stage_name(value: str) -> tuple[str, dict[str, Any]]:
    """A stage's label and what HubSpot's defaults say about it."""
    stage_id = value.lower() if value.lower() in DEFAULT_STAGES else _LABELS.get(value.lower())
    if stage_id is None:
        return value, {}
    label, order, probability, outcome = DEFAULT_STAGES[stage_id]
    return label, {
        "stage_order": order,
        "stage_probability": Decimal(probability) / 100,
        "stage_outcome": outcome,
    }


class HubSpot:
    source = "hubspot"
    label = "HubSpot export"
    accounts_by_name = True
    entities = ("users", "accounts", "opportunities", "stage_changes", "activities")
    required = "a deals file with Deal Name / dealname"

    def _deal_files(self, bundle: Bundle) -> list[str]:
        named = bundle.find_containing("deal")
        if named:
            return named
        return [n for n in bundle.names if any(c in bundle.header(n) for c in DEAL_NAME)]

    def detect(self, bundle: Bundle) -> bool:
        return any(
            any(column in bundle.header(name) for column in DEAL_NAME)
            for name in self._deal_files(bundle)
        )

    def records(self, bundle: Bundle, context: Context) -> Iterator[Record | Problem]:
        owners = bundle.find_containing("owner")
        for name in owners:
            for row in bundle.rows(name):
                yield self._owner(row)
        for name in self._deal_files(bundle):
            for row in bundle.rows(name):
                try:
                    yield self._deal(row, context)
                except RowProblem as exc:
                    yield exc.problem
        for name in self._deal_files(bundle):
            for row in bundle.rows(name):
                yield from self._history(row)
        for kind, words in (
            ("call", ("call",)),
            ("meeting", ("meeting",)),
            ("", ("engagement", "activit")),
        ):
            for name in bundle.find_containing(*words):
                for row in bundle.rows(name):
                    try:
                        yield self._activity(row, context, kind)
                    except RowProblem as exc:
                        yield exc.problem

    def _owner(self, row: Row) -> Record:
        name = " ".join(
            part
            for part in (
                row.get("First Name", "firstName", "firstname"),
                row.get("Last Name", "lastName", "lastname"),
            )
            if part
        ) or row.get("Name", "name")
        return Record.of(
            "users",
            row,
            external_id=cell(row, "Owner ID", "ownerId", "id", "ID", "Record ID"),
            email=cell(row, "Email", "email"),
            name=("Name", name),
            active=("archived", "0" if row.get("archived").lower() == "true" else "1")
            if "archived" in row.values
            else None,
        )

    def _owner_reference(self, row: Row) -> tuple[str, str] | None:
        found = cell(row, *OWNER)
        if found is None:
            return None
        column, value = found
        email = _EMAIL.search(value)
        return (column, email.group(0) if email else value.strip())

    def _deal(self, row: Row, context: Context) -> Record:
        won, closed = flag(row, "hs_is_closed_won"), flag(row, "hs_is_closed")
        if won is None:
            won = flag(row, "Is Closed Won")
        if closed is None:
            closed = flag(row, "Is closed") or flag(row, "Is Closed")
        label, hints = stage_name(row.get("Deal Stage", "dealstage"))
        status: tuple[str, str] | None = None
        if won:
            status = ("hs_is_closed_won", "won")
        elif closed and won is False:
            status = ("hs_is_closed", "lost")
        elif closed:  # closed, and only the stage can say how
            status = ("hs_is_closed", hints.get("stage_outcome", "lost"))
        elif closed is False:
            status = ("hs_is_closed", "open")
        probability = cell(row, "Deal probability", "hs_deal_stage_probability")
        if probability is not None and re.fullmatch(r"0?\.\d+|[01]", probability[1].strip()):
            # The API writes probabilities as fractions.
            probability = (probability[0], str(float(probability[1]) * 100))
        record = Record.of(
            "opportunities",
            row,
            external_id=cell(row, *KEY),
            name=cell(row, *DEAL_NAME),
            owner=self._owner_reference(row),
            account=cell(
                row,
                "Associated Company IDs",
                "associatedcompanyid",
                "Associated Company",
                "Company name",
                "Company",
            ),
            stage=("Deal Stage" if "Deal Stage" in row.values else "dealstage", label),
            status=status,
            amount=cell(
                row, "Amount", "amount", "Amount in company currency", "amount_in_home_currency"
            ),
            currency=cell(row, "Currency", "deal_currency_code"),
            created_date=cell(row, "Create Date", "createdate"),
            close_date=cell(row, "Close Date", "closedate"),
            type=cell(row, "Deal Type", "dealtype"),
            lead_source=cell(
                row, "Original Source Type", "Original Traffic Source", "hs_analytics_source"
            ),
            probability=probability,
            forecast_category=(
                "hs_manual_forecast_category",
                FORECAST.get(
                    row.get("Forecast category", "hs_manual_forecast_category").lower(), ""
                ),
            ),
            loss_reason=cell(row, "Closed Lost Reason", "closed_lost_reason"),
            next_step=cell(row, "Next step", "hs_next_step"),
        )
        record.hints.update(hints)
        if status is not None:
            record.hints.setdefault("stage_outcome", status[1])
        return record

    def _history(self, row: Row) -> Iterator[Record]:
        deal = cell(row, *KEY)
        for column, value in row.values.items():
            if not value.strip():
                continue
            match = _ENTERED_API.match(column) or _ENTERED_UI.match(column)
            if match is None:
                continue
            label, hints = stage_name(match.group(1))
            yield Record(
                "stage_changes",
                row.file,
                row.number,
                {
                    "external_id": (column, f"{deal[1] if deal else ''}:{label}"[:64]),
                    "opportunity": deal or ("Record ID", ""),
                    "stage": (column, label),
                    "amount": cell(row, "Amount", "amount") or ("Amount", ""),
                    "currency": cell(row, "Currency", "deal_currency_code") or ("Currency", ""),
                    "close_date": cell(row, "Close Date", "closedate") or ("Close Date", ""),
                    "changed_at": (column, value),
                },
                hints,
            )

    def _activity(self, row: Row, context: Context, kind: str) -> Record:
        kind = (
            kind or row.get("Activity type", "Engagement type", "hs_activity_type", "type").lower()
        )
        deal = cell(row, "Associated Deal IDs", "associated_deal_id", "Associated Deal", "Deal ID")
        if deal is not None:
            deal = (deal[0], deal[1].split(";")[0].strip())
        account = cell(row, "Associated Company IDs", "associatedcompanyid", "Associated Company")
        if account is not None:
            account = (account[0], account[1].split(";")[0].strip())
        subject = row.get(
            "Call Title",
            "hs_call_title",
            "Meeting name",
            "hs_meeting_title",
            "Subject",
            "Title",
            "hs_engagement_title",
        )
        activity_type = context.classifier.classify(
            record=kind,
            type=row.get("hs_activity_type", "Activity type", "Call and meeting type"),
            subtype=kind,
            call_type=row.get("hs_call_direction", "Call direction"),
            subject=subject,
            location=row.get("hs_meeting_location", "Meeting location", "Location"),
            related="opportunity"
            if deal and deal[1]
            else "account"
            if account and account[1]
            else "none",
        )
        owner = cell(
            row,
            "Activity assigned to",
            "hubspot_owner_id",
            "Call owner",
            "Meeting owner",
            "Owner",
            "Activity owner",
        )
        if owner is not None:
            email = _EMAIL.search(owner[1])
            owner = (owner[0], email.group(0) if email else owner[1].strip())
        return Record.of(
            "activities",
            row,
            external_id=cell(row, *KEY),
            owner=owner,
            type=("Activity type", activity_type),
            date=cell(
                row,
                "Activity date",
                "hs_timestamp",
                "Call date",
                "Meeting start time",
                "hs_meeting_start_time",
                "Create Date",
                "createdate",
            ),
            account=account,
            opportunity=deal,
            subject=("Subject", subject[:255]),
        )
