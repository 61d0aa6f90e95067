"""Where metrics run: the DuckDB replica (default), the database itself, or Apache Spark.

Every engine exposes the same fact tables (`facts.py`), so one metric expression runs on each.
The replica and how it is kept current are in `replica.py`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

import ibis
import ibis.expr.types as ir
from django.conf import settings

from revsight.analytics.connection import database_backend
from revsight.analytics.facts import FACTS, shaped
from revsight.analytics.replica import refresh_replica, replica_path
from revsight.core.config import env_str
from revsight.core.errors import InvalidInput

ENGINES = ("duckdb", "database", "spark")


class Engine(Protocol):
    name: str

    def table(self, fact: str) -> ir.Table: ...


class DatabaseEngine:
    name = "database"

    def __init__(self) -> None:
        self.backend = database_backend()

    def table(self, fact: str) -> ir.Table:
        return shaped(self.backend, fact)


class DuckDBEngine:
    name = "duckdb"

    def __init__(self) -> None:
        refresh_replica()
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
