"""The first company dashboard view after an import, with and without pre-warming, on a data
directory that already holds a large import (`bench.page_upload` leaves one: 1,000,000 deals).

    REVSIGHT_HOME=/tmp/rh-bench-upload python -m bench.prewarm_after_import

Each round imports a nightly export of 2,000 changed deals (as the operator), then either views
the dashboard at once (it is computed in the request, as the job computing it would) or first
runs the pre-warming job the worker's minute would queue, and then views it.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.big_export import write_export


def _setup() -> Any:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revsight.settings")
    import django

    django.setup()
    from django.test import Client

    from revsight.jobs.queue import HUEY
    from revsight.org.models import User

    HUEY.immediate = True  # the jobs run here, in this process, one after the other
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.filter(role="admin").order_by("pk").first())
    return client


def _import(seed: int) -> float:
    from revsight.importers.registry import get
    from revsight.importers.run import run_import

    with tempfile.TemporaryDirectory() as folder:
        export = write_export(Path(folder) / "nightly", 2_000, seed=seed)
        started = time.perf_counter()
        assert run_import(get("salesforce"), export).ok
        return time.perf_counter() - started


def _view(client: Any) -> float:
    started = time.perf_counter()
    answer = client.get("/dashboard/company/")
    seconds = time.perf_counter() - started
    assert answer.status_code == 200
    assert b"Computing" not in answer.content
    return seconds


def _prewarm() -> float:
    from revsight.routine import prewarm

    started = time.perf_counter()
    job = prewarm.check()
    assert job is not None
    return time.perf_counter() - started


def main() -> None:
    client = _setup()
    figures: dict[str, Any] = {"first_view_ever_s": round(_view(client), 2)}
    figures["kept_view_s"] = round(_view(client), 3)
    rounds = []
    for seed in (11, 12):
        imported = _import(seed)
        cold = _view(client)
        imported_again = _import(seed + 100)
        warming = _prewarm()
        warm = _view(client)
        rounds.append(
            {
                "import_s": round(imported, 1),
                "first_view_without_prewarm_s": round(cold, 2),
                "import_again_s": round(imported_again, 1),
                "prewarm_job_s": round(warming, 2),
                "first_view_with_prewarm_s": round(warm, 3),
            }
        )
    figures["rounds"] = rounds
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
