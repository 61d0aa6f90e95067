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
from contextlib import closing, contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection

from revsight.analytics.facts import FACTS
from revsight.core.config import sqlite_in_memory

logger = logging.getLogger(__name__)

# Rows read per batch: each is one Arrow batch, so a column's type is inferred from the whole
# batch, and memory holds one batch of a table at a time (a million-deal table is not read whole).
BATCH = 250_000
BUSY_TIMEOUT_MS = 20_000


@dataclass(frozen=True)
class Source:
    """Where ADBC reads the data Django's connection sees: a SQLite file or a PostgreSQL URI."""

    vendor: str
    location: str

    def connect(self) -> Any:
        """A DB-API connection of the ADBC driver (closed by the caller)."""
        if self.vendor == "sqlite":
            import adbc_driver_sqlite.dbapi

            return adbc_driver_sqlite.dbapi.connect(self.location)
        import adbc_driver_postgresql.dbapi

        return adbc_driver_postgresql.dbapi.connect(self.location)


def committed_source() -> Source | None:
    """The source ADBC may read, or None where it would not see what Django's connection sees
    (inside a transaction, an in-memory database)."""
    if connection.in_atomic_block or not connection.get_autocommit():
        return None
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(params["NAME"])
        return None if sqlite_in_memory(name) else Source("sqlite", name)
    if connection.vendor == "postgresql":
        return Source("postgresql", _postgres_uri(params))
    return None


@contextmanager
def reading() -> Iterator[Reader | None]:
    """One ADBC connection for a whole build (closed after it), or None where the copy goes
    through Django's connection: no committed source, or one ADBC cannot open."""
    source = committed_source()
    adbc = opened(source) if source is not None else None
    if source is None or adbc is None:
        yield None
        return
    try:
        yield Reader(source.vendor, adbc)
    finally:
        adbc.close()


@dataclass(frozen=True)
class Reader:
    vendor: str
    adbc: Any  # an open DB-API connection of the ADBC driver


def opened(source: Source) -> Any:
    """ADBC's connection to the database, or None where its driver is missing or the server
    refuses it (an option libpq does not take)."""
    try:
        adbc = source.connect()
    except Exception as problem:  # whatever the driver raises, Django's way still works
        logger.warning(
            "The replica is copied through Django's connection: ADBC could not open the "
            "database (%s)",
            problem,
        )
        return None
    if source.vendor == "sqlite":
        # Wait out a writer as Django's connection does, rather than fail the refresh.
        with closing(adbc.cursor()) as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.fetchall()
    return adbc


# libpq's own connection keywords: psycopg's options (isolation_level, …) are not libpq's.
LIBPQ_OPTIONS = frozenset(
    {
        "sslmode",
        "sslrootcert",
        "sslcert",
        "sslkey",
        "sslpassword",
        "sslcrl",
        "sslnegotiation",
        "connect_timeout",
        "options",
        "application_name",
        "target_session_attrs",
        "gssencmode",
        "channel_binding",
        "keepalives",
        "keepalives_idle",
        "keepalives_interval",
        "keepalives_count",
        "service",
        "passfile",
        "require_auth",
    }
)


def _postgres_uri(params: dict[str, Any]) -> str:
    """Django's PostgreSQL settings as a libpq connection string (`key='value' …`), which also
    takes a socket directory as the host and values with spaces (`options='-c …'`). Without
    a host, libpq's own default applies (ADBC's may look for the socket elsewhere than
    psycopg's: then `opened` fails and Django's connection is used)."""
    given = {
        "host": params.get("HOST"),
        "port": params.get("PORT"),
        "user": params.get("USER"),
        "password": params.get("PASSWORD"),
        "dbname": params.get("NAME"),
        **{k: v for k, v in (params.get("OPTIONS") or {}).items() if k in LIBPQ_OPTIONS},
    }
    return " ".join(
        f"{key}={_quoted(value)}" for key, value in given.items() if value not in (None, "")
    )


def _quoted(value: object) -> str:
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def copy_fact(target: Any, reader: Reader, backend: Any, fact: str) -> None:
    """The fact table `fact` written into `target` (an Ibis DuckDB backend on a build): the
    source table's columns read batch by batch into a table typed as `backend` (Ibis on
    Django's connection) types the source, then shaped there as `facts.FACTS` shapes it."""
    model, shape = FACTS[fact]
    table = model._meta.db_table
    key = str(model._meta.pk.column)
    columns = _columns(backend.table(table).schema(), key, shape)
    raw = f"_source_{fact}"
    # A temporary table: rows written into the build's file and dropped would leave it larger.
    target.con.execute(
        f'CREATE OR REPLACE TEMP TABLE "{raw}" ('
        + ", ".join(f'"{name}" {kind}' for name, kind in columns.items())
        + ")"
    )
    casts = ", ".join(_duckdb_cast(reader.vendor, name, kind) for name, kind in columns.items())
    try:
        for batch in _batches(reader, table, key, columns):
            target.con.register("_source_batch", batch)
            try:
                target.con.execute(f'INSERT INTO "{raw}" SELECT {casts} FROM _source_batch')
            finally:
                target.con.unregister("_source_batch")
        target.create_table(fact, shape(target.table(raw, database="temp")), overwrite=True)
    finally:
        target.con.execute(f'DROP TABLE IF EXISTS temp."{raw}"')


def _columns(schema: Any, table_key: str, shape: Any) -> dict[str, str]:
    """The columns of the source table that the fact reads (and `id`, by which it is read),
    each with its DuckDB type as Ibis reads the source: the fact tables come out as the copy
    through Ibis makes them. Decimals are doubles (every fact casts them to float64; SQLite keeps
    them as REAL, or INTEGER for a whole number)."""
    import ibis
    import ibis.expr.operations as ops
    from ibis.backends.sql.datatypes import DuckDBType

    base = ibis.table(schema)
    read = {field.name for field in shape(base).op().find(ops.Field) if field.rel == base.op()}
    if not read:  # a shape reading the whole table (or none of it) by no named column
        raise ValueError("the fact names none of its source table's columns")
    return {
        name: "DOUBLE" if dtype.is_decimal() else DuckDBType.from_ibis(dtype).sql("duckdb")
        for name, dtype in schema.items()
        if name in read or name == table_key
    }


def _batches(reader: Reader, table: str, key: str, columns: dict[str, str]) -> Iterator[Any]:
    """The table's rows in primary-key order, BATCH at a time, as Arrow tables (the SQLite
    driver infers each batch's types from its values)."""
    selected = ", ".join(_source_cast(reader.vendor, name, kind) for name, kind in columns.items())
    with closing(reader.adbc.cursor()) as cursor:
        if reader.vendor == "sqlite":
            cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": str(BATCH)})
        last = None
        while True:
            after = "" if last is None else f' WHERE "{key}" > {int(last)}'
            cursor.execute(
                f'SELECT {selected} FROM "{table}"{after} ORDER BY "{key}" LIMIT {BATCH}'
            )
            batch = cursor.fetch_arrow_table()
            if batch.num_rows == 0:
                return
            yield batch
            if batch.num_rows < BATCH:
                return
            last = batch.column(key)[-1].as_py()


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
