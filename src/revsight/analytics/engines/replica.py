"""The DuckDB replica (the default): the fact tables copied into a file in the data directory,
brought up to date once, when the engine opens, and read as that build until it closes."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from revsight.analytics.engines.base import FactTables
from revsight.analytics.facts import FACTS
from revsight.analytics.replica import open_current

if TYPE_CHECKING:
    import ibis.expr.types as ir


class DuckDBEngine(FactTables):
    name = "duckdb"

    def __init__(self) -> None:
        super().__init__()
        # Plain DuckDB: kept queries (`compiled`) run on it without Ibis' backend.
        self.connection = open_current()

    @cached_property
    def backend(self) -> Any:
        """Ibis on the same connection, made when an expression is first read or compiled."""
        import ibis

        return ibis.duckdb.from_connection(self.connection)

    def read(self, fact: str) -> ir.Table:
        return self.backend.table(fact)

    def close(self) -> None:
        self.connection.close()


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
