"""Revsight's own templates, XLSX, and any CSV through a mapping file (Maven CRM's data)."""

from __future__ import annotations

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from revsight.cli import cli
from revsight.core.models import Organisation
from revsight.crm.models import Opportunity, Stage
from revsight.importers.schema import ENTITIES
from revsight.org.models import Quota, Team, User
from tests.importers import exports
from tests.importers.helpers import MAVEN_MAPPING, cli_import, do_import, snapshot

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("entity", list(ENTITIES))
def test_every_template_imports_its_own_example_row(entity: str, tmp_path: Path) -> None:
    target = tmp_path / f"{entity}.csv"
    result = CliRunner().invoke(cli, ["template", entity, "--output", str(target)])
    assert result.exit_code == 0, result.output
    with target.open(encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    columns = ENTITIES[entity].columns
    assert header == [column.name for column in columns]
    for column in columns:
        assert column.name in result.output
    exports.write(target, header, [[column.example for column in columns]])
    code, document = cli_import("csv", tmp_path)
    assert code == 0, document["errors"]
    assert entity in document["entities"]


def test_an_xlsx_template_documents_its_columns_and_imports(tmp_path: Path) -> None:
    target = tmp_path / "quotas.xlsx"
    CliRunner().invoke(cli, ["template", "quotas", "--format", "xlsx", "--output", str(target)])
    book = load_workbook(target)
    assert [c.value for c in book["quotas"][1]] == ["user", "team", "month", "amount"]
    assert book["Columns"]["C2"].value.startswith("Salesperson's email")
    User.objects.create_user("ana@acme.test", None)
    sheet = book["quotas"]
    sheet.append(["ana@acme.test", None, "2026-03", 50000])
    sheet.append(["ana@acme.test", None, date(2026, 4, 1), 55000.5])
    book.save(target)
    report = do_import("csv", target)
    assert report.ok, report.errors
    assert list(Quota.objects.values_list("month", "amount")) == [
        (date(2026, 3, 1), Decimal("50000.00")),
        (date(2026, 4, 1), Decimal("55000.50")),
    ]


def test_an_unknown_template_entity_is_refused_by_name() -> None:
    result = CliRunner().invoke(cli, ["template", "deals"])
    assert result.exit_code == 2
    assert "'deals' is not one of: users, teams" in result.output


def test_a_quota_needs_exactly_one_holder(tmp_path: Path) -> None:
    exports.write(
        tmp_path / "quotas.csv", ["user", "team", "month", "amount"], [["", "", "2026-03", "100"]]
    )
    code, document = cli_import("csv", tmp_path)
    assert code == 2
    assert document["errors"][0]["field"] == "user"
    assert document["errors"][0]["row"] == 2


@pytest.mark.parametrize(
    ("entity", "header", "row", "field"),
    [
        (
            "quotas",
            ["user", "team", "month", "amount"],
            ["ana@acme.test", "", "2026-03", "-500"],
            "amount",
        ),
        (
            "forecast_submissions",
            ["user", "period_type", "period_start", "category", "amount", "submitted_at"],
            ["ana@acme.test", "month", "2026-03-01", "commit", "-500", "2026-03-01 09:00:00"],
            "amount",
        ),
        ("users", ["email", "annual_quota"], ["ana@acme.test", "-500"], "annual_quota"),
    ],
)
def test_a_negative_quota_or_forecast_is_refused_naming_the_row(
    entity: str, header: list[str], row: list[str], field: str, tmp_path: Path
) -> None:
    User.objects.create_user("ana@acme.test", None)
    exports.write(tmp_path / f"{entity}.csv", header, [row])
    before = snapshot()
    code, document = cli_import("csv", tmp_path)
    assert code == 2
    assert document["errors"] == [
        {
            "file": f"{entity}.csv",
            "row": 2,
            "field": field,
            "value": "-500",
            "message": "must be zero or more",
        }
    ]
    assert snapshot() == before


DEALS_HEADER = ["external_id", "name", "owner", "stage", "status", "created_date", "close_date"]


def test_open_deals_without_a_close_date_and_deals_created_after_it_are_counted(
    tmp_path: Path,
) -> None:
    User.objects.create_user("ana@acme.test", None)
    Stage.objects.create(name="Proposal", order=1, probability=Decimal("0.5"))
    exports.write(
        tmp_path / "opportunities.csv",
        DEALS_HEADER,
        [
            ["D-1", "Pilot", "ana@acme.test", "Won", "won", "2026-03-05", "2026-03-02"],
            ["D-2", "Renewal", "ana@acme.test", "Won", "won", "2026-01-05", "2026-03-02"],
            ["D-3", "Rollout", "ana@acme.test", "Lost", "lost", "2026-04-01", "2026-03-31"],
            ["D-4", "Expansion", "ana@acme.test", "Proposal", "open", "2026-01-05", ""],
        ],
    )
    result = CliRunner().invoke(cli, ["import", "csv", str(tmp_path)])
    assert result.exit_code == 0, result.output
    warnings = result.output.split("Warnings:\n", 1)[1].splitlines()
    assert warnings == [
        "  1 open deal has no expected close date: it appears in no pipeline figure",
        "  2 deals were created after their close date: their sales cycles come out negative",
        "  opportunities.csv, row 2, field created_date: '2026-03-05' is after the deal's "
        "close date, 2026-03-02",
        "  opportunities.csv, row 4, field created_date: '2026-04-01' is after the deal's "
        "close date, 2026-03-31",
        "  opportunities.csv, row 5, field close_date: is blank on an open deal: it appears in "
        "no pipeline figure until it has one",
    ]
    assert Opportunity.objects.count() == 4


def test_users_template_sets_teams_managers_and_pay(tmp_path: Path) -> None:
    exports.write(
        tmp_path / "users.csv",
        ["email", "name", "role", "team", "manager", "annual_quota", "base_salary"],
        [
            [
                "ana@acme.test",
                "Ana Souza",
                "salesperson",
                "West",
                "lee@acme.test",
                "1200000",
                "90000",
            ],
            ["lee@acme.test", "Lee Chan", "manager", "West", "", "", ""],
        ],
    )
    report = do_import("csv", tmp_path)
    assert report.ok, report.errors
    ana = User.objects.get(email="ana@acme.test")
    assert (ana.team.name, ana.manager.name, ana.annual_quota, ana.base_salary) == (
        "West",
        "Lee Chan",
        Decimal("1200000.00"),
        Decimal("90000.00"),
    )
    assert User.objects.get(email="lee@acme.test").role == "manager"
    assert Team.objects.count() == 1


def test_a_mapping_naming_a_column_the_file_lacks_names_it(tmp_path: Path) -> None:
    exports.write(tmp_path / "deals.csv", ["id", "title"], [["1", "x"]])
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        '[[file]]\nentity = "opportunities"\n[file.columns]\nexternal_id = "id"\n'
        'name = "title"\nowner = "rep"\n'
    )
    code, document = cli_import("csv", tmp_path / "deals.csv", "--mapping", str(mapping))
    assert code == 2
    assert document["errors"][0]["file"] == "deals.csv"
    assert document["errors"][0]["field"] == "rep"
    assert document["errors"][0]["message"].startswith("is not a column of this file")


