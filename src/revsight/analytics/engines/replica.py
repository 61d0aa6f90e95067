"""The DuckDB replica (the default): the fact tables copied into a file in the data directory,
brought up to date once, when the engine opens, and read as that build until it closes."""

from __future__ import annotations

from pathlib import Path

import ibis.expr.types as ir

from revsight.analytics.engines.base import FactTables
from revsight.analytics.facts import FACTS
from revsight.analytics.replica import open_current


class DuckDBEngine(FactTables):
    name = "duckdb"
    registered: object | None = None  # whose parameters the connection holds (`compiled`)
    parameter_suffix = ""  # the names of its parameter tables end with it (`compiled`)

    def __init__(self) -> None:
        super().__init__()
        self.backend = open_current()

    def read(self, fact: str) -> ir.Table:
        return self.backend.table(fact)

    def close(self) -> None:
        self.backend.disconnect()


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
