"""`revsight backup` takes a consistent snapshot while writes go on, and `revsight restore`
brings it back table for table; neither touches anything on a wrong file or a full database."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.db import connection, transaction

from revsight.cli import cli
from revsight.core.backup import sqlite_backup, sqlite_restore
from revsight.core.models import AuditEntry
from revsight.org.models import Team
from tests.people import build_cast

pytestmark = pytest.mark.django_db(transaction=True)
on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the embedded database's own backup, run on SQLite"
)
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump, run when DATABASE_URL is PostgreSQL"
)
AUDIT = "core_auditentry"


def tables_of(cursor: Any, names: list[str]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order."""
    contents = {}
    for name in sorted(names):
        cursor.execute(f'SELECT * FROM "{name}"')
        contents[name] = sorted(cursor.fetchall(), key=repr)
    return contents


def django_tables() -> dict[str, list[tuple[Any, ...]]]:
    with connection.cursor() as cursor:
        return tables_of(cursor, connection.introspection.table_names(cursor))


def file_tables(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with closing(sqlite3.connect(path)) as con:
        names = [n for (n,) in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return tables_of(con.cursor(), [n for n in names if not n.startswith("sqlite_")])


class Writer(threading.Thread):
    """Writes audit entries in pairs, one transaction per pair, until told to stop, noting
    when each pair was committed."""

    def __init__(self, write_pair: Callable[[int], None]) -> None:
        super().__init__(daemon=True)
        self.write_pair = write_pair
        self.committed: list[float] = []
        self.started = threading.Event()
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                self.write_pair(len(self.committed))
                self.committed.append(time.monotonic())
                self.started.set()
        except BaseException as exc:
            self.error = exc
            self.started.set()
        finally:
            connection.close()  # this thread's own Django connection, if it opened one

    def during(self, work: Callable[[], None]) -> tuple[float, float]:
        self.start()
        self.started.wait()
        begun = time.monotonic()
        work()
        ended = time.monotonic()
        self.stop.set()
        self.join()
        assert self.error is None, self.error
        return begun, ended

    def committed_between(self, begun: float, ended: float) -> int:
        return sum(begun < at < ended for at in self.committed)


def assert_whole_pairs(rows: list[tuple[Any, ...]], summary_column: int) -> int:
    written = [row[summary_column] for row in rows if str(row[summary_column]).startswith("pair")]
    numbers = sorted({int(text.split()[1]) for text in written})
    assert numbers == list(range(len(numbers)))  # a prefix of the writes: nothing after a gap
    assert sorted(written) == sorted(f"pair {n} {half}" for n in numbers for half in "ab")
    return len(numbers)


@pytest.fixture
def live_sqlite(tmp_path: Path) -> Path:
    """A file database in WAL mode, as `revsight serve` runs it, with the cast and enough
    history that a backup takes a while."""
    build_cast()
    for start in range(0, 40_000, 5_000):
        AuditEntry.objects.bulk_create(
            AuditEntry(action="history", summary=f"entry {n} " + "x" * 300)
            for n in range(start, start + 5_000)
        )
    path = tmp_path / "live.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as live:
        connection.connection.backup(live)
        live.execute("PRAGMA journal_mode=WAL")
    return path


@on_sqlite
def test_a_sqlite_backup_during_writes_is_a_consistent_snapshot_that_restores(
    live_sqlite: Path, tmp_path: Path
) -> None:
    writes = sqlite3.connect(live_sqlite, check_same_thread=False, isolation_level=None)
    columns = [row[1] for row in writes.execute(f"PRAGMA table_info({AUDIT})")]

    def write_pair(number: int) -> None:
        writes.execute("BEGIN IMMEDIATE")
        for half in "ab":
            writes.execute(
                f"INSERT INTO {AUDIT} (at, action, object_type, object_id, summary, details) "
                "VALUES (datetime('now'), 'test.write', '', '', ?, '{}')",
                (f"pair {number} {half}",),
            )
        writes.execute("COMMIT")

    writer = Writer(write_pair)
    backup_file = tmp_path / "backup.sqlite3"
    begun, ended = writer.during(lambda: sqlite_backup(str(live_sqlite), backup_file))
    writes.close()
    assert writer.committed_between(begun, ended) > 0  # writes went on during the backup

    restored = tmp_path / "restored.sqlite3"
    sqlite_restore(backup_file, str(restored))
    after, back = file_tables(live_sqlite), file_tables(restored)
    assert set(back) == set(after)
    for name in after:
        if name != AUDIT:
            assert back[name] == after[name], name
    summary = columns.index("summary")
    pairs = assert_whole_pairs(back[AUDIT], summary)
    assert 0 < pairs < assert_whole_pairs(after[AUDIT], summary)
    history = [row for row in back[AUDIT] if not str(row[summary]).startswith("pair")]
    assert history == [row for row in after[AUDIT] if not str(row[summary]).startswith("pair")]
    assert len(history) == 40_000


@on_postgresql
def test_a_postgresql_backup_during_writes_is_a_consistent_snapshot_that_restores(
    tmp_path: Path,
) -> None:
    from revsight.core.backup import backup, restore

    build_cast()
    before = django_tables()

    def write_pair(number: int) -> None:
        with transaction.atomic():
            for half in "ab":
                AuditEntry.objects.create(action="test.write", summary=f"pair {number} {half}")

    writer = Writer(write_pair)
    file = tmp_path / "backup.dump"
    begun, ended = writer.during(lambda: backup(file))
    assert writer.committed_between(begun, ended) > 0
    total = len(writer.committed)

    restore(file, force=True)
    back = django_tables()
    assert set(back) == set(before)
    for name in before:
        if name != AUDIT:
            assert back[name] == before[name], name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AUDIT} LIMIT 0")
        summary = [column[0] for column in cursor.description].index("summary")
    assert 0 < assert_whole_pairs(back[AUDIT], summary) < total


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def test_backup_and_restore_round_trip_through_the_command_line(tmp_path: Path) -> None:
    build_cast()
    file = tmp_path / "revsight.backup"
    code, output = run("backup", str(file))
    assert code == 0, output
    assert f" to {file} (" in output
    before = django_tables()
    Team.objects.create(name="Made after the backup")

    code, output = run("restore", str(file), "--force")
    assert code == 0, output
    assert output.startswith(f"Restored {file} into ")
    assert django_tables() == before


def test_restore_refuses_a_database_holding_data(tmp_path: Path) -> None:
    build_cast()
    file = tmp_path / "revsight.backup"
    run("backup", str(file))
    Team.objects.create(name="Made after the backup")
    code, output = run("restore", str(file))
    assert code == 1
    assert "holds data (" in output
    assert "Give --force to replace it" in output
    assert Team.objects.filter(name="Made after the backup").exists()


def test_restore_names_a_missing_file(tmp_path: Path) -> None:
    code, output = run("restore", str(tmp_path / "nowhere.backup"))
    assert code == 2
    assert f"Error: There is no backup file {tmp_path / 'nowhere.backup'}." in output


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    build_cast()
    file = tmp_path / "notes.txt"
    file.write_text("not a database\n")
    code, output = run("restore", str(file), "--force")
    assert code == 2
    assert f"Error: --file '{file}' is not a " in output
    assert Team.objects.count() == 4


def test_a_failed_backup_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "missing-directory" / "revsight.backup"
    code, output = run("backup", str(target))
    assert code == 1
    assert "revsight.backup" in output
    assert not target.parent.exists() or not any(target.parent.iterdir())
