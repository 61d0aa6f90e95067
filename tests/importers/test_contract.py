"""The contract every importer keeps, checked for each of them on its own kind of file.

Exit 0 and a count per entity on success; the same counts, all unchanged, when the same files
come again; exit 2 with errors naming file, row and field, and the database exactly as it was,
when one value is bad; a dry run that counts the same and writes nothing; one audit entry per
import.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from revsight.core.models import AuditEntry
from tests.importers import exports
from tests.importers.helpers import cli_import, snapshot, totals

pytestmark = pytest.mark.django_db

CRM_ENTITIES = ["users", "accounts", "opportunities", "stage_changes", "activities"]


@dataclass
class Case:
    source: str
    build: Callable[[Path], Path]
    # The file, the spreadsheet row and the column that the corruption breaks.
    bad_file: str
    bad_row: int
    bad_field: str
    entities: list[str]
    extra: tuple[str, ...] = ()


def _template_files(directory: Path) -> Path:
    exports.write(
        directory / "users.csv",
        ["email", "name", "role", "team"],
        [
            ["ana@acme.test", "Ana Souza", "salesperson", "West"],
            ["lee@acme.test", "Lee Chan", "manager", "West"],
        ],
    )
    exports.write(
        directory / "opportunities.csv",
        [
            "external_id",
            "name",
            "owner",
            "account",
            "stage",
            "status",
            "amount",
            "created_date",
            "close_date",
        ],
        [
            [
                "D-1",
                "Acme pilot",
                "ana@acme.test",
                "Acme Corp",
                "Proposal",
                "open",
                "15000",
                "2026-02-01",
                "2026-05-31",
            ],
            [
                "D-2",
                "Globex",
                "ana@acme.test",
                "Globex",
                "Closed Won",
                "won",
                "9000",
                "2026-01-05",
                "2026-03-02",
            ],
        ],
    )
    exports.write(
        directory / "quotas.csv",
        ["user", "team", "month", "amount"],
        [["ana@acme.test", "", "2026-03", "50000"]],
    )
    return directory


CASES = [
    Case("salesforce", exports.salesforce, "Opportunity.csv", 3, "Amount", CRM_ENTITIES),
    Case("hubspot", exports.hubspot, "deals.csv", 3, "amount", CRM_ENTITIES),
    Case("pipedrive", exports.pipedrive, "deals.csv", 3, "Deal - Value", CRM_ENTITIES),
    Case(
        "csv",
        _template_files,
        "opportunities.csv",
        3,
        "amount",
        ["users", "teams", "accounts", "opportunities", "stage_changes", "quotas"],
    ),
]


def corrupt(case: Case, directory: Path, value: str = "12,34.x") -> None:
    path = directory / case.bad_file
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    rows[case.bad_row - 1][rows[0].index(case.bad_field)] = value
    exports.write(path, rows[0], rows[1:])


@pytest.fixture(params=CASES, ids=lambda case: case.source)
def case(request: pytest.FixtureRequest) -> Case:
    return request.param  # type: ignore[no-any-return]


def test_an_import_reports_what_it_created_per_entity(case: Case, tmp_path: Path) -> None:
    code, document = cli_import(case.source, case.build(tmp_path), *case.extra)
    assert code == 0, document["errors"]
    assert set(document) == {"status", "dry_run", "source", "entities", "errors", "warnings"}
    assert document["status"] == "ok"
    assert document["dry_run"] is False
    assert document["source"] == case.source
    assert document["errors"] == []
    assert list(document["entities"]) == case.entities
    assert totals(document)["created"] > 0
    for warning in document["warnings"]:
        assert set(warning) == {"file", "row", "field", "value", "message"}


def test_the_same_files_again_change_nothing(case: Case, tmp_path: Path) -> None:
    path = case.build(tmp_path)
    cli_import(case.source, path, *case.extra)
    before = snapshot(audit=False)
    code, document = cli_import(case.source, path, *case.extra)
    assert code == 0
    summed = totals(document)
    assert (summed["created"], summed["updated"]) == (0, 0)
    assert summed["unchanged"] > 0
    # Nothing but the audit entry of the second run was written, not even a replica version.
    assert snapshot(audit=False) == before
    assert AuditEntry.objects.filter(action="import").count() == 2


def test_one_bad_value_stops_everything_and_names_file_row_and_field(
    case: Case, tmp_path: Path
) -> None:
    path = case.build(tmp_path)
    corrupt(case, path)
    before = snapshot()
    code, document = cli_import(case.source, path, *case.extra)
    assert code == 2
    assert document["status"] == "invalid"
    assert document["errors"][0] == {
        "file": case.bad_file,
        "row": case.bad_row,
        "field": case.bad_field,
        "value": "12,34.x",
        "message": "is not an amount",
    }
    assert snapshot() == before


def test_a_bad_value_after_good_ones_leaves_an_earlier_import_untouched(
    case: Case, tmp_path: Path
) -> None:
    path = case.build(tmp_path)
    cli_import(case.source, path, *case.extra)
    before = snapshot()
    corrupt(case, path)
    code, _ = cli_import(case.source, path, *case.extra)
    assert code == 2
    assert snapshot() == before


def test_a_dry_run_counts_the_same_and_writes_nothing(case: Case, tmp_path: Path) -> None:
    path = case.build(tmp_path)
    before = snapshot()
    code, dry = cli_import(case.source, path, "--dry-run", *case.extra)
    assert code == 0
    assert dry["dry_run"] is True
    assert snapshot() == before
    _, real = cli_import(case.source, path, *case.extra)
    assert dry["entities"] == real["entities"]


def test_each_import_is_in_the_audit_log_with_its_counts(case: Case, tmp_path: Path) -> None:
    _, document = cli_import(case.source, case.build(tmp_path), *case.extra)
    entry = AuditEntry.objects.get(action="import")
    assert entry.details["source"] == case.source
    assert entry.details["entities"] == document["entities"]


def test_a_negative_deal_amount_is_refused_naming_the_row(case: Case, tmp_path: Path) -> None:
    path = case.build(tmp_path)
    corrupt(case, path, "-15000")
    before = snapshot()
    code, document = cli_import(case.source, path, *case.extra)
    assert code == 2
    # Listed once, though HubSpot reads a deal's amount into each stage it entered too.
    assert document["errors"] == [
        {
            "file": case.bad_file,
            "row": case.bad_row,
            "field": case.bad_field,
            "value": "-15000",
            "message": "must be zero or more",
        }
    ]
    assert snapshot() == before
