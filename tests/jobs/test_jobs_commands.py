"""`revsight jobs list|show|retry`: the operator's view of every job, as text or JSON."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from revsight.cli import cli
from revsight.jobs.models import Job, State
from tests.people import Cast

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


@pytest.fixture
def jobs(cast: Cast) -> tuple[Job, Job]:
    done = Job.objects.create(
        kind="analytics_rebuild", started_by=cast.admin, state=State.DONE, result={"seconds": 1.5}
    )
    failed = Job.objects.create(
        kind="import",
        schedule="watched folder",
        label="deals.csv",
        state=State.FAILED,
        error="The file went away.",
        params={"source": "salesforce", "path": "/nowhere/deals.csv", "dry_run": False},
    )
    return done, failed


def test_the_list_shows_every_job_newest_first(jobs: tuple[Job, Job]) -> None:
    code, output = run("jobs", "list")
    assert code == 0
    lines = output.splitlines()
    assert lines[1].split()[:3] == [str(jobs[1].pk), "Import", "failed"]
    assert "schedule: watched folder" in lines[1]
    assert lines[2].split()[:4] == [str(jobs[0].pk), "Analytics", "rebuild", "done"]


def test_the_list_as_json_and_filtered(jobs: tuple[Job, Job]) -> None:
    code, output = run("jobs", "list", "--state", "failed", "--format", "json")
    assert code == 0
    [only] = json.loads(output)
    assert only["id"] == jobs[1].pk
    assert only["error"] == "The file went away."
    assert only["started_by"] == "schedule: watched folder"


def test_show_gives_the_result_or_the_error(jobs: tuple[Job, Job]) -> None:
    code, output = run("jobs", "show", str(jobs[0].pk), "--format", "json")
    assert code == 0
    assert json.loads(output)["result"] == {"seconds": 1.5}
    code, output = run("jobs", "show", str(jobs[1].pk))
    assert "error        The file went away." in output


def test_retry_queues_a_new_job_and_runs_it(jobs: tuple[Job, Job]) -> None:
    code, output = run("jobs", "retry", str(jobs[1].pk), "--format", "json")
    assert code == 0
    retried = json.loads(output)
    assert retried["retry_of"] == jobs[1].pk
    assert retried["started_by"] == "schedule: watched folder"
    job = Job.objects.get(pk=retried["id"])
    assert job.state == State.DONE  # run at once here; by `revsight worker` elsewhere
    assert job.result["errors"][0]["message"] == "does not exist"


def test_a_done_job_is_not_retried_and_an_unknown_one_not_found(jobs: tuple[Job, Job]) -> None:
    code, output = run("jobs", "retry", str(jobs[0].pk))
    assert code == 1
    assert "only failed or interrupted jobs are retried" in output
    code, output = run("jobs", "show", "999")
    assert code == 2
    assert "There is no job 999." in output
