"""An Ibis backend on Django's own database connection (the `database` engine, and the
source the replica copies from)."""

from __future__ import annotations

from typing import Any

import ibis
from django.db import connection

from revsight.core.errors import Failure


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
        backend = ibis.sqlite.from_connection(_TransactionOwnedByDjango(raw))
        # Ibis turns LIKE case-sensitive on the connection it is given, which is Django's for
        # the rest of the request: every `__iexact` and `__icontains` (a password reset's
        # email, the admin's search) would stop matching across case.
        raw.execute("PRAGMA case_sensitive_like = OFF")
        return backend
    if connection.vendor == "postgresql":
        return ibis.postgres.from_connection(raw)
    raise Failure(f"{connection.vendor} is not a database Revsight computes on")
