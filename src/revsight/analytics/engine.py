"""Where metrics run: the DuckDB replica (default) or the database itself.

Both engines expose the same fact tables (`facts.py`), so one metric expression runs on either.
The replica is a DuckDB file in the data directory, rebuilt from the database whenever the
data has changed since it was built (every state change writes an audit entry, whose highest id
is the data's version); it is written to a temporary file and swapped in, so readers never see
half a replica. `revsight analytics rebuild` recreates it; it can always be deleted.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import ibis
import ibis.expr.types as ir
from django.conf import settings
from django.db import connection
from django.db.models import Max, Model

from revsight.analytics import facts as facts_module
from revsight.analytics.facts import FACTS, VERSION_MODEL, shaped
from revsight.config import env_str
from revsight.core.errors import InvalidInput

ENGINES = ("duckdb", "database", "spark")
# A replica built by another version of the fact definitions is out of date too.
FACTS_FINGERPRINT = hashlib.sha256(Path(facts_module.__file__).read_bytes()).hexdigest()[:12]
META_TABLE = "revsight_replica"


class Engine(Protocol):
    name: str

    def table(self, fact: str) -> ir.Table: ...


class _TransactionOwnedByDjango:
    """Django's sqlite3 connection as Ibis sees it. Ibis' SQLite backend commits after reading
    a schema or registering a temporary table, which would end the caller's transaction (a
    service's, or a test's); the transaction belongs to Django, so those calls do nothing here.
    (psycopg's `transaction()` nests as a savepoint, so PostgreSQL needs no such guard.)"""

    def __init__(self, raw: Any) -> None:
        self._raw = raw

    def commit(self) -> None:
        return None

    def rollback(self) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)


def database_backend() -> ibis.BaseBackend:
    """An Ibis backend on Django's own connection: it sees the same data and transaction."""
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite":
        return ibis.sqlite.from_connection(_TransactionOwnedByDjango(raw))
    if connection.vendor == "postgresql":
        return ibis.postgres.from_connection(raw)
    raise InvalidInput("engine", connection.vendor, "is not a supported database")


class DatabaseEngine:
    name = "database"

    def __init__(self) -> None:
        self.backend = database_backend()

    def table(self, fact: str) -> ir.Table:
        return shaped(self.backend, fact)


@dataclass
class ReplicaStatus:
    path: Path
    exists: bool
    built_at: datetime | None
    built_from_version: str | None
    current_version: str
    rows: dict[str, int]
    seconds: float | None

    @property
    def fresh(self) -> bool:
        return self.exists and self.built_from_version == self.current_version


def replica_path() -> Path:
    return Path(settings.REVSIGHT_HOME) / "analytics.duckdb"


def data_version() -> str:
    """A fingerprint that changes whenever Revsight's data changes: services write audit
    entries, the admin writes its log, and new rows raise each table's highest id. (Rows changed
    by hand in the database outside Revsight need `revsight analytics rebuild`.)"""
    from django.contrib.admin.models import LogEntry

    parts: list[type[Model]] = [VERSION_MODEL, LogEntry, *(model for model, _ in FACTS.values())]
    highest = [str(m._default_manager.aggregate(v=Max("pk"))["v"] or 0) for m in parts]
    return ".".join([FACTS_FINGERPRINT, *highest])


def replica_status() -> ReplicaStatus:
    path = replica_path()
    current = data_version()
    if not path.exists():
        return ReplicaStatus(path, False, None, None, current, {}, None)
    con = ibis.duckdb.connect(str(path), read_only=True)
    try:
        # (ibis' list_tables calls fetch_arrow_table, which DuckDB 2.0 removed)
        listed = con.raw_sql("SELECT table_name FROM information_schema.tables").fetchall()
        present = {row[0] for row in listed}
        if not {META_TABLE, *FACTS} <= present:  # built by an older Revsight
            return ReplicaStatus(path, True, None, None, current, {}, None)
        meta = con.table(META_TABLE).execute().iloc[0]
        rows = {name: int(con.table(name).count().execute()) for name in FACTS}
    finally:
        con.disconnect()
    return ReplicaStatus(
        path,
        True,
        meta["built_at"].to_pydatetime().replace(tzinfo=UTC),
        str(meta["version"]),
        current,
        rows,
        float(meta["seconds"]),
    )


def rebuild_replica() -> ReplicaStatus:
    """Copy every fact table from the database into a new DuckDB file and swap it in."""
    started = time.perf_counter()
    version = data_version()
    source = database_backend()
    path = replica_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".building-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    target = ibis.duckdb.connect(str(temporary))
    try:
        for name in FACTS:
            target.create_table(name, shaped(source, name).to_pyarrow(), overwrite=True)
        target.create_table(
            META_TABLE,
            ibis.memtable(
                {
                    "built_at": [datetime.now(UTC).replace(tzinfo=None)],
                    "version": [version],
                    "seconds": [time.perf_counter() - started],
                }
            ),
        )
    finally:
        target.disconnect()
    os.replace(temporary, path)
    return replica_status()


class DuckDBEngine:
    name = "duckdb"

    def __init__(self) -> None:
        status = replica_status()
        if not status.fresh:
            rebuild_replica()
        self.backend = ibis.duckdb.connect(str(replica_path()), read_only=True)

    def table(self, fact: str) -> ir.Table:
        return self.backend.table(fact)


class SparkEngine:
    """The same expressions on Apache Spark (ibis' pyspark backend), over the fact tables as
    Parquet: REVSIGHT_SPARK_PARQUET names a directory written by `revsight analytics export`
    (shared storage, for a cluster); without it, the replica is exported into the data
    directory first. REVSIGHT_SPARK_MASTER chooses the cluster (default `local[2]`)."""

    name = "spark"

    def __init__(self) -> None:
        try:
            from pyspark.sql import SparkSession
        except ImportError:
            raise InvalidInput(
                "engine", "spark", "needs pyspark: pip install 'revsight[spark]' (and Java 17)"
            ) from None
        directory = env_str("REVSIGHT_SPARK_PARQUET")
        if not directory:
            directory = str(Path(settings.REVSIGHT_HOME) / "parquet")
            export_parquet(directory)
        session = (
            SparkSession.builder.master(env_str("REVSIGHT_SPARK_MASTER", "local[2]"))
            .appName("revsight")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "4")
            .config("spark.ui.showConsoleProgress", "false")
            .getOrCreate()
        )
        session.sparkContext.setLogLevel("ERROR")
        self.backend = ibis.pyspark.connect(session)
        for fact in FACTS:
            self.backend.read_parquet(str(Path(directory) / f"{fact}.parquet"), table_name=fact)

    def table(self, fact: str) -> ir.Table:
        return self.backend.table(fact)


def get_engine(name: str | None = None) -> Engine:
    """The engine named, else REVSIGHT_ENGINE, else the DuckDB replica."""
    chosen = (name or env_str("REVSIGHT_ENGINE", "duckdb")).lower()
    if chosen == "duckdb":
        return DuckDBEngine()
    if chosen == "database":
        return DatabaseEngine()
    if chosen == "spark":
        return SparkEngine()
    raise InvalidInput("engine", chosen, f"must be one of: {', '.join(ENGINES)}")


def export_parquet(directory: str) -> dict[str, int]:
    """Each fact table from the (refreshed) replica as `<directory>/<fact>.parquet`."""
    engine = DuckDBEngine()
    target = Path(directory)
    target.mkdir(parents=True, exist_ok=True)
    written = {}
    for name in FACTS:
        path = target / f"{name}.parquet"
        table = engine.table(name)
        table.to_parquet(path)
        written[str(path)] = int(table.count().execute())
    return written
