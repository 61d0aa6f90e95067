"""Running one import: staging it, the dry run, the audit entry and the report.

An import is worked out first and written after, so that the database's write lock is held
only for the writing (`core/staging.py`): on SQLite every record is read, checked, resolved
and written to a private copy of the database, with the write lock never taken; then, unless
the input has any error or it is a dry run, what it wrote is replayed on the database in one
short transaction, with the audit entry and the data-version counters, so stored data is
either fully updated or untouched. Should the tables it depends on have changed meanwhile, it
is staged again from a fresh copy, and at last run under the lock. On PostgreSQL (which locks
rows, not the database) it runs in one transaction on the database itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import timezone

from revsight.access.permissions import Reach
from revsight.analytics.facts import FACTS
from revsight.core import audit, staging
from revsight.core.errors import Conflict
from revsight.core.models import Organisation
from revsight.core.progress import SILENT, Progress
from revsight.core.versions import deferred, mark_changed
from revsight.importers.base import Context, Importer, Record
from revsight.importers.classify import configured
from revsight.importers.currency import Rates, load_rates
from revsight.importers.files import Bundle, UnreadableFile, estimated_records
from revsight.importers.limits import Deadline
from revsight.importers.report import Problem, Report
from revsight.importers.write import Writer

log = logging.getLogger("revsight.import")
# Each fact table's data-version counter, by table name: what staging checks has not moved.
FACT_TABLES = {model._meta.db_table: fact for fact, (model, _) in FACTS.items()}


Items = Iterable[Record | Problem]


@dataclass
class Prepared:
    context: Context
    label: str
    items: Callable[[Context], Items]  # read afresh by each attempt


class ImportRefused(Conflict):
    """The import cannot run at all here (not a problem of the input's rows)."""


def run_import(
    importer: Importer,
    path: Path,
    *,
    dry_run: bool = False,
    actor: Any = None,
    file_label: str | None = None,
    progress: Progress = SILENT,
) -> Report:
    """Import `path` with `importer`; nothing is stored unless the report says ok. Every change
    must be within `actor`'s reach (`access.permissions.Reach`); without an actor the import is
    the operator's, with an administrator's rights (the command line). `progress` hears the
    rows read (of the files' lines) and the records written so far, by entity."""
    organisation = _organisation()
    label = file_label or path.name

    def prepare() -> tuple[Report, Prepared | None]:
        progress.start(estimated_records(path) or None, unit="rows")
        return _prepare(importer, path, organisation, dry_run, label)

    return _staged(importer, prepare, actor=actor, dry_run=dry_run, progress=progress)


def run_records(
    importer: Importer,
    records: Iterable[Record],
    *,
    dry_run: bool = False,
    actor: Any = None,
    label: str,
) -> Report:
    """Write records that did not come from files (a batch pushed through the API) exactly as
    an import of them by `actor` would: the same checks, staging, audit entry and report.
    Amounts are in the organisation's currency or converted by no rate (a currency error)."""
    organisation = _organisation()
    rows = list(records)

    def prepare() -> tuple[Report, Prepared | None]:
        report = Report(importer.source, dry_run)
        context = _context(organisation, report, Rates(organisation.currency))
        return report, Prepared(context, label, lambda _: iter(rows))

    return _staged(importer, prepare, actor=actor, dry_run=dry_run)


def _organisation() -> Organisation:
    organisation = Organisation.current()
    if organisation.is_demo:
        raise ImportRefused(
            "This installation holds the demo organisation; real data does not mix into it. "
            "Import into a fresh REVSIGHT_HOME (or a new database) after `revsight init`."
        )
    return organisation


def _staged(
    importer: Importer,
    prepare: Callable[[], tuple[Report, Prepared | None]],
    *,
    actor: Any,
    dry_run: bool,
    progress: Progress = SILENT,
) -> Report:
    """Stage the records and keep them unless the report has errors or it is a dry run; staged
    again, from a fresh report, when the database moved under the stage."""
    for stage in staging.attempts(FACT_TABLES):
        report, prepared = prepare()
        if prepared is None:
            return report
        try:
            with stage:
                with deferred() as marks:
                    _write(importer, prepared, Reach.of(actor), progress)
                if report.ok and not dry_run:
                    with stage.applying():
                        _record(importer, report, prepared.label, actor, marks)
        except staging.Stale as moved:
            log.warning(
                "The database changed while %s was staged (%s): again", prepared.label, moved
            )
            continue
        break
    if report.ok:
        report.summarise()
    return report


def _prepare(
    importer: Importer, path: Path, organisation: Organisation, dry_run: bool, label: str
) -> tuple[Report, Prepared | None]:
    """The report to fill, and the files and their context; None when the files cannot be
    imported at all (the report says why). Reads files only."""
    report = Report(getattr(importer, "report_as", importer.source), dry_run)
    for entity in getattr(importer, "entities", ()):
        report.count(entity)
    try:
        bundle = Bundle(path)
        if not importer.detect(bundle):
            found = ", ".join(bundle.names) or "no CSV or XLSX files"
            expected = getattr(importer, "required", "its files")
            report.error(
                Problem(
                    label,
                    None,
                    "",
                    "",
                    f"is not {importer.label} input as Revsight knows it (expected {expected}; "
                    f"found {found})",
                )
            )
            return report, None
        rates = load_rates(bundle, organisation.currency, report)
    except UnreadableFile as exc:
        report.error(exc.problem)
        return report, None
    context = _context(organisation, report, rates)
    return report, Prepared(context, label, lambda context: importer.records(bundle, context))


def _context(organisation: Organisation, report: Report, rates: Rates) -> Context:
    return Context(
        report=report,
        time_zone=organisation.time_zone,
        currency=organisation.currency,
        classifier=configured(),
        rates=rates,
    )


def _write(
    importer: Importer,
    prepared: Prepared,
    reach: Reach,
    progress: Progress,
) -> None:
    """Every record read, checked and written (to the stage); errors go to the report."""
    report = prepared.context.report
    writer = Writer(importer, prepared.context, timezone.now(), reach)
    deadline = Deadline(prepared.label)
    count = 0
    try:
        for count, item in enumerate(prepared.items(prepared.context), 1):
            if isinstance(item, Problem):
                report.error(item)
            else:
                writer.add(item)
            if count % 1000 == 0:
                deadline.check()
                progress.advance(1000)
                progress.tally(_written(report))
    except UnreadableFile as exc:
        report.error(exc.problem)
    writer.finish()
    progress.advance(count % 1000)
    progress.tally(_written(report))


def _written(report: Report) -> dict[str, int]:
    """The records written so far (created, updated or unchanged), by entity."""
    counts = {name: c.created + c.updated + c.unchanged for name, c in report.entities.items()}
    return {name: count for name, count in counts.items() if count}


def _record(importer: Importer, report: Report, label: str, actor: Any, marks: set[str]) -> None:
    """The import's last writes, in the transaction that keeps it: counters and audit entry."""
    if marks:
        mark_changed(*sorted(marks))
    audit.record(
        "import",
        f"Imported {label} from {importer.label}",
        actor=actor,
        details={
            "source": importer.source,
            "file": label,
            "entities": {k: v.as_json() for k, v in report.entities.items()},
            "warnings": len(report.warnings) + report.warnings_left_out,
        },
    )
