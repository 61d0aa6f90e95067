"""Whole-database snapshots for tests: build an expensive organisation once per session and
give each module a fresh copy of it.

SQLite (the in-memory test database) is copied page by page with the backup API; PostgreSQL
uses `CREATE DATABASE … TEMPLATE`, which copies the files and costs well under a second.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from django.db import connection


@dataclass
class Snapshot:
    name: str
    copy: Any = None  # SQLite: a connection to an in-memory copy; PostgreSQL: unused


def _admin() -> Any:
    import psycopg

    params = connection.settings_dict
    return psycopg.connect(
        dbname="postgres",
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
        autocommit=True,
    )


def _template_name(name: str) -> str:
    return f"{connection.settings_dict['NAME']}_{name}"[:63]


def take(name: str) -> Snapshot:
    """Keep the database as it stands now (committed data only)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        copy = sqlite3.connect(":memory:", check_same_thread=False)
        connection.connection.backup(copy)
        return Snapshot(name, copy)
    template = _template_name(name)
    source = connection.settings_dict["NAME"]
    connection.close()
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{template}"')
        admin.execute(f'CREATE DATABASE "{template}" TEMPLATE "{source}"')
    return Snapshot(name)


def restore(snapshot: Snapshot) -> None:
    """Put the database back exactly as it was when the snapshot was taken."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        snapshot.copy.backup(connection.connection)
        return
    target = connection.settings_dict["NAME"]
    connection.close()
    with _admin() as admin:
        admin.execute(f'DROP DATABASE "{target}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{target}" TEMPLATE "{_template_name(snapshot.name)}"')


def discard(snapshot: Snapshot) -> None:
    if connection.vendor == "sqlite":
        snapshot.copy.close()
        return
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{_template_name(snapshot.name)}"')
