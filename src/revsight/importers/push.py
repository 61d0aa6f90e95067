"""Records pushed by another program (the JSON API): rows in the templates' vocabulary
(`schema.ENTITIES`), written by the importers' one writer as an import of them by the same
person — the same checks, reach, transaction, audit entry and report. No second writer.

Each row is a record of the file `rows`, numbered from 0 as its position in the batch, so a
problem names `rows[3]` and the row's own key (`amount`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from revsight.access import permissions
from revsight.core.errors import InvalidInput
from revsight.importers.base import Context, Record
from revsight.importers.files import Bundle
from revsight.importers.report import Problem, Report
from revsight.importers.run import run_records
from revsight.importers.schema import ENTITIES

# What an integration keeps in step with its CRM; the other entities come by import.
PUSHED = ("users", "accounts", "opportunities", "activities")
MAX_ROWS = 1000
ROWS = "rows"
SOURCE = re.compile(r"[a-z0-9_-]{1,32}")


@dataclass
class Pushed:
    """The importer contract for rows that come from no file: `source` namespaces the external
    ids, as an export's source does (`salesforce` matches what a Salesforce import wrote)."""

    source: str
    label: str = "the API"
    # As the templates say: an account named that is not known is created.
    accounts_by_name: bool = True

    def detect(self, bundle: Bundle) -> bool:
        return False

    def records(self, bundle: Bundle, context: Context) -> Iterator[Record | Problem]:
        return iter(())


def push(
    entity: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    source: str,
    actor: Any,
    dry_run: bool = False,
) -> Report:
    """Create or update `rows` of `entity` (one of `PUSHED`), matched by (source, external id)
    or, for people, by email; nothing is stored unless the report says ok. `actor` may push
    what they may import (`permissions.may_import`), within their reach."""
    permissions.require(
        permissions.may_import(actor), "Only managers and administrators import data."
    )
    if entity not in PUSHED:
        raise InvalidInput("entity", entity, f"must be one of: {', '.join(PUSHED)}")
    if not SOURCE.fullmatch(source):
        raise InvalidInput("source", source, "must be 1–32 lower-case letters, digits, - or _")
    if len(rows) > MAX_ROWS:
        raise InvalidInput(ROWS, "", f"holds {len(rows):,} rows; send at most {MAX_ROWS:,} at once")
    columns = {column.name for column in ENTITIES[entity].columns}
    records = [
        Record(
            entity,
            ROWS,
            index,
            {name: (name, "" if value is None else value) for name, value in row.items()},
        )
        for index, row in enumerate(rows)
    ]
    for record in records:
        unknown = sorted(set(record.cells) - columns)
        if unknown:
            raise InvalidInput(
                f"{ROWS}[{record.row}].{unknown[0]}", "", f"is not a field of {entity}"
            )
    label = f"{len(rows):,} {entity} pushed"
    return run_records(Pushed(source), records, dry_run=dry_run, actor=actor, label=label)


def path_of(problem: Problem) -> str:
    """A problem's JSON path in the pushed body: `rows[3].amount`, `rows[3]`, or the field."""
    if problem.file == ROWS and problem.row is not None:
        return f"{ROWS}[{problem.row}]" + (f".{problem.field}" if problem.field else "")
    return problem.field or ROWS
