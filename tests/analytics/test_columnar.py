"""The replica's tables read through ADBC (analytics/columnar.py) are the tables the copy
through Django's connection makes: the same columns, types and rows, on the demo organisation,
on SQLite and on PostgreSQL."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.db import connection, transaction

from revsight.analytics import columnar
from revsight.analytics.columnar import (
    Reader,
    Source,
    committed_source,
    copy_fact,
    opened,
)
from revsight.analytics.connection import database_backend
from revsight.analytics.facts import FACTS, shaped
from revsight.analytics.replica import connect
from revsight.core.config import sqlite_in_memory as in_memory
from tests.databases import Snapshot

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db]


def source_of_the_test_database(demo: Snapshot, scratch: Path) -> Source:
    """What ADBC can open of the demo this test sees: on SQLite the session's in-memory copy of
    it written to a file (the test's own connection is inside the test's transaction), on
    PostgreSQL the test database itself."""
    if connection.vendor == "sqlite":
        copy = scratch / "source.sqlite3"
        target = sqlite3.connect(copy)
        try:
            demo.copy.backup(target)
        finally:
            target.close()
        return Source("sqlite", str(copy))
    return Source("postgresql", columnar._postgres_uri(connection.settings_dict))


def contents(backend: Any, fact: str) -> tuple[list[Any], list[Any]]:
    raw = backend.con
    described = raw.execute(f'DESCRIBE "{fact}"').fetchall()
    rows = raw.execute(f'SELECT * FROM "{fact}" ORDER BY ALL').fetchall()
    return [(name, kind) for name, kind, *_ in described], rows


def test_every_fact_table_read_through_adbc_equals_the_copy_through_django(
    demo_snapshots: tuple[Snapshot, Snapshot], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columnar, "BATCH", 1_000)  # several batches for the larger tables
    source = source_of_the_test_database(demo_snapshots[1], tmp_path)
    through_django = connect(tmp_path / "django.duckdb", read_only=False)
    through_adbc = connect(tmp_path / "adbc.duckdb", read_only=False)
    backend = database_backend()
    adbc = opened(source)
    reader = Reader(source.vendor, adbc)
    for fact in FACTS:
        through_django.create_table(fact, shaped(backend, fact).to_pyarrow(), overwrite=True)
        copy_fact(through_adbc, reader, backend, fact)
    differing = [f for f in FACTS if contents(through_django, f) != contents(through_adbc, f)]
    counts = {f: len(contents(through_adbc, f)[1]) for f in ("opportunities", "activities")}
    adbc.close()
    through_django.disconnect()
    through_adbc.disconnect()
    assert differing == []
    assert counts["activities"] > 10_000
    assert counts["opportunities"] > 1_000


def test_inside_a_transaction_the_replica_is_copied_through_django_s_connection() -> None:
    # ADBC's own connection would not see the transaction's writes (a test runs in one).
    with transaction.atomic():
        assert committed_source() is None


def test_postgresql_settings_become_a_libpq_connection_string() -> None:
    conninfo = columnar._postgres_uri(
        {
            "NAME": "revsight",
            "USER": "sales ops",
            "PASSWORD": "it's\\secret",
            "HOST": "/var/run/postgresql",
            "PORT": 5432,
            "OPTIONS": {
                "sslmode": "require",
                "options": "-c search_path=sales",
                "isolation_level": 1,  # psycopg's, not libpq's
            },
        }
    )
    assert conninfo == (
        "host='/var/run/postgresql' port='5432' user='sales ops' password='it\\'s\\\\secret' "
        "dbname='revsight' sslmode='require' options='-c search_path=sales'"
    )
    assert "host=" not in columnar._postgres_uri({"NAME": "revsight", "HOST": ""})


def test_in_memory_databases_are_copied_through_django() -> None:
    assert in_memory(":memory:")
    assert in_memory("file:memorydb_default?mode=memory&cache=shared")
    assert not in_memory("/srv/revsight/revsight.sqlite3")


def test_a_database_adbc_cannot_open_is_copied_through_django(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = Source("sqlite", str(tmp_path / "no such folder" / "revsight.sqlite3"))
    assert opened(missing) is None
    assert "ADBC could not open the database" in caplog.text
    found = opened(Source("sqlite", str(tmp_path / "revsight.sqlite3")))
    assert found is not None
    found.close()
