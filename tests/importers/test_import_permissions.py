"""An import acts as the person who runs it: what they may not change through the pages they may
not change through a file either. Each refusal names the row and leaves every table as it was."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from click.testing import CliRunner

from revsight.cli import cli
from revsight.core.models import Organisation
from revsight.crm.models import ForecastSubmission, Opportunity, Stage
from revsight.importers.report import Report
from revsight.org.models import Quota, Role, Team, User
from tests.importers.helpers import do_import, snapshot
from tests.people import Cast

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def organisation() -> None:
    Organisation.current()
    Stage.objects.create(name="Qualify", order=1, probability=Decimal("0.2"))


def files(folder: Path, **tables: str) -> Path:
    folder.mkdir()
    for entity, text in tables.items():
        (folder / f"{entity}.csv").write_text(text.strip() + "\n")
    return folder


def refused(report: Report) -> list[str]:
    return [problem.sentence() for problem in report.errors]


def refusals(export: Path, actor: User) -> list[str]:
    """The problems of an import refused whole: every table is compared before and after."""
    before = snapshot()
    report = do_import("csv", export, actor=actor)
    assert snapshot() == before
    return refused(report)


def test_a_manager_cannot_make_themselves_manager_of_another_team(
    cast: Cast, tmp_path: Path
) -> None:
    export = files(tmp_path / "in", teams="name,manager\nWest,east.manager@acme.test")
    assert refusals(export, cast.east_manager) == [
        "teams.csv, row 2, field name: 'West' you do not manage team 'West'"
    ]
    assert Team.objects.get(name="West").manager == cast.west_manager


def test_a_manager_cannot_change_how_their_own_team_reports(cast: Cast, tmp_path: Path) -> None:
    export = files(tmp_path / "in", teams="name,parent\nEast,Services")
    assert refusals(export, cast.east_manager) == [
        "teams.csv, row 2, field name: 'East' is a team you manage: only executives and "
        "administrators change a team's manager or parent"
    ]


def test_a_manager_cannot_add_a_team(cast: Cast, tmp_path: Path) -> None:
    assert refusals(files(tmp_path / "in", teams="name\nNorth"), cast.east_manager) == [
        "teams.csv, row 2, field name: 'North' is a new team: only executives and administrators "
        "add teams"
    ]


def test_a_manager_cannot_set_a_quota_outside_their_teams(cast: Cast, tmp_path: Path) -> None:
    export = files(
        tmp_path / "in",
        quotas="user,month,amount\nann@acme.test,2026-03,50000\ncarla@acme.test,2026-03,50000",
    )
    assert refusals(export, cast.east_manager) == [
        "quotas.csv, row 3, field user: 'carla@acme.test' is not someone in the teams you manage"
    ]
    # Their own salesperson's quota alone goes through.
    export = files(tmp_path / "own", quotas="user,month,amount\nann@acme.test,2026-03,50000")
    assert do_import("csv", export, actor=cast.east_manager).ok
    assert Quota.objects.get(user=cast.east_rep).amount == Decimal("50000.00")


def test_a_manager_cannot_forecast_for_someone_else_s_salesperson(
    cast: Cast, tmp_path: Path
) -> None:
    header = "user,period_type,period_start,category,amount,submitted_at"
    export = files(
        tmp_path / "in",
        forecast_submissions=f"{header}\ncarla@acme.test,month,2026-03-01,commit,90000,"
        "2026-03-01 09:00:00",
    )
    assert refusals(export, cast.east_manager) == [
        "forecast_submissions.csv, row 2, field user: 'carla@acme.test' is not you or someone "
        "in the teams you manage"
    ]


def test_a_manager_s_imported_forecast_carries_who_imported_it_and_when(
    cast: Cast, tmp_path: Path
) -> None:
    header = "user,period_type,period_start,category,amount,submitted_at"
    export = files(
        tmp_path / "in",
        forecast_submissions=f"{header}\nann@acme.test,month,2026-03-01,commit,90000,"
        "2026-02-01 09:00:00",
    )
    with time_machine.travel(NOW, tick=False):
        report = do_import("csv", export, actor=cast.east_manager)
    assert report.ok, refused(report)
    stored = ForecastSubmission.objects.get()
    assert (stored.user, stored.submitted_by, stored.submitted_at) == (
        cast.east_rep,
        cast.east_manager,
        NOW,
    )
    assert [w.message for w in report.warnings] == [
        "is replaced by the time of this import: only administrators import forecast history"
    ]


def test_an_administrator_imports_forecast_history_as_the_file_gives_it(
    cast: Cast, tmp_path: Path
) -> None:
    header = "user,period_type,period_start,category,amount,submitted_at"
    export = files(
        tmp_path / "in",
        forecast_submissions=f"{header}\ncarla@acme.test,month,2026-03-01,commit,90000,"
        "2026-02-01 09:00:00",
    )
    assert do_import("csv", export, actor=cast.admin).ok
    stored = ForecastSubmission.objects.get()
    assert stored.submitted_by == cast.admin
    assert stored.submitted_at == datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


def test_a_manager_cannot_move_a_salesperson_or_change_an_outsider(
    cast: Cast, tmp_path: Path
) -> None:
    export = files(
        tmp_path / "in",
        users="email,team,annual_quota\nann@acme.test,West,\ncarla@acme.test,West,999999",
    )
    assert refusals(export, cast.east_manager) == [
        "users.csv, row 2, field team: 'West' you do not manage team 'West'",
        "users.csv, row 3, field team: 'West' you do not manage team 'West'",
    ]


def test_a_manager_cannot_add_an_administrator(cast: Cast, tmp_path: Path) -> None:
    export = files(tmp_path / "in", users="email,role,team\nmallory@acme.test,admin,East")
    assert refusals(export, cast.east_manager) == [
        "users.csv, row 2, field role: 'admin' only administrators add people as Administrator"
    ]
    assert not User.objects.filter(email="mallory@acme.test").exists()


def test_a_manager_adds_a_salesperson_to_their_own_team(cast: Cast, tmp_path: Path) -> None:
    export = files(tmp_path / "in", users="email,team,hire_date\nnew@acme.test,East,2026-03-01")
    assert do_import("csv", export, actor=cast.east_manager).ok
    added = User.objects.get(email="new@acme.test")
    assert (added.role, added.team, added.is_superuser) == (Role.SALESPERSON, cast.east, False)


DEALS = "external_id,name,owner,stage,amount,created_date,close_date"


def test_a_manager_imports_their_team_s_deals_but_not_another_team_s(
    cast: Cast, tmp_path: Path
) -> None:
    own = files(
        tmp_path / "own",
        opportunities=f"{DEALS}\nD-1,Acme,ann@acme.test,Qualify,1000,2026-01-05,2026-04-30",
    )
    assert do_import("csv", own, actor=cast.east_manager).ok
    other = files(
        tmp_path / "other",
        opportunities=f"{DEALS}\nD-2,Globex,carla@acme.test,Qualify,1000,2026-01-05,2026-04-30",
    )
    assert refusals(other, cast.east_manager) == [
        "opportunities.csv, row 2, field owner: 'carla@acme.test' is not you or someone in the "
        "teams you manage"
    ]


def test_a_deal_held_outside_the_manager_s_teams_cannot_be_taken_over(
    cast: Cast, tmp_path: Path
) -> None:
    west = files(
        tmp_path / "west",
        opportunities=f"{DEALS}\nD-9,Initech,carla@acme.test,Qualify,5000,2026-01-05,2026-04-30",
    )
    assert do_import("csv", west, actor=cast.admin).ok
    taken = files(
        tmp_path / "taken",
        opportunities=f"{DEALS}\nD-9,Initech,ann@acme.test,Qualify,5000,2026-01-05,2026-04-30",
    )
    assert refusals(taken, cast.east_manager) == [
        "opportunities.csv, row 2, field external_id: 'D-9' is held by someone outside your "
        "reach: you may not change it"
    ]
    assert Opportunity.objects.get().owner == cast.west_rep


def test_a_salesperson_s_import_touches_only_their_own_records(cast: Cast, tmp_path: Path) -> None:
    export = files(
        tmp_path / "in",
        opportunities=f"{DEALS}\nD-1,Acme,ann@acme.test,Qualify,1000,2026-01-05,2026-04-30\n"
        "D-2,Globex,ben@acme.test,Qualify,1000,2026-01-05,2026-04-30",
    )
    assert refusals(export, cast.east_rep) == [
        "opportunities.csv, row 3, field owner: 'ben@acme.test' is not you or someone in the "
        "teams you manage"
    ]


def test_someone_unknown_or_a_new_stage_is_refused_to_a_manager(cast: Cast, tmp_path: Path) -> None:
    export = files(
        tmp_path / "in",
        opportunities=f"{DEALS}\nD-1,Acme,ghost@acme.test,Qualify,1000,2026-01-05,2026-04-30\n"
        "D-2,Acme,ann@acme.test,Negotiate,1000,2026-01-05,2026-04-30",
    )
    assert refusals(export, cast.east_manager)[:2] == [
        "opportunities.csv, row 2, field owner: 'ghost@acme.test' is not anyone in Revsight or "
        "in this import: only administrators add people",
        "opportunities.csv, row 3, field stage: 'Negotiate' is not a stage here: only "
        "executives and administrators add stages",
    ]


def test_the_company_s_own_records_are_for_executives_and_administrators(
    cast: Cast, tmp_path: Path
) -> None:
    export = files(tmp_path / "in", marketing_spend="lead_source,month,amount\nWebinar,2026-02,1")
    assert refusals(export, cast.east_manager) == [
        "marketing_spend.csv, row 2: only executives and administrators import marketing spend"
    ]


def test_the_command_line_says_it_imports_with_an_administrator_s_rights(
    cast: Cast, tmp_path: Path
) -> None:
    export = files(tmp_path / "in", teams="name,manager\nWest,east.manager@acme.test")
    result = CliRunner().invoke(cli, ["import", "csv", str(export)])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[0] == (
        "Importing as the operator, with an administrator's rights (the Import page imports "
        "with the rights of the person uploading)."
    )
    assert "Imported from csv:" in result.stdout
    assert Team.objects.get(name="West").manager == cast.east_manager
