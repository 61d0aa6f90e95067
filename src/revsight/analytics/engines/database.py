"""The database itself: Ibis on Django's own connection, so it sees the caller's transaction."""

from __future__ import annotations

import ibis.expr.types as ir

from revsight.analytics.connection import database_backend
from revsight.analytics.facts import shaped


class DatabaseEngine:
    name = "database"

    def __init__(self) -> None:
        self.backend = database_backend()

    def table(self, fact: str) -> ir.Table:
        return shaped(self.backend, fact)

    def close(self) -> None:
        """Django owns the connection: nothing to close."""
