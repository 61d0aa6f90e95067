"""The coaching log of the demo organisation (as of 30 June 2026) and the panel on the manager's
dashboard: the fourth salesperson is the one behind on joint calls."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.db.models import Count

from revsight.cadence import coaching
from revsight.cadence.models import CoachingEntry, CoachingReply
from revsight.core.periods import parse
from revsight.org.models import Role, Team, User
from tests.cadence.helpers import on
from tests.demo.helpers import salespeople
from tests.web.clients import logged_in

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db]
JUNE = parse("2026-06", date(2026, 6, 30))
EVENING = datetime(2026, 6, 30, 22, 0, tzinfo=UTC)


def manager() -> User:
    return User.objects.get(email="manager@example.com")


def test_the_demo_coaches_every_active_rep_and_the_fourth_falls_behind() -> None:
    behind = salespeople()[3]
    with on(EVENING):
        month = coaching.team_month(
            User.objects.get(email="vp@example.com"), JUNE, date(2026, 6, 30)
        )
    assert len(month.rows) == User.objects.filter(role=Role.SALESPERSON, is_active=True).count()
    assert [row.person for row in month.behind] == [behind]
    assert [(r.joint_calls, r.expected) for r in month.rows if r.person == behind] == [(0, 2)]
    may = coaching.rep_months([behind], parse("2026-05", date(2026, 6, 30)), date(2026, 5, 31))
    assert (may[0].joint_calls, may[0].behind) == (1, True)
    first = CoachingEntry.objects.order_by("date").first()
    assert first is not None
    assert first.date >= date(2025, 12, 1)
    assert not CoachingEntry.objects.filter(date__gt=date(2026, 6, 30)).exists()
    assert CoachingReply.objects.exists()


def test_each_entry_is_logged_by_the_salespersons_team_manager() -> None:
    mismatched = [
        e.pk
        for e in CoachingEntry.objects.select_related("salesperson__team", "coach")
        if e.salesperson.team.manager_id != e.coach_id
    ]
    assert mismatched == []
    per_coach = dict(
        CoachingEntry.objects.values_list("coach__email").annotate(n=Count("id")).order_by()
    )
    assert set(per_coach) == set(
        Team.objects.filter(members__role=Role.SALESPERSON).values_list("manager__email", flat=True)
    )


def test_a_joint_call_on_a_deal_carries_the_deals_account() -> None:
    on_deals = CoachingEntry.objects.filter(opportunity__isnull=False).select_related("opportunity")
    assert on_deals.exists()
    assert all(e.account_id == e.opportunity.account_id for e in on_deals)


def test_the_managers_dashboard_shows_who_is_behind_with_a_link_to_the_log() -> None:
    behind = salespeople()[3]
    team = Team.objects.get(manager=manager())
    with on(EVENING):
        response = logged_in(manager()).get(f"/dashboard/team/{team.pk}/?as_of=2026-06-30")
    panel = response.context["coaching"]
    assert (panel.period.id, panel.reps) == ("2026-06", team.members.filter(is_active=True).count())
    assert [row.person for row in panel.behind] == [behind]
    html = response.content.decode()
    assert f'href="/coaching/?month=2026-06&amp;team={team.pk}"' in html
    assert f'{behind.display_name}</a> · <span class="bad">0 of 2 joint calls due' in html


def test_a_salespersons_dashboard_has_no_coaching_panel() -> None:
    rep = User.objects.get(email="rep@example.com")
    with on(EVENING):
        response = logged_in(rep).get(f"/dashboard/rep/{rep.pk}/?as_of=2026-06-30")
    assert response.context["coaching"] is None
    assert "Coaching this month" not in response.content.decode()
