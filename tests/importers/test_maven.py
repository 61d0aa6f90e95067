"""Maven Analytics' CRM Sales Opportunities data set through the shipped mapping, imported once
for the module (an import takes seconds) and read by each test."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from revsight.analytics import compute
from revsight.crm.models import Opportunity, Stage, StageChange
from tests import databases
from tests.importers.helpers import MAVEN_MAPPING, cli_import, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def maven(shared_data: Path) -> Path:
    return shared_data / "maven_crm"


@pytest.fixture(scope="module")
def imported(
    maven: Path, django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[dict[str, Any]]:
    """The import's JSON document; the database holds its result until the module ends."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        empty = databases.take("before-maven")
        code, document = cli_import("csv", maven, "--mapping", str(MAVEN_MAPPING))
        assert code == 0, document["errors"][:3]
        yield document
        databases.restore(empty)
        databases.discard(empty)
        connection.close()


def test_maven_crm_imports_through_the_shipped_mapping(imported: dict[str, Any]) -> None:
    document = imported
    assert {name: counts["created"] for name, counts in document["entities"].items()} == {
        "users": 41,  # 35 agents and 6 managers
        "teams": 3,
        "accounts": 85,
        "opportunities": 8800,
        # 8,300 engaged and 6,711 decided, plus the current state of the 500 never engaged.
        "stage_changes": 15511,
    }
    assert Opportunity.objects.filter(account__isnull=True).count() == 1425
    assert Opportunity.objects.filter(status="won").count() == 4238
    # Open deals without a value are valued at the product's list price, GTXPro included.
    gtx_pro_open = Opportunity.objects.filter(status="open", name__startswith="GTX Pro ")
    assert set(gtx_pro_open.values_list("amount", flat=True)) == {Decimal("4821.00")}
    prospect = Opportunity.objects.get(external_id="6CWZFOHJ")
    assert (prospect.created_date, prospect.close_date) == (date(2017, 12, 31), None)
    assert StageChange.objects.filter(opportunity=prospect).count() == 1
    result = compute(["bookings"], "2017", date(2017, 12, 31), "company", engine="database")
    assert result.rows[0].value == 10005534


def test_maven_crm_imported_again_is_unchanged(imported: dict[str, Any], maven: Path) -> None:
    before = snapshot(audit=False)
    code, document = cli_import("csv", maven, "--mapping", str(MAVEN_MAPPING))
    assert code == 0
    assert all(c["created"] == c["updated"] == 0 for c in document["entities"].values())
    assert snapshot(audit=False) == before


def test_maven_crm_counts_its_open_deals_without_a_close_date(imported: dict[str, Any]) -> None:
    document = imported
    # 1,589 Engaging and 500 Prospecting deals: counted once, the first five listed.
    assert document["warnings"][0] == {
        "file": "",
        "row": None,
        "field": "",
        "value": "",
        "message": "2,089 open deals have no expected close date: they appear in no pipeline "
        "figure",
    }
    listed = [w for w in document["warnings"] if w["message"].startswith("is blank on an open")]
    assert [(w["file"], w["row"], w["field"]) for w in listed] == [
        ("sales_pipeline.csv", row, "close_date") for row in (11, 27, 44, 46, 58)
    ]
    assert not any("created after" in w["message"] for w in document["warnings"])


def test_maven_crm_history_shows_no_outcome_before_the_close_date(imported: dict[str, Any]) -> None:
    open_period = StageChange.objects.filter(to_stage__outcome="open")
    lost_open = open_period.filter(opportunity__status="lost")
    assert lost_open.count() == 2473
    assert not lost_open.filter(amount=0).exists()
    # Every open-period row, of a deal later won, lost or still open, is at a list price.
    prices = {Decimal(p) for p in ("550", "4821", "55", "3393", "5482", "1096", "26768")}
    assert set(open_period.values_list("amount", flat=True)) == prices
    lost = Opportunity.objects.get(external_id="KWVA7VR1")  # GTXPro, lost with close_value 0
    won = Opportunity.objects.get(external_id="Z063OYW0")  # GTXPro, won for 4,514
    for deal, outcome in ((lost, ("Lost", Decimal("4821.00"))), (won, ("Won", Decimal("4514.00")))):
        history = StageChange.objects.filter(opportunity=deal).order_by("changed_at")
        assert [(c.to_stage.name, c.amount) for c in history] == [
            ("Engaging", Decimal("4821.00")),
            outcome,
        ]
        assert (deal.stage.name, deal.amount) == outcome
    stages = Stage.objects.order_by("order").values_list("name", "order", "outcome")
    assert list(stages) == [
        ("Prospecting", 1, "open"),
        ("Engaging", 2, "open"),
        ("Won", 100, "won"),
        ("Lost", 101, "lost"),
    ]
