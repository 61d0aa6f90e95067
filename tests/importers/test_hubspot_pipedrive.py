"""HubSpot and Pipedrive exports: deals, owners, stage history and activities, exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from revsight.crm.models import Activity, Opportunity, StageChange
from revsight.org.models import User
from tests.importers import exports
from tests.importers.helpers import do_import

pytestmark = pytest.mark.django_db


def deal(source: str, external_id: str) -> Opportunity:
    return Opportunity.objects.select_related("stage", "owner", "account").get(
        source=source, external_id=external_id
    )


def test_hubspot_deals_owners_and_stage_history(tmp_path: Path) -> None:
    report = do_import("hubspot", exports.hubspot(tmp_path))
    assert report.ok, report.errors
    assert report.entities["users"].created == 2
    won, lost, open_deal = deal("hubspot", "9001"), deal("hubspot", "9002"), deal("hubspot", "9003")
    assert (won.status, won.stage.name, won.owner.email, won.type) == (
        "won",
        "Closed Won",
        "ana@acme.test",
        "new_business",
    )
    assert (lost.status, lost.stage.name, lost.close_date) == (
        "lost",
        "Closed Lost",
        date(2026, 3, 5),
    )
    assert (open_deal.stage.name, open_deal.stage.probability, open_deal.forecast_category) == (
        "Contract Sent",
        Decimal("0.9000"),
        "commit",
    )
    assert open_deal.account.name == "Acme Corp"
    history = StageChange.objects.filter(opportunity=won).order_by("changed_at")
    assert [(c.to_stage.name, c.changed_at) for c in history] == [
        ("Appointment Scheduled", datetime(2026, 1, 10, 9, 0, tzinfo=UTC)),
        ("Contract Sent", datetime(2026, 2, 15, 10, 0, tzinfo=UTC)),
        ("Closed Won", datetime(2026, 3, 20, 15, 0, tzinfo=UTC)),
    ]


def test_hubspot_calls_and_meetings_become_classified_activities(tmp_path: Path) -> None:
    do_import("hubspot", exports.hubspot(tmp_path))
    kinds = dict(Activity.objects.values_list("external_id", "type"))
    assert kinds == {"7001": "discovery_call", "7002": "new_prospect_call", "8001": "demonstration"}
    demo = Activity.objects.get(external_id="8001")
    assert (demo.owner.email, demo.date, demo.opportunity.name) == (
        "ana@acme.test",
        date(2026, 4, 10),
        "Acme expansion",
    )


def test_hubspot_ui_export_with_label_headers(tmp_path: Path) -> None:
    exports.write(
        tmp_path / "hubspot-crm-exports-all-deals.csv",
        [
            "Record ID",
            "Deal Name",
            "Deal Stage",
            "Close Date",
            "Deal owner",
            "Amount",
            "Pipeline",
            "Create Date",
            'Date entered "Appointment Scheduled (Sales Pipeline)"',
        ],
        [
            [
                "123",
                "Initech pilot",
                "Appointment Scheduled",
                "2026-05-31",
                "Dana Ruiz",
                "7,500.00",
                "Sales Pipeline",
                "2026-04-02 10:15",
                "2026-04-02 10:15",
            ]
        ],
    )
    report = do_import("hubspot", tmp_path)
    assert report.ok, report.errors
    pilot = deal("hubspot", "123")
    assert (pilot.amount, pilot.status, pilot.created_date) == (
        Decimal("7500.00"),
        "open",
        date(2026, 4, 2),
    )
    assert pilot.owner.email == "dana.ruiz@hubspot.placeholder.invalid"
    assert pilot.owner.name == "Dana Ruiz"
    assert [w.field for w in report.warnings] == ["Deal owner"]


def test_pipedrive_won_and_lost_deals_land_in_closed_stages(tmp_path: Path) -> None:
    report = do_import("pipedrive", exports.pipedrive(tmp_path))
    assert report.ok, report.errors
    won, lost, open_deal = (deal("pipedrive", n) for n in "123")
    assert (won.status, won.stage.outcome, won.close_date) == ("won", "won", date(2026, 3, 20))
    assert (lost.status, lost.stage.outcome, lost.loss_reason) == ("lost", "lost", "Price")
    assert (open_deal.stage.name, open_deal.close_date) == ("Proposal Made", date(2026, 6, 30))
    assert not Opportunity.objects.filter(name="Old deleted deal").exists()
    # Owners are names in Pipedrive: placeholders until their emails are known.
    assert won.owner.name == "Ana Souza"
    assert User.objects.filter(source="pipedrive").count() == 2


def test_pipedrive_activities_that_happened_are_classified(tmp_path: Path) -> None:
    report = do_import("pipedrive", exports.pipedrive(tmp_path))
    kinds = dict(Activity.objects.values_list("external_id", "type"))
    assert kinds == {
        "501": "discovery_call",
        "502": "new_prospect_call",
        "503": "demonstration",
        "504": "face_to_face_call",
    }
    assert any("not marked done" in w.message for w in report.warnings)


def test_pipedrive_owner_names_match_people_already_known(tmp_path: Path) -> None:
    User.objects.create_user("ana@acme.test", None, name="Ana Souza")
    do_import("pipedrive", exports.pipedrive(tmp_path))
    assert deal("pipedrive", "1").owner.email == "ana@acme.test"


def test_pipedrive_next_activity_becomes_the_deals_next_step(tmp_path: Path) -> None:
    report = do_import("pipedrive", exports.pipedrive(tmp_path))
    assert report.ok, report.errors
    steps = dict(
        Opportunity.objects.filter(source="pipedrive").values_list("external_id", "next_step")
    )
    # Activity 505 is the only one not done: deal 3's next activity.
    assert steps == {"1": "", "2": "", "3": "Call: Follow-up next month (2026-12-01)"}
