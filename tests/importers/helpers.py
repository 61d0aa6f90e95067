"""Running imports in tests, and proving that a failed one left the database as it was."""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from django.apps import apps
from django.core import serializers

from revsight.cli import cli
from revsight.importers.mapping import load
from revsight.importers.registry import get
from revsight.importers.report import Report
from revsight.importers.run import run_import
from revsight.importers.sources.spreadsheet import Spreadsheet

SHARED_DATA = Path(__file__).resolve().parents[3] / "shared" / "data"
MAVEN_MAPPING = (
    Path(__file__).resolve().parents[2]
    / "src"
    / "revsight"
    / "importers"
    / "examples"
    / "maven_crm.toml"
)
STORED_APPS = ("org", "crm", "forecasting", "core", "analytics")


def snapshot(*, audit: bool = True) -> str:
    """Every stored row of every Revsight table, in a stable order (without the audit log
    when `audit` is False)."""
    models = [
        m
        for m in apps.get_models()
        if m._meta.app_label in STORED_APPS and (audit or m._meta.model_name != "auditentry")
    ]
    rows = itertools.chain.from_iterable(m._default_manager.order_by("pk") for m in models)
    return serializers.serialize("json", rows)


def importer(source: str, mapping: Path | None = None) -> Any:
    if source == "csv":
        return Spreadsheet(load(mapping) if mapping else None)
    return get(source)


def do_import(source: str, path: Path, mapping: Path | None = None, **options: Any) -> Report:
    return run_import(importer(source, mapping), path, **options)


def cli_import(source: str, path: Path, *extra: str) -> tuple[int, dict[str, Any]]:
    """Run `revsight import SOURCE PATH … --format json`; the exit code and the JSON."""
    result = CliRunner().invoke(
        cli, ["import", source, str(path), *extra, "--format", "json"], catch_exceptions=False
    )
    return result.exit_code, json.loads(result.stdout)


def totals(document: dict[str, Any]) -> dict[str, int]:
    """Created, updated and unchanged summed over entities."""
    summed = {"created": 0, "updated": 0, "unchanged": 0}
    for counts in document["entities"].values():
        for key in summed:
            summed[key] += counts[key]
    return summed
