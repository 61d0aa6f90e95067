"""Key account plans: the board of the top ten forecasted accounts (the dashboards' definition,
exact amounts, each viewer's scope), what a plan covers, who may write and keep which plan,
refused input that names its field and stores nothing, the audit log, the command's JSON and
the pages."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner

from revsight.cli import cli
from revsight.core.errors import InvalidInput, NotAllowed, NotFound
from revsight.core.models import AuditEntry, Organisation
from revsight.crm.models import Account, Opportunity, Stage
from revsight.org.models import User
from revsight.planning import account_plan_services as services
from revsight.planning import account_plans
from revsight.planning.models import AccountAction, AccountPlan
from tests.people import Cast
from tests.web.clients import logged_in

pytestmark = pytest.mark.django_db

AS_OF = date(2027, 1, 15)
HORIZON = date(2027, 4, 15)  # three months on


@pytest.fixture(autouse=True)
def _today() -> Iterator[None]:
    with time_machine.travel("2027-01-15 15:00Z", tick=False):
        yield


def _deal(
    account: Account, owner: User, amount: int, stage: Stage, close: date, **more: Any
) -> None:
    Opportunity.objects.create(
        account=account,
        owner=owner,
        name=f"{account.name} {amount}",
        amount=Decimal(amount),
        stage=stage,
        status=stage.outcome,
        close_date=close,
        created_date=date(2026, 10, 1),
        **more,
    )


@pytest.fixture(autouse=True)
def accounts(cast: Cast) -> dict[str, Account]:
    """Four accounts, their open deals closing within the 90 days after 15 January 2027 or
    later, and one won deal that is no longer pipeline."""
    Organisation.current()
    stage = {
        name: Stage.objects.create(name=name, order=n, probability=Decimal(p), outcome=outcome)
        for n, (name, p, outcome) in enumerate(
            [
                ("Discovery", "0.2", "open"),
                ("Proposal", "0.5", "open"),
                ("Negotiation", "0.8", "open"),
                ("Closed Won", "1", "won"),
            ]
        )
    }
    found = {
        name: Account.objects.create(name=name, owner=owner, segment="Enterprise")
        for name, owner in (
            ("Globex", cast.east_rep),
            ("Initech", cast.east_rep2),
            ("Umbrella", cast.west_rep),
            ("Hooli", cast.west_rep),
        )
    }
    g, i, u, h = (found[n] for n in ("Globex", "Initech", "Umbrella", "Hooli"))
    _deal(
        g, cast.east_rep, 100_000, stage["Proposal"], date(2027, 2, 10), forecast_category="commit"
    )
    _deal(g, cast.east_rep, 40_000, stage["Discovery"], date(2027, 3, 1))
    _deal(i, cast.east_rep2, 60_000, stage["Negotiation"], date(2027, 1, 31))
    _deal(u, cast.west_rep, 200_000, stage["Discovery"], date(2027, 2, 20))
    _deal(u, cast.west_rep, 90_000, stage["Negotiation"], date(2027, 6, 30))  # beyond 90 days
    _deal(u, cast.east_rep, 10_000, stage["Proposal"], date(2027, 2, 1))  # East's deal on it
    _deal(h, cast.west_rep, 30_000, stage["Negotiation"], date(2027, 3, 31))
    _deal(h, cast.west_rep, 75_000, stage["Closed Won"], date(2027, 1, 5))
    return found


def plan(account: Account, **fields: str) -> AccountPlan:
    text = {"goals": "Win the network refresh", "status": "on_track", **fields}
    return services.save_plan(None, account.pk, text)


def act(account: Account, owner: User, due: str, what: str = "Executive meeting") -> AccountAction:
    return services.add_action(None, account.pk, {"what": what, "owner": owner.email, "due": due})


def ranked(viewer: User | None) -> list[tuple[Any, ...]]:
    document = account_plans.board_json(account_plans.board(viewer, AS_OF))
    return [
        (r["rank"], r["account"]["name"], r["pipeline"], r["weighted"], r["deals"], r["in_commit"])
        for r in document["accounts"]
    ]


def test_the_board_ranks_accounts_by_weighted_pipeline_closing_in_the_next_90_days() -> None:
    # Globex 100,000 × 0.5 + 40,000 × 0.2; Umbrella 200,000 × 0.2 + East's 10,000 × 0.5, its
    # 90,000 closing in June left out; Hooli's won deal is not pipeline.
    assert ranked(None) == [
        (1, "Globex", 140_000.0, 58_000.0, 2, 1),
        (2, "Initech", 60_000.0, 48_000.0, 1, 0),
        (3, "Umbrella", 210_000.0, 45_000.0, 2, 0),
        (4, "Hooli", 30_000.0, 24_000.0, 1, 0),
    ]


def test_each_viewer_ranks_the_pipeline_of_their_own_scope(cast: Cast) -> None:
    assert ranked(cast.president) == ranked(None)
    assert ranked(cast.east_manager) == [
        (1, "Globex", 140_000.0, 58_000.0, 2, 1),
        (2, "Initech", 60_000.0, 48_000.0, 1, 0),
        (3, "Umbrella", 10_000.0, 5_000.0, 1, 0),
    ]
    assert ranked(cast.west_manager) == [
        (1, "Umbrella", 200_000.0, 40_000.0, 1, 0),
        (2, "Hooli", 30_000.0, 24_000.0, 1, 0),
    ]
    assert ranked(cast.east_rep) == [
        (1, "Globex", 140_000.0, 58_000.0, 2, 1),
        (2, "Umbrella", 10_000.0, 5_000.0, 1, 0),
    ]
    scopes = [account_plans.board(p, AS_OF).scope for p in (cast.admin, cast.vp, cast.east_rep)]
    assert scopes == ["company", "teams", "own"]


def test_the_board_shows_each_plans_status_and_next_action_and_the_accounts_without_one(
    accounts: dict[str, Account], cast: Cast
) -> None:
    plan(accounts["Initech"], status="at_risk")
    act(accounts["Initech"], cast.east_rep2, "2027-05-02", "Renewal signed")
    act(accounts["Initech"], cast.consultant, "2027-01-20", "Delivery review")
    plan(accounts["Hooli"])  # outside the East manager's top ten: one of the other plans

    document = account_plans.board_json(account_plans.board(cast.president, AS_OF))

    rows = {r["account"]["name"]: r["plan"] for r in document["accounts"]}
    assert [name for name, found in rows.items() if found is None] == ["Globex", "Umbrella"]
    assert rows["Initech"] == {
        "status": "at_risk",
        "reviewed_on": "2027-01-15",
        "open_actions": 2,
        "overdue_actions": 0,
        "next_action": {
            "id": AccountAction.objects.get(what="Delivery review").pk,
            "what": "Delivery review",
            "owner": cast.consultant.email,
            "due": "2027-01-20",
            "done_on": None,
        },
        "latest_due": "2027-05-02",
        "covers_three_months": True,
    }
    assert document["horizon"] == HORIZON.isoformat()
    east = account_plans.board(cast.east_manager, AS_OF)
    assert [p.account.name for p, _ in east.others] == []  # Hooli is West's: not seen
    west = account_plans.board(cast.west_manager, AS_OF)
    assert [r.account.name for r in west.rows if r.plan] == ["Hooli"]


def test_a_plan_covers_three_months_only_with_an_open_action_due_on_the_horizon_or_later(
    accounts: dict[str, Account], cast: Cast
) -> None:
    globex = accounts["Globex"]
    plan(globex)
    act(globex, cast.east_rep, "2027-02-15")
    last = act(globex, cast.east_rep, "2027-04-14", "Quarterly review")

    def covered() -> bool:
        found = services.plan_of(globex)
        assert found is not None
        return account_plans.coverage(found, AS_OF).covered

    assert not covered()  # a day short
    services.change_action(None, last.pk, {"what": "Quarterly review", "owner": cast.east_rep.email,
                                           "due": HORIZON.isoformat()})  # fmt: skip
    assert covered()
    services.mark_done(None, last.pk)
    assert not covered()  # done actions are behind the plan, not ahead of it
    board = account_plans.board_json(account_plans.board(None, AS_OF))
    assert board["accounts"][0]["plan"]["covers_three_months"] is False
    assert board["accounts"][0]["plan"]["latest_due"] == "2027-02-15"


def test_an_action_that_fell_due_is_overdue_and_can_be_changed_without_moving_its_date(
    accounts: dict[str, Account], cast: Cast
) -> None:
    globex = accounts["Globex"]
    plan(globex)
    with time_machine.travel("2027-01-02 15:00Z", tick=False):
        late = act(globex, cast.east_rep, "2027-01-10")
    found = services.plan_of(globex)
    assert found is not None
    assert account_plans.coverage(found, AS_OF).overdue == 1
    services.change_action(None, late.pk, {"what": "Call the CFO", "owner": cast.east_rep.email,
                                           "due": "2027-01-10"})  # fmt: skip
    assert AccountAction.objects.get(pk=late.pk).what == "Call the CFO"


PLAN_REFUSALS = [
    ({"goals": "  "}, "goals"),
    ({"goals": "x" * 4001}, "goals"),
    ({"status": "great"}, "status"),
    ({"reviewed_on": "2027-01-16"}, "reviewed_on"),  # tomorrow
    ({"reviewed_on": "15/01/2027"}, "reviewed_on"),
]


@pytest.mark.parametrize(("fields", "field"), PLAN_REFUSALS)
def test_a_refused_plan_names_its_field_and_stores_nothing(
    accounts: dict[str, Account], fields: dict[str, str], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        plan(accounts["Globex"], **fields)
    assert refused.value.field == field
    assert AccountPlan.objects.count() == 0
    assert not AuditEntry.objects.filter(action__startswith="planning.account").exists()


ACTION_REFUSALS = [
    ({"what": ""}, "what"),
    ({"what": "x" * 301}, "what"),
    ({"owner": ""}, "owner"),
    ({"owner": "nobody@acme.test"}, "owner"),
    ({"owner": "carla@acme.test"}, "owner"),  # West's salesperson: not the East manager's
    ({"due": ""}, "due"),
    ({"due": "next week"}, "due"),
    ({"due": "2027-01-14"}, "due"),  # yesterday
]


@pytest.mark.parametrize(("fields", "field"), ACTION_REFUSALS)
def test_a_refused_action_names_its_field_and_stores_nothing(
    accounts: dict[str, Account], cast: Cast, fields: dict[str, str], field: str
) -> None:
    globex = accounts["Globex"]
    plan(globex)
    text = {"what": "Demo", "owner": cast.east_rep.email, "due": "2027-02-01", **fields}
    before = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as refused:
        services.add_action(cast.east_manager, globex.pk, text)
    assert refused.value.field == field
    assert AccountAction.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_linked_deals_are_the_accounts_own_and_keep_those_the_planner_does_not_see(
    accounts: dict[str, Account], cast: Cast
) -> None:
    umbrella, globex = accounts["Umbrella"], accounts["Globex"]
    plan(umbrella)
    chosen = Opportunity.objects.filter(account=umbrella, amount__in=[200_000, 10_000])
    deals = {d.owner_id: d.pk for d in chosen}
    services.link_deals(None, umbrella.pk, list(deals.values()))
    with pytest.raises(InvalidInput) as refused:
        services.link_deals(None, umbrella.pk, [Opportunity.objects.filter(account=globex)[0].pk])
    assert refused.value.field == "opportunities"
    with pytest.raises(InvalidInput):
        services.link_deals(None, umbrella.pk, "12a")

    west_only = [pk for owner, pk in deals.items() if owner == cast.west_rep.pk]
    services.link_deals(cast.west_manager, umbrella.pk, west_only)

    found = AccountPlan.objects.get(account=umbrella)
    assert set(found.opportunities.values_list("pk", flat=True)) == set(deals.values())
    shown, hidden = services.linked_deals(cast.west_manager, found)
    assert ([d.owner for d in shown], hidden) == ([cast.west_rep], 1)


def test_executives_and_the_owners_managers_plan_and_the_owner_keeps_the_actions(
    accounts: dict[str, Account], cast: Cast
) -> None:
    globex, umbrella = accounts["Globex"], accounts["Umbrella"]
    text = {"goals": "Expand to the group", "status": "on_track"}
    with pytest.raises(NotFound):  # a manager of another team does not even see it
        services.save_plan(cast.west_manager, globex.pk, text)
    with pytest.raises(NotAllowed):  # sees it (their salesperson's deal is on it), plans it not
        services.save_plan(cast.east_manager, umbrella.pk, text)
    with pytest.raises(NotAllowed):  # the owner keeps the plan but does not write it
        services.save_plan(cast.east_rep, globex.pk, text)
    services.save_plan(cast.east_manager, globex.pk, text)
    services.save_plan(cast.vp, umbrella.pk, text)  # Sales, above West

    step = {"what": "Demo", "owner": cast.east_rep.email, "due": "2027-02-01"}
    with pytest.raises(NotFound):  # a salesperson of another account
        services.add_action(cast.east_rep2, globex.pk, step)
    with pytest.raises(NotAllowed):  # sees Umbrella through a deal of theirs; not its owner
        services.add_action(cast.east_rep, umbrella.pk, step)
    mine = services.add_action(cast.east_rep, globex.pk, step)
    services.set_status(cast.east_rep, globex.pk, "at_risk")
    with pytest.raises(NotAllowed):
        services.link_deals(cast.east_rep, globex.pk, [])
    with pytest.raises(NotAllowed):
        services.delete_plan(cast.east_rep, globex.pk)

    given = services.add_action(
        cast.east_manager, globex.pk, {**step, "owner": cast.consultant.email}
    )
    assert services.account_of(cast.consultant, globex.pk) == globex  # sees the plan given to
    services.mark_done(cast.consultant, given.pk)
    with pytest.raises(NotAllowed):
        services.change_action(cast.consultant, given.pk, step)
    with pytest.raises(NotFound):
        services.mark_done(cast.west_rep, mine.pk)
    assert AccountPlan.objects.get(account=globex).status == "at_risk"


def test_every_change_is_in_the_audit_log(accounts: dict[str, Account], cast: Cast) -> None:
    globex = accounts["Globex"]
    found = services.save_plan(cast.east_manager, globex.pk, {"goals": "Win it"})
    step = services.add_action(
        cast.east_rep,
        globex.pk,
        {"what": "Demo", "owner": cast.east_rep.email, "due": "2027-02-01"},
    )
    services.mark_done(cast.east_rep, step.pk)
    services.delete_action(cast.east_manager, step.pk)
    services.delete_plan(cast.president, globex.pk)

    entries = list(
        AuditEntry.objects.order_by("pk").values_list("action", "actor__email", "object_id")
    )
    assert entries == [
        ("planning.account_plan_saved", cast.east_manager.email, str(found.pk)),
        ("planning.account_action_added", cast.east_rep.email, str(step.pk)),
        ("planning.account_action_done", cast.east_rep.email, str(step.pk)),
        ("planning.account_action_deleted", cast.east_manager.email, str(step.pk)),
        ("planning.account_plan_deleted", cast.president.email, str(found.pk)),
    ]
    done = AuditEntry.objects.get(action="planning.account_action_done")
    assert done.details == {"account": "Globex", "what": "Demo", "owner": cast.east_rep.email,
                            "due": "2027-02-01", "done_on": "2027-01-15"}  # fmt: skip
    assert AccountPlan.objects.count() == 0


def test_the_commands_print_the_json_contract(accounts: dict[str, Account], cast: Cast) -> None:
    plan(accounts["Globex"], status="off_track")
    act(accounts["Globex"], cast.east_rep, "2027-05-01")
    runner = CliRunner()

    board = runner.invoke(
        cli, ["account-plan", "board", "--as-of", "2027-01-15", "--format", "json"]
    )
    shown = runner.invoke(cli, ["account-plan", "show", "globex", "--format", "json"])
    table = runner.invoke(cli, ["account-plan", "board", "--as-of", "2027-01-15"])

    assert board.exit_code == 0, board.output
    document = json.loads(board.output)
    assert (document["as_of"], document["scope"], document["horizon"]) == (
        "2027-01-15",
        "company",
        "2027-04-15",
    )
    assert document["accounts"][0]["account"] == {
        "id": accounts["Globex"].pk,
        "name": "Globex",
        "owner": cast.east_rep.email,
    }
    assert document["accounts"][0]["plan"]["status"] == "off_track"
    assert shown.exit_code == 0, shown.output
    one = json.loads(shown.output)
    assert [a["due"] for a in one["plan"]["actions"]] == ["2027-05-01"]
    assert one["plan"]["goals"] == "Win the network refresh"
    assert "NO PLAN" in table.output
    assert "off track" in table.output
    missing = runner.invoke(cli, ["account-plan", "show", "Acme"])
    assert missing.exit_code == 2
    assert "No account is named 'Acme'" in missing.output


def test_the_pages_show_the_board_and_keep_the_plan(
    accounts: dict[str, Account], cast: Cast
) -> None:
    globex = accounts["Globex"]
    manager = logged_in(cast.east_manager)
    board = manager.get("/planning/accounts/")
    assert board.status_code == 200
    assert [r.account.name for r in board.context["board"].rows] == [
        "Globex",
        "Initech",
        "Umbrella",
    ]
    assert board.content.decode().count("No plan") == 3
    assert 'href="/planning/accounts/"' in board.content.decode()  # the planning tab

    page = f"/planning/accounts/{globex.pk}/"
    written = manager.post(page, {"do": "plan", "goals": "Win the refresh", "status": "on_track"})
    assert written.status_code == 302
    deals = [
        str(pk) for pk in Opportunity.objects.filter(account=globex).values_list("pk", flat=True)
    ]
    linked = manager.post(page, {"do": "deals", "opportunities": deals})
    assert linked.status_code == 302
    rep = logged_in(cast.east_rep)
    step = {"do": "add", "what": "Demo", "owner": str(cast.east_rep.pk)}
    refused = rep.post(page, {**step, "due": "2027-01-01"})
    assert refused.status_code == 200
    assert refused.context["error"].field == "due"
    assert refused.context["add_form"]["what"] == "Demo"  # as typed
    assert AccountAction.objects.count() == 0
    added = rep.post(page, {**step, "due": "2027-05-01"})
    assert added.status_code == 302
    shown = rep.get(page)
    assert shown.status_code == 200
    html = shown.content.decode()
    assert "Covers the next three months" in html
    assert "Globex 100000" in html
    assert rep.post(page, {"do": "plan", "goals": "Mine"}).status_code == 403
    assert logged_in(cast.west_rep).get(page).status_code == 404
