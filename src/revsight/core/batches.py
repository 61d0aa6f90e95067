"""Batches handed to a service: the problems found in them, and writing them as upserts.

A bulk service checks every row before it writes any and returns the problems, each naming
the row (its position in the batch) and the field as the row names it; each door turns them
into its own words (an import into file, row and column, a form into its field).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, Q, QuerySet

from revsight.core.errors import InvalidInput

Key = tuple[Any, ...]


@dataclass(frozen=True)
class RowProblem:
    index: int  # the row's position in the batch, from 0
    field: str
    value: str
    message: str

    @classmethod
    def of(cls, index: int, error: InvalidInput, field: str | None = None) -> RowProblem:
        return cls(index, field or error.field, error.value, error.message)

    def error(self, field: str | None = None) -> InvalidInput:
        """The problem as the `InvalidInput` a single-record door raises."""
        return InvalidInput(field or self.field, self.value, self.message)


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def add(self, other: Counts) -> None:
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.removed += other.removed


@dataclass
class Planned:
    """What an upsert would do to one row: create it (`current` None), change the fields named
    in `differences`, or nothing."""

    index: int
    fields: dict[str, Any]
    current: Model | None
    differences: list[str]

    @property
    def changes(self) -> bool:
        return self.current is None or bool(self.differences)


def plan(
    model: type[Model],
    rows: Iterable[tuple[Key, dict[str, Any]]],
    key_fields: tuple[str, ...],
    candidates: QuerySet[Any] | None = None,
) -> list[Planned]:
    """Match each (key, fields) row on `key_fields` among `candidates` (by default the rows with
    one of the keys), without writing: what `apply` would create or change."""
    rows = list(rows)
    if not rows:
        return []
    if candidates is None:
        condition = Q()
        for key, _ in rows:
            condition |= Q(**dict(zip(key_fields, key, strict=True)))
        candidates = model._default_manager.filter(condition)
    existing = {tuple(getattr(obj, name) for name in key_fields): obj for obj in candidates}
    planned = []
    for index, (key, fields) in enumerate(rows):
        current = existing.get(key)
        differences = (
            [name for name, value in fields.items() if getattr(current, name) != value]
            if current is not None
            else []
        )
        planned.append(Planned(index, fields, current, differences))
    return planned


def apply(model: type[Model], planned: list[Planned]) -> Counts:
    """Write what `plan` found; returns what happened to the rows."""
    counts = Counts()
    created: list[Model] = []
    updated: list[Model] = []
    changed: set[str] = set()
    for row in planned:
        if row.current is None:
            created.append(model(**row.fields))
            counts.created += 1
        elif row.differences:
            for name in row.differences:
                setattr(row.current, name, row.fields[name])
            changed.update(row.differences)
            updated.append(row.current)
            counts.updated += 1
        else:
            counts.unchanged += 1
    insert(model, created)
    if updated:
        model._default_manager.bulk_update(updated, sorted(changed), batch_size=500)
    return counts


def upsert(
    model: type[Model],
    rows: Iterable[tuple[Key, dict[str, Any]]],
    key_fields: tuple[str, ...],
    candidates: QuerySet[Any] | None = None,
) -> Counts:
    """Create or update each (key, fields) row, matched on `key_fields` among `candidates` (by
    default the rows with one of the keys); returns what happened to them."""
    return apply(model, plan(model, rows, key_fields, candidates))


def insert(model: type[Model], objects: list[Model]) -> None:
    """Insert new rows with one prepared statement: the same values bulk_create would write,
    without compiling SQL for every row (which is most of an import's time)."""
    if not objects:
        return
    database = connections[router.db_for_write(model)]
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    table = database.ops.quote_name(model._meta.db_table)
    columns = ", ".join(database.ops.quote_name(str(f.column)) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    rows = [
        [field.get_db_prep_save(field.pre_save(obj, True), database) for field in fields]
        for obj in objects
    ]
    with database.cursor() as cursor:
        cursor.executemany(sql, rows)
