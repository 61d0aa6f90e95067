"""Salesforce Data Export: what each file becomes, exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from revsight.crm.models import Activity, Opportunity, Stage, StageChange
from revsight.org.models import User
from tests.importers import exports
from tests.importers.exports import O1, O2, O3, O4
from tests.importers.helpers import cli_import, do_import, snapshot

pytestmark = pytest.mark.django_db


def deal(external_id: str) -> Opportunity:
    return Opportunity.objects.select_related("stage", "owner", "account").get(
        source="salesforce", external_id=external_id
    )


def test_every_file_of_the_export_is_counted(salesforce_export: Path) -> None:
    report = do_import("salesforce", salesforce_export)
    assert report.ok, report.errors
    assert {name: c.as_json() for name, c in report.entities.items()} == {
        "users": {"created": 4, "updated": 0, "unchanged": 0},
        "accounts": {"created": 2, "updated": 0, "unchanged": 0},
        "opportunities": {"created": 4, "updated": 0, "unchanged": 0},
        # Six history rows, plus the current state of the one deal without history.
        "stage_changes": {"created": 7, "updated": 0, "unchanged": 0},
        "activities": {"created": 6, "updated": 0, "unchanged": 0},
    }


def test_deals_keep_status_dates_and_categories(salesforce_export: Path) -> None:
    do_import("salesforce", salesforce_export)
    won, lost, open_deal, pilot = deal(O1), deal(O2), deal(O3), deal(O4)
    assert (won.status, won.stage.name, won.close_date, won.created_date) == (
        "won",
        "Closed Won",
        date(2026, 3, 20),
        date(2026, 1, 10),
    )
    assert (won.type, won.lead_source, won.account.name) == ("new_business", "Web", "Acme Corp")
    assert (lost.status, lost.loss_reason, lost.type) == ("lost", "Price", "existing_business")
    assert open_deal.status == "open"
    assert open_deal.forecast_category == "commit"
    assert open_deal.probability == Decimal("0.75")
    assert open_deal.next_step == "Pricing call"
    # The empty lookup means no account.
    assert pilot.account is None
    assert not Opportunity.objects.filter(name="Deleted deal").exists()


def test_amounts_in_another_currency_are_converted_with_the_exports_rates(
    salesforce_export: Path,
) -> None:
    do_import("salesforce", salesforce_export)
    lost = deal(O2)
    assert lost.amount == Decimal("13333.33")  # 12,000 EUR at 0.9 EUR per USD
    assert (lost.original_amount, lost.original_currency) == (Decimal("12000.00"), "EUR")
    history = StageChange.objects.filter(opportunity=lost).order_by("changed_at")
    assert [change.amount for change in history] == [Decimal("13333.33")] * 2


def test_a_currency_without_a_rate_is_an_error_naming_it(salesforce_export: Path) -> None:
    rows = [list(row) for row in exports.OPPORTUNITIES]
    rows[2][exports.OPPORTUNITY_HEADER.index("CurrencyIsoCode")] = "GBP"
    exports.salesforce(salesforce_export, opportunities=rows)
    before = snapshot()
    code, document = cli_import("salesforce", salesforce_export)
    assert code == 2
    assert document["errors"] == [
        {
            "file": "Opportunity.csv",
            "row": 4,
            "field": "CurrencyIsoCode",
            "value": "GBP",
            "message": "has no conversion rate in this import (add CurrencyType.csv or "
            "DatedConversionRate.csv with its rate)",
        }
    ]
    assert snapshot() == before


def test_dated_rates_apply_on_the_close_date(salesforce_export: Path) -> None:
    exports.write(
        salesforce_export / "DatedConversionRate.csv",
        ["Id", "IsoCode", "ConversionRate", "StartDate", "NextStartDate"],
        [
            ["04w1", "EUR", "0.8", "2026-01-01", "2026-03-01"],
            ["04w2", "EUR", "0.96", "2026-03-01", "2026-04-01"],
        ],
    )
    do_import("salesforce", salesforce_export)
    assert deal(O2).amount == Decimal("12500.00")  # closes 5 March: 12,000 / 0.96


def test_history_rows_are_chained_from_stage_to_stage(salesforce_export: Path) -> None:
    do_import("salesforce", salesforce_export)
    history = StageChange.objects.filter(opportunity=deal(O1)).order_by("changed_at")
    assert [(c.from_stage and c.from_stage.name, c.to_stage.name) for c in history] == [
        (None, "Qualification"),
        ("Qualification", "Closed Won"),
    ]
    assert history[0].changed_at == datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def test_stages_take_order_probability_and_outcome_from_the_export(
    salesforce_export: Path,
) -> None:
    do_import("salesforce", salesforce_export)
    stages = {s.name: (s.order, s.probability, s.outcome) for s in Stage.objects.all()}
    assert stages["Closed Won"] == (9, Decimal("1.0000"), "won")
    assert stages["Closed Lost"] == (10, Decimal("0.0000"), "lost")
    assert stages["Proposal/Price Quote"] == (7, Decimal("0.7500"), "open")


def test_people_are_known_by_email_and_owners_without_a_user_row_are_placeholders(
    salesforce_export: Path,
) -> None:
    report = do_import("salesforce", salesforce_export)
    ben = User.objects.get(email="ben@acme.test")
    assert (ben.name, ben.manager.email, ben.external_id) == (
        "Ben Okafor",
        "cleo@acme.test",
        exports.BEN,
    )
    assert not User.objects.filter(email="robot@acme.test").exists()
    roles = dict(User.objects.values_list("email", "role"))
    assert (roles["cleo@acme.test"], roles["ana@acme.test"]) == ("manager", "salesperson")
    ghost = deal(O4).owner
    assert ghost.email == "005000000000009aaa@salesforce.placeholder.invalid"
    assert not ghost.has_usable_password()
    assert any(
        w.field == "OwnerId" and w.value == exports.GHOST and w.row == 5 for w in report.warnings
    )


def test_activities_are_classified_by_the_rules(salesforce_export: Path) -> None:
    do_import("salesforce", salesforce_export)
    kinds = dict(Activity.objects.values_list("external_id", "type"))
    assert kinds == {
        "00T000000000001AAA": "discovery_call",
        "00T000000000002AAA": "new_prospect_call",
        "00T000000000003AAA": "other",
        "00T000000000005AAA": "other",
        "00U000000000001AAA": "demonstration",
        "00U000000000002AAA": "face_to_face_call",
    }
    follow_up = Activity.objects.get(external_id="00T000000000005AAA")
    assert follow_up.date == date(2026, 4, 3)  # no ActivityDate: the completion day
    demo = Activity.objects.get(external_id="00U000000000001AAA")
    assert (demo.opportunity.external_id, demo.account.name) == (O3, "Acme Corp")


def test_organisation_rules_file_overrides_the_built_in_rules(
    salesforce_export: Path, settings: pytest.FixtureRequest
) -> None:
    home = Path(settings.REVSIGHT_HOME)  # type: ignore[attr-defined]
    rules = home / "activity-rules.toml"
    rules.write_text('[[rule]]\nactivity = "presales_call"\nsubject = "pricing"\n')
    try:
        do_import("salesforce", salesforce_export)
    finally:
        rules.unlink()
    assert Activity.objects.get(external_id="00T000000000003AAA").type == "presales_call"
    assert Activity.objects.get(external_id="00T000000000001AAA").type == "other"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
def test_utf8_with_or_without_bom_and_windows_1252_read_the_same(
    tmp_path: Path, encoding: str
) -> None:
    report = do_import("salesforce", exports.salesforce(tmp_path / "export", encoding=encoding))
    assert report.ok, report.errors
    assert User.objects.get(email="cleo@acme.test").name == "Cléo Martin"
    assert deal(O1).name == "Acme — 40 seats" if encoding != "cp1252" else True


def test_lower_case_names_and_a_zip_import_alike(tmp_path: Path) -> None:
    directory = exports.salesforce(tmp_path / "export", lower_case=True)
    archive = exports.zipped(directory, tmp_path / "export.zip")
    report = do_import("salesforce", archive)
    assert report.ok, report.errors
    assert report.entities["opportunities"].created == 4


def test_opportunity_csv_alone_is_enough(tmp_path: Path) -> None:
    rows = [list(row) for row in exports.OPPORTUNITIES]
    rows[1][exports.OPPORTUNITY_HEADER.index("CurrencyIsoCode")] = "USD"  # no rates needed
    single = exports.write(tmp_path / "Opportunity.csv", exports.OPPORTUNITY_HEADER, rows)
    report = do_import("salesforce", single)
    assert report.ok, report.errors
    assert report.entities["opportunities"].created == 4
    # Without User.csv every owner is a placeholder, with a warning each.
    assert report.entities["users"].created == 3


def test_a_later_snapshot_updates_deals_and_appends_their_history(
    salesforce_export: Path,
) -> None:
    do_import("salesforce", salesforce_export)
    rows = [list(row) for row in exports.OPPORTUNITIES]
    header = exports.OPPORTUNITY_HEADER
    rows[2][header.index("Amount")] = "35000"
    rows[2][header.index("StageName")] = "Negotiation/Review"
    exports.salesforce(salesforce_export, opportunities=rows)
    report = do_import("salesforce", salesforce_export)
    assert report.entities["opportunities"].as_json() == {
        "created": 0,
        "updated": 1,
        "unchanged": 3,
    }
    assert report.entities["stage_changes"].as_json() == {
        "created": 1,
        "updated": 0,
        "unchanged": 6,
    }
    latest = StageChange.objects.filter(opportunity=deal(O3)).order_by("changed_at").last()
    assert latest is not None
    assert (latest.from_stage.name, latest.to_stage.name, latest.amount) == (
        "Proposal/Price Quote",
        "Negotiation/Review",
        Decimal("35000.00"),
    )


def test_field_history_rebuilds_stage_history_when_opportunity_history_is_absent(
    salesforce_export: Path,
) -> None:
    (salesforce_export / "OpportunityHistory.csv").unlink()
    exports.write(
        salesforce_export / "OpportunityFieldHistory.csv",
        ["Id", "OpportunityId", "Field", "OldValue", "NewValue", "CreatedDate", "IsDeleted"],
        [
            ["017a", O3, "created", "", "", "2026-04-01 08:00:00", "0"],
            [
                "017b",
                O3,
                "StageName",
                "Qualification",
                "Proposal/Price Quote",
                "2026-05-02 08:00:00",
                "0",
            ],
            ["017c", O3, "Amount", "25000", "30000", "2026-05-02 08:00:00", "0"],
        ],
    )
    report = do_import("salesforce", salesforce_export)
    assert report.ok, report.errors
    history = StageChange.objects.filter(opportunity=deal(O3)).order_by("changed_at")
    assert [(c.to_stage.name, c.amount) for c in history] == [
        ("Qualification", Decimal("25000.00")),
        ("Proposal/Price Quote", Decimal("30000.00")),
    ]


def test_the_salesforce_sample_export_imports(shared_data: Path) -> None:
    report = do_import("salesforce", shared_data / "salesforce_sample_export")
    assert report.ok, report.errors
    assert {name: c.created for name, c in report.entities.items()} == {
        "users": 2,
        "accounts": 13,
        "opportunities": 31,
        "stage_changes": 62,
        "activities": 0,
    }
    assert Opportunity.objects.filter(status="won").count() == 18
    again = do_import("salesforce", shared_data / "salesforce_sample_export")
    assert all(c.created == c.updated == 0 for c in again.entities.values())


def test_files_with_a_real_exports_headers_import(shared_data: Path, tmp_path: Path) -> None:
    """Rows written under the column order and spelling of a real company's weekly export."""
    headers = shared_data / "salesforce_real_headers"
    known = {
        "Opportunity": dict(zip(exports.OPPORTUNITY_HEADER, exports.OPPORTUNITIES[0], strict=True)),
        "OpportunityHistory": dict(zip(exports.HISTORY_HEADER, exports.HISTORY[0], strict=True)),
        "Task": dict(zip(exports.TASK_HEADER, exports.TASKS[0], strict=True)),
        "Event": dict(zip(exports.EVENT_HEADER, exports.EVENTS[0], strict=True)),
        "User": dict(zip(exports.USER_HEADER, exports.USERS[0], strict=True)),
    }
    for name, values in known.items():
        header_file = headers / f"{name}_header.csv"
        header = header_file.read_text(encoding="cp1252").strip().replace('"', "").split(",")
        exports.write(
            tmp_path / "real" / f"{name}.csv",
            header,
            [[values.get(column, "") for column in header]],
            "cp1252",
        )
    report = do_import("salesforce", tmp_path / "real")
    assert report.ok, report.errors
    assert report.entities["opportunities"].created == 1
    assert report.entities["activities"].created == 2


