"""The database itself: Ibis on Django's own connection, so it sees the caller's transaction."""

from __future__ import annotations

import ibis.expr.types as ir

from revsight.analytics.connection import database_backend
from revsight.analytics.engines.base import FactTables
from revsight.analytics.facts import shaped


class DatabaseEngine(FactTables):
    name = "database"

    def __init__(self) -> None:
        super().__init__()
        self.backend = database_backend()

    def read(self, fact: str) -> ir.Table:
        return shaped(self.backend, fact)

    def close(self) -> None:
        """Django owns the connection: nothing to close."""
