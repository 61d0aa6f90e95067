"""Write column tables straight into the database: COPY on PostgreSQL, executemany on SQLite.

The ORM would take hours for ten million rows; this takes minutes. Values are converted per
field type (see `tables.py` for the column conventions) and written in chunks, so memory stays
bounded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import connection, models

from revsight.core.progress import SILENT, Progress
from revsight.demo.tables import Table

CHUNK = 50_000


def _as_list(values: Any) -> list[Any]:
    return values.tolist() if isinstance(values, np.ndarray) else list(values)


def _dates(values: Any) -> list[Any]:
    if isinstance(values, np.ndarray) and values.dtype.kind in "iu":
        return np.datetime_as_string(values.astype(np.int64).astype("datetime64[D]")).tolist()
    return [None if v is None else str(np.datetime64(int(v), "D")) for v in values]


def _timestamps(values: Any) -> list[Any]:
    seconds = np.asarray(values, dtype=np.int64).astype("datetime64[s]")
    text = np.char.replace(np.datetime_as_string(seconds), "T", " ")
    suffix = "+00:00" if connection.vendor == "postgresql" else ""
    return [f"{t}{suffix}" for t in text.tolist()]


def _money(values: Any) -> list[Any]:
    return [None if v is None else Decimal(int(v)).scaleb(-2) for v in _as_list(values)]


def _converter(field: models.Field[Any, Any]) -> Callable[[Any], list[Any]]:
    if isinstance(field, models.DateTimeField):
        return _timestamps
    if isinstance(field, models.DateField):
        return _dates
    if isinstance(field, models.DecimalField) and field.decimal_places == 2:
        return lambda v: _money(v) if not _is_decimal_list(v) else list(v)
    return _as_list


def _is_decimal_list(values: Any) -> bool:
    return not isinstance(values, np.ndarray) and bool(values) and isinstance(values[0], Decimal)


def _prepared_columns(table: Table) -> list[tuple[str, Callable[[Any], list[Any]], Any, Any]]:
    """(column name, converter, values, null mask) for each column of the table."""
    fields = {f.attname: f for f in table.model._meta.concrete_fields}
    return [
        (str(fields[name].column), _converter(fields[name]), values, table.nulls.get(name))
        for name, values in table.columns.items()
    ]


def _chunks(table: Table) -> Iterator[list[tuple[Any, ...]]]:
    """Rows ready for the driver, converted a chunk at a time so memory stays bounded."""
    columns = _prepared_columns(table)
    for start in range(0, len(table), CHUNK):
        converted = []
        for _, convert, values, mask in columns:
            part = convert(values[start : start + CHUNK])
            if mask is not None:
                for i in np.flatnonzero(mask[start : start + CHUNK]):
                    part[i] = None
            converted.append(part)
        yield list(zip(*converted, strict=True))


def write(table: Table, progress: Progress = SILENT) -> int:
    """Insert every row of `table`; returns the number written. `progress` hears each chunk."""
    count = len(table)
    if count == 0:
        return 0
    if table.model._meta.pk.attname not in table.columns:
        # Explicit ids from 1, so that a rebuild reproduces the same rows exactly.
        table.columns[table.model._meta.pk.attname] = np.arange(1, count + 1)
    names = [name for name, *_ in _prepared_columns(table)]
    quoted = ", ".join(connection.ops.quote_name(n) for n in names)
    db_table = connection.ops.quote_name(table.model._meta.db_table)
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY {db_table} ({quoted}) FROM STDIN") as copy:
                for chunk in _chunks(table):
                    for row in chunk:
                        copy.write_row(row)
                    progress.advance(len(chunk))
    else:
        # The sqlite3 cursor itself: Django's wrapper re-processes every row of executemany.
        sql = f"INSERT INTO {db_table} ({quoted}) VALUES ({', '.join('?' * len(names))})"
        raw_cursor = connection.connection.cursor()
        try:
            for chunk in _chunks(table):
                raw_cursor.executemany(sql, chunk)
                progress.advance(len(chunk))
        finally:
            raw_cursor.close()
    return count


def reset_sequences(models_written: list[type[models.Model]]) -> None:
    """Explicit ids bypass PostgreSQL's sequences; move them past the highest id."""
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), models_written)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
