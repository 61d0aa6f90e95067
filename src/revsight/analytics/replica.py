"""The DuckDB replica of the fact tables, kept current table by table.

The replica is a file in the data directory. Each fact table is copied again when its change
counter (raised by services through `changes.mark_changed`) or its highest id (new rows, from
anywhere) has moved since it was copied; edits in the Django admin, or new fact definitions,
copy everything again. One refresh runs at a time per data directory (a lock across threads
and processes); it writes a new build beside the current one and swaps the replica's name to it,
so readers never see half a replica and keep the build they opened until they close it.
`revsight analytics rebuild` recreates it; it can always be deleted.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Max

from revsight.analytics import facts as facts_module
from revsight.analytics.facts import FACTS, shaped
from revsight.core.progress import SILENT, Progress
from revsight.core.versions import table_versions

logger = logging.getLogger(__name__)

try:
    import fcntl
except ImportError:  # Windows: one process per data directory, the thread lock alone
    fcntl = None  # type: ignore[assignment]

META = "revsight_replica"
TABLES = "revsight_replica_tables"
# A replica built from other fact definitions is rebuilt whole.
FACTS_FINGERPRINT = hashlib.sha256(Path(facts_module.__file__).read_bytes()).hexdigest()[:12]

TableState = tuple[int, int]  # (change counter, highest id)


@dataclass
class SourceState:
    whole: str  # when this differs, every table is copied again
    tables: dict[str, TableState]


@dataclass
class ReplicaStatus:
    path: Path
    exists: bool
    built_at: datetime | None = None
    seconds: float | None = None
    rows: dict[str, int] = field(default_factory=dict)
    stale: list[str] = field(default_factory=list)  # fact tables that need copying again

    @property
    def fresh(self) -> bool:
        return self.exists and not self.stale


def replica_path() -> Path:
    """The replica's name in the data directory: a link to the current build (or, made by an
    older Revsight, the file itself). Delete it and the next computation builds afresh."""
    return Path(settings.REVSIGHT_HOME) / "analytics.duckdb"


def replica_file() -> Path:
    """The current build itself. Readers open it by this name, unique per build: DuckDB keeps
    one instance per file name in a process, so a reader still open on an earlier build (a
    long page, in another thread) would otherwise hand that build to every new connection."""
    return Path(os.path.realpath(replica_path()))


def source_state() -> SourceState:
    from django.contrib.admin.models import LogEntry

    admin_edits = LogEntry.objects.aggregate(v=Max("pk"))["v"] or 0
    versions = table_versions()
    tables = {
        fact: (versions.get(fact, 0), model._default_manager.aggregate(v=Max("pk"))["v"] or 0)
        for fact, (model, _) in FACTS.items()
    }
    return SourceState(f"{FACTS_FINGERPRINT}.{admin_edits}", tables)


def _read_meta(raw: Any) -> tuple[dict[str, Any], dict[str, TableState]] | None:
    # Plain DuckDB rather than Ibis expressions: this runs before every computation, and
    # compiling two queries cost more than reading them.
    listed = raw.execute("SELECT table_name FROM information_schema.tables").fetchall()
    present = {row[0] for row in listed}  # (ibis' list_tables calls a method DuckDB 2 removed)
    if not {META, TABLES, *FACTS} <= present:
        return None
    cursor = raw.execute(f"SELECT * FROM {META} LIMIT 1")
    names = [column[0] for column in cursor.description]
    meta = dict(zip(names, cursor.fetchone(), strict=True))
    rows = raw.execute(f"SELECT fact, version, max_id FROM {TABLES}").fetchall()
    tables = {fact: (int(version), int(max_id)) for fact, version, max_id in rows}
    return meta, tables


def _stale(
    state: SourceState, meta: dict[str, Any] | None, tables: dict[str, TableState]
) -> list[str]:
    if meta is None or meta["whole"] != state.whole:
        return list(FACTS)
    return [fact for fact, current in state.tables.items() if tables.get(fact) != current]


# Connections are opened one at a time. The first connection to a database file creates its
# DuckDB instance and registers the Python scan functions in it; a second thread connecting in
# that moment was handed the instance before the registration was visible to it, and its first
# query over a registered Arrow table failed ("python_arrow_scan does not exist"): seen with
# eight requests arriving just after a refresh, when kept queries still registered their
# parameters (they pass them as lists now; Ibis still registers in-memory tables). Opening
# takes milliseconds, reading does not wait on this.
_OPENING = threading.Lock()


def connect_raw(path: Path, *, read_only: bool = True) -> Any:
    """A plain DuckDB connection to a replica build, set as Ibis sets its own (UTC, no Python
    variables read as tables): reading a current replica with kept queries needs no more, and
    Ibis' backends cost a command a quarter of a second to import."""
    import duckdb

    threads = settings.REVSIGHT_ANALYTICS_THREADS
    config: dict[str, str | bool | int | float | list[str]] = (
        {"threads": threads} if threads else {}
    )
    with _OPENING:
        raw = duckdb.connect(str(path), read_only=read_only, config=config)
        raw.execute("SET TimeZone = 'UTC'")
        raw.execute("SET python_enable_replacements = false")
    return raw


def connect(path: Path, *, read_only: bool = True) -> Any:
    """An Ibis backend on a replica build, with the configured number of threads."""
    import ibis

    return ibis.duckdb.from_connection(connect_raw(path, read_only=read_only))


