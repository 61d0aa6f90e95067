"""The demo organisation holds the patterns that later features must find (docs/demo.md)."""

from __future__ import annotations

import statistics
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.db.models import Count, F, Max, Min, Q

from revsight.core.models import Organisation
from revsight.crm.models import (
    Activity,
    ForecastSubmission,
    Invoice,
    Lead,
    MarketingSpend,
    Opportunity,
    SalesExpense,
    ServiceBacklog,
    StageChange,
    TimeEntry,
)
from revsight.demo.organisation import DEMO_LOGINS
from revsight.org.models import Goal, Quota, Role, Team, User
from tests.conftest import DEMO_AS_OF
from tests.demo.helpers import (
    activities_by_rep_month,
    bookings_by_rep_month,
    lagged_correlation,
    salespeople,
)

pytestmark = [pytest.mark.usefixtures("demo_org"), pytest.mark.django_db]

HISTORY_START = date(2024, 6, 1)
FULL_MONTHS = 24  # June 2024 to May 2026; June 2026 is the month of the as-of date


def test_the_organisation_has_every_role_and_three_sales_teams() -> None:
    counts = dict(User.objects.values_list("role").annotate(n=Count("id")))
    assert counts == {
        Role.EXECUTIVE: 2,
        Role.ADMIN: 1,
        Role.MANAGER: 4,
        Role.SALESPERSON: 25,
        Role.PRESALES: 3,
        Role.CONSULTANT: 5,
    }
    sales = Team.objects.get(name="Sales")
    assert sorted(sales.children.values_list("name", flat=True)) == [
        "Enterprise",
        "Mid-Market",
        "Presales",
        "SMB",
    ]
    assert Organisation.current().is_demo


def test_every_demo_login_works_with_the_demo_password() -> None:
    for role, email in DEMO_LOGINS.items():
        user = User.objects.get(email=email)
        assert user.role == role
        assert user.check_password(settings.REVSIGHT_DEMO_PASSWORD)


def test_every_opportunity_has_a_stage_history_that_starts_from_nothing() -> None:
    assert not Opportunity.objects.filter(stage_changes__isnull=True).exists()
    firsts = StageChange.objects.values("opportunity").annotate(first=Min("changed_at"))
    starts = StageChange.objects.filter(from_stage__isnull=True).count()
    assert starts == firsts.count() == Opportunity.objects.count()


def test_closed_deals_end_in_their_closed_stage_on_the_close_date() -> None:
    for deal in Opportunity.objects.exclude(status="open").order_by("?")[:200]:
        last = deal.stage_changes.order_by("changed_at").last()
        assert last.to_stage == deal.stage
        assert last.to_stage.outcome == deal.status
        assert last.changed_at.date() == deal.close_date


def test_no_history_is_dated_after_the_as_of_date() -> None:
    latest = StageChange.objects.aggregate(m=Max("changed_at"))["m"]
    assert latest.date() <= DEMO_AS_OF
    assert Activity.objects.aggregate(m=Max("date"))["m"] <= DEMO_AS_OF


def test_the_median_won_sales_cycle_is_about_sixty_days() -> None:
    won = Opportunity.objects.filter(status="won").values_list("created_date", "close_date")
    median = statistics.median((close - created).days for created, close in won)
    assert 45 <= median <= 65


def test_discovery_calls_lead_bookings_by_about_two_months() -> None:
    _, bookings = bookings_by_rep_month(HISTORY_START, FULL_MONTHS)
    calls = activities_by_rep_month("discovery_call", HISTORY_START, FULL_MONTHS)
    by_lag = {lag: lagged_correlation(calls, bookings, lag) for lag in range(5)}
    assert max(by_lag, key=by_lag.__getitem__) == 2
    assert by_lag[2] > 0.2


def _day_one_commit_ratios(user: User) -> list[float]:
    """Day-one commit divided by the month's actual bookings, for each complete month."""
    ratios = []
    month = HISTORY_START
    while month < DEMO_AS_OF.replace(day=1):
        following = (month + timedelta(days=32)).replace(day=1)
        actual = sum(
            Opportunity.objects.filter(
                owner=user, status="won", close_date__gte=month, close_date__lt=following
            ).values_list("amount", flat=True)
        )
        commit = (
            ForecastSubmission.objects.filter(
                user=user,
                period_type="month",
                period_start=month,
                category="commit",
                submitted_at__date__lte=month,
            )
            .order_by("-submitted_at")
            .values_list("amount", flat=True)
            .first()
        )
        if actual and commit is not None:
            ratios.append(float(commit / actual))
        month = following
    return ratios


