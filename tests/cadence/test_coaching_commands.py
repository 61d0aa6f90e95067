"""`revsight coaching list` and `revsight coaching log` as a sales operations person runs them:
the coach is the acting person, checked like a web request; bad input names the option and
stores nothing."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from click.testing import CliRunner

from revsight.cadence.models import CoachingEntry
from revsight.cli import cli
from revsight.core.models import AuditEntry, Organisation
from revsight.crm.models import Account, Opportunity, Stage
from tests.cadence.helpers import logged, on, stored
from tests.people import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def organisation(db: None) -> None:
    Organisation.current()


def run(*args: str) -> tuple[int, str]:
    with on():
        result = CliRunner().invoke(cli, ["coaching", *args])
    return result.exit_code, result.output


def log(*extra: str) -> tuple[int, str]:
    base = ["--user", "ann@acme.test", "--coach", "east.manager@acme.test", "--date", "2026-06-03"]
    return run("log", *base, "--kind", "joint_call", *extra)


def test_log_records_the_call_as_the_coach_with_the_deals_account(cast: Cast) -> None:
    globex = Account.objects.create(name="Globex", owner=cast.east_rep)
    Opportunity.objects.create(
        account=globex,
        owner=cast.east_rep,
        name="Globex refresh",
        stage=Stage.objects.create(name="Proposal", order=3),
        created_date=date(2026, 5, 1),
        source="salesforce",
        external_id="006A1",
    )
    code, output = log(
        "--deal",
        "006A1",
        "--unscheduled",
        "--skill",
        "Negotiation",
        "--action",
        "Send the proposal",
        "--due",
        "2026-06-08",
    )
    assert code == 0, output
    entry = CoachingEntry.objects.get()
    assert output == (
        f"Logged joint call #{entry.pk} with ann@acme.test on 2026-06-03, coached by "
        "east.manager@acme.test.\n"
    )
    assert (entry.coach, entry.account, entry.scheduled, entry.skill) == (
        cast.east_manager,
        globex,
        False,
        "Negotiation",
    )
    assert AuditEntry.objects.get(action="coaching.log").actor == cast.east_manager


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--kind", "lunch"], "--kind 'lunch' must be one of: joint_call, coaching_session, "),
        (["--date", "tomorrow"], "--date 'tomorrow' must be a date such as 2026-03-31"),
        (["--skill", "Juggling"], "--skill 'Juggling' is not in the coaching skills"),
        (["--deal", "NOPE"], "--deal 'NOPE' is not a deal you can see"),
        (["--action", "Call back"], "--due is required with an agreed action"),
        (["--due", "2026-06-09"], "--due '2026-06-09' needs the agreed action it is the date of"),
        (["--coach", "nobody@acme.test"], "--coach 'nobody@acme.test' is not the email of anyone"),
        (["--user", "dev@acme.test"], "--user 'dev@acme.test' is not an active salesperson"),
        (["--coach", "west.manager@acme.test"], "user ('ann@acme.test') is not someone whose"),
    ],
)
def test_log_refuses_bad_input_naming_the_option_and_stores_nothing(
    cast: Cast, extra: list[str], message: str
) -> None:
    before = stored()
    code, output = log(*extra)
    assert code == 2
    assert f"Error: {message}" in output
    assert stored() == before


def test_list_gives_each_rep_against_the_target_and_the_months_entries(cast: Cast) -> None:
    with on():
        logged(cast.east_manager, cast.east_rep, date(2026, 6, 3), skill="Closing")
        logged(cast.west_manager, cast.west_rep, date(2026, 6, 5), kind="role_play")
        logged(cast.west_manager, cast.west_rep, date(2026, 5, 5))
    code, output = run("list", "--format", "json")
    assert code == 0, output
    result = json.loads(output)
    assert (result["month"], result["as_of"]) == ("2026-06", "2026-06-17")
    assert [(r["user"], r["expected"], r["joint_calls"], r["behind"]) for r in result["reps"]] == [
        ("ann@acme.test", 1, 1, False),
        ("ben@acme.test", 1, 0, True),
        ("carla@acme.test", 1, 0, True),
    ]
    assert [(e["date"], e["user"], e["kind"]) for e in result["entries"]] == [
        ("2026-06-05", "carla@acme.test", "role_play"),
        ("2026-06-03", "ann@acme.test", "joint_call"),
    ]
    code, output = run("list", "--team", "west", "--month", "2026-05", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(output)))
    assert [(r["date"], r["user"], r["coach"], r["kind"]) for r in rows] == [
        ("2026-05-05", "carla@acme.test", "west.manager@acme.test", "joint_call")
    ]
    code, output = run("list", "--user", "ann@acme.test")
    assert output.startswith("Coaching 2026-06 as of 2026-06-17\n")
    assert "ann@acme.test" in output
    assert "carla@acme.test" not in output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-13"], "--month '2026-13'"),
        (["--month", "2026-Q2"], "--month '2026-Q2' must be a month such as 2026-03"),
        (["--team", "Nowhere"], "--team 'Nowhere' is not the name of a team"),
        (["--user", "ann@acme.test", "--team", "East"], "--team 'East' goes without --user"),
    ],
)
def test_list_names_the_option_it_refuses(cast: Cast, args: list[str], message: str) -> None:
    code, output = run("list", *args)
    assert code == 2
    assert f"Error: {message}" in output
