"""Long changes staged outside the database's write lock and applied in one short transaction.

SQLite has one write lock for the whole database: a transaction that writes for a minute (a
large import) makes every other write wait a minute, past the busy timeout. So a long change is
worked out on a private copy and only its result is written to the database:

1. `Staged` copies the database (SQLite's backup API: one read transaction, writers carry on
   beside it thanks to WAL) and points this thread's connection at the copy. The work runs
   there, unchanged — the same services, the same queries, the same checks — while a `Journal`
   keeps every write it makes, on disk. Nothing is taken from the database but a read snapshot:
   a dry run ends here and never asks for the write lock.
2. `applying()` takes the write lock (BEGIN IMMEDIATE), checks that nothing the work depended
   on has changed since the copy, replays the journal and commits: the lock is held for the
   replay only (bulk statements, a few seconds for 100,000 deals), and the change is still one
   transaction, all or nothing.

The check: for every table the work read or wrote, its next id (`sqlite_sequence`) and, for a
fact table, its data-version counter (`core/versions.py`) must be as they were in the copy. Equal
next ids mean the replayed inserts get exactly the ids they had in the copy, which the journal's
later statements refer to. When anything moved (someone added a stage or changed a deal
meanwhile), `applying()` raises `Stale` and the caller stages again from a fresh copy; after
that, it works under the lock directly (`Direct`), as a last resort that cannot go stale.
Writes elsewhere — forecasts submitted, logins — do not make an import of deals stale.

PostgreSQL locks rows, not the database: a transaction writing for a minute holds up only the
writers of the rows it changes, so there the work runs `Direct`, in one transaction on the
database itself (its data-version counters raised only at the end, see `versions.deferred`).
Work that starts inside a transaction already open (a test's) is staged from a copy that
includes that transaction's own changes.
"""

from __future__ import annotations

import copy
import fcntl
import logging
import sqlite3
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction

from revsight.core.config import sqlite_in_memory
from revsight.core.journal import Journal

log = logging.getLogger("revsight.staging")
# Stage afresh this many times when the database changed meanwhile, then work under the lock.
STAGED_ATTEMPTS = 2
_PRAGMAS = "PRAGMA journal_mode=MEMORY; PRAGMA synchronous=OFF; PRAGMA foreign_keys=ON;"


class Stale(Exception):
    """What was staged no longer matches the database (it names the tables that moved)."""


class Stage(Protocol):
    """Where work runs (`with stage:`) and how its writes are kept (`with stage.applying():`,
    inside which the caller's own last writes go into the same transaction). Work not applied
    is discarded."""

    def __enter__(self) -> Stage: ...

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...

    def applying(self) -> Any: ...


def attempts(fact_tables: Mapping[str, str]) -> Iterator[Stage]:
    """The stages to try in turn until one applies: staged copies on SQLite, then `Direct`.
    `fact_tables` maps table names to the data-version counter of each fact table."""
    if connection.vendor == "sqlite":
        for _ in range(STAGED_ATTEMPTS):
            yield Staged(fact_tables)
    yield Direct()


class Direct:
    """The work in one transaction on the database itself, committed when applied."""

    def __enter__(self) -> Direct:
        self._applied = False
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if kind is None and not self._applied:
            transaction.set_rollback(True)
        self._atomic.__exit__(kind, exc, tb)

    @contextmanager
    def applying(self) -> Iterator[None]:
        yield
        self._applied = True