def test_the_forecasters_have_their_personal_biases() -> None:
    accurate, sandbagger, optimist = salespeople()[:3]
    assert accurate.email == "rep@example.com"
    sandbagging = _day_one_commit_ratios(sandbagger)
    optimism = _day_one_commit_ratios(optimist)
    accuracy = _day_one_commit_ratios(accurate)
    assert len(sandbagging) >= 12
    # Commits come from what each rep can know (their pipeline and their insight), so a
    # character shows in most months, not every one.
    assert sum(r < 1 for r in sandbagging) / len(sandbagging) >= 0.75
    assert statistics.median(sandbagging) < 0.85
    assert sum(r > 1 for r in optimism) / len(optimism) >= 0.75
    assert statistics.median(optimism) > 1.15
    assert sum(abs(r - 1) <= 0.1 for r in accuracy) / len(accuracy) >= 0.85


def test_each_month_has_a_day_one_and_a_mid_month_submission() -> None:
    rep = salespeople()[0]
    may = ForecastSubmission.objects.filter(
        user=rep, period_type="month", period_start=date(2026, 5, 1), category="commit"
    ).order_by("submitted_at")
    assert [s.submitted_at.date() for s in may] == [date(2026, 4, 30), date(2026, 5, 15)]


def test_new_hires_ramp_up_in_quota_and_results() -> None:
    recent = DEMO_AS_OF - timedelta(days=270)
    hires = User.objects.filter(role=Role.SALESPERSON, hire_date__gt=recent)
    assert hires.count() == 3
    for hire in hires:
        quotas = list(hire.quotas.order_by("month").values_list("amount", flat=True))
        assert quotas[0] < quotas[3] / 2  # the first month carries a quarter of full quota
        assert not hire.quotas.filter(month__lt=hire.hire_date.replace(day=1)).exists()


def test_one_salesperson_left_and_their_open_deals_went_to_a_teammate() -> None:
    leaver = User.objects.get(role=Role.SALESPERSON, end_date__isnull=False)
    assert not leaver.is_active
    assert not Activity.objects.filter(owner=leaver, date__gte=leaver.end_date).exists()
    assert not Opportunity.objects.filter(owner=leaver, close_date__gte=leaver.end_date).exists()
    assert Opportunity.objects.filter(owner=leaver, status="won").exists()


def test_the_fourth_quarter_is_the_heaviest() -> None:
    _, bookings = bookings_by_rep_month(HISTORY_START, FULL_MONTHS)
    monthly = bookings.sum(axis=0)
    # Months 4-6 and 16-18 are October to December of 2024 and 2025.
    quarters = [monthly[i : i + 3].sum() for i in range(1, 22, 3)]  # Jul 2024 … Mar 2026
    q4 = [quarters[1], quarters[5]]
    others = [q for i, q in enumerate(quarters) if i not in (1, 5)]
    assert min(q4) > 1.15 * statistics.mean(others)


def test_crm_discipline_problems_are_there_to_find() -> None:
    open_deals = Opportunity.objects.filter(status="open")
    assert open_deals.filter(close_date__lt=DEMO_AS_OF).count() >= 5
    quiet_since = DEMO_AS_OF - timedelta(days=30)
    touched = Activity.objects.filter(date__gt=quiet_since, opportunity__isnull=False).values(
        "opportunity_id"
    )
    assert open_deals.filter(created_date__lt=quiet_since).exclude(id__in=touched).count() >= 5
    assert open_deals.filter(amount__isnull=True).exists()
    assert open_deals.filter(next_step="").exists()
    slipped = StageChange.objects.filter(from_stage=F("to_stage"))
    assert slipped.count() >= 100
    skipped = (
        Opportunity.objects.filter(status="won")
        .annotate(steps=Count("stage_changes", filter=Q(stage_changes__to_stage__outcome="open")))
        .filter(steps__lt=5)
    )
    assert skipped.exists()


def test_existing_business_means_the_account_had_won_before() -> None:
    types = dict(Opportunity.objects.values_list("type").annotate(n=Count("id")))
    assert types["new_business"] > 500
    assert types["existing_business"] > 500
    first_win = dict(
        Opportunity.objects.filter(status="won")
        .values_list("account_id")
        .annotate(first=Min("close_date"))
    )
    for account, created, kind in Opportunity.objects.values_list(
        "account_id", "created_date", "type"
    ):
        had_won = account in first_win and first_win[account] < created
        assert (kind == "existing_business") == had_won


def test_invoices_are_paid_on_time_late_or_not_yet() -> None:
    assert Invoice.objects.filter(paid_date__lte=F("due_date")).count() > 300
    assert Invoice.objects.filter(paid_date__gt=F("due_date") + timedelta(days=30)).exists()
    assert Invoice.objects.filter(paid_date__isnull=True).exists()