def test_forecast_category_falls_back_to_forecast_category_name(tmp_path: Path) -> None:
    dropped = exports.OPPORTUNITY_HEADER.index("ForecastCategory")
    header = [c for i, c in enumerate(exports.OPPORTUNITY_HEADER) if i != dropped]
    rows = [[v for i, v in enumerate(row) if i != dropped] for row in exports.OPPORTUNITIES]
    export = exports.salesforce(tmp_path / "export")
    exports.write(export / "Opportunity.csv", header, rows)
    report = do_import("salesforce", export)
    assert report.ok, report.errors
    categories = dict(Opportunity.objects.values_list("external_id", "forecast_category"))
    assert categories == {O1: "closed", O2: "omitted", O3: "commit", O4: "pipeline"}


def test_a_negative_amount_in_stage_history_is_refused_naming_the_row(
    salesforce_export: Path,
) -> None:
    rows = [list(row) for row in exports.HISTORY]
    rows[0][exports.HISTORY_HEADER.index("Amount")] = "-48000"
    exports.write(salesforce_export / "OpportunityHistory.csv", exports.HISTORY_HEADER, rows)
    before = snapshot()
    code, document = cli_import("salesforce", salesforce_export)
    assert code == 2
    assert document["errors"] == [
        {
            "file": "OpportunityHistory.csv",
            "row": 2,
            "field": "Amount",
            "value": "-48000",
            "message": "must be zero or more",
        }
    ]
    assert snapshot() == before


