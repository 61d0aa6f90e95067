"""The watched import folder (`IMPORT_WATCH_DIR`): a CRM export dropped there is imported by the
worker, as the operator, then moved to `done/` or `failed/` with its JSON report beside it
(`revsight import --format json`'s), and the managers are emailed the summary.

A file is claimed by renaming it into `processing/` (atomic on one file system), so when two
workers see it only one imports it. A file changed less than `IMPORT_WATCH_MIN_AGE` seconds ago
is left alone: it may still be being written.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from revsight.core.progress import Progress
from revsight.importers.registry import detect
from revsight.importers.report import Problem, Report
from revsight.importers.run import run_import
from revsight.jobs import services as jobs
from revsight.jobs.models import Job
from revsight.org.models import Role, User
from revsight.routine.mailing import notify
from revsight.routine.models import EmailKind

KIND = "watched_import"
SUFFIXES = (".zip", ".csv", ".xlsx")
OUTCOMES = ("processing", "done", "failed")


def folder() -> Path | None:
    configured = settings.REVSIGHT_IMPORT_WATCH_DIR
    return Path(configured) if configured else None


def _ready(path: Path, now: float) -> bool:
    if not path.is_file() or path.name.startswith(".") or path.suffix.lower() not in SUFFIXES:
        return False
    return now - path.stat().st_mtime >= settings.REVSIGHT_IMPORT_WATCH_MIN_AGE


def claim(path: Path) -> Path | None:
    """Move `path` into `processing/` under a name of its own; None when another worker took
    it first."""
    processing = path.parent / "processing"
    processing.mkdir(exist_ok=True)
    claimed = processing / f"{timezone.now():%Y%m%d-%H%M%S}-{os.getpid()}-{path.name}"
    try:
        os.rename(path, claimed)
    except FileNotFoundError:
        return None
    return claimed


def scan() -> list[Job]:
    """Queue the import of every settled file in the watched folder."""
    watched = folder()
    if watched is None or not watched.is_dir():
        return []
    now = time.time()
    queued = []
    for path in sorted(watched.iterdir()):
        if not _ready(path, now):
            continue
        claimed = claim(path)
        if claimed is not None:
            params = {"path": str(claimed), "name": path.name}
            queued.append(jobs.submit(KIND, params, schedule="watched folder", label=path.name))
    return queued


def _import(claimed: Path, name: str, progress: Progress) -> dict[str, Any]:
    importer = detect(claimed)
    if importer is None:
        report = Report("unknown", False)
        report.error(
            Problem(
                name,
                None,
                "",
                "",
                "is not an export Revsight recognises (Salesforce, HubSpot or Pipedrive)",
            )
        )
        return report.as_json()
    return run_import(importer, claimed, file_label=name, progress=progress).as_json()


def _run(params: dict[str, Any], actor: Any, progress: Progress) -> dict[str, Any]:
    claimed, name = Path(params["path"]), params["name"]
    progress.start(None, unit="rows", note=name)
    result = _import(claimed, name, progress)
    outcome = "done" if result.get("status") == "ok" else "failed"
    target = claimed.parent.parent / outcome
    target.mkdir(exist_ok=True)
    os.replace(claimed, target / claimed.name)
    report = target / f"{claimed.name}.report.json"
    report.write_text(json.dumps(result, indent=2) + "\n")
    result["moved_to"] = str(target / claimed.name)
    result["emailed"] = _tell_managers(name, outcome, result)
    return result


def _tell_managers(name: str, outcome: str, result: dict[str, Any]) -> list[str]:
    context = {
        "file": name,
        "source": result.get("source", ""),
        "ok": outcome == "done",
        "outcome": outcome,
        "entities": sorted((result.get("entities") or {}).items()),
        "errors": len(result.get("errors") or []),
        "warnings": len(result.get("warnings") or []),
    }
    managers = User.objects.filter(is_active=True, role=Role.MANAGER).order_by("email")
    page = reverse("jobs")
    return [
        m.email
        for m in managers
        if notify(m, EmailKind.IMPORT_SUMMARY, "import_summary", context, page)
    ]


def may_run(actor: Any) -> bool:
    """A watched-folder import retried by hand: executives and administrators."""
    return bool(actor.is_authenticated and actor.sees_everything)


jobs.define(KIND, "Watched-folder import", _run, may_run)
