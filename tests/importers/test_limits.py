"""Bounded input: no file, however it is built, takes a worker's memory or hours of its time.

The memory cases run `revsight import` in a process of its own and compare its peak resident
memory with the same command on a small valid file (at most 300 MB more)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from revsight.core.models import Organisation
from revsight.importers.report import Report
from tests.importers.helpers import do_import, snapshot
from tests.people import Cast

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
HEADER = "external_id,name,owner,stage,amount,created_date,close_date\n"
MEASURED = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=120)\n"
    "sys.stdout.write(done.stdout)\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
)


@pytest.fixture(autouse=True)
def organisation() -> None:
    Organisation.current()


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory of its own for the commands measured here (always SQLite)."""
    path = tmp_path_factory.mktemp("limits-home")
    _revsight(path, "init")
    return path


def _revsight(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["REVSIGHT_HOME"] = str(home)
    command = [sys.executable, "-c", MEASURED, sys.executable, "-m", "revsight.cli", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=180)


def peak_mb(home: Path, path: Path) -> tuple[float, str]:
    """Peak memory of `revsight import csv PATH --format json`, and what it printed."""
    done = _revsight(home, "import", "csv", str(path), "--format", "json")
    *output, peak = done.stdout.strip().splitlines()
    return int(peak) / 1024, "\n".join(output)


def baseline(home: Path, tmp_path: Path) -> float:
    small = tmp_path / "small" / "opportunities.csv"
    small.parent.mkdir()
    small.write_text(HEADER + "D-1,Pilot,ana@acme.test,Proposal,100,2026-01-05,2026-03-31\n")
    return peak_mb(home, small.parent)[0]


@pytest.mark.slow
@pytest.mark.embedded
def test_a_line_of_hundreds_of_megabytes_is_refused_without_reading_it_whole(
    home: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "long"
    folder.mkdir()
    with (folder / "opportunities.csv").open("w") as handle:
        handle.write(HEADER + "D-1,")
        for _ in range(400):
            handle.write("x" * MB)
        handle.write(",ana@acme.test,Proposal,1,2026-01-05,2026-03-31\n")
    peak, output = peak_mb(home, folder)
    assert '"message": "has a line longer than 8 million characters (line 2)"' in output
    assert peak - baseline(home, tmp_path) <= 300


@pytest.mark.slow
@pytest.mark.embedded
def test_a_zip_bomb_is_refused_before_it_expands(home: Path, tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with (
        zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bomb,
        bomb.open("opportunities.csv", "w") as member,
    ):
        member.write(HEADER.encode() + b"D-1,")
        chunk = b"a" * MB
        for _ in range(1200):
            member.write(chunk)
    assert archive.stat().st_size < 2 * MB
    peak, output = peak_mb(home, archive)
    assert re.search(r"expands [\d,]+ times its compressed size: refused as a zip bomb", output)
    assert peak - baseline(home, tmp_path) <= 300


def declaring_every_cell(tmp_path: Path) -> Path:
    """A small workbook whose sheet declares the range A1:XFD1048576."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["X-1", "Pilot", "ana@acme.test", "Proposal", 100, "2026-01-05", "2026-03-31"])
    for _ in range(2_000):  # blank rows, which the declared width would pad to 16,384 cells
        sheet.append([" "])
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    declared = tmp_path / "opportunities.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(declared, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', data)
            target.writestr(entry, data)
    assert b"A1:XFD1048576" in zipfile.ZipFile(declared).read("xl/worksheets/sheet1.xml")
    return declared


def test_a_spreadsheet_declaring_every_cell_is_read_for_the_cells_it_holds(
    tmp_path: Path,
) -> None:
    from openpyxl import load_workbook

    from revsight.importers.files import sheet_values

    book = load_workbook(declaring_every_cell(tmp_path), read_only=True)
    widths = [len(values) for values in sheet_values(book, "opportunities.xlsx")]
    assert (len(widths), max(widths)) == (2_002, 7)


@pytest.mark.slow
@pytest.mark.embedded
def test_a_spreadsheet_declaring_every_cell_imports_in_bounded_memory(
    home: Path, tmp_path: Path
) -> None:
    peak, output = peak_mb(home, declaring_every_cell(tmp_path))
    assert '"status": "ok"' in output
    assert '"opportunities": {"created": 1' in output
    assert peak - baseline(home, tmp_path) <= 300


def test_a_zip_entry_outside_the_archive_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as crafted:
        crafted.writestr("../../opportunities.csv", HEADER)
    report = do_import("csv", archive)
    assert [p.sentence() for p in report.errors] == [
        "export.zip: '../../opportunities.csv' is a path outside the archive"
    ]


def test_a_zip_expanding_beyond_the_configured_total_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as big:
        big.writestr("opportunities.csv", HEADER + "x" * (2 * MB))
    with override_settings(REVSIGHT_MAX_UNZIPPED_MB=1):
        report = do_import("csv", archive)
    assert [p.sentence() for p in report.errors] == [
        "export.zip: expands to 2 MB, more than the 1 MB allowed (REVSIGHT_MAX_UNZIPPED_MB)"
    ]


def test_an_import_past_its_time_limit_stops_and_writes_nothing(cast: Cast, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    rows = "".join(
        f"D-{n},Deal {n},ann@acme.test,Proposal,100,2026-01-05,2026-03-31\n" for n in range(1500)
    )
    (folder / "opportunities.csv").write_text(HEADER + rows)
    before = snapshot()
    with override_settings(REVSIGHT_IMPORT_TIME_LIMIT=-1):
        report: Report = do_import("csv", folder)
    assert [p.sentence() for p in report.errors] == [
        "many: took longer than the -1 s an import may take (REVSIGHT_IMPORT_TIME_LIMIT); "
        "nothing was written"
    ]
    assert snapshot() == before


def test_an_upload_over_the_limit_is_refused_before_it_is_read(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.admin)
    before = snapshot()
    upload = SimpleUploadedFile("opportunities.csv", HEADER.encode() + b"x" * (2 * MB))
    with override_settings(REVSIGHT_MAX_UPLOAD_MB=1):
        page = client.post("/import/", {"source": "csv", "uploads": [upload]})
        api = client.post("/api/forecasts/", b"{}" + b" " * (2 * MB), "application/json")
    assert page.status_code == 413
    assert "Revsight accepts up to 1 MB at once (REVSIGHT_MAX_UPLOAD_MB)" in page.content.decode()
    assert api.status_code == 413
    assert api.json()["error"]["code"] == "too_large"
    assert snapshot() == before
