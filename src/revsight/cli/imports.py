"""`revsight import …` and `revsight template …`: the command-line contract of the importers.

Exit codes: 0 imported (or a clean dry run), 2 the input is invalid and nothing was written,
1 any other failure, also with nothing written. `--format json` prints exactly one JSON object.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from revsight.cli.base import needs_django, pending_migrations, setup_django
from revsight.cli.progress import progress_bar

FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
DRY_RUN = click.option("--dry-run", is_flag=True, help="Check and count; write nothing.")
BACKGROUND = click.option(
    "--background",
    is_flag=True,
    help="Queue the import for `revsight worker` and print the job (the worker must read PATH).",
)
PATH = click.argument("path", type=click.Path(path_type=Path))
AS_OPERATOR = (
    "Importing as the operator, with an administrator's rights (the Import page imports with "
    "the rights of the person uploading)."
)


@needs_django
def _run(
    source: str,
    path: Path,
    dry_run: bool,
    fmt: str,
    mapping: Path | None = None,
    background: bool = False,
) -> None:
    from revsight.importers.classify import RulesError
    from revsight.importers.mapping import MappingError, load
    from revsight.importers.registry import get
    from revsight.importers.report import Problem, Report
    from revsight.importers.run import ImportRefused
    from revsight.importers.sources.spreadsheet import Spreadsheet

    if pending_migrations():
        _fail("The database is not initialised: run `revsight init` first.")
    click.echo(AS_OPERATOR, err=True)
    if background:
        _queue(source, path, dry_run, fmt, mapping)
        return
    report: Report
    try:
        if source == "csv":
            importer: Any = Spreadsheet(load(mapping) if mapping else None)
        else:
            importer = get(source)
        if not path.exists():
            report = Report(source, dry_run)
            report.error(Problem(str(path), None, "", "", "does not exist"))
        else:
            report = _with_progress(importer, path, dry_run, fmt)
    except MappingError as exc:
        report = Report(source, dry_run)
        report.error(Problem(mapping.name if mapping else "", None, "", "", str(exc)))
    except (ImportRefused, RulesError) as exc:
        _fail(str(exc))
    if fmt == "json":
        click.echo(json.dumps(report.as_json(), ensure_ascii=False, default=str))
    else:
        click.echo(report.as_text())
    sys.exit(0 if report.ok else 2)


def _queue(source: str, path: Path, dry_run: bool, fmt: str, mapping: Path | None) -> None:
    from revsight.importers.tasks import queue_file
    from revsight.jobs.services import as_json

    if not path.exists():
        _fail(f"{path} does not exist.")
    job = queue_file(source, path, mapping=mapping, dry_run=dry_run)
    if fmt == "json":
        click.echo(json.dumps(as_json(job), ensure_ascii=False))
    else:
        click.echo(f"Queued job {job.pk}: `revsight jobs show {job.pk}` follows it.")


def _with_progress(importer: Any, path: Path, dry_run: bool, fmt: str) -> Any:
    from revsight.importers.run import run_import

    with progress_bar("Importing", fmt) as progress:
        return run_import(importer, path, dry_run=dry_run, progress=progress)


def _fail(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    sys.exit(1)


@click.group("import")
def import_group() -> None:
    """Import a CRM export or spreadsheets: validated first, all or nothing, re-runnable."""


CRM_SOURCES = {
    "salesforce": "A Salesforce Data Export: a directory, a .zip or Opportunity.csv alone.",
    "hubspot": "HubSpot deals (with owners, calls and meetings when present).",
    "pipedrive": "Pipedrive deal and activity exports.",
}


def _crm_command(source: str, help_text: str) -> click.Command:
    """`revsight import SOURCE PATH [--dry-run] [--format …]` for one CRM."""

    @PATH
    @DRY_RUN
    @FORMAT
    @BACKGROUND
    def command(path: Path, dry_run: bool, fmt: str, background: bool) -> None:
        _run(source, path, dry_run, fmt, background=background)

    return click.command(source, help=help_text)(command)


for _source, _help in CRM_SOURCES.items():
    import_group.add_command(_crm_command(_source, _help))


@import_group.command("csv")
@PATH
@click.option(
    "--mapping",
    type=click.Path(path_type=Path, dir_okay=False),
    help="TOML file mapping the files' columns onto Revsight's templates (docs/import.md). "
    "Without it, files must be named and laid out like the templates.",
)
@DRY_RUN
@FORMAT
@BACKGROUND
def import_csv(path: Path, mapping: Path | None, dry_run: bool, fmt: str, background: bool) -> None:
    """CSV or XLSX files: Revsight's templates, or anything through a mapping file."""
    _run("csv", path, dry_run, fmt, mapping, background)


@click.command("template")
@click.argument("entity")
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Where to write it. Default: ENTITY.csv or ENTITY.xlsx in the current directory.",
)
def template(entity: str, fmt: str, output: Path | None) -> None:
    """Write an empty import template for ENTITY, with its columns explained.

    Entities: users, teams, accounts, opportunities, stage_changes, activities, quotas,
    forecast_submissions, leads, marketing_spend, invoices, time_entries, service_backlog,
    sales_expenses, goals.
    """
    setup_django()
    from revsight.importers.schema import ENTITIES
    from revsight.importers.templates import describe, write_template

    if entity not in ENTITIES:
        raise click.BadParameter(
            f"{entity!r} is not one of: {', '.join(ENTITIES)}", param_hint="ENTITY"
        )
    target = output or Path(f"{entity}.{fmt}")
    write_template(entity, fmt, target)
    click.echo(f"Wrote {target}. Columns of {entity} (* required):")
    click.echo(describe(entity))