def test_a_mapping_with_an_unknown_template_column_is_invalid(tmp_path: Path) -> None:
    exports.write(tmp_path / "deals.csv", ["id"], [["1"]])
    mapping = tmp_path / "map.toml"
    mapping.write_text('[[file]]\nentity = "opportunities"\n[file.columns]\nvalue = "id"\n')
    code, document = cli_import("csv", tmp_path / "deals.csv", "--mapping", str(mapping))
    assert code == 2
    assert (
        "'value' is not a column of the opportunities template"
        in (document["errors"][0]["message"])
    )


def test_dates_in_a_mapped_format(tmp_path: Path) -> None:
    exports.write(
        tmp_path / "deals.csv",
        ["id", "title", "rep", "stage", "created"],
        [["1", "Pilot", "ana@acme.test", "Open", "31/01/2026"]],
    )
    mapping = tmp_path / "map.toml"
    mapping.write_text(
        'date_formats = ["%d/%m/%Y"]\n[[file]]\nentity = "opportunities"\n[file.columns]\n'
        'external_id = "id"\nname = "title"\nowner = "rep"\nstage = "stage"\n'
        'created_date = "created"\n'
    )
    report = do_import("csv", tmp_path / "deals.csv", mapping)
    assert report.ok, report.errors
    assert Opportunity.objects.get().created_date == date(2026, 1, 31)


@pytest.fixture
def maven(shared_data: Path) -> Path:
    return shared_data / "maven_crm"


