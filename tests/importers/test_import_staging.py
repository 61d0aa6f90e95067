"""An import is worked out on a copy of the embedded database and written in one short
transaction (`core/staging.py`): a dry run never asks for the write lock; an import during which
something it depends on changed is staged again, one during which forecasts were submitted is
not; and one killed at any moment, even while it writes, leaves every table as it was."""

from __future__ import annotations

import logging
import os
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from bench.big_export import write_export
from django.db import connection

from revsight.core.models import Organisation
from revsight.core.progress import Silent
from revsight.crm.models import ForecastSubmission, Opportunity, Stage
from revsight.forecasting.services import submit_forecast
from revsight.importers.registry import get
from revsight.importers.run import run_import
from revsight.org.models import User
from tests.importers import exports
from tests.serving import REVSIGHT, environment, revsight

on_sqlite = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="staging on a copy is for the embedded database"
)


class _once_staging(Silent):
    """Progress that does `work` once, on a connection of its own, while the import is being
    staged (at its first thousand rows)."""

    def __init__(self, work: Callable[[], object]) -> None:
        self.work = work
        self.done = False

    def advance(self, count: int = 1) -> None:
        if self.done:
            return
        self.done = True

        def run() -> None:
            try:
                self.work()
            finally:
                connection.close()

        thread = threading.Thread(target=run)
        thread.start()
        thread.join()


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_an_import_is_staged_again_when_a_stage_is_added_meanwhile(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    Organisation.current()
    export = write_export(tmp_path / "export", 1500)

    def add_stage() -> None:
        Stage.objects.create(name="Negotiation", order=5, probability=Decimal("0.6"))

    with caplog.at_level(logging.WARNING, logger="revsight.import"):
        report = run_import(get("salesforce"), export, progress=_once_staging(add_stage))
    assert report.ok
    assert report.entities["opportunities"].created == 1500
    assert Opportunity.objects.count() == 1500
    assert Stage.objects.filter(name="Negotiation").exists()
    assert "changed while Export was staged (crm_stage)" in caplog.text.replace("export", "Export")


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_forecasts_submitted_during_an_import_do_not_make_it_stage_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    Organisation.current()
    User.objects.create_user("dana@example.com", None)
    export = write_export(tmp_path / "export", 1500)
    period = date.today().strftime("%Y-%m")

    def submit() -> None:
        submit_forecast("dana@example.com", period, "12000")

    with caplog.at_level(logging.WARNING, logger="revsight.import"):
        report = run_import(get("salesforce"), export, progress=_once_staging(submit))
    assert report.ok
    assert Opportunity.objects.count() == 1500
    assert ForecastSubmission.objects.get().amount == Decimal("12000")
    assert "staged" not in caplog.text


def _rows(database: Path) -> dict[str, list[Any]]:
    with closing(sqlite3.connect(database)) as db:
        tables = [t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: db.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in tables}


def _lock_is_held(database: Path) -> bool:
    with closing(sqlite3.connect(database, timeout=0, isolation_level=None)) as db:
        try:
            db.execute("BEGIN IMMEDIATE")
            db.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:
            return True


@pytest.mark.embedded
def test_a_dry_run_never_asks_for_the_write_lock(tmp_path: Path) -> None:
    env = environment(tmp_path / "home", REVSIGHT_SQLITE_BUSY_TIMEOUT="1")
    export = exports.salesforce(tmp_path / "salesforce")
    revsight(env, "init")
    revsight(env, "import", "salesforce", str(export))
    database = tmp_path / "home" / "revsight.sqlite3"
    with closing(sqlite3.connect(database, isolation_level=None)) as holder:
        holder.execute("BEGIN IMMEDIATE")  # as another writer would hold it, for longer than 1 s
        dry = subprocess.run(
            [*REVSIGHT, "import", "salesforce", str(export), "--dry-run"],
            env=env,
            capture_output=True,
            text=True,
        )
        holder.execute("ROLLBACK")
    assert dry.returncode == 0, dry.stderr
    assert "Dry run: nothing was written." in dry.stdout


@pytest.mark.slow  # two imports of 20,000 deals
@pytest.mark.embedded
@pytest.mark.parametrize("moment", ["staging", "applying"])
def test_an_import_killed_at_any_moment_leaves_every_table_as_it_was(
    tmp_path: Path, moment: str
) -> None:
    env = environment(tmp_path / "home")
    revsight(env, "init")
    revsight(env, "import", "salesforce", str(exports.salesforce(tmp_path / "salesforce")))
    database = tmp_path / "home" / "revsight.sqlite3"
    before = _rows(database)
    export = write_export(tmp_path / "export", 20_000)
    importing = subprocess.Popen(
        [*REVSIGHT, "import", "salesforce", str(export)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    started = time.monotonic()
    # Staging never takes the write lock: the import holds it only while applying.
    while importing.poll() is None:
        if _lock_is_held(database) if moment == "applying" else time.monotonic() - started > 3:
            os.kill(importing.pid, signal.SIGKILL)
            break
        time.sleep(0.002)
    assert importing.wait() == -signal.SIGKILL, "the import ended before it could be killed"
    assert _rows(database) == before
    again = revsight(env, "import", "salesforce", str(export))
    assert again.stdout.startswith("Imported from salesforce")
