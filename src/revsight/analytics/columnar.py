"""The database's tables read column by column for the replica, with the ADBC drivers
(`adbc-driver-sqlite`, `adbc-driver-postgresql`): Arrow batches made in C, copied into DuckDB and
shaped there, instead of rows fetched one by one into Python through Ibis.

ADBC opens a connection of its own, so it sees what is committed. Inside a transaction (a
service computing after its writes, a test) the replica is copied through Django's connection as
before (`replica._build`), which sees the writes not yet committed; so is an in-memory SQLite
database, which no other connection can open."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass
from typing import Any

from django.db import connection

from revsight.analytics.facts import FACTS

logger = logging.getLogger(__name__)

# Rows read per batch: each is one Arrow batch, so a column's type is inferred from the whole
# batch, and memory holds one batch of a table at a time (a million-deal table is not read whole).
BATCH = 250_000


@dataclass(frozen=True)
class Source:
    """Where ADBC reads the data Django's connection sees: a SQLite file or a PostgreSQL URI."""

    vendor: str
    location: str

    def connect(self) -> Any:
        if self.vendor == "sqlite":
            import adbc_driver_sqlite.dbapi

            return adbc_driver_sqlite.dbapi.connect(self.location)
        import adbc_driver_postgresql.dbapi

        return adbc_driver_postgresql.dbapi.connect(self.location)


def committed_source() -> Source | None:
    """The source ADBC may read, or None where it would not see what Django's connection sees
    (inside a transaction, an in-memory database) or where its driver is not installed."""
    if connection.in_atomic_block:
        return None
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(params["NAME"])
        if name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
            return None
        source = Source("sqlite", name)
    elif connection.vendor == "postgresql":
        source = Source("postgresql", _postgres_uri(params))
    else:
        return None
    return source if opens(source) else None


def opens(source: Source) -> bool:
    """Whether ADBC opens the database: where its driver is missing or the server refuses it
    (an option libpq does not take), the replica is copied through Django's connection."""
    try:
        with closing(source.connect()):
            return True
    except Exception as problem:  # whatever the driver raises, Django's way still works
        logger.warning(
            "The replica is copied through Django's connection: ADBC could not open the "
            "database (%s)",
            problem,
        )
        return False


def _postgres_uri(params: dict[str, Any]) -> str:
    """Django's PostgreSQL settings as a libpq URI, its connection options (`sslmode`, …) in
    the query string."""
    from urllib.parse import quote, urlencode

    user = quote(str(params.get("USER") or ""), safe="")
    password = quote(str(params.get("PASSWORD") or ""), safe="")
    login = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = params.get("HOST") or "localhost"
    port = f":{params['PORT']}" if params.get("PORT") else ""
    options = {
        name: value
        for name, value in (params.get("OPTIONS") or {}).items()
        if isinstance(value, str | int) and not isinstance(value, bool)
    }
    query = f"?{urlencode(options)}" if options else ""
    return f"postgresql://{login}{host}{port}/{quote(str(params['NAME']), safe='')}{query}"


def copy_fact(target: Any, source: Source, fact: str) -> None:
    """The fact table `fact` written into `target` (an Ibis DuckDB backend on a build): the
    source table's columns read batch by batch into a table typed as Ibis types the source,
    then shaped there as `facts.FACTS` shapes it."""
    model, shape = FACTS[fact]
    table = model._meta.db_table
    columns = _columns(table, shape)
    raw = f"_source_{fact}"
    target.con.execute(
        f'CREATE OR REPLACE TABLE "{raw}" ('
        + ", ".join(f'"{name}" {kind}' for name, kind in columns.items())
        + ")"
    )
    casts = ", ".join(_duckdb_cast(source.vendor, name, kind) for name, kind in columns.items())
    try:
        for batch in _batches(source, table, columns):
            target.con.register("_source_batch", batch)
            target.con.execute(f'INSERT INTO "{raw}" SELECT {casts} FROM _source_batch')
            target.con.unregister("_source_batch")
        target.create_table(fact, shape(target.table(raw)), overwrite=True)
    finally:
        target.con.execute(f'DROP TABLE IF EXISTS "{raw}"')


def _columns(table: str, shape: Any) -> dict[str, str]:
    """The columns of the source table that the fact reads (and `id`, by which it is read),
    each with its DuckDB type as Ibis reads the source: the fact tables come out as the copy
    through Ibis makes them. Decimals are doubles (every fact casts them to float64; SQLite keeps
    them as REAL anyway)."""
    import ibis
    import ibis.expr.operations as ops
    from ibis.backends.sql.datatypes import DuckDBType

    from revsight.analytics.connection import database_backend

    schema = database_backend().table(table).schema()
    base = ibis.table(schema, name=table)
    read = {field.name for field in shape(base).op().find(ops.Field) if field.rel == base.op()}
    return {
        name: "DOUBLE" if dtype.is_decimal() else DuckDBType.from_ibis(dtype).sql("duckdb")
        for name, dtype in schema.items()
        if name in read or name == "id"
    }


def _batches(source: Source, table: str, columns: dict[str, str]) -> Iterator[Any]:
    """The table's rows in primary-key order, BATCH at a time, as Arrow tables (the SQLite
    driver infers each batch's types from its values)."""
    selected = ", ".join(_source_cast(source.vendor, name, kind) for name, kind in columns.items())
    with closing(source.connect()) as adbc, closing(adbc.cursor()) as cursor:
        if source.vendor == "sqlite":
            cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(BATCH)})
        last = None
        while True:
            after = "" if last is None else f' WHERE "id" > {int(last)}'
            cursor.execute(f'SELECT {selected} FROM "{table}"{after} ORDER BY "id" LIMIT {BATCH}')
            batch = cursor.fetch_arrow_table()
            if batch.num_rows == 0:
                return
            yield batch
            if batch.num_rows < BATCH:
                return
            last = batch.column("id")[-1].as_py()


def _source_cast(vendor: str, name: str, kind: str) -> str:
    column = f'"{name}"'
    if kind != "DOUBLE":
        return column
    # A decimal column holds INTEGER and REAL values in SQLite (ADBC would make the batch's
    # column text), and numeric comes from PostgreSQL as text.
    return f"CAST({column} AS {'REAL' if vendor == 'sqlite' else 'DOUBLE PRECISION'}) AS {column}"


def _duckdb_cast(vendor: str, name: str, kind: str) -> str:
    column = f'"{name}"'
    if vendor == "sqlite" and kind in ("DATE", "TIMESTAMP", "TIMESTAMPTZ"):
        # Text in SQLite; a batch whose column is all NULL comes as integers, which DuckDB
        # casts to a date only by way of text.
        return f"CAST(CAST({column} AS VARCHAR) AS {kind})"
    return f"CAST({column} AS {kind})"
