"""Apache Spark (ibis' pyspark backend), over the fact tables as Parquet.

REVSIGHT_SPARK_PARQUET names a directory written by `revsight analytics export` (shared storage,
for a cluster); without it, the replica is exported into the data directory first.
REVSIGHT_SPARK_MASTER chooses the cluster (default `local[2]`). Nothing here reads the database.
"""

from __future__ import annotations

from pathlib import Path

import ibis
import ibis.expr.types as ir
from django.conf import settings

from revsight.analytics.engines.base import FactTables
from revsight.analytics.engines.replica import export_parquet
from revsight.analytics.facts import FACTS
from revsight.core.config import env_str
from revsight.core.errors import InvalidInput


class SparkEngine(FactTables):
    name = "spark"

    def __init__(self) -> None:
        super().__init__()
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
            # Kept by Spark once first read (memory, then disk): a page or a command computes
            # tens of measures over the same facts, and each would otherwise read them again.
            session.catalog.cacheTable(fact)

    def read(self, fact: str) -> ir.Table:
        return self.backend.table(fact)

    def close(self) -> None:
        """The Spark session outlives one computation: it is expensive to start."""
