"""Pipedrive exports: deals (`Deal - …` columns) and activities (`Activity - …` columns).

In Pipedrive, won and lost are a deal's status, not stages: a won deal keeps the stage it was
in. Revsight records it in a won (or lost) stage and keeps the decision date from `Won time` /
`Lost time`. Activities that are not marked done are skipped: they have not happened; the
earliest of a deal's, by due date, is its next step ("Call: Pricing review (2026-07-02)"), as
Pipedrive shows a deal's next activity; without one, the deals file's `Deal - Next activity
date` says when it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from revsight.importers.base import Context, Record, cell
from revsight.importers.files import Bundle, Row
from revsight.importers.report import Problem
from revsight.importers.sources.common import RowProblem

_STATUS = {"open": "open", "won": "won", "lost": "lost"}


def _is(prefix: str, header: list[str]) -> bool:
    return any(column.startswith(prefix) for column in header)


NOT_DONE = ("to do", "0", "false", "no")


def _due(text: str) -> date:
    """An activity's due date for ordering (undated or unreadable ones last)."""
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return date.max


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
        upcoming = self._next_activities(bundle, activities)
        for name in deals:
            for row in bundle.rows(name):
                if row.get("Deal - Status").lower() == "deleted":
                    continue
                try:
                    yield self._deal(row, upcoming)
                except RowProblem as exc:
                    yield exc.problem
        not_done = 0
        for name in activities:
            for row in bundle.rows(name):
                if row.get("Activity - Done").lower() in NOT_DONE:
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

    def _next_activities(self, bundle: Bundle, names: list[str]) -> dict[str, str]:
        """Each deal's next activity (the earliest not done), as its next step."""
        found: dict[str, tuple[date, str]] = {}
        for name in names:
            for row in bundle.rows(name):
                deal = row.get("Deal - ID") or row.get("Activity - Deal ID")
                if not deal or row.get("Activity - Done").lower() not in NOT_DONE:
                    continue
                due_text = row.get("Activity - Due date").strip()
                due = _due(due_text)
                kind, subject = row.get("Activity - Type").strip(), row.get("Activity - Subject")
                text = ": ".join(part for part in (kind, subject.strip()) if part)
                shown = f"{text} ({due_text[:10]})" if due_text else text
                if shown and (deal not in found or due < found[deal][0]):
                    found[deal] = (due, shown[:255])
        return {deal: text for deal, (_, text) in found.items()}

    def _next_step(self, row: Row, upcoming: dict[str, str]) -> tuple[str, str] | None:
        deal = row.get("Deal - ID")
        if deal in upcoming:
            return ("Activity - Subject", upcoming[deal])
        when = cell(row, "Deal - Next activity date")
        if when and when[1].strip():
            return (when[0], f"Next activity on {when[1].strip()[:10]}")
        return None

    def _deal(self, row: Row, upcoming: dict[str, str]) -> Record:
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
            next_step=self._next_step(row, upcoming),
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
