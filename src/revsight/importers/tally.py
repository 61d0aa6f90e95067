"""What an import's writing has done so far: problems in the file's own terms, counts per entity
and the fact tables it changed (so the replica is told only about those)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model

from revsight.access.permissions import Reach
from revsight.core.batches import Counts, RowProblem, apply, plan
from revsight.importers import authority
from revsight.importers.base import Record
from revsight.importers.report import Problem, Report

# A record's values once parsed by its entity's columns.
Parsed = dict[str, Any]
Item = tuple[Record, Parsed]

FACT_OF = {
    "users": "users",
    "teams": "teams",
    "accounts": "accounts",
    "opportunities": "opportunities",
    "stage_changes": "stage_changes",
    "activities": "activities",
    "quotas": "quotas",
    "forecast_submissions": "forecasts",
    "leads": "leads",
    "marketing_spend": "marketing_spend",
    "invoices": "invoices",
    "time_entries": "time_entries",
    "service_backlog": "backlog",
    "sales_expenses": "expenses",
}


def field_of(record: Record, column: str) -> str:
    """The file's own name for a template column of the record."""
    return record.cells.get(column, (column, None))[0]


def _cell(record: Record, column: str) -> Any:
    return record.cells.get(column, (column, None))[1]


class Tally:
    def __init__(self, source: str, report: Report, reach: Reach) -> None:
        self.source = source
        self.report = report
        self.reach = reach  # what the importing person may change
        self.touched: set[str] = set()

    @property
    def ok(self) -> bool:
        return self.report.ok

    def error(self, record: Record, field: str, value: Any, message: str) -> None:
        shown = "" if value is None else str(value)
        self.report.error(Problem(record.file, record.row, field, shown[:200], message))

    def warn(self, record: Record, field: str, value: Any, message: str, kind: str) -> None:
        shown = "" if value is None else str(value)
        self.report.warn(Problem(record.file, record.row, field, shown[:200], message), kind)

    def upsert(
        self,
        entity: str,
        model: type[Model],
        rows: Iterable[tuple[tuple[Any, ...], dict[str, Any], Record]],
        key_fields: tuple[str, ...],
    ) -> None:
        """Create or update each (key, fields, the record it comes from) row; count
        created/updated/unchanged. A change outside the importing person's reach is an error on
        its record, and then nothing of the batch is written."""
        rows = list(rows)
        records = [record for _, _, record in rows]
        keyed = [(key, fields) for key, fields, _ in rows]
        candidates = None
        if key_fields == ("source", "external_id"):
            wanted = [key[1] for key, _ in keyed]
            candidates = model._default_manager.filter(source=self.source, external_id__in=wanted)
        planned = plan(model, keyed, key_fields, candidates)
        refused = authority.refusals(self.reach, entity, planned)
        for index, column, message in refused:
            record = records[index]
            self.error(record, field_of(record, column), _cell(record, column), message)
        if not refused:
            self.counted(entity, apply(model, planned))

    def counted(self, entity: str, counts: Counts) -> None:
        self.report.count(entity).add(counts)
        if counts.changed and entity in FACT_OF:
            self.touched.add(FACT_OF[entity])

    def handed(self, batch: list[Item], problems: list[RowProblem]) -> None:
        """Report what a service found wrong in a batch, in the file's own terms."""
        for problem in problems:
            record = batch[problem.index][0]
            self.error(record, field_of(record, problem.field), problem.value, problem.message)
