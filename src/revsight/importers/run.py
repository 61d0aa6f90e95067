"""Running one import: the transaction, the dry run, the audit entry and the report.

Everything happens inside one transaction. It is rolled back when the input has any error, on a
dry run, and on any unexpected failure, so stored data is either fully updated or untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from revsight.access.permissions import Reach
from revsight.core import audit
from revsight.core.errors import Conflict
from revsight.core.models import Organisation
from revsight.importers.base import Context, Importer, Record
from revsight.importers.classify import configured
from revsight.importers.currency import Rates, load_rates
from revsight.importers.files import Bundle, UnreadableFile
from revsight.importers.limits import Deadline
from revsight.importers.report import Problem, Report
from revsight.importers.write import Writer


class ImportRefused(Conflict):
    """The import cannot run at all here (not a problem of the input's rows)."""


def run_import(
    importer: Importer,
    path: Path,
    *,
    dry_run: bool = False,
    actor: Any = None,
    file_label: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Import `path` with `importer`; nothing is stored unless the report says ok. Every change
    must be within `actor`'s reach (`access.permissions.Reach`); without an actor the import is
    the operator's, with an administrator's rights (the command line)."""
    organisation = _organisation()
    report = Report(getattr(importer, "report_as", importer.source), dry_run)
    for entity in getattr(importer, "entities", ()):
        report.count(entity)
    label = file_label or path.name
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
            return report
        rates = load_rates(bundle, organisation.currency, report)
    except UnreadableFile as exc:
        report.error(exc.problem)
        return report
    context = _context(organisation, report, rates)
    items = importer.records(bundle, context)
    return _write(importer, context, items, actor=actor, label=label, progress=progress)


def run_records(
    importer: Importer,
    records: Iterable[Record],
    *,
    dry_run: bool = False,
    actor: Any = None,
    label: str,
) -> Report:
    """Write records that did not come from files (a batch pushed through the API) exactly as
    an import of them by `actor` would: the same checks, transaction, audit entry and report.
    Amounts are in the organisation's currency or converted by no rate (a currency error)."""
    organisation = _organisation()
    report = Report(importer.source, dry_run)
    context = _context(organisation, report, Rates(organisation.currency))
    return _write(importer, context, records, actor=actor, label=label)


def _organisation() -> Organisation:
    organisation = Organisation.current()
    if organisation.is_demo:
        raise ImportRefused(
            "This installation holds the demo organisation; real data does not mix into it. "
            "Import into a fresh REVSIGHT_HOME (or a new database) after `revsight init`."
        )
    return organisation


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
    context: Context,
    items: Iterable[Record | Problem],
    *,
    actor: Any,
    label: str,
    progress: Callable[[int], None] | None = None,
) -> Report:
    """Check and write every record in one transaction, rolled back on any error, on a dry
    run and on any failure; audited when it stays."""
    report = context.report
    dry_run = report.dry_run
    with transaction.atomic():
        writer = Writer(importer, context, timezone.now(), Reach.of(actor))
        deadline = Deadline(label)
        try:
            for count, item in enumerate(items, start=1):
                if isinstance(item, Problem):
                    report.error(item)
                else:
                    writer.add(item)
                if count % 1000 == 0:
                    deadline.check()
                    if progress is not None:
                        progress(1000)
        except UnreadableFile as exc:
            report.error(exc.problem)
        writer.finish()
        if report.ok and not dry_run:
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
        if dry_run or not report.ok:
            transaction.set_rollback(True)
    if report.ok:
        report.summarise()
    return report