def stale_tables(state: SourceState) -> list[str]:
    """The fact tables to copy again, read from the replica's bookkeeping alone (the refresh
    before every metrics call must not scan the tables themselves)."""
    path = replica_path()
    if not path.exists():
        return list(FACTS)
    raw = connect_raw(replica_file())
    try:
        found = _read_meta(raw)
    finally:
        raw.close()
    return _stale(state, *found) if found else list(FACTS)


def open_current() -> Any:
    """A read-only plain DuckDB connection to the replica (`connect_raw`), brought up to date
    first when it is not. When it is current (the usual case) the connection that read its
    bookkeeping is the one returned, so an engine opens the file once."""
    if replica_path().exists():
        raw = connect_raw(replica_file())
        try:
            found = _read_meta(raw)
        except BaseException:
            raw.close()
            raise
        if found is not None and not _stale(source_state(), *found):
            return raw
        raw.close()
    refresh_replica()
    return connect_raw(replica_file())


def replica_status(state: SourceState | None = None) -> ReplicaStatus:
    """Freshness, last refresh and row counts, for `revsight analytics status`."""
    path = replica_path()
    if not path.exists():
        return ReplicaStatus(path, False, stale=list(FACTS))
    state = state or source_state()
    con = connect(replica_file())
    try:
        found = _read_meta(con.con)
        if found is None:  # built by an older Revsight
            return ReplicaStatus(path, True, stale=list(FACTS))
        meta, tables = found
        rows = {name: int(con.table(name).count().execute()) for name in FACTS}
    finally:
        con.disconnect()
    return ReplicaStatus(
        path,
        True,
        built_at=meta["built_at"].replace(tzinfo=UTC),
        seconds=float(meta["seconds"]),
        rows=rows,
        stale=_stale(state, meta, tables),
    )


_REFRESHING = threading.Lock()


@contextmanager
def _one_refresh_at_a_time(path: Path) -> Iterator[None]:
    """One refresh per data directory at a time, across threads (the lock) and processes (an
    advisory lock on a file beside the replica, where the platform has them)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _REFRESHING, path.with_suffix(".lock").open("a") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def refresh_replica(whole: bool = False, progress: Progress = SILENT) -> list[str]:
    """Copy the stale fact tables (every one with `whole`) and swap the new file in; returns
    the tables copied. Readers keep the file they opened until they close it; a refresh that
    waited for another finds the replica current and copies nothing. `progress` hears each
    table copied."""
    path = replica_path()
    if not whole and not stale_tables(source_state()):
        return []
    with _one_refresh_at_a_time(path):
        started = time.perf_counter()
        state = source_state()  # before copying: a change made meanwhile is caught next time
        stale = list(FACTS) if whole else stale_tables(state)
        if stale:
            _build(path, state, stale, started, progress)
        return stale


def _build(
    path: Path, state: SourceState, stale: list[str], started: float, progress: Progress
) -> None:
    """Write a new build (a copy of the current one, for a few stale tables), then point the
    replica's name at it; builds older than the one it replaces are deleted (readers that
    opened them keep reading them until they close)."""
    build = path.with_name(f"{path.stem}-{uuid.uuid4().hex[:12]}{path.suffix}")
    previous = replica_file() if path.exists() else None
    if previous is not None and len(stale) < len(FACTS):
        shutil.copyfile(previous, build)
    target = connect(build, read_only=False)
    try:
        from revsight.analytics.columnar import reading
        from revsight.analytics.connection import database_backend

        source = database_backend()
        progress.start(len(stale), unit="tables", note="Copying the fact tables")
        with reading() as reader:
            for fact in stale:
                if reader is None or not _copied_columnar(target, reader, source, fact):
                    target.create_table(fact, shaped(source, fact).to_pyarrow(), overwrite=True)
                progress.advance()
        _write_meta(target, state, time.perf_counter() - started)
    finally:
        target.disconnect()
    _point_at(path, build)
    keep = {build, previous}
    for old in path.parent.glob(f"{path.stem}-*{path.suffix}"):
        if old not in keep:
            old.unlink(missing_ok=True)


def _copied_columnar(target: Any, reader: Any, source: Any, fact: str) -> bool:
    """Whether ADBC copied the fact; when it failed partway (a type its driver does not read,
    a lock held past the timeout), the fact is copied through Django's connection instead."""
    from revsight.analytics.columnar import copy_fact

    try:
        copy_fact(target, reader, source, fact)
    except Exception as problem:  # whatever the driver raises, Django's way still works
        logger.warning("The %s table is copied through Django's connection: %s", fact, problem)
        return False
    return True


def _point_at(path: Path, build: Path) -> None:
    """Swap the replica's name to `build` in one step (a link, replaced atomically); where
    links cannot be made, the build is moved into the name."""
    link = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}")
    try:
        os.symlink(build.name, link)
    except OSError:
        os.replace(build, path)
        return
    os.replace(link, path)


def rebuild_replica(progress: Progress = SILENT) -> ReplicaStatus:
    refresh_replica(whole=True, progress=progress)
    return replica_status()


def _write_meta(target: Any, state: SourceState, seconds: float) -> None:
    import ibis

    target.create_table(
        META,
        ibis.memtable(
            {
                "built_at": [datetime.now(UTC).replace(tzinfo=None)],
                "whole": [state.whole],
                "seconds": [seconds],
            }
        ),
        overwrite=True,
    )
    target.create_table(
        TABLES,
        ibis.memtable(
            {
                "fact": list(state.tables),
                "version": [v for v, _ in state.tables.values()],
                "max_id": [m for _, m in state.tables.values()],
            },
            schema={"fact": "string", "version": "int64", "max_id": "int64"},
        ),
        overwrite=True,
    )
