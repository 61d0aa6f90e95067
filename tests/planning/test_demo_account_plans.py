"""The demo organisation's key account plans: six of its top ten forecasted accounts planned,
written by the owners' managers, with actions done, due, overdue and short of three months;
the rest left without a plan so the board shows the gap."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from revsight.core.models import AuditEntry
from revsight.org.models import Role, User
from revsight.planning import account_plans
from revsight.planning.models import AccountAction, AccountPlan
from tests.web.clients import logged_in

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db, pytest.mark.slow]
DEMO_DAY = date(2026, 6, 30)


def test_six_of_the_top_ten_have_a_plan_and_the_board_shows_the_others_without() -> None:
    board = account_plans.board(None, DEMO_DAY)

    assert len(board.rows) == 10
    assert AccountPlan.objects.count() == 6
    assert [r.rank for r in board.rows if r.plan][:5] == [1, 2, 3, 5, 7]
    assert board.unplanned >= 4
    assert board.unplanned == sum(1 for r in board.rows if r.plan is None)
    assert board.uncovered >= 1  # a plan that stops short of three months is flagged
    covers = [r.coverage for r in board.rows if r.coverage]
    assert any(c.overdue for c in covers)
    assert all(c.next_action is not None for c in covers)


def test_the_plans_are_written_by_the_owners_managers_for_the_people_who_do_the_work() -> None:
    for found in AccountPlan.objects.select_related("account__owner__team", "created_by"):
        owner = found.account.owner
        assert owner is not None
        assert found.created_by == owner.team.manager
        assert found.opportunities.exists()
        assert found.opportunities.exclude(account=found.account).count() == 0
        owners = set(found.actions.values_list("owner__role", flat=True))
        assert Role.SALESPERSON in owners
    assert AccountAction.objects.filter(done_on__isnull=False).exists()
    assert AccountAction.objects.filter(due__gt=date(2026, 10, 1)).exists()  # past three months
    assert AuditEntry.objects.filter(action="planning.account_action_done").exists()


def test_the_demo_salesperson_sees_a_plan_of_their_own_and_the_manager_the_board() -> None:
    rep = User.objects.get(email="rep@example.com")
    own = account_plans.board(rep, DEMO_DAY)
    assert any(r.plan and r.account.owner == rep for r in own.rows)

    manager = logged_in(User.objects.get(email="manager@example.com"))
    with time_machine.travel("2026-06-30 18:00Z", tick=False):
        page = manager.get("/planning/accounts/")
        planned = next(r for r in page.context["board"].rows if r.plan)
        plan_page = manager.get(f"/planning/accounts/{planned.account.pk}/")
    assert page.status_code == 200
    assert "No plan" in page.content.decode()
    assert plan_page.status_code == 200
    assert plan_page.context["may_plan"]
