"""A CRM export dropped in the watched folder is imported once, moved to done/ or failed/ with
its report beside it, and the managers are emailed the summary."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from revsight.crm.models import Opportunity
from revsight.jobs.models import Job
from revsight.routine import preferences, watch
from tests.importers import exports
from tests.people import Cast


@pytest.fixture
def watched(tmp_path: Path, settings: Any) -> Path:
    folder = tmp_path / "watched"
    folder.mkdir()
    settings.REVSIGHT_IMPORT_WATCH_DIR = str(folder)
    settings.REVSIGHT_IMPORT_WATCH_MIN_AGE = 30
    return folder


def settled(path: Path) -> Path:
    """As if written a minute ago."""
    past = time.time() - 60
    os.utime(path, (past, past))
    return path


def salesforce_zip(tmp_path: Path, target: Path) -> Path:
    return settled(exports.zipped(exports.salesforce(tmp_path / "sf"), target))


def test_an_export_is_imported_moved_to_done_and_the_managers_told(
    cast: Cast, watched: Path, tmp_path: Path, mailoutbox: list[Any]
) -> None:
    preferences.set_opt_outs(cast.west_manager, cast.west_manager, ["import_summary"])
    salesforce_zip(tmp_path, watched / "weekly.zip")
    [job] = watch.scan()
    job.refresh_from_db()
    assert (job.state, job.schedule, job.started_by) == ("done", "watched folder", None)
    assert job.result is not None
    assert job.result["status"] == "ok"
    assert Opportunity.objects.count() > 0
    [moved] = (watched / "done").glob("*-weekly.zip")
    report = json.loads((watched / "done" / f"{moved.name}.report.json").read_text())
    assert report["status"] == "ok"
    assert report["source"] == "salesforce"
    assert not list(watched.glob("*.zip"))
    assert not list((watched / "processing").iterdir())
    told = sorted(message.to[0] for message in mailoutbox)
    assert told == ["east.manager@acme.test", "services@acme.test", "vp@acme.test"]
    assert mailoutbox[0].subject == "Imported: weekly.zip"
    assert "/jobs/" in mailoutbox[0].body


def test_a_file_not_recognised_goes_to_failed_with_its_report(
    cast: Cast, watched: Path, mailoutbox: list[Any]
) -> None:
    (watched / "notes.csv").write_text("what,ever\n1,2\n")
    settled(watched / "notes.csv")
    [job] = watch.scan()
    job.refresh_from_db()
    assert job.result is not None
    assert job.result["status"] == "invalid"
    [moved] = (watched / "failed").glob("*-notes.csv")
    report = json.loads((watched / "failed" / f"{moved.name}.report.json").read_text())
    assert "is not an export Revsight recognises" in report["errors"][0]["message"]
    assert mailoutbox[0].subject == "Not imported: notes.csv"


def test_a_file_still_being_written_is_left_alone(cast: Cast, watched: Path) -> None:
    (watched / "export.csv").write_text("Id,Name\n")  # modified just now
    (watched / ".partial.zip").write_text("")
    (watched / "readme.txt").write_text("not an export")
    settled(watched / "readme.txt")
    assert watch.scan() == []
    assert not Job.objects.exists()
    assert (watched / "export.csv").exists()


def test_two_workers_import_a_file_once(cast: Cast, watched: Path, tmp_path: Path) -> None:
    path = salesforce_zip(tmp_path, watched / "weekly.zip")
    first = watch.claim(path)
    assert first is not None
    assert watch.claim(path) is None  # the other worker's rename finds it gone
    assert watch.scan() == []  # and a later look finds nothing to do
    assert not Job.objects.exists()
