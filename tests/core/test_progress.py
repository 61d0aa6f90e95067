"""One progress interface (`core/progress.py`): the command line draws it as a bar on a
terminal's stderr and draws nothing for JSON or a pipe; a job keeps the very same figures."""

from __future__ import annotations

import io
import sys
from datetime import date
from pathlib import Path

import pytest
from bench.big_export import write_export

from revsight.analytics.replica import rebuild_replica
from revsight.cli.progress import Bar, progress_bar
from revsight.core.models import Organisation
from revsight.core.progress import SILENT
from revsight.forecasting.backtest import HORIZONS, backtest
from revsight.importers.registry import get
from revsight.importers.run import run_import
from revsight.importers.tasks import queue_file
from revsight.jobs.models import State

pytestmark = pytest.mark.django_db


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def terminal() -> Terminal:
    return Terminal()


@pytest.fixture
def export(tmp_path: Path) -> Path:
    Organisation.current()
    return write_export(tmp_path / "export", 2_500)


def test_json_output_and_a_pipe_get_no_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stderr", Terminal())
    with progress_bar("Importing") as progress:
        assert isinstance(progress, Bar)
    with progress_bar("Importing", "json") as progress:
        assert progress is SILENT
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # not a terminal
    with progress_bar("Importing") as progress:
        assert progress is SILENT


def test_an_import_on_a_terminal_shows_rows_read_and_entities_so_far(
    terminal: Terminal, export: Path
) -> None:
    with progress_bar("Importing", stream=terminal) as progress:
        report = run_import(get("salesforce"), export, progress=progress)
    assert report.ok
    shown = terminal.getvalue()
    # 60 users, 2,000 accounts and 2,500 opportunities: the files' 4,560 rows, all read.
    assert "4560/4560" in shown
    assert "100%" in shown
    assert "60 users, 2,000 accounts, 2,500 opportunities, 2,500 stage changes" in shown


def test_an_import_job_keeps_the_figures_the_terminal_draws(export: Path) -> None:
    job = queue_file("salesforce", export, mapping=None, dry_run=False)
    job.refresh_from_db()
    assert job.state == State.DONE
    assert job.progress["done"] == 4_560
    assert job.progress["total"] == 4_560
    assert job.progress["unit"] == "rows"
    assert job.progress["counts"] == {
        "users": 60,
        "accounts": 2_000,
        "opportunities": 2_500,
        "stage_changes": 2_500,
    }


def test_a_step_of_unknown_size_and_a_note_are_lines_of_words(terminal: Terminal) -> None:
    bar = Bar("Building", terminal)
    bar.note("Simulating 25 salespeople over 36 months")
    bar.start(None, note="Laying out the records")
    bar.start(3, unit="tables", note="Copying the fact tables")
    bar.advance(3)
    bar.close()
    shown = terminal.getvalue()
    assert shown.startswith(
        "  Simulating 25 salespeople over 36 months\n  Laying out the records…\n"
    )
    assert "  Copying the fact tables  [####################################]  3/3  100%" in shown


def test_the_replica_rebuild_reports_each_table(terminal: Terminal) -> None:
    with progress_bar("Rebuilding", stream=terminal) as progress:
        status = rebuild_replica(progress)
    assert f"{len(status.rows)}/{len(status.rows)}" in terminal.getvalue()
    assert "Copying the fact tables" in terminal.getvalue()


def test_the_backtest_reports_each_origin_of_each_horizon(terminal: Terminal) -> None:
    Organisation.current()
    with progress_bar("Backtesting", stream=terminal) as progress:
        backtest(date(2026, 6, 30), months=3, progress=progress)
    total = len(HORIZONS) * 3
    assert "Backtesting the forecast methods" in terminal.getvalue()
    assert f"{total}/{total}" in terminal.getvalue()


def test_beside_a_bar_only_the_latest_four_kinds_are_counted(terminal: Terminal) -> None:
    bar = Bar("Building", terminal)
    bar.start(10, unit="records", note="Writing the records")
    bar.tally({"stages": 7, "teams": 6, "users": 40, "accounts": 1_125, "opportunities": 3_454})
    bar.advance(10)
    bar.close()
    last = terminal.getvalue().split("\r")[-1]
    assert "100%  …, 6 teams, 40 users, 1,125 accounts, 3,454 opportunities\x1b" in last
