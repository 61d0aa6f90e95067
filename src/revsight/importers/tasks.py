"""Imports as jobs: an upload from the Import page, or a file on the server queued with
`revsight import … --background`. The job runs `run_import` exactly as the command does and
keeps its JSON report (`Report.as_json`, the command's `--format json`) as the result."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.utils import timezone

from revsight.access import permissions
from revsight.core.errors import InvalidInput
from revsight.core.progress import Progress
from revsight.importers import uploads
from revsight.importers.mapping import MappingError, load
from revsight.importers.registry import IMPORTERS, get
from revsight.importers.report import Problem, Report
from revsight.importers.sources.spreadsheet import Spreadsheet
from revsight.jobs import services
from revsight.jobs.models import RETRYABLE, Job, State

KIND = "import"


def queue_upload(
    source: str, files: Sequence[Any], *, mapping: Any, dry_run: bool, actor: Any
) -> Job:
    """Keep the uploaded files and queue their import with `actor`'s rights."""
    permissions.require(
        permissions.may_import(actor), "Only managers and administrators import data."
    )
    _check(source)
    kept_mapping = mapping if source == "csv" else None
    folder, names = uploads.keep(files, kept_mapping)
    params = {
        "source": source,
        "folder": folder,
        "names": names,
        "mapping_name": Path(kept_mapping.name).name if kept_mapping is not None else "",
        "dry_run": dry_run,
    }
    try:
        return services.submit(KIND, params, actor=actor, label=", ".join(names))
    except BaseException:
        uploads.discard(folder)
        raise


def queue_file(source: str, path: Path, *, mapping: Path | None, dry_run: bool) -> Job:
    """Queue the import of a file or folder on the server, as the operator (the command line)."""
    _check(source)
    params = {
        "source": source,
        "path": str(path.resolve()),
        "mapping": str(mapping.resolve()) if mapping else None,
        "dry_run": dry_run,
    }
    return services.submit(KIND, params, label=path.name)


def _check(source: str) -> None:
    """An unknown source is refused when the job is queued, not when it runs."""
    if source != "csv" and source not in IMPORTERS:
        raise InvalidInput("source", source, f"is not one of: csv, {', '.join(IMPORTERS)}")


def _run(params: dict[str, Any], actor: Any, progress: Progress) -> dict[str, Any]:
    if "folder" in params:
        path = uploads.kept_path(params["folder"], params["names"])
        mapping = uploads.kept_mapping(params["folder"])
        label = ", ".join(params["names"])
        mapping_name = params.get("mapping_name", "")
    else:
        path = Path(params["path"])
        mapping = Path(params["mapping"]) if params.get("mapping") else None
        label = path.name
        mapping_name = mapping.name if mapping else ""
    source, dry_run = params["source"], bool(params["dry_run"])
    try:
        importer: Any = Spreadsheet(load(mapping) if mapping else None) if source == "csv" else None
    except MappingError as exc:
        report = Report("csv", dry_run)
        report.error(Problem(mapping_name, None, "", "", str(exc)))
        return report.as_json()
    if importer is None:
        importer = get(source)
    if not path.exists():
        report = Report(source, dry_run)
        report.error(Problem(label, None, "", "", "does not exist"))
        return report.as_json()
    from revsight.importers.run import run_import  # the writers and the analytics they notify

    report = run_import(
        importer, path, dry_run=dry_run, actor=actor, file_label=label, progress=progress
    )
    return report.as_json()


def _cleanup(params: dict[str, Any], state: str) -> None:
    """An upload is removed once imported (or refused for its rows); a failed job keeps it, to
    be retried (`sweep` removes it when nobody has, within `KEEP_FAILED`)."""
    if "folder" in params and state == State.DONE:
        uploads.discard(params["folder"])


# How long the files of a failed or interrupted upload are kept for a retry.
KEEP_FAILED = timedelta(days=7)
# An upload folder no job names (its request was killed between keeping it and queuing it), or
# a file Django spilled to disk for a request that never finished, is left this long.
KEEP_ORPHANS = timedelta(days=1)


def sweep(now: datetime | None = None) -> list[str]:
    """Remove the uploads no job will read again: those of failed or interrupted imports not
    retried within `KEEP_FAILED`, and folders no job names; what was removed, by name."""
    now = now or timezone.now()
    home = uploads.uploads_home()
    kept = home.iterdir() if home.is_dir() else iter(())
    folders = {p.name: p for p in kept if p.name.isalnum() and p.name != "incoming"}
    latest: dict[str, Job] = {}
    for each in Job.objects.filter(kind=KIND, params__has_key="folder").order_by("queued_at"):
        latest[each.params["folder"]] = each  # the last job for a folder: a retry, if any
    removed = []
    for name, path in folders.items():
        job = latest.get(name)
        if job is None:
            expired = _modified(path) < now - KEEP_ORPHANS
        elif job.state in RETRYABLE:
            expired = (job.finished_at or job.queued_at) < now - KEEP_FAILED
        else:
            expired = job.state == State.DONE
        if expired:
            uploads.discard(name)
            removed.append(name)
    incoming = home / "incoming"
    for spilled in incoming.iterdir() if incoming.is_dir() else ():
        if _modified(spilled) < now - KEEP_ORPHANS:
            spilled.unlink(missing_ok=True)
            removed.append(f"incoming/{spilled.name}")
    return removed


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


services.define(KIND, "Import", _run, permissions.may_import, _cleanup)
