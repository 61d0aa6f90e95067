"""The contract every importer keeps: detect → read → map (here) → validate → write (shared).

A source module only knows its own files. It says whether a bundle looks like its export and
turns the rows into `Record`s in Revsight's template vocabulary (`schema.ENTITIES`), naming the
column each value came from so errors point at the user's own file. Validation, reference
resolution, currency conversion, upserts and stage history are the same for every source.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from revsight.importers.classify import Classifier
from revsight.importers.currency import Rates
from revsight.importers.files import Bundle, Row
from revsight.importers.report import Problem, Report
from revsight.importers.schema import Cell


@dataclass
class Record:
    entity: str
    file: str
    row: int
    cells: dict[str, Cell]
    # A value the source derived, for the writer's use, not from a template column.
    hints: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, entity: str, row: Row, **cells: Cell | None) -> Record:
        return cls(entity, row.file, row.number, {k: v for k, v in cells.items() if v is not None})


def cell(row: Row, *columns: str) -> Cell | None:
    """The first of `columns` present in the row with a value, as a Cell (None when none is)."""
    present = None
    for column in columns:
        if column in row.values:
            if row.values[column].strip():
                return (column, row.values[column])
            present = present or column
    return (present, "") if present else None


@dataclass
class Context:
    """What a source needs besides its files."""

    report: Report
    time_zone: str
    currency: str
    classifier: Classifier
    rates: Rates


class Importer(Protocol):
    source: str
    label: str
    # True when references to accounts may be names that create the account when new.
    accounts_by_name: bool

    def detect(self, bundle: Bundle) -> bool:
        """Whether the bundle looks like this source's export."""

    def records(self, bundle: Bundle, context: Context) -> Iterator[Record | Problem]:
        """Every record, in `schema.WRITE_ORDER`; a Problem for a row that cannot be mapped."""
