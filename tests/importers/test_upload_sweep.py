"""Uploaded files are not kept for ever: a failed or interrupted upload's files wait a week for
its retry, a folder no job names (its request was killed) a day; a queued upload keeps them."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from revsight.core.models import Organisation
from revsight.importers import uploads
from revsight.importers.tasks import queue_upload, sweep
from revsight.jobs.models import Job, State
from tests.importers import exports
from tests.people import Cast
from tests.web.clients import uploads as uploaded

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def home(settings: Any, tmp_path: Path) -> None:
    """A data directory of the test's own, so its uploads folder holds only the test's."""
    settings.REVSIGHT_HOME = tmp_path / "home"


def _failed_upload(cast: Cast, tmp_path: Path) -> Job:
    # Real data never goes into the demo organisation: the job fails, its files are kept.
    Organisation.objects.filter(pk=Organisation.current().pk).update(is_demo=True)
    files = uploaded(exports.salesforce(tmp_path / "export"))
    job = queue_upload("salesforce", files, mapping=None, dry_run=False, actor=cast.admin)
    job.refresh_from_db()
    assert job.state == State.FAILED
    return job


def test_a_failed_upload_s_files_wait_a_week_for_a_retry_then_go(
    cast: Cast, tmp_path: Path
) -> None:
    job = _failed_upload(cast, tmp_path)
    folder = uploads.uploads_home() / job.params["folder"]
    assert (folder / "files" / "Opportunity.csv").exists()
    assert sweep(timezone.now() + timedelta(days=6)) == []
    assert folder.exists()
    assert sweep(timezone.now() + timedelta(days=8)) == [job.params["folder"]]
    assert not folder.exists()


def test_a_retry_that_fails_again_keeps_them_a_week_from_its_own_end(
    cast: Cast, tmp_path: Path
) -> None:
    first = _failed_upload(cast, tmp_path)
    Job.objects.filter(pk=first.pk).update(finished_at=timezone.now() - timedelta(days=30))
    from revsight.jobs.services import retry

    again = retry(first.pk, cast.admin)
    again.refresh_from_db()
    assert again.state == State.FAILED
    assert sweep() == []
    assert (uploads.uploads_home() / first.params["folder"]).exists()


def test_an_upload_still_queued_keeps_its_files(cast: Cast, tmp_path: Path) -> None:
    folder, names = uploads.keep(uploaded(exports.salesforce(tmp_path / "export")))
    Job.objects.create(kind="import", params={"folder": folder, "names": names}, label="queued")
    assert sweep(timezone.now() + timedelta(days=30)) == []
    assert (uploads.uploads_home() / folder).exists()


def test_a_folder_no_job_names_and_a_spilled_file_go_after_a_day(tmp_path: Path) -> None:
    folder, _ = uploads.keep(uploaded(exports.salesforce(tmp_path / "export")))
    spilled = uploads.uploads_home() / "incoming" / "tmpabc123.upload.csv"
    spilled.parent.mkdir(parents=True, exist_ok=True)
    spilled.write_text("Id\n")
    assert sweep() == []
    day_ago = (timezone.now() - timedelta(days=1, minutes=1)).timestamp()
    os.utime(uploads.uploads_home() / folder, (day_ago, day_ago))
    os.utime(spilled, (day_ago, day_ago))
    assert sorted(sweep()) == sorted([folder, "incoming/tmpabc123.upload.csv"])
    assert not (uploads.uploads_home() / folder).exists()
    assert not spilled.exists()
