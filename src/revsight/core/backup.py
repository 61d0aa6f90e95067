"""Online backups of the database Revsight runs on, and restoring them (docs/security.md).

A backup is a consistent snapshot taken while the server runs: SQLite's backup API copies the
database inside one read transaction (writers carry on beside it, thanks to WAL, and what is
still in the WAL file is included), into a single self-contained file; PostgreSQL's `pg_dump`
reads one snapshot, in its custom format. A file is written beside the target and renamed into
place, so a failed backup never leaves a half-written file under the name asked for.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from django.db import connection

from revsight.core.errors import Conflict, Failure, InvalidInput, NotFound

SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
# Tables a freshly initialised database already fills: they are not the organisation's data.
BOOKKEEPING = frozenset({"django_migrations", "django_content_type", "auth_permission"})


def backup(target: Path) -> None:
    """Write a consistent backup of the configured database to `target` (replaced if there)."""
    if connection.vendor == "sqlite":
        sqlite_backup(str(connection.settings_dict["NAME"]), target)
    else:
        partial = _partial(target)
        try:
            _pg("pg_dump", "--format=custom", "--no-owner", f"--file={partial}")
        except Failure:
            partial.unlink(missing_ok=True)
            raise
        os.replace(partial, target)


def restore(source: Path, *, force: bool = False) -> None:
    """Replace the configured database with the backup in `source`.

    Refuses (`Conflict`) when the database holds data, unless `force`; a missing or foreign
    file is refused naming it, before anything is touched.
    """
    header = _header(source)
    if connection.vendor == "sqlite":
        sqlite_restore(source, str(connection.settings_dict["NAME"]), force=force)
        return
    if not header.startswith(PG_DUMP_HEADER):
        raise InvalidInput("file", str(source), "is not a PostgreSQL backup (pg_dump -Fc)")
    connection.ensure_connection()
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        _refuse_if_holding_data(cursor, tables, force, connection.settings_dict["NAME"])
    connection.close()  # pg_restore drops and recreates the tables
    _pg("pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
        "--exit-on-error", str(source))  # fmt: skip


def sqlite_backup(database: str, target: Path) -> None:
    """Copy the SQLite database `database` (a path or a `file:` URI) into `target`."""
    partial = _partial(target)
    partial.unlink(missing_ok=True)
    try:
        with closing(_sqlite(database)) as live, closing(sqlite3.connect(partial)) as copy:
            live.backup(copy)  # all pages in one step: one read transaction, one snapshot
            copy.execute("PRAGMA journal_mode=DELETE")  # one file, nothing left in a WAL
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise Failure(f"Could not back up to {target}: {exc}") from None
    os.replace(partial, target)


def sqlite_restore(source: Path, database: str, *, force: bool = False) -> None:
    """Replace the SQLite database `database` with the backup in `source`."""
    if not _header(source).startswith(SQLITE_HEADER):
        raise InvalidInput("file", str(source), "is not a SQLite backup of Revsight")
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup_file:
        checked = backup_file.execute("PRAGMA integrity_check").fetchone()[0]
        if checked != "ok":
            raise InvalidInput("file", str(source), f"is damaged ({checked})")
        if "django_migrations" not in _sqlite_tables(backup_file):
            raise InvalidInput("file", str(source), "is a SQLite file but not a Revsight backup")
        with closing(_sqlite(database)) as live:
            _refuse_if_holding_data(live.cursor(), _sqlite_tables(live), force, database)
            backup_file.backup(live)


def _refuse_if_holding_data(cursor: Any, tables: Iterable[str], force: bool, name: str) -> None:
    if force:
        return
    full = [table for table in tables if table not in BOOKKEEPING and _has_rows(cursor, table)]
    if full:
        shown = ", ".join(sorted(full)[:5]) + (", …" if len(full) > 5 else "")
        raise Conflict(
            f"The database {name} holds data ({shown}): restoring would replace it. "
            "Give --force to replace it, or restore into a new data directory."
        )


def _has_rows(cursor: Any, table: str) -> bool:
    quoted = '"' + table.replace('"', '""') + '"'
    cursor.execute(f"SELECT 1 FROM {quoted} LIMIT 1")
    return cursor.fetchone() is not None


def _sqlite(database: str) -> sqlite3.Connection:
    uri = database.startswith("file:")
    return sqlite3.connect(database, uri=uri, timeout=20, check_same_thread=False)


def _sqlite_tables(con: sqlite3.Connection) -> list[str]:
    rows = con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    return [name for (name,) in rows]


def _header(source: Path) -> bytes:
    try:
        with source.open("rb") as handle:
            return handle.read(16)
    except FileNotFoundError:
        raise NotFound(f"There is no backup file {source}.") from None
    except OSError as exc:
        raise Failure(f"Cannot read the backup file {source}: {exc.strerror}") from None


def _partial(target: Path) -> Path:
    return target.with_name(f"{target.name}.partial")


def _pg(program: str, *args: str) -> None:
    """Run pg_dump or pg_restore on the configured database (its password in the environment,
    never on the command line)."""
    if shutil.which(program) is None:
        raise Failure(f"{program} is not installed: install PostgreSQL's client programs.")
    params = connection.settings_dict
    environment = {**os.environ, "PGPASSWORD": str(params.get("PASSWORD") or "")}
    given = {"host": params.get("HOST"), "port": params.get("PORT"), "username": params.get("USER")}
    command: Sequence[str] = [
        program,
        f"--dbname={params['NAME']}",
        *(f"--{option}={value}" for option, value in given.items() if value),
        *args,
    ]
    done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Failure(f"{program} failed: {done.stderr.strip() or done.returncode}")
