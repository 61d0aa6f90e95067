"""Uploading an export in a real browser: the report, then the problems of a broken file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from revsight.core.models import Organisation
from tests.browser.test_login_flow import log_in
from tests.importers import exports

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_administrator_uploads_an_export_then_a_broken_one(
    live_server: Any, page: Any, tmp_path: Path
) -> None:
    from tests.people import build_cast

    build_cast()
    Organisation.current()
    export = exports.salesforce(tmp_path / "export")
    log_in(page, live_server.url, "admin@acme.test")
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("Source system").select_option("salesforce")
    page.get_by_label("Files to import").set_input_files(sorted(str(p) for p in export.iterdir()))
    page.get_by_role("button", name="Import", exact=True).click()
    assert page.get_by_role("heading", name="Imported").is_visible()
    assert page.get_by_role("row", name="Opportunities 4 0 0").is_visible()

    rows = [list(row) for row in exports.OPPORTUNITIES]
    rows[2][exports.OPPORTUNITY_HEADER.index("CloseDate")] = "2026-06-31"
    broken = exports.salesforce(tmp_path / "broken", opportunities=rows)
    page.get_by_label("Source system").select_option("salesforce")
    page.get_by_label("Files to import").set_input_files(str(broken / "Opportunity.csv"))
    page.get_by_role("button", name="Import", exact=True).click()
    assert page.get_by_role("heading", name="Nothing was imported").is_visible()
    problem = page.get_by_role("row", name="Opportunity.csv 4 CloseDate 2026-06-31")
    assert "is not a real calendar date" in problem.inner_text()