def test_a_corrupted_copy_of_maven_crm_is_refused_whole(maven: Path, tmp_path: Path) -> None:
    copy = tmp_path / "maven"
    copy.mkdir()
    for path in maven.iterdir():
        copy.joinpath(path.name).write_bytes(path.read_bytes())
    with (copy / "sales_pipeline.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    rows[4000][rows[0].index("close_date")] = "2017-02-30"
    exports.write(copy / "sales_pipeline.csv", rows[0], rows[1:])
    before = snapshot()
    code, document = cli_import("csv", copy, "--mapping", str(MAVEN_MAPPING))
    assert code == 2
    assert document["errors"][0]["file"] == "sales_pipeline.csv"
    assert document["errors"][0] == {
        "file": "sales_pipeline.csv",
        "row": 4001,
        "field": "close_date",
        "value": "2017-02-30",
        "message": "is not a real calendar date",
    }
    assert snapshot() == before


def test_workbook_with_dates_as_cells(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["external_id", "name", "owner", "stage", "created_date", "amount"])
    sheet.append(["X1", "Pilot", "ana@acme.test", "Open", date(2026, 2, 3), 1200])
    book.save(tmp_path / "opportunities.xlsx")
    report = do_import("csv", tmp_path)
    assert report.ok, report.errors
    assert Opportunity.objects.get().created_date == date(2026, 2, 3)


def test_a_negative_value_through_a_mapping_is_refused_once_naming_the_row(
    maven: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "maven"
    copy.mkdir()
    for path in maven.iterdir():
        copy.joinpath(path.name).write_bytes(path.read_bytes())
    with (copy / "sales_pipeline.csv").open(newline="") as handle:
        rows = list(csv.reader(handle))
    rows[1][rows[0].index("close_value")] = "-1054"
    exports.write(copy / "sales_pipeline.csv", rows[0], rows[1:])
    before = snapshot()
    code, document = cli_import("csv", copy, "--mapping", str(MAVEN_MAPPING))
    assert code == 2
    # The deal's amount and its decided history row both read it: one error.
    assert document["errors"] == [
        {
            "file": "sales_pipeline.csv",
            "row": 2,
            "field": "close_value",
            "value": "-1054",
            "message": "must be zero or more",
        }
    ]
    assert snapshot() == before


def test_an_imported_administrator_is_staff_and_superuser(tmp_path: Path) -> None:
    exports.write(
        tmp_path / "users.csv",
        ["email", "role"],
        [["root@acme.test", "admin"], ["ana@acme.test", "salesperson"]],
    )
    code, document = cli_import("csv", tmp_path)
    assert code == 0, document["errors"]
    assert list(
        User.objects.order_by("email").values_list("email", "is_staff", "is_superuser")
    ) == [
        ("ana@acme.test", False, False),
        ("root@acme.test", True, True),
    ]


@pytest.mark.parametrize(
    ("period_type", "start", "message"),
    [
        ("quarter", "2026-02-01", "must be the first day of a fiscal quarter"),
        ("month", "2026-03-02", "must be the first day of a month"),
    ],
)
def test_a_submission_must_start_a_real_month_or_fiscal_quarter(
    period_type: str, start: str, message: str, tmp_path: Path
) -> None:
    User.objects.create_user("ana@acme.test", None)
    header = ["user", "period_type", "period_start", "category", "amount", "submitted_at"]
    row = ["ana@acme.test", period_type, start, "commit", "100", "2026-03-01 09:00:00"]
    exports.write(tmp_path / "forecast_submissions.csv", header, [row])
    before = snapshot()
    code, document = cli_import("csv", tmp_path)
    assert code == 2
    assert document["errors"] == [
        {
            "file": "forecast_submissions.csv",
            "row": 2,
            "field": "period_start",
            "value": start,
            "message": message,
        }
    ]
    assert snapshot() == before


def test_every_bad_goal_is_listed_after_the_first_error(tmp_path: Path) -> None:
    exports.write(
        tmp_path / "goals.csv",
        ["metric", "scope", "team", "user", "period", "target"],
        [
            ["win_ratio", "company", "", "", "2026-Q2", "0.3"],
            ["win_rate", "company", "", "", "Q2 2026", "0.3"],
        ],
    )
    code, document = cli_import("csv", tmp_path)
    assert code == 2
    assert [(e["row"], e["field"]) for e in document["errors"]] == [(2, "metric"), (3, "period")]


def test_an_annual_quota_in_users_sets_the_fiscal_years_monthly_quotas(
    tmp_path: Path, time_machine: Any
) -> None:
    time_machine.move_to("2026-05-12 10:00:00+00:00")
    organisation = Organisation.current()
    organisation.fiscal_year_start_month = 4
    organisation.save()
    header = ["email", "name", "team", "annual_quota"]
    exports.write(
        tmp_path / "users.csv",
        header,
        [["ana@acme.test", "Ana Souza", "West", "1000000"], ["bo@acme.test", "Bo", "West", ""]],
    )
    report = do_import("csv", tmp_path)
    assert report.ok, report.errors
    ana = Quota.objects.filter(user__email="ana@acme.test")
    assert ana.count() == 12
    assert (ana.first().month, ana.last().month) == (date(2026, 4, 1), date(2027, 3, 1))
    assert set(ana.exclude(month=date(2027, 3, 1)).values_list("amount", flat=True)) == {
        Decimal("83333.33")
    }
    assert ana.get(month=date(2027, 3, 1)).amount == Decimal("83333.37")
    assert sum(q.amount for q in ana) == Decimal("1000000.00")
    assert not Quota.objects.filter(user__email="bo@acme.test").exists()
    assert report.entities["quotas"].created == 12

    # A month edited since is kept when the same annual quota is imported again…
    ana.filter(month=date(2026, 6, 1)).update(amount=Decimal("90000"))
    assert do_import("csv", tmp_path).ok
    assert ana.get(month=date(2026, 6, 1)).amount == Decimal("90000.00")
    # …and a changed annual quota sets the twelve months anew.
    exports.write(
        tmp_path / "users.csv", header, [["ana@acme.test", "Ana Souza", "West", "1200000"]]
    )
    assert do_import("csv", tmp_path).ok
    assert set(ana.values_list("amount", flat=True)) == {Decimal("100000.00")}


def test_quotas_in_the_same_import_have_the_last_word_over_an_annual_quota(
    tmp_path: Path, time_machine: Any
) -> None:
    time_machine.move_to("2026-05-12 10:00:00+00:00")
    exports.write(tmp_path / "users.csv", ["email", "annual_quota"], [["ana@acme.test", "120000"]])
    exports.write(
        tmp_path / "quotas.csv",
        ["user", "team", "month", "amount"],
        [["ana@acme.test", "", "2026-03", "7000"]],
    )
    assert do_import("csv", tmp_path).ok
    amounts = dict(Quota.objects.values_list("month", "amount"))
    assert (len(amounts), amounts[date(2026, 3, 1)], amounts[date(2026, 4, 1)]) == (
        12,
        Decimal("7000.00"),
        Decimal("10000.00"),
    )


def test_a_manager_named_in_teams_manages_the_team_and_lands_on_its_dashboard(
    tmp_path: Path,
) -> None:
    from revsight.analytics.dashboard_scope import landing_scope

    lee = User.objects.create_user("lee@acme.test", "x", role="manager")
    exports.write(
        tmp_path / "teams.csv", ["name", "manager", "parent"], [["West", "lee@acme.test", ""]]
    )
    assert do_import("csv", tmp_path).ok
    scope = landing_scope(lee)
    assert scope is not None
    assert (scope.kind, scope.label) == ("team", "West")


def test_a_template_saved_under_another_name_is_recognised_by_its_columns(
    tmp_path: Path,
) -> None:
    exports.write(
        tmp_path / "people export (2).csv",
        ["email", "name", "role", "team"],
        [["lee@acme.test", "Lee Chan", "manager", "West"]],
    )
    exports.write(
        tmp_path / "Org chart.csv", ["name", "manager", "parent"], [["West", "lee@acme.test", ""]]
    )
    report = do_import("csv", tmp_path)
    assert report.ok, report.errors
    assert Team.objects.get(name="West").manager == User.objects.get(email="lee@acme.test")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            ["when", "what"],
            "is named after no template and lacks the required columns of every one (it has: "
            "when, what; the templates are on the Import page)",
        ),
        (
            ["user", "month", "amount", "category", "team"],
            "has the columns of quotas and sales_expenses alike: name the file after the one it "
            "is (quotas.csv or sales_expenses.csv)",
        ),
    ],
)
def test_a_file_recognised_by_neither_name_nor_columns_is_named_and_nothing_is_written(
    tmp_path: Path, header: list[str], message: str
) -> None:
    exports.write(tmp_path / "users.csv", ["email"], [["ana@acme.test"]])
    exports.write(tmp_path / "march.csv", header, [["x"] * len(header)])
    before = snapshot()
    code, document = cli_import("csv", tmp_path)
    assert code == 2
    assert [(e["file"], e["message"]) for e in document["errors"]] == [("march.csv", message)]
    assert snapshot() == before


def test_a_template_imported_with_blank_active_cells_keeps_people_active(tmp_path: Path) -> None:
    header = [column.name for column in ENTITIES["users"].columns]
    blank = dict.fromkeys(header, "")
    rows = [blank | {"email": "ana@acme.test"}, blank | {"email": "bo@acme.test", "active": "0"}]
    exports.write(tmp_path / "users.csv", header, [[row[c] for c in header] for row in rows])
    assert do_import("csv", tmp_path).ok
    assert dict(User.objects.values_list("email", "is_active")) == {
        "ana@acme.test": True,
        "bo@acme.test": False,
    }
