"""Validating template records and writing them: one code path for every source.

Records arrive entity by entity (`schema.WRITE_ORDER`) and are written in batches inside the
import's transaction. Once any error is found, nothing more is written (the transaction will be
rolled back) but every remaining row is still validated, so one run lists every problem.

Identity: records with an external id are upserted by (source, external id); the others by
their natural key (a quota by holder and month, a goal by metric, scope and period…). What a
record refers to is resolved by `references.py`; each entity is written by `write_org.py` (people,
teams and plans, through the services) or `write_crm.py` (the sales records).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from revsight.access.permissions import Reach
from revsight.core.versions import mark_changed
from revsight.importers import write_crm, write_org
from revsight.importers.base import Context, Importer, Record
from revsight.importers.history import complete_stage_history
from revsight.importers.references import References
from revsight.importers.schema import ENTITIES, Entity, parse_cell
from revsight.importers.tally import Item, Parsed, Tally
from revsight.importers.values import BadValue

BATCH = 1000
# Entities held whole before writing: few rows, and they refer to each other.
WHOLE = {"users", "teams"}
# Entities whose services check a batch without writing it, so that after the import's first
# error their later rows are still checked.
CHECKED = {"quotas", "forecast_submissions", "goals"}
WRITERS: dict[str, Callable[[References, list[Item]], None]] = {
    "users": write_org.write_users,
    "teams": write_org.write_teams,
    "accounts": write_crm.write_accounts,
    "opportunities": write_crm.write_opportunities,
    "stage_changes": write_crm.write_stage_changes,
    "activities": write_crm.write_activities,
    "quotas": write_org.write_quotas,
    "forecast_submissions": write_org.write_forecast_submissions,
    "leads": write_crm.write_leads,
    "marketing_spend": write_crm.write_marketing_spend,
    "invoices": write_crm.write_invoices,
    "time_entries": write_crm.write_time_entries,
    "service_backlog": write_crm.write_service_backlog,
    "sales_expenses": write_crm.write_sales_expenses,
    "goals": write_org.write_goals,
}


class Writer:
    """Takes an import's records one by one (`add`) and writes them in batches (`finish` last)."""

    def __init__(self, importer: Importer, context: Context, now: datetime, reach: Reach) -> None:
        self.source = importer.source
        self.context = context
        self.report = context.report
        self.now = now
        self.date_formats: tuple[str, ...] = tuple(getattr(importer, "date_formats", ()))
        self.entity: str | None = None
        self.buffer: list[Item] = []
        self.first_rows: dict[str, dict[tuple[Any, ...], int]] = {}
        self.tally = Tally(importer.source, context.report, reach)
        self.references = References(importer, context, self.tally, now)

    def add(self, record: Record) -> None:
        entity = ENTITIES[record.entity]
        parsed = self._validate(entity, record)
        if parsed is None or not self._first_time(entity, record, parsed):
            return
        if not self.report.ok and record.entity not in CHECKED:
            return
        if record.entity != self.entity:
            self.flush()
            self.entity = record.entity
        self.buffer.append((record, parsed))
        if len(self.buffer) >= BATCH and record.entity not in WHOLE:
            self.flush()

    def _validate(self, entity: Entity, record: Record) -> Parsed | None:
        parsed: Parsed = {}
        valid = True
        for column in entity.columns:
            field, value = record.cells.get(column.name, (column.name, None))
            try:
                parsed[column.name] = parse_cell(
                    column, value, zone=self.context.time_zone, date_formats=self.date_formats
                )
            except BadValue as exc:
                self.tally.error(record, field, value, str(exc))
                valid = False
                continue
            if column.required and parsed[column.name] in ("", None):
                message = (
                    "is blank; every record needs it"
                    if column.name in record.cells
                    else "is missing: the file has no such column"
                )
                self.tally.error(record, field, "", message)
                valid = False
        return parsed if valid else None

    def _first_time(self, entity: Entity, record: Record, parsed: Parsed) -> bool:
        """False (with an error) when an earlier row of this import had the same identity."""
        if entity.name == "users":
            return True
        if entity.key == ("external_id",):
            if not parsed["external_id"]:
                return True
            key: tuple[Any, ...] = (parsed["external_id"],)
        else:
            key = tuple(parsed[name] for name in entity.key)
        seen = self.first_rows.setdefault(entity.name, {})
        if key in seen:
            column = entity.key[0]
            field, value = record.cells.get(column, (column, key[0]))
            self.tally.error(
                record, field, value, f"identifies a record already given on row {seen[key]}"
            )
            return False
        seen[key] = record.row
        return True

    def flush(self) -> None:
        batch, self.buffer = self.buffer, []
        if not batch or (not self.report.ok and self.entity not in CHECKED):
            return
        assert self.entity is not None
        WRITERS[self.entity](self.references, batch)

    def finish(self) -> None:
        self.flush()
        if not self.report.ok:
            return
        touched = self.tally.touched
        if "opportunities" in touched or "stage_changes" in touched:
            counts = self.report.count("stage_changes")
            if complete_stage_history(self.source, self.now, counts):
                touched.add("stage_changes")
        if touched:
            mark_changed(*sorted(touched))
