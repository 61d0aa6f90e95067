"""Writes that are bookkeeping, not the change someone asked for: a login's time, a password
hash upgraded to today's settings, old failed attempts cleared. They are made only if the
database can take them at once, so they never hold up or fail what they accompany."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.db import OperationalError, connection, transaction


def unless_busy(write: Callable[[], object]) -> bool:
    """Run `write` in its own transaction if the database takes it at once; returns whether it
    did. On SQLite, while another process holds the write lock (a long import), it gives up after
    a quarter of a second instead of the connection's full busy timeout; on PostgreSQL, where
    a long import locks the rows it changes (a person's, say) until it commits, it waits a
    quarter of a second for such a row."""
    sqlite = connection.vendor == "sqlite"
    postgres = connection.vendor == "postgresql"
    if sqlite:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout = 250")
    nested = connection.in_atomic_block
    try:
        with transaction.atomic():
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '250ms'")
            write()
        if postgres and nested:  # SET LOCAL would outlive the savepoint: the caller's again
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
        return True
    except OperationalError:
        return False
    finally:
        if sqlite:
            timeout = float(settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 5))
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")
