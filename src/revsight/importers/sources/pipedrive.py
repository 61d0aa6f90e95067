"""Pipedrive exports: deals (`Deal - …` columns) and activities (`Activity - …` columns).

In Pipedrive, won and lost are a deal's status, not stages: a won deal keeps the stage it was
in. Revsight records it in a won (or lost) stage and keeps the decision date from `Won time` /
`Lost time`. Activities that are not marked done are skipped: they have not happened.
"""

from __future__ import annotations

from collections.abc import Iterator

from revsight.importers.base import Context, Record, cell
from revsight.importers.files import Bundle, Row
from revsight.importers.report import Problem
from revsight.importers.sources.common import RowProblem

_STATUS = {"open": "open", "won": "won", "lost": "lost"}


def _is(prefix: str, header: list[str]) -> bool:
    return any(column.startswith(prefix) for column in header)


class Pipedrive:
    source = "pipedrive"
    label = "Pipedrive export"
    accounts_by_name = True
    entities = ("users", "accounts", "opportunities", "stage_changes", "activities")
    required = "a deals file with `Deal - Title` columns"

    def _files(self, bundle: Bundle, column: str) -> list[str]:
        return [name for name in bundle.names if column in bundle.header(name)]

    def detect(self, bundle: Bundle) -> bool:
        return bool(self._files(bundle, "Deal - Title"))

    def records(self, bundle: Bundle, context: Context) -> Iterator[Record | Problem]:
        deals = self._files(bundle, "Deal - Title")
        activities = [
            name for name in self._files(bundle, "Activity - Type") if name not in deals
        ] + [name for name in deals if "Activity - Type" in bundle.header(name)]
        for name in deals:
            for row in bundle.rows(name):
                if row.get("Deal - Status").lower() == "deleted":
                    continue
                try:
                    yield self._deal(row)
                except RowProblem as exc:
                    yield exc.problem
        not_done = 0
        for name in activities:
            for row in bundle.rows(name):
                if row.get("Activity - Done").lower() in ("to do", "0", "false", "no"):
                    not_done += 1
                    continue
                yield self._activity(row, context)
            if not_done:
                context.report.warn(
                    Problem(
                        name,
                        None,
                        "",
                        "",
                        f"skipped {not_done} activities not marked done (Activity - Done)",
                    )
                )

    def _deal(self, row: Row) -> Record:
        raw_status = row.get("Deal - Status")
        status = _STATUS.get(raw_status.lower())
        if raw_status and status is None:
            raise RowProblem(row, "Deal - Status", raw_status, "is not Open, Won or Lost")
        close = cell(row, "Deal - Expected close date")
        if status == "won":
            close = cell(row, "Deal - Won time", "Deal - Expected close date")
        elif status == "lost":
            close = cell(row, "Deal - Lost time", "Deal - Close time", "Deal - Expected close date")
        return Record.of(
            "opportunities",
            row,
            external_id=cell(row, "Deal - ID"),
            name=cell(row, "Deal - Title"),
            owner=cell(row, "Deal - Owner", "Deal - Creator"),
            account=cell(row, "Deal - Organization", "Organization - Name"),
            stage=cell(row, "Deal - Stage"),
            status=("Deal - Status", status or "") if raw_status else None,
            amount=cell(row, "Deal - Value"),
            currency=cell(row, "Deal - Currency"),
            created_date=cell(row, "Deal - Deal created", "Deal - Add time", "Deal - Created"),
            close_date=close,
            lead_source=cell(
                row,
                "Deal - Source origin",
                "Deal - Source channel",
                "Deal - Lead source",
                "Deal - Source",
            ),
            probability=cell(row, "Deal - Probability"),
            loss_reason=cell(row, "Deal - Lost reason"),
        )

    def _activity(self, row: Row, context: Context) -> Record:
        deal = cell(row, "Activity - Deal ID", "Deal - ID")
        account = cell(row, "Activity - Organization", "Organization - Name")
        kind = row.get("Activity - Type")
        activity_type = context.classifier.classify(
            record=kind.lower(),
            type=kind,
            subject=row.get("Activity - Subject"),
            location=row.get("Activity - Location"),
            related="opportunity"
            if deal and deal[1]
            else "account"
            if account and account[1]
            else "none",
        )
        return Record.of(
            "activities",
            row,
            external_id=cell(row, "Activity - ID"),
            owner=cell(
                row, "Activity - Assigned to user", "Activity - Owner", "Activity - Creator"
            ),
            type=("Activity - Type", activity_type),
            date=cell(row, "Activity - Marked as done time", "Activity - Due date"),
            account=account,
            opportunity=deal,
            subject=("Activity - Subject", row.get("Activity - Subject")[:255]),
        )
