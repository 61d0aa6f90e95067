"""`revsight serve` runs one worker beside gunicorn (so `make demo` stays one command), and
stops it with the server; `--no-worker` leaves the worker to be run apart."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest

from tests.importers import exports
from tests.serving import environment, revsight, serving

pytestmark = [pytest.mark.slow, pytest.mark.embedded]


def _state(env: dict[str, str], job_id: int) -> str:
    shown = json.loads(revsight(env, "jobs", "show", str(job_id), "--format", "json").stdout)
    return str(shown["state"])


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_runs_the_queued_jobs_and_stops_its_worker(tmp_path: Path) -> None:
    env = environment(tmp_path / "home")
    revsight(env, "init")
    export = exports.salesforce(tmp_path / "export")
    with serving(env) as (_, log):
        queued = json.loads(
            revsight(
                env, "import", "salesforce", str(export), "--background", "--format", "json"
            ).stdout
        )
        for _ in range(120):
            if _state(env, queued["id"]) == "done":
                break
            time.sleep(0.5)
        assert _state(env, queued["id"]) == "done"
        found = re.search(r"beside it \(process (\d+)\)", log.read_text())
        assert found is not None
        worker = int(found.group(1))
        assert _running(worker)
    for _ in range(100):
        if not _running(worker):
            break
        time.sleep(0.1)
    assert not _running(worker)


def test_no_worker_serves_alone(tmp_path: Path) -> None:
    env = environment(tmp_path / "home")
    revsight(env, "init")
    with serving(env, "--no-worker") as (_, log):
        queued = json.loads(
            revsight(
                env,
                "import",
                "salesforce",
                str(exports.salesforce(tmp_path / "e")),
                "--background",
                "--format",
                "json",
            ).stdout
        )
        time.sleep(3)  # long enough for a worker to have taken it, were there one
        assert _state(env, queued["id"]) == "queued"
        assert "beside it" not in log.read_text()
