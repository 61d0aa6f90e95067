"""The import page: who may use it, and that it reports exactly what the command reports."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from revsight.core.models import AuditEntry, Organisation
from revsight.crm.models import Opportunity, Stage
from tests.importers import exports
from tests.importers.helpers import MAVEN_MAPPING, snapshot
from tests.people import Cast
from tests.web.clients import logged_in, uploads

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def organisation() -> None:
    Organisation.current()


@pytest.mark.parametrize(
    ("position", "status"),
    [
        ("east_manager", 200),
        ("admin", 200),
        ("east_rep", 403),
        ("consultant", 403),
        ("president", 403),
    ],
)
def test_only_managers_and_administrators_may_import(
    cast: Cast, position: str, status: int
) -> None:
    response = logged_in(getattr(cast, position)).get("/import/")
    assert response.status_code == status
    home = logged_in(getattr(cast, position)).get("/organisation/")
    assert (b'href="/import/"' in home.content) is (status == 200)


def test_an_administrator_imports_an_export_and_sees_the_counts(cast: Cast, tmp_path: Path) -> None:
    export = exports.salesforce(tmp_path / "sf")
    response = logged_in(cast.admin).post(
        "/import/", follow=True, data={"source": "salesforce", "uploads": uploads(export)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h2>Imported</h2>" in page
    assert '<td>Opportunities</td><td class="num">4</td>' in page
    assert "is not among the people in this import" in page
    assert Opportunity.objects.count() == 4
    entry = AuditEntry.objects.get(action="import")
    assert entry.actor == cast.admin
    assert entry.details["file"] == ", ".join(sorted(p.name for p in export.iterdir()))
    assert entry.details["entities"]["opportunities"]["created"] == 4
    assert "Recent imports" in page
    assert "4 opportunities, 7 stage changes, 6 activities new; 1 user updated" in page


def test_a_manager_s_upload_cannot_take_over_another_team(cast: Cast, tmp_path: Path) -> None:
    client = logged_in(cast.east_manager)
    west = f"/dashboard/team/{cast.west.pk}/?as_of=2026-03-31"
    assert client.get(west).status_code == 404
    teams = SimpleUploadedFile("teams.csv", b"name,manager\nWest,east.manager@acme.test\n")
    before = snapshot()
    page = client.post(
        "/import/", follow=True, data={"source": "csv", "uploads": [teams]}
    ).content.decode()
    assert "Nothing was imported" in page
    assert "<td>you do not manage team &#x27;West&#x27;</td>" in page
    assert snapshot() == before
    assert client.get(west).status_code == 404


def test_an_invalid_upload_lists_file_row_and_field_and_stores_nothing(
    cast: Cast, tmp_path: Path
) -> None:
    rows = [list(row) for row in exports.OPPORTUNITIES]
    rows[3][exports.OPPORTUNITY_HEADER.index("Amount")] = "five thousand"
    export = exports.salesforce(tmp_path / "sf", opportunities=rows)
    client = logged_in(cast.admin)
    before = snapshot()
    response = client.post(
        "/import/", follow=True, data={"source": "salesforce", "uploads": uploads(export)}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert (
        '<td>Opportunity.csv</td><td class="num">5</td><td>Amount</td>'
        "<td><code>five thousand</code></td><td>is not an amount</td>"
    ) in page
    assert snapshot() == before


def test_a_zip_and_a_dry_run(cast: Cast, tmp_path: Path) -> None:
    archive = exports.zipped(exports.salesforce(tmp_path / "sf"), tmp_path / "export.zip")
    response = logged_in(cast.admin).post(
        "/import/",
        follow=True,
        data={
            "source": "salesforce",
            "uploads": SimpleUploadedFile("export.zip", archive.read_bytes()),
            "dry_run": "on",
        },
    )
    assert "Check passed" in response.content.decode()
    assert Opportunity.objects.count() == 0
    assert not AuditEntry.objects.filter(action="import").exists()


def test_spreadsheets_with_a_mapping_file(cast: Cast, shared_data: Path) -> None:
    maven = shared_data / "maven_crm"
    response = logged_in(cast.admin).post(
        "/import/",
        follow=True,
        data={
            "source": "csv",
            "uploads": uploads(maven),
            "mapping": SimpleUploadedFile("maven_crm.toml", MAVEN_MAPPING.read_bytes()),
        },
    )
    assert response.status_code == 200, response.content.decode()[:2000]
    assert Opportunity.objects.count() == 8800


def test_the_page_counts_open_deals_without_a_close_date(cast: Cast, tmp_path: Path) -> None:
    Stage.objects.create(name="Proposal", order=1, probability=Decimal("0.5"))
    exports.write(
        tmp_path / "opportunities.csv",
        ["external_id", "name", "owner", "stage", "created_date", "close_date"],
        [
            ["D-1", "Pilot", "ann@acme.test", "Proposal", "2026-01-05", "2026-03-02"],
            ["D-2", "Rollout", "ann@acme.test", "Proposal", "2026-01-05", ""],
            ["D-3", "Renewal", "ann@acme.test", "Proposal", "2026-01-05", ""],
        ],
    )
    response = logged_in(cast.admin).post(
        "/import/", follow=True, data={"source": "csv", "uploads": uploads(tmp_path)}
    )
    page = response.content.decode()
    assert "2 open deals have no expected close date: they appear in no pipeline figure" in page
    assert (
        '<td>opportunities.csv</td><td class="num">3</td><td>close_date</td><td></td>'
        "<td>is blank on an open deal: it appears in no pipeline figure until it has one</td>"
    ) in page


def test_a_broken_mapping_file_is_reported(cast: Cast, tmp_path: Path) -> None:
    response = logged_in(cast.admin).post(
        "/import/",
        follow=True,
        data={
            "source": "csv",
            "uploads": SimpleUploadedFile("deals.csv", b"id\n1\n"),
            "mapping": SimpleUploadedFile("map.toml", b"[[file]\n"),
        },
    )
    assert response.status_code == 200
    assert "not valid TOML" in response.content.decode()


def test_a_missing_file_is_a_form_error(cast: Cast) -> None:
    response = logged_in(cast.admin).post("/import/", follow=True, data={"source": "salesforce"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_the_demo_says_up_front_that_it_refuses_imports(cast: Cast, tmp_path: Path) -> None:
    Organisation.objects.update(is_demo=True)
    client = logged_in(cast.admin)
    assert "This is the demo organisation" in client.get("/import/").content.decode()
    before = snapshot()
    response = client.post(
        "/import/",
        follow=True,
        data={"source": "salesforce", "uploads": uploads(exports.salesforce(tmp_path))},
    )
    assert "real data does not mix into it" in response.content.decode()
    assert snapshot() == before