class Staged:
    """The work on a private copy of the SQLite database; its journal replayed when applied."""

    def __init__(self, fact_tables: Mapping[str, str]) -> None:
        self.fact_tables = fact_tables
        self._copy: Any = None

    def __enter__(self) -> Staged:
        main = connections[DEFAULT_DB_ALIAS]
        main.ensure_connection()
        self._main = main
        directory = _directory(main)
        _sweep(directory)
        self._path = Path(tempfile.mkstemp(prefix="staging-", suffix=".sqlite3", dir=directory)[1])
        started = time.monotonic()
        if main.in_atomic_block:
            # The caller's open transaction holds the write lock already, and its changes are
            # not committed: the copy must include them (the backup API cannot read them).
            self._path.write_bytes(main.connection.serialize())
        with closing(sqlite3.connect(self._path)) as target:
            if not main.in_atomic_block:
                main.connection.backup(target)  # one step: one read snapshot of the database
            self.sequences, self.versions = _state(target)
        self.copied = time.monotonic() - started
        tables = frozenset(main.introspection.table_names())
        journal_path = self._path.with_suffix(".journal")
        self.journal = Journal(journal_path, tables)
        fcntl.flock(self.journal.fileno(), fcntl.LOCK_EX)  # ours while this process lives
        settings = copy.deepcopy(main.settings_dict)
        settings["NAME"] = str(self._path)
        settings.setdefault("OPTIONS", {})["init_command"] = _PRAGMAS
        self._copy = main.__class__(settings, DEFAULT_DB_ALIAS)
        self._copy.execute_wrappers.append(self.journal)
        connections[DEFAULT_DB_ALIAS] = self._copy
        self._atomic = transaction.atomic(using=DEFAULT_DB_ALIAS)
        self._atomic.__enter__()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._leave(kind, exc, tb)
        self.journal.close()

    def _leave(
        self,
        kind: type[BaseException] | None = None,
        exc: BaseException | None = None,
        tb: TracebackType | None = None,
    ) -> None:
        """Discard the copy and give the thread its own connection back (once)."""
        if self._copy is None:
            return
        try:
            if kind is None:
                transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
            self._atomic.__exit__(kind, exc, tb)
        finally:
            self._copy.close()
            self._copy = None
            connections[DEFAULT_DB_ALIAS] = self._main
            for path in (self._path, *self._path.parent.glob(f"{self._path.name}-*")):
                path.unlink(missing_ok=True)

    @contextmanager
    def applying(self) -> Iterator[None]:
        """Replay the journal on the database under its write lock, if nothing moved."""
        self._leave()
        with transaction.atomic():  # BEGIN IMMEDIATE: the write lock, until the commit
            started = time.monotonic()
            moved = self._moved()
            if moved:
                raise Stale(", ".join(sorted(moved)))
            with connection.cursor() as cursor:
                try:
                    replayed = self.journal.replay(cursor)
                except IntegrityError as exc:  # a change the check cannot see (a unique name)
                    raise Stale(str(exc)) from exc
            yield
            log.info(
                "applied %d staged statements in %.2f s (copy taken in %.2f s)",
                replayed,
                time.monotonic() - started,
                self.copied,
            )

    def _moved(self) -> set[str]:
        """The tables the work read or wrote that changed since the copy was taken."""
        sequences, versions = _state(connection.connection)
        moved = set()
        for table in self.journal.tables:
            fact = self.fact_tables.get(table, "")
            next_id_moved = sequences.get(table) != self.sequences.get(table)
            if next_id_moved or versions.get(fact) != self.versions.get(fact):
                moved.add(table)
        return moved


def _directory(main: Any) -> str | None:
    """Where the copy goes: beside the database (same disk, same space), or the temporary
    directory for an in-memory database."""
    name = str(main.settings_dict["NAME"])
    if sqlite_in_memory(name):
        return None
    return str(Path(name).resolve().parent)


def _sweep(directory: str | None) -> None:
    """Remove the copies and journals of stages whose process died (killed mid-import): those
    whose journal nobody holds locked any more (and not just made: a new stage locks its
    journal a moment after creating it)."""
    for journal in Path(directory or tempfile.gettempdir()).glob("staging-*.journal"):
        try:
            if time.time() - journal.stat().st_mtime < 60:
                continue
            with journal.open("rb") as held:
                fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                for path in journal.parent.glob(f"{journal.stem}.sqlite3*"):
                    path.unlink(missing_ok=True)
                journal.unlink(missing_ok=True)
        except OSError:  # held by a running stage, or gone already
            continue


def _state(database: Any) -> tuple[dict[str, int], dict[str, int]]:
    """Each table's next id and each fact's data version, read from a raw SQLite connection."""
    try:
        sequences = dict(database.execute("SELECT name, seq FROM sqlite_sequence").fetchall())
    except sqlite3.OperationalError:  # no table with an AUTOINCREMENT id yet
        sequences = {}
    try:
        versions = dict(
            database.execute("SELECT fact, version FROM analytics_tableversion").fetchall()
        )
    except sqlite3.OperationalError:  # a database without the table yet
        versions = {}
    return sequences, versions
