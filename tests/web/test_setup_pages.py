"""The setup checklist's page, its steps still to do on the landing pages, and the Import page's
templates and instructions for a new installation."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from revsight.core.models import Organisation
from revsight.importers.schema import ENTITIES
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def organisation() -> None:
    Organisation.current()


@pytest.mark.parametrize(
    ("position", "status"),
    [("admin", 200), ("president", 200), ("east_manager", 200), ("east_rep", 403)],
)
def test_the_checklist_is_for_managers_and_above(cast: Cast, position: str, status: int) -> None:
    assert logged_in(getattr(cast, position)).get("/setup/").status_code == status


def test_each_step_links_to_the_page_that_does_it(cast: Cast) -> None:
    page = logged_in(cast.admin).get("/setup/").content.decode()
    for key, url in [
        ("fiscal-year", "/settings/fiscal-year/"),
        ("teams", "/import/"),
        ("quotas", "/settings/quotas/"),
        ("stages", "/settings/stages/"),
        ("import", "/import/"),
        ("goals", "/settings/goals/"),
    ]:
        step = page.split(f'data-step="{key}"', 1)[1].split("</li>", 1)[0]
        assert f'href="{url}"' in step, key
    assert "2 of 7 steps done" in page  # teams and people, from the cast


def test_the_company_dashboard_lists_the_steps_still_to_do(cast: Cast) -> None:
    page = logged_in(cast.admin).get("/dashboard/company/").content.decode()
    assert "Setting up: 2 of 7 steps done" in page
    assert '<a href="/settings/stages/">Stages and their outcomes</a>: No stages yet' in page
    assert 'data-step="teams"' not in page.split("setup-todo", 1)[1].split("</section>", 1)[0]


def test_a_manager_without_a_dashboard_finds_the_steps_on_the_organisation_page(
    cast: Cast,
) -> None:
    cast.services.manager = None
    cast.services.save()
    page = logged_in(cast.services_head).get("/organisation/").content.decode()
    assert '<a href="/organisation/">Your team</a>: You manage no team yet.' in page


@pytest.mark.parametrize("entity", list(ENTITIES))
def test_every_template_downloads_with_all_its_columns(cast: Cast, entity: str) -> None:
    client = logged_in(cast.east_manager)
    response = client.get(f"/import/templates/{entity}.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{entity}.csv"'
    header = next(csv.reader(io.StringIO(response.content.decode())))
    assert header == [column.name for column in ENTITIES[entity].columns]
    workbook = client.get(f"/import/templates/{entity}.xlsx")
    book = load_workbook(io.BytesIO(workbook.content))
    assert [cell.value for cell in book[entity][1]] == header


@pytest.mark.parametrize("path", ["/import/templates/deals.csv", "/import/templates/users.pdf"])
def test_an_unknown_template_is_not_found(cast: Cast, path: str) -> None:
    assert logged_in(cast.admin).get(path).status_code == 404


def test_the_import_page_links_every_template_and_says_how_to_start(
    cast: Cast, tmp_path: Path
) -> None:
    page = logged_in(cast.admin).get("/import/").content.decode()
    for entity in ENTITIES:
        assert f'href="/import/templates/{entity}.csv"' in page
    for command in (
        "REVSIGHT_HOME=~/revsight revsight init",
        "revsight createuser --email you@example.com --role admin --name 'Your Name'",
        "revsight createuser --email lee@example.com --role manager --name 'Lee Chan' "
        "--manager-of West",
        "revsight serve",
    ):
        assert f"<code>{command}</code>" in page, command
    assert "<code>annual_quota</code>" in page
