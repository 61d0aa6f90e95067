"""Salesforce Data Export (Setup → Data Export): the weekly CSV files with API field names.

Reads User, Account, Opportunity, OpportunityHistory (or, without it, OpportunityFieldHistory),
Task and Event; CurrencyType / DatedConversionRate give the rates. Rows with IsDeleted=1 are
skipped; the empty lookup `000000000000000AAA` is read as blank.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from revsight.importers.base import Context, Record, cell
from revsight.importers.files import Bundle, Row
from revsight.importers.report import Problem
from revsight.importers.schema import ENTITIES, parse_cell
from revsight.importers.sources.common import RowProblem, flag, local_date, number, percentage
from revsight.importers.values import BadValue

_EMPTY_LOOKUP = re.compile(r"^0{15}(AAA)?$")
_FORECAST = {
    "pipeline": "pipeline",
    "bestcase": "best_case",
    "best case": "best_case",
    "forecast": "commit",
    "commit": "commit",
    "closed": "closed",
    "omitted": "omitted",
}
# The fields of a deal's current state that field history rebuilds its past states from.
_STATE = {
    "StageName": "stage",
    "Amount": "amount",
    "CloseDate": "close_date",
    "CurrencyIsoCode": "currency",
}


def lookup(row: Row, column: str) -> tuple[str, str] | None:
    """A reference column, blank when Salesforce wrote its empty lookup."""
    if column not in row.values:
        return None
    value = row.get(column)
    return (column, "" if _EMPTY_LOOKUP.match(value) else value)


def deal_type(value: str) -> str:
    lowered = value.lower()
    if lowered.startswith("new"):
        return "new_business"
    if any(word in lowered for word in ("existing", "renewal", "upsell", "upgrade", "expansion")):
        return "existing_business"
    return ""


def forecast_category(row: Row) -> tuple[str, str] | None:
    """`ForecastCategory` (API values), else `ForecastCategoryName` (labels), named as read."""
    found = cell(row, "ForecastCategory", "ForecastCategoryName")
    if found is None:
        return None
    return (found[0], _FORECAST.get(found[1].strip().lower(), ""))


def related(what_id: str, account_id: str) -> str:
    if what_id.startswith("006"):
        return "opportunity"
    if what_id.startswith("001") or account_id:
        return "account"
    return "none"


def _valid_state(row: Row) -> bool:
    """Whether a deal's current state is valid. When it is not, its Opportunity.csv row reports
    the error, and the history rebuilt from it would report it again against rows of
    OpportunityFieldHistory that never held that value; so its history is left out."""
    history = ENTITIES["stage_changes"]
    try:
        for field, column in _STATE.items():
            parse_cell(history.column(column), row.get(field), zone="UTC", date_formats=())
    except BadValue:
        return False
    return True


class Salesforce:
    source = "salesforce"
    label = "Salesforce Data Export"
    accounts_by_name = False
    entities = ("users", "accounts", "opportunities", "stage_changes", "activities")
    required = "Opportunity.csv"

    def detect(self, bundle: Bundle) -> bool:
        return bundle.find("Opportunity") is not None

    def records(self, bundle: Bundle, context: Context) -> Iterator[Record | Problem]:
        steps = [
            ("User", self._user),
            ("Account", self._account),
            ("Opportunity", self._opportunity),
        ]
        if bundle.find("OpportunityHistory"):
            steps.append(("OpportunityHistory", self._history))
        steps += [("Task", self._task), ("Event", self._event)]
        for stem, mapper in steps:
            name = bundle.find(stem)
            if name is None:
                continue
            deleted = 0
            for row in bundle.rows(name):
                if row.get("IsDeleted").lower() in ("1", "true"):
                    deleted += 1
                    continue
                try:
                    yield mapper(row, context)
                except RowProblem as exc:
                    yield exc.problem
            if deleted:
                context.report.warn(
                    Problem(name, None, "", "", f"skipped {deleted} row(s) marked IsDeleted = 1")
                )
        if not bundle.find("OpportunityHistory") and bundle.find("OpportunityFieldHistory"):
            yield from self._field_history(bundle, context)

    def _user(self, row: Row, context: Context) -> Record:
        name = row.get("Name") or " ".join(
            part for part in (row.get("FirstName"), row.get("LastName")) if part
        )
        user_type = row.get("UserType")
        record = Record.of(
            "users",
            row,
            external_id=cell(row, "Id"),
            email=cell(row, "Email"),
            name=("Name" if row.get("Name") else "LastName", name),
            active=cell(row, "IsActive"),
            manager=lookup(row, "ManagerId"),
        )
        # Integration, portal and automated users appear only if they own something.
        record.hints["on_request"] = user_type not in ("", "Standard")
        return record

    def _account(self, row: Row, context: Context) -> Record:
        return Record.of(
            "accounts",
            row,
            external_id=cell(row, "Id"),
            name=cell(row, "Name"),
            segment=cell(row, "Industry", "Type"),
            owner=lookup(row, "OwnerId"),
            created_date=("CreatedDate", local_date(row, "CreatedDate", context.time_zone)),
        )

    def _opportunity(self, row: Row, context: Context) -> Record:
        closed, won = flag(row, "IsClosed"), flag(row, "IsWon")
        status: tuple[str, str] | None = None
        if closed is not None:
            status = ("IsWon", "won" if closed and won else "lost" if closed else "open")
        loss_reason = cell(row, "Loss_Reason__c", "LossReason__c", "Reason_Lost__c")
        record = Record.of(
            "opportunities",
            row,
            external_id=cell(row, "Id"),
            name=cell(row, "Name"),
            owner=lookup(row, "OwnerId"),
            account=lookup(row, "AccountId"),
            stage=cell(row, "StageName"),
            status=status,
            amount=cell(row, "Amount"),
            currency=cell(row, "CurrencyIsoCode"),
            created_date=("CreatedDate", local_date(row, "CreatedDate", context.time_zone)),
            close_date=cell(row, "CloseDate"),
            type=("Type", deal_type(row.get("Type"))),
            lead_source=cell(row, "LeadSource"),
            probability=cell(row, "Probability"),
            forecast_category=forecast_category(row),
            loss_reason=loss_reason,
            next_step=cell(row, "NextStep"),
        )
        hints: dict[str, Any] = {
            "stage_order": number(row, "StageSortOrder"),
            "stage_probability": percentage(row, "Probability"),
        }
        if status is not None:
            hints["stage_outcome"] = status[1]
        record.hints.update(hints)
        return record

    def _history(self, row: Row, context: Context) -> Record:
        return Record.of(
            "stage_changes",
            row,
            external_id=cell(row, "Id"),
            opportunity=cell(row, "OpportunityId"),
            stage=cell(row, "StageName"),
            amount=cell(row, "Amount"),
            currency=cell(row, "CurrencyIsoCode"),
            close_date=cell(row, "CloseDate"),
            changed_at=cell(row, "CreatedDate"),
        )

    def _activity(self, row: Row, context: Context, kind: str, day: Any) -> Record:
        what = lookup(row, "WhatId") or ("WhatId", "")
        account = lookup(row, "AccountId") or ("AccountId", "")
        activity_type = context.classifier.classify(
            record=kind,
            type=row.get("Type"),
            subtype=row.get("TaskSubtype", "EventSubtype"),
            call_type=row.get("CallType"),
            subject=row.get("Subject"),
            location=row.get("Location"),
            related=related(what[1], account[1]),
        )
        return Record.of(
            "activities",
            row,
            external_id=cell(row, "Id"),
            owner=lookup(row, "OwnerId"),
            type=("Type", activity_type),
            date=day,
            account=account if account[1] else (what if what[1].startswith("001") else None),
            opportunity=what if what[1].startswith("006") else None,
            subject=("Subject", row.get("Subject")[:255]),
        )

    def _task(self, row: Row, context: Context) -> Record:
        day: tuple[str, Any] = ("ActivityDate", row.get("ActivityDate"))
        if not day[1]:
            column = "CompletedDateTime" if row.get("CompletedDateTime") else "CreatedDate"
            day = (column, local_date(row, column, context.time_zone))
        return self._activity(row, context, "task", day)

    def _event(self, row: Row, context: Context) -> Record:
        if row.get("ActivityDateTime"):
            day: tuple[str, Any] = (
                "ActivityDateTime",
                local_date(row, "ActivityDateTime", context.time_zone),
            )
        elif row.get("ActivityDate"):
            day = ("ActivityDate", row.get("ActivityDate"))
        else:
            day = ("CreatedDate", local_date(row, "CreatedDate", context.time_zone))
        return self._activity(row, context, "event", day)

    def _field_history(self, bundle: Bundle, context: Context) -> Iterator[Record | Problem]:
        """Stage history rebuilt from field-level history, when OpportunityHistory is absent:
        each change of StageName, Amount or CloseDate becomes a state, walking back from the
        deal's current values."""
        current: dict[str, dict[str, str]] = {}
        name = bundle.find("Opportunity")
        assert name is not None
        for row in bundle.rows(name):
            if row.get("IsDeleted").lower() not in ("1", "true") and _valid_state(row):
                current[row.get("Id")] = {field: row.get(field) for field in _STATE}
        changes: dict[str, list[Row]] = {}
        history = bundle.find("OpportunityFieldHistory")
        assert history is not None
        for row in bundle.rows(history):
            field = row.get("Field")
            if row.get("IsDeleted").lower() in ("1", "true"):
                continue
            if field in ("StageName", "Amount", "CloseDate", "created"):
                changes.setdefault(row.get("OpportunityId"), []).append(row)
        for deal, rows in changes.items():
            if deal not in current:
                continue
            state = dict(current[deal])
            # Newest first: each change's NewValue is the state after it; OldValue before it.
            rows.sort(key=lambda r: (r.get("CreatedDate"), r.get("Id")), reverse=True)
            moments: list[tuple[Row, dict[str, str]]] = []
            for row in rows:
                # Changes made in one save share a moment; the state after all of them counts.
                if not moments or moments[-1][0].get("CreatedDate") != row.get("CreatedDate"):
                    moments.append((row, dict(state)))
                if row.get("Field") != "created":
                    state[row.get("Field")] = row.get("OldValue")
            for row, after in moments:
                yield Record(
                    "stage_changes",
                    row.file,
                    row.number,
                    {
                        "external_id": ("Id", row.get("Id")),
                        "opportunity": ("OpportunityId", deal),
                        "stage": ("NewValue", after["StageName"]),
                        "amount": ("NewValue", after["Amount"]),
                        "currency": ("CurrencyIsoCode", after["CurrencyIsoCode"]),
                        "close_date": ("NewValue", after["CloseDate"]),
                        "changed_at": ("CreatedDate", row.get("CreatedDate")),
                    },
                )
