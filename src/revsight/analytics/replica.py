"""The DuckDB replica of the fact tables, kept current table by table.

The replica is a file in the data directory. Each fact table is copied again when its change
counter (raised by services through `changes.mark_changed`) or its highest id (new rows, from
anywhere) has moved since it was copied; edits in the Django admin, or new fact definitions,
copy everything again. A refresh works on a copy of the file and swaps it in, so readers never
see half a replica. `revsight analytics rebuild` recreates it; it can always be deleted.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ibis
from django.conf import settings
from django.db.models import Max

from revsight.analytics import facts as facts_module
from revsight.analytics.facts import FACTS, shaped
from revsight.core.versions import table_versions

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
    return Path(settings.REVSIGHT_HOME) / "analytics.duckdb"


def source_state() -> SourceState:
    from django.contrib.admin.models import LogEntry

    admin_edits = LogEntry.objects.aggregate(v=Max("pk"))["v"] or 0
    versions = table_versions()
    tables = {
        fact: (versions.get(fact, 0), model._default_manager.aggregate(v=Max("pk"))["v"] or 0)
        for fact, (model, _) in FACTS.items()
    }
    return SourceState(f"{FACTS_FINGERPRINT}.{admin_edits}", tables)


def _read_meta(con: Any) -> tuple[dict[str, Any], dict[str, TableState]] | None:
    listed = con.raw_sql("SELECT table_name FROM information_schema.tables").fetchall()
    present = {row[0] for row in listed}  # (ibis' list_tables calls a method DuckDB 2 removed)
    if not {META, TABLES, *FACTS} <= present:
        return None
    meta = con.table(META).execute().iloc[0].to_dict()
    tables = {
        row["fact"]: (int(row["version"]), int(row["max_id"]))
        for row in con.table(TABLES).execute().to_dict("records")
    }
    return meta, tables


def _stale(
    state: SourceState, meta: dict[str, Any] | None, tables: dict[str, TableState]
) -> list[str]:
    if meta is None or meta["whole"] != state.whole:
        return list(FACTS)
    return [fact for fact, current in state.tables.items() if tables.get(fact) != current]


def stale_tables(state: SourceState) -> list[str]:
    """The fact tables to copy again, read from the replica's bookkeeping alone (the refresh
    before every metrics call must not scan the tables themselves)."""
    path = replica_path()
    if not path.exists():
        return list(FACTS)
    con = ibis.duckdb.connect(str(path), read_only=True)
    try:
        found = _read_meta(con)
    finally:
        con.disconnect()
    return _stale(state, *found) if found else list(FACTS)


def replica_status(state: SourceState | None = None) -> ReplicaStatus:
    """Freshness, last refresh and row counts, for `revsight analytics status`."""
    path = replica_path()
    if not path.exists():
        return ReplicaStatus(path, False, stale=list(FACTS))
    state = state or source_state()
    con = ibis.duckdb.connect(str(path), read_only=True)
    try:
        found = _read_meta(con)
        if found is None:  # built by an older Revsight
            return ReplicaStatus(path, True, stale=list(FACTS))
        meta, tables = found
        rows = {name: int(con.table(name).count().execute()) for name in FACTS}
    finally:
        con.disconnect()
    return ReplicaStatus(
        path,
        True,
        built_at=meta["built_at"].to_pydatetime().replace(tzinfo=UTC),
        seconds=float(meta["seconds"]),
        rows=rows,
        stale=_stale(state, meta, tables),
    )


def refresh_replica(whole: bool = False) -> list[str]:
    """Copy the stale fact tables (every one with `whole`) and swap the new file in; returns
    the tables copied."""
    started = time.perf_counter()
    state = source_state()  # before copying: a change made meanwhile is caught next time
    path = replica_path()
    stale = list(FACTS) if whole else stale_tables(state)
    if not stale:
        return []
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".building-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    if path.exists() and len(stale) < len(FACTS):
        shutil.copyfile(path, temporary)
    target = ibis.duckdb.connect(str(temporary))
    try:
        from revsight.analytics.connection import database_backend

        source = database_backend()
        for fact in stale:
            target.create_table(fact, shaped(source, fact).to_pyarrow(), overwrite=True)
        _write_meta(target, state, time.perf_counter() - started)
    finally:
        target.disconnect()
    os.replace(temporary, path)
    return stale


def rebuild_replica() -> ReplicaStatus:
    refresh_replica(whole=True)
    return replica_status()


def _write_meta(target: Any, state: SourceState, seconds: float) -> None:
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
