"""Uploads run as jobs: the Import page answers at once and shows the job's progress, then the
same JSON summary the command gives; the Jobs page lists what a person may see and retries
what failed or was interrupted."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches

from revsight.core.models import Organisation
from revsight.jobs.models import Job, State
from revsight.jobs.queue import HUEY, JobProgress
from tests.importers import exports
from tests.importers.helpers import cli_import
from tests.people import Cast
from tests.web.clients import logged_in, uploads

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def organisation() -> None:
    Organisation.current()


def test_an_upload_is_a_job_with_the_command_s_json_summary(cast: Cast, tmp_path: Path) -> None:
    export = exports.salesforce(tmp_path / "sf")
    # An administrator's rights are the operator's: the same input gives the same summary.
    response = logged_in(cast.admin).post(
        "/import/", {"source": "salesforce", "uploads": uploads(export), "dry_run": "on"}
    )
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/import/?job={job.pk}"
    assert job.kind == "import"
    assert job.started_by == cast.admin
    assert job.state == State.DONE
    code, document = cli_import("salesforce", export, "--dry-run")
    assert code == 0
    assert job.result == document
    assert job.progress["unit"] == "rows"


def test_the_page_shows_the_running_job_s_progress_and_polls_it(cast: Cast) -> None:
    job = Job.objects.create(kind="import", started_by=cast.admin, label="Opportunity.csv")
    Job.objects.filter(pk=job.pk).update(state=State.RUNNING, worker="elsewhere:1")
    progress = JobProgress(job.pk)
    progress.start(10_000, unit="rows")
    progress.advance(4_000)
    progress.tally({"users": 12, "accounts": 1_500, "opportunities": 2_480})
    caches["jobs"].set("worker:elsewhere:1", 1)  # its worker beats: it is not taken for gone
    page = logged_in(cast.admin).get(f"/import/?job={job.pk}").content.decode()
    assert "4,000 of 10,000 rows" in page
    assert "So far: 12 users, 1,500 accounts, 2,480 opportunities" in page
    assert f'data-poll="/jobs/{job.pk}/status/"' in page
    assert '<progress max="100" value="40"' in page
    assert re.search(r"<script(?![^>]*\bsrc=)", page) is None  # no inline script (CSP)
    fragment = logged_in(cast.admin).get(f"/jobs/{job.pk}/status/").content.decode()
    assert fragment.startswith('<div class="job-status state-running"')


def test_a_finished_job_s_fragment_stops_the_polling_and_shows_the_report(
    cast: Cast, tmp_path: Path
) -> None:
    client = logged_in(cast.admin)
    client.post(
        "/import/", {"source": "salesforce", "uploads": uploads(exports.salesforce(tmp_path / "s"))}
    )
    job = Job.objects.get()
    fragment = client.get(f"/jobs/{job.pk}/status/").content.decode()
    assert "data-poll" not in fragment
    assert "<h2>Imported</h2>" in fragment
    assert '<td>Opportunities</td><td class="num">4</td>' in fragment


def test_an_imported_upload_is_removed_and_a_failed_one_kept_for_its_retry(
    cast: Cast, tmp_path: Path
) -> None:
    client = logged_in(cast.admin)
    export = exports.salesforce(tmp_path / "sf")
    client.post("/import/", {"source": "salesforce", "uploads": uploads(export)})
    kept = Path(settings.REVSIGHT_HOME) / "uploads"
    assert Job.objects.get().state == State.DONE
    assert [p.name for p in kept.iterdir() if p.name != "incoming"] == []
    Organisation.objects.update(is_demo=True)  # refused: the job fails
    client.post("/import/", {"source": "salesforce", "uploads": uploads(export)})
    failed = Job.objects.filter(state=State.FAILED).get()
    assert "real data does not mix into it" in failed.error
    assert (kept / failed.params["folder"] / "files" / "Opportunity.csv").exists()


def test_someone_else_s_job_is_not_found(cast: Cast) -> None:
    job = Job.objects.create(kind="import", started_by=cast.east_manager, state=State.DONE)
    assert logged_in(cast.west_manager).get(f"/import/?job={job.pk}").status_code == 404
    assert logged_in(cast.west_manager).get(f"/jobs/{job.pk}/status/").status_code == 404
    assert logged_in(cast.vp).get(f"/jobs/{job.pk}/status/").status_code == 200


@pytest.mark.parametrize(
    ("position", "status"),
    [("east_manager", 200), ("admin", 200), ("president", 200), ("east_rep", 403)],
)
def test_the_jobs_page_is_for_managers_and_above(cast: Cast, position: str, status: int) -> None:
    client = logged_in(getattr(cast, position))
    assert client.get("/jobs/").status_code == status
    assert (b'href="/jobs/"' in client.get("/organisation/").content) is (status == 200)


def test_the_jobs_page_lists_what_one_may_see_and_retries_a_failed_job(cast: Cast) -> None:
    east = Job.objects.create(
        kind="import",
        started_by=cast.east_manager,
        label="east.csv",
        state=State.FAILED,
        error="Something broke.",
        params={"source": "salesforce", "path": "/nowhere", "dry_run": False},
    )
    Job.objects.create(
        kind="import", started_by=cast.west_manager, label="west.csv", state=State.DONE
    )
    page = logged_in(cast.vp).get("/jobs/").content.decode()
    assert "east.csv" in page
    assert "west.csv" in page
    east_page = logged_in(cast.east_manager).get("/jobs/").content.decode()
    assert "east.csv" in east_page
    assert "west.csv" not in east_page
    assert "Something broke." in east_page
    assert f'action="/jobs/{east.pk}/retry/"' in east_page
    refused = logged_in(cast.west_manager).post(f"/jobs/{east.pk}/retry/")
    assert refused.status_code == 404
    HUEY.immediate = True
    retried = logged_in(cast.east_manager).post(f"/jobs/{east.pk}/retry/")
    assert retried.status_code == 302
    again = Job.objects.get(retry_of=east)
    assert again.started_by == cast.east_manager
    assert again.state == State.DONE
    assert again.result["errors"][0]["message"] == "does not exist"


def test_only_those_who_see_everything_rebuild_the_analytics_replica(cast: Cast) -> None:
    assert logged_in(cast.east_manager).post("/jobs/rebuild/").status_code == 403
    assert (
        b"Rebuild the analytics replica" not in logged_in(cast.east_manager).get("/jobs/").content
    )
    response = logged_in(cast.admin).post("/jobs/rebuild/")
    assert response.status_code == 302
    job = Job.objects.get(kind="analytics_rebuild")
    assert job.state == State.DONE, job.error
    assert "seconds" in job.result
