"""The setup checklist: every step read from the data, for an administrator and for a manager."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from revsight.core.models import Organisation
from revsight.crm.models import Account, Opportunity, Stage
from revsight.org import checklist, configuration
from revsight.org.models import Goal, Quota, Role, User
from tests.people import Cast

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def today(time_machine: Any) -> None:
    time_machine.move_to("2026-05-12 10:00:00+00:00")
    Organisation.current()


def states(viewer: User) -> list[tuple[str, bool, str]]:
    return [(s.key, s.done, s.status) for s in checklist.checklist(viewer).steps]


def test_a_fresh_installation_has_every_step_to_do() -> None:
    admin = User.objects.create_user("ada@acme.test", "x", role=Role.ADMIN)
    assert states(admin) == [
        (
            "fiscal-year",
            False,
            "The fiscal year starts in January (the default, not saved yet).",
        ),
        ("teams", False, "No teams yet."),
        ("people", False, "Nobody but you yet."),
        ("quotas", False, "0 of 0 salespeople have a quota in fiscal 2026."),
        (
            "stages",
            False,
            "No stages yet: an import of deals creates them from their stage names.",
        ),
        ("import", False, "No deals yet."),
        ("goals", False, "No goals yet."),
    ]
    found = checklist.checklist(admin)
    assert (found.done, found.complete, found.next_step.key) == (0, False, "fiscal-year")


def test_each_step_is_done_once_the_data_says_so(cast: Cast) -> None:
    admin = cast.admin
    configuration.set_fiscal_year_start(admin, 1)  # kept as it was, but chosen
    Stage.objects.create(name="Qualify", order=1, probability=Decimal("0.2"))
    Stage.objects.create(name="Closed Won", order=2, probability=1, outcome="won")
    half = states(admin)
    assert half[0] == ("fiscal-year", True, "The fiscal year starts in January.")
    assert half[1] == ("teams", True, "4 teams, each with its manager.")
    assert half[2] == ("people", True, "9 people, 3 of them salespeople in a team.")
    assert half[4] == ("stages", False, "2 stages, but no stage is lost.")

    lost = Stage.objects.create(name="Closed Lost", order=3, outcome="lost")
    for rep in (cast.east_rep, cast.east_rep2):
        Quota.objects.create(user=rep, month=date(2026, 4, 1), amount=Decimal("50000"))
    Quota.objects.create(user=cast.west_rep, month=date(2025, 4, 1), amount=Decimal("50000"))
    account = Account.objects.create(name="Acme Corp")
    Opportunity.objects.create(
        name="Acme — 40 seats", account=account, owner=cast.east_rep, stage=lost,
        amount=Decimal("40000"), created_date=date(2026, 1, 5), close_date=date(2026, 3, 3),
    )  # fmt: skip
    Goal.objects.create(metric="win_rate", scope="company", period="2026", target=Decimal("0.3"))
    done = states(admin)
    assert done[3] == ("quotas", False, "2 of 3 salespeople have a quota in fiscal 2026.")
    assert done[4:] == [
        ("stages", True, "3 stages, with a won and a lost outcome."),
        ("import", True, "1 deal."),
        ("goals", True, "1 goal."),
    ]
    Quota.objects.create(user=cast.west_rep, month=date(2026, 12, 1), amount=Decimal("50000"))
    assert checklist.checklist(admin).complete


def test_a_manager_sees_the_steps_of_her_own_teams(cast: Cast) -> None:
    Quota.objects.create(user=cast.west_rep, month=date(2026, 4, 1), amount=Decimal("50000"))
    assert states(cast.east_manager) == [
        ("teams", True, "You manage East."),
        ("people", True, "2 people, 2 of them salespeople in a team."),
        ("quotas", False, "0 of 2 salespeople have a quota in fiscal 2026."),
        ("import", False, "No deals yet."),
        ("goals", False, "No goals yet."),
    ]


def test_a_team_without_its_manager_keeps_the_teams_step_open(cast: Cast) -> None:
    cast.services.manager = None
    cast.services.save()
    assert states(cast.admin)[1] == ("teams", False, "4 teams; without a manager: Services.")


@pytest.mark.parametrize("position", ["east_rep", "consultant"])
def test_salespeople_and_consultants_have_no_checklist(cast: Cast, position: str) -> None:
    assert not checklist.applies_to(getattr(cast, position))


def test_an_executive_who_does_not_import_is_sent_to_the_organisation_page(cast: Cast) -> None:
    steps = {step.key: step for step in checklist.checklist(cast.president).steps}
    assert {key: steps[key].page for key in ("teams", "people", "import")} == dict.fromkeys(
        ("teams", "people", "import"), "organisation"
    )
    assert steps["import"].how.startswith("An administrator or a manager does it on the Import")