@pytest.mark.parametrize("history", ["OpportunityHistory", "OpportunityFieldHistory"])
def test_an_invalid_close_date_is_one_error_naming_the_opportunity_row(
    salesforce_export: Path, history: str
) -> None:
    rows = [list(row) for row in exports.OPPORTUNITIES]
    rows[2][exports.OPPORTUNITY_HEADER.index("CloseDate")] = "2026-13-45"
    exports.salesforce(salesforce_export, opportunities=rows)
    if history == "OpportunityFieldHistory":
        (salesforce_export / "OpportunityHistory.csv").unlink()
        exports.write(
            salesforce_export / "OpportunityFieldHistory.csv",
            ["Id", "OpportunityId", "Field", "OldValue", "NewValue", "CreatedDate", "IsDeleted"],
            [
                ["017a", O3, "created", "", "", "2026-04-01 08:00:00", "0"],
                ["017c", O3, "Amount", "25000", "30000", "2026-05-02 08:00:00", "0"],
            ],
        )
    before = snapshot()
    code, document = cli_import("salesforce", salesforce_export)
    assert code == 2
    assert document["errors"] == [
        {
            "file": "Opportunity.csv",
            "row": 4,
            "field": "CloseDate",
            "value": "2026-13-45",
            "message": "is not a real calendar date",
        }
    ]
    assert snapshot() == before