def test_marketing_leads_convert_and_spend_is_recorded_every_month() -> None:
    sources = set(MarketingSpend.objects.values_list("lead_source", flat=True))
    assert sources == {"Web", "Webinar", "Trade show", "Partner", "Referral"}
    assert MarketingSpend.objects.count() == 5 * 25
    converted = Lead.objects.filter(converted_opportunity__isnull=False)
    assert converted.count() > 500
    assert Lead.objects.filter(converted_opportunity__isnull=True).count() > converted.count()


def test_consultants_log_billable_and_other_time_and_carry_a_backlog() -> None:
    assert TimeEntry.objects.filter(billable=True).count() > 2000
    assert TimeEntry.objects.filter(billable=False).exists()
    assert ServiceBacklog.objects.filter(as_of=DEMO_AS_OF.replace(day=1)).count() == 5
    assert SalesExpense.objects.values("category").distinct().count() == 4


def test_quotas_and_goals_reach_five_quarters_ahead() -> None:
    last = Quota.objects.aggregate(m=Max("month"))["m"]
    assert last >= date(2027, 9, 1)
    assert Goal.objects.filter(metric="win_rate", scope="team").exists()
    assert Goal.objects.filter(metric="bookings", period="2026-Q2").exists()


def test_each_sales_team_has_its_quota_as_its_bookings_goal() -> None:
    month = DEMO_AS_OF.replace(day=1)
    teams = Team.objects.filter(pk__in=Quota.objects.filter(team__isnull=False).values("team"))
    assert teams.count() >= 3
    for team in teams:
        quota = Quota.objects.get(team=team, user__isnull=True, month=month).amount
        goal = Goal.objects.get(metric="bookings", scope="team", team=team, period=f"{month:%Y-%m}")
        assert goal.target == quota, team.name
        rate_goals = Goal.objects.filter(scope="team", team=team, period=f"{month:%Y-%m}")
        assert {"win_rate", "pipeline_coverage", "forecast_accuracy"} <= set(
            rate_goals.values_list("metric", flat=True)
        )


def test_one_salesperson_works_well_below_the_activity_standard() -> None:
    weekly = activities_by_rep_month("new_prospect_call", HISTORY_START, FULL_MONTHS)
    per_week = weekly.sum(axis=1) / (FULL_MONTHS * 52 / 12)
    low = per_week[3]
    ramped = per_week[4:-3]  # everyone but the characters and the recent hires
    assert low < 0.7 * 20  # the standard is 20 new-prospect calls a week
    assert low < ramped.min()


def test_the_president_assessed_the_four_quarters_before_this_one() -> None:
    from revsight.assessments import self_services as assessments
    from revsight.assessments.self_models import SelfAssessment

    president = User.objects.get(email=DEMO_LOGINS[Role.EXECUTIVE])
    kept = assessments.history(president, None)
    assert [a.quarter for a in kept] == ["2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1"]
    totals = [t.total for a in kept if (t := assessments.totals(a))]
    assert totals == [27, 31, 36, 41]  # improving, from "take multiple actions"
    assert all(a.assessed_by == president and a.team is None for a in kept)
    # This quarter's is left to start from the data's suggestions.
    assert not SelfAssessment.objects.filter(quarter="2026-Q2").exists()


def test_an_open_position_has_three_candidates_scored_by_its_three_interviewers() -> None:
    from revsight.assessments import recruiting_services as recruiting
    from revsight.assessments.recruiting_models import Position, Scorecard

    [position] = Position.objects.filter(status="open")
    assert position.interviewers.count() == 3
    submitted = Scorecard.objects.filter(candidate__position=position, submitted_at__isnull=False)
    fully_scored = [
        c for c in position.candidates.all() if submitted.filter(candidate=c).count() == 3
    ]
    assert len(fully_scored) == 3
    # The president, on no panel, reads the ranked comparison at once.
    president = User.objects.get(email=DEMO_LOGINS[Role.EXECUTIVE])
    ranked = recruiting.comparison(president, position)
    totals = [r.result.total for r in ranked if r.result and r.result.total is not None]
    assert totals == sorted(totals, reverse=True)
    assert len(totals) == 4
    # The salesperson's draft keeps the fourth candidate's scores hidden from them.
    rep = User.objects.get(email=DEMO_LOGINS[Role.SALESPERSON])
    assert [r.blind for r in recruiting.comparison(rep, position)] == [False, False, False, True]


def test_last_years_annual_plan_is_written_and_linked_to_its_goals() -> None:
    from revsight.assessments.annual_plan_models import AnnualPlan

    [plan] = AnnualPlan.objects.all()
    assert plan.year == DEMO_AS_OF.year
    assert plan.answers["went_well"]
    assert plan.answers["capability_assumptions_holds"] == "no"
    assert set(plan.goals.values_list("period", flat=True)) >= {f"{DEMO_AS_OF.year}-Q1"}
