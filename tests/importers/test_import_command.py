"""`revsight import` as other tools call it: exit codes, one JSON object, plain sentences."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from revsight.cli import cli
from revsight.core.models import Organisation
from tests.importers import exports
from tests.importers.helpers import cli_import, snapshot

pytestmark = pytest.mark.django_db


def test_a_missing_path_is_invalid_input(tmp_path: Path) -> None:
    code, document = cli_import("salesforce", tmp_path / "nowhere")
    assert code == 2
    assert document["errors"] == [
        {
            "file": str(tmp_path / "nowhere"),
            "row": None,
            "field": "",
            "value": "",
            "message": "does not exist",
        }
    ]


def test_files_of_another_crm_are_refused_with_what_was_found(tmp_path: Path) -> None:
    code, document = cli_import("hubspot", exports.salesforce(tmp_path / "sf"))
    assert code == 2
    message = document["errors"][0]["message"]
    assert message.startswith("is not HubSpot export input as Revsight knows it")
    assert "Opportunity.csv" in message


def test_a_malformed_csv_names_the_row(tmp_path: Path) -> None:
    export = exports.salesforce(tmp_path / "sf")
    path = export / "Account.csv"
    path.write_text(path.read_text().replace('"Globex","Prospect"', '"Globex,"Prospect"', 1))
    code, document = cli_import("salesforce", export)
    assert code == 2
    error = document["errors"][0]
    assert (error["file"], error["row"]) == ("Account.csv", 3)
    assert "a quote may be missing" in error["message"]


def test_text_output_says_what_happened_in_sentences(salesforce_export: Path) -> None:
    result = CliRunner().invoke(cli, ["import", "salesforce", str(salesforce_export)])
    assert result.exit_code == 0
    assert "Imported from salesforce:" in result.output
    assert "  opportunities: 4 created, 0 updated, 0 unchanged" in result.output
    assert "is not among the people in this import" in result.output


def test_text_output_of_invalid_input_says_nothing_was_imported(tmp_path: Path) -> None:
    rows = [list(row) for row in exports.OPPORTUNITIES]
    rows[0][exports.OPPORTUNITY_HEADER.index("CloseDate")] = "31/03/2026"
    export = exports.salesforce(tmp_path / "sf", opportunities=rows)
    result = CliRunner().invoke(cli, ["import", "salesforce", str(export)])
    assert result.exit_code == 2
    assert result.stdout.splitlines()[:2] == [
        "Nothing was imported: the salesforce input has 1 error. Fix them and run the import "
        "again.",
        "  Opportunity.csv, row 2, field CloseDate: '31/03/2026' is not a date "
        "(expected YYYY-MM-DD)",
    ]


def test_the_demo_organisation_refuses_real_imports(salesforce_export: Path) -> None:
    Organisation.objects.update(is_demo=True)
    before = snapshot()
    result = CliRunner().invoke(cli, ["import", "salesforce", str(salesforce_export)])
    assert result.exit_code == 1
    assert "demo organisation" in result.output
    assert snapshot() == before


def test_json_output_is_exactly_one_object(salesforce_export: Path) -> None:
    result = CliRunner().invoke(
        cli, ["import", "salesforce", str(salesforce_export), "--format", "json", "--dry-run"]
    )
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["dry_run"] is True


def test_a_terminal_gets_a_progress_bar_on_stderr(
    salesforce_export: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io
    import sys

    from revsight.cli.imports import _with_progress
    from revsight.importers.registry import get

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    report = _with_progress(get("salesforce"), salesforce_export, False, "text")
    assert report.ok
    assert "Importing" in terminal.getvalue()


def test_template_runs_as_its_own_process(tmp_path: Path) -> None:
    """The commands set Django up themselves (the test process already has it)."""
    import os
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "revsight.cli", "template", "quotas", "--format", "xlsx"],
        cwd=tmp_path,
        env={**os.environ, "REVSIGHT_HOME": str(tmp_path / "home")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "quotas.xlsx").exists()
    assert "month*" in done.stdout
