"""Work staged on a copy of the embedded database is kept only when applied, exactly as it ran
(the same ids, no rolled-back savepoint), and is refused as stale when something it read moved
meanwhile; on PostgreSQL work runs on the database itself."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, transaction

from revsight.core import staging
from revsight.core.staging import Direct, Staged, Stale
from revsight.crm.models import Stage
from revsight.importers.run import FACT_TABLES
from revsight.org.models import Team, User

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="staging on a copy is for the embedded database"
)


def _elsewhere(work: Callable[[], object]) -> None:
    """`work` on a connection of its own, as another request would do it."""

    def run() -> None:
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def _stage(name: str) -> Stage:
    return Stage.objects.create(name=name, order=1, probability=Decimal("0.2"), outcome="open")


def _apply(stage: Staged) -> None:
    with stage.applying():
        pass


@on_sqlite
@pytest.mark.django_db
def test_work_not_applied_leaves_the_database_as_it_was() -> None:
    with Staged(FACT_TABLES):
        Team.objects.create(name="North")
        assert Team.objects.filter(name="North").exists()
    assert not Team.objects.filter(name="North").exists()


@on_sqlite
@pytest.mark.django_db
def test_applied_work_is_kept_with_the_ids_it_had_on_the_copy() -> None:
    Team.objects.create(name="South")
    with Staged(FACT_TABLES) as stage:
        team = Team.objects.create(name="North")
        User.objects.create_user("ada@example.com", None, team=team)
        with stage.applying():
            pass
    assert User.objects.get(email="ada@example.com").team_id == team.id
    assert Team.objects.get(id=team.id).name == "North"


@on_sqlite
@pytest.mark.django_db
def test_a_rolled_back_savepoint_is_not_replayed() -> None:
    with Staged(FACT_TABLES) as stage:
        try:
            with transaction.atomic():
                Team.objects.create(name="Gone")
                raise ValueError("changed my mind")
        except ValueError:
            pass
        Team.objects.create(name="Kept")
        with stage.applying():
            pass
    assert list(Team.objects.values_list("name", flat=True)) == ["Kept"]


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_work_is_stale_when_a_table_it_read_changed_meanwhile() -> None:
    with Staged(FACT_TABLES) as stage:
        list(Stage.objects.all())
        Team.objects.create(name="North")
        _elsewhere(lambda: _stage("Pitch"))
        with pytest.raises(Stale, match="crm_stage"):
            _apply(stage)
    assert not Team.objects.filter(name="North").exists()
    assert Stage.objects.filter(name="Pitch").exists()


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_changes_to_tables_the_work_never_read_do_not_make_it_stale() -> None:
    with Staged(FACT_TABLES) as stage:
        _stage("Pitch")
        _elsewhere(lambda: Team.objects.create(name="Elsewhere"))
        with stage.applying():
            pass
    assert Stage.objects.filter(name="Pitch").exists()
    assert Team.objects.filter(name="Elsewhere").exists()


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_a_stage_whose_process_died_is_swept_by_the_next(tmp_path: Path) -> None:
    left = Path(staging.tempfile.gettempdir())
    journal, copy = left / "staging-dead.journal", left / "staging-dead.sqlite3"
    journal.write_bytes(b"")
    copy.write_bytes(b"")
    an_hour_ago = time.time() - 3600
    os.utime(journal, (an_hour_ago, an_hour_ago))
    with Staged(FACT_TABLES):
        pass
    assert not journal.exists()
    assert not copy.exists()


@pytest.mark.django_db
def test_on_postgresql_work_runs_on_the_database_itself() -> None:
    tried = list(staging.attempts(FACT_TABLES))
    if connection.vendor == "postgresql":
        assert [type(stage) for stage in tried] == [Direct]
    else:
        assert [type(stage) for stage in tried] == [Staged, Staged, Direct]
