"""Who sees which record: each position in the organisation by each kind of record."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Model
from django.utils import timezone

from revsight.access.visibility import can_see, scope
from revsight.assessments.models import (
    AnnualPlan,
    Candidate,
    CategoryScore,
    Criterion,
    CriterionScore,
    Position,
    Scorecard,
    SelfAssessment,
    StageEvent,
)
from revsight.cadence.models import CoachingEntry, CoachingReply, CoachingTarget
from revsight.cadence.priorities_models import Priority, WeeklyRecord
from revsight.cadence.review_models import Review, ReviewAction
from revsight.core import audit
from revsight.crm.models import (
    Account,
    Activity,
    ForecastSubmission,
    Invoice,
    Lead,
    MarketingSpend,
    Opportunity,
    SalesExpense,
    ServiceBacklog,
    Stage,
    StageChange,
    TimeEntry,
)
from revsight.jobs.models import Job
from revsight.org.models import Goal, Quota
from revsight.planning.models import (
    AccountAction,
    AccountPlan,
    BusinessPlan,
    CapacityScenario,
    Contest,
    TrainingPlan,
    TrainingSession,
)
from tests.people import Cast

EVERYONE = {
    "president",
    "admin",
    "vp",
    "east_manager",
    "west_manager",
    "east_rep",
    "east_rep2",
    "west_rep",
    "consultant",
    "services_head",
}
EAST_REP_CHAIN = {"president", "admin", "vp", "east_manager", "east_rep"}
CONSULTANT_CHAIN = {"president", "admin", "services_head", "consultant"}
EXECUTIVES = {"president", "admin"}
MANAGERS_AND_ABOVE = EXECUTIVES | {"vp", "east_manager", "west_manager", "services_head"}
EAST_TEAM_VIEWERS = {"president", "admin", "vp", "east_manager", "east_rep", "east_rep2"}

# kind of record -> the viewers allowed to see the one sample record of that kind
EXPECTED = {
    "user": EAST_REP_CHAIN,
    "account": EAST_REP_CHAIN,
    "opportunity": EAST_REP_CHAIN,
    "stage_change": EAST_REP_CHAIN,
    "activity": EAST_REP_CHAIN,
    "quota": EAST_REP_CHAIN,
    "rep_goal": EAST_REP_CHAIN,
    "forecast_submission": EAST_REP_CHAIN,
    "owned_lead": EAST_REP_CHAIN,
    "invoice": EAST_REP_CHAIN,
    "sales_expense": EAST_REP_CHAIN,
    "time_entry": CONSULTANT_CHAIN,
    "consultant_backlog": CONSULTANT_CHAIN,
    "team": EAST_TEAM_VIEWERS,
    "company_goal": EVERYONE,
    "unowned_lead": MANAGERS_AND_ABOVE,
    "marketing_spend": MANAGERS_AND_ABOVE,
    "audit_entry": EXECUTIVES,
    "rep_job": EAST_REP_CHAIN,
    "scheduled_job": MANAGERS_AND_ABOVE,
    "coaching_entry": EAST_REP_CHAIN,
    "coaching_reply": EAST_REP_CHAIN,
    "coaching_target": EAST_REP_CHAIN,
    "company_scenario": EXECUTIVES,
    "east_scenario": {"president", "admin", "vp", "east_manager"},
    "company_contest": EVERYONE,
    "east_contest": EAST_TEAM_VIEWERS,
    "east_west_contest": EAST_TEAM_VIEWERS | {"west_manager", "west_rep"},
    "business_plan": EAST_REP_CHAIN,
    "company_week": EXECUTIVES,
    "east_week": {"president", "admin", "vp", "east_manager"},
    # A priority is seen with its week, and by its owner.
    "east_priority": {"president", "admin", "vp", "east_manager", "east_rep"},
    "company_training_plan": EVERYONE,
    # Delivered in part by a salesperson of another team, who sees the plan they present in.
    "east_training_plan": EAST_TEAM_VIEWERS | {"west_rep"},
    "east_training_session": EAST_TEAM_VIEWERS | {"west_rep"},
    # An account's plan follows the account, and the consultant given one of its actions (and
    # whoever sees them) sees it too.
    "account_plan": EAST_REP_CHAIN | CONSULTANT_CHAIN,
    "account_action": EAST_REP_CHAIN | CONSULTANT_CHAIN,
    # A review is seen by whoever sees its salesperson.
    "review": EAST_REP_CHAIN,
    "review_action": EAST_REP_CHAIN,
    # A self-assessment is seen by its author and whoever manages the team it assesses.
    "company_self_assessment": EXECUTIVES,
    "east_self_assessment": {"president", "admin", "vp", "east_manager"},
    "east_category_score": {"president", "admin", "vp", "east_manager"},
    # A position is seen by its hiring team (its hiring manager and interviewers, of any team).
    "position": {"president", "admin", "east_manager", "east_rep", "west_manager"},
    "criterion": {"president", "admin", "east_manager", "east_rep", "west_manager"},
    "candidate": {"president", "admin", "east_manager", "east_rep", "west_manager"},
    "stage_event": {"president", "admin", "east_manager", "east_rep", "west_manager"},
    # A submitted scorecard is hidden from an interviewer who has not submitted their own.
    "submitted_scorecard": {"president", "admin", "east_manager", "west_manager"},
    "criterion_score": {"president", "admin", "east_manager", "west_manager"},
    "draft_scorecard": {"east_rep"},
    "annual_plan": MANAGERS_AND_ABOVE,
}


def sample_records(cast: Cast) -> dict[str, Model]:
    rep, consultant = cast.east_rep, cast.consultant
    stage = Stage.objects.create(name="Proposal", order=4, probability=Decimal("0.6"))
    account = Account.objects.create(name="Globex", owner=rep)
    deal = Opportunity.objects.create(
        account=account,
        owner=rep,
        name="Globex network refresh",
        amount=Decimal("40000"),
        stage=stage,
        created_date=date(2026, 1, 5),
        close_date=date(2026, 3, 31),
    )
    day = date(2026, 2, 2)
    contests = [
        Contest.objects.create(name=name, metric="bookings", period="2026-Q1", team=team)
        for name, team in (("Company", None), ("East", cast.east))
    ]
    among = Contest.objects.create(
        name="East vs West", metric="bookings", period="2026-Q1", competitors="teams"
    )
    among.teams.set([cast.east, cast.west])
    plan = {"objectives": "2026-Q2=100000", "quota": "50000"}
    east_week = WeeklyRecord.objects.create(
        week="2026-W06", team=cast.east, prepared_at=timezone.now()
    )
    east_training = TrainingPlan.objects.create(quarter="2026-Q1", team=cast.east)
    session = TrainingSession.objects.create(
        plan=east_training,
        topic="Discovery",
        starts_at=timezone.now(),
        minutes=60,
        presenter=cast.west_rep,
    )
    coached = CoachingEntry.objects.create(
        salesperson=rep, coach=cast.east_manager, date=day, kind="joint_call"
    )
    account_plan = AccountPlan.objects.create(account=account, goals="Win it", reviewed_on=day)
    given = AccountAction.objects.create(plan=account_plan, what="Demo", owner=consultant, due=day)
    review = Review.objects.create(salesperson=rep, kind="monthly", period="2026-02")
    east_assessment = SelfAssessment.objects.create(
        assessed_by=cast.east_manager, team=cast.east, quarter="2026-Q1", as_of=day
    )
    position = Position.objects.create(
        title="Account executive", team=cast.east, hiring_manager=cast.east_manager, opened_on=day
    )
    position.interviewers.set([cast.east_rep, cast.west_manager])
    criterion = Criterion.objects.create(position=position, name="Curiosity", kind="trait")
    candidate = Candidate.objects.create(position=position, name="Dana Candidate")
    submitted = Scorecard.objects.create(
        candidate=candidate, interviewer=cast.west_manager, submitted_at=timezone.now()
    )
    return {
        "user": rep,
        "account": account,
        "opportunity": deal,
        "stage_change": StageChange.objects.create(
            opportunity=deal, to_stage=stage, amount=deal.amount, changed_at=timezone.now()
        ),
        "activity": Activity.objects.create(owner=rep, type="demonstration", date=day),
        "quota": Quota.objects.create(user=rep, month=date(2026, 2, 1), amount=Decimal("50000")),
        "rep_goal": Goal.objects.create(
            metric="win_rate", scope="user", user=rep, period="2026-02", target=Decimal("0.3")
        ),
        "forecast_submission": ForecastSubmission.objects.create(
            user=rep,
            period_type="month",
            period_start=date(2026, 2, 1),
            category="commit",
            amount=Decimal("45000"),
            submitted_at=timezone.now(),
        ),
        "owned_lead": Lead.objects.create(lead_source="Web", created_date=day, owner=rep),
        "invoice": Invoice.objects.create(
            account=account, invoice_date=day, amount=Decimal("40000"), due_date=date(2026, 3, 4)
        ),
        "sales_expense": SalesExpense.objects.create(
            user=rep, month=date(2026, 2, 1), category="travel", amount=Decimal("800")
        ),
        "time_entry": TimeEntry.objects.create(
            consultant=consultant, date=day, hours=Decimal("8"), standard_rate=Decimal("180")
        ),
        "consultant_backlog": ServiceBacklog.objects.create(
            as_of=day, consultant=consultant, hours=Decimal("120")
        ),
        "team": cast.east,
        "company_goal": Goal.objects.create(
            metric="win_rate", scope="company", period="2026-02", target=Decimal("0.33")
        ),
        "unowned_lead": Lead.objects.create(lead_source="Trade show", created_date=day),
        "marketing_spend": MarketingSpend.objects.create(
            lead_source="Web", month=date(2026, 2, 1), amount=Decimal("9000")
        ),
        "audit_entry": audit.record("test.sample", "A sample change", actor=cast.admin),
        "rep_job": Job.objects.create(kind="import", started_by=rep),
        "scheduled_job": Job.objects.create(kind="import", schedule="weekly snapshot"),
        "coaching_entry": coached,
        "coaching_reply": CoachingReply.objects.create(entry=coached, author=rep, text="Noted"),
        "coaching_target": CoachingTarget.objects.create(salesperson=rep, joint_calls_per_month=3),
        "company_scenario": CapacityScenario.objects.create(
            name="Company plan", as_of=day, parameters=plan
        ),
        "east_scenario": CapacityScenario.objects.create(
            name="East plan", as_of=day, team=cast.east, parameters=plan
        ),
        "company_contest": contests[0],
        "east_contest": contests[1],
        "east_west_contest": among,
        "business_plan": BusinessPlan.objects.create(salesperson=rep, half="2026-H1", ratios={}),
        "company_week": WeeklyRecord.objects.create(week="2026-W06", prepared_at=timezone.now()),
        "east_week": east_week,
        "east_priority": Priority.objects.create(record=east_week, text="Demo", owner=rep),
        "company_training_plan": TrainingPlan.objects.create(quarter="2026-Q1"),
        "east_training_plan": east_training,
        "east_training_session": session,
        "account_plan": account_plan,
        "account_action": given,
        "review": review,
        "review_action": ReviewAction.objects.create(review=review, text="Two demos a week"),
        "company_self_assessment": SelfAssessment.objects.create(
            assessed_by=cast.president, quarter="2026-Q1", as_of=day
        ),
        "east_self_assessment": east_assessment,
        "east_category_score": CategoryScore.objects.create(
            assessment=east_assessment, number=1, suggested=3, reason="", figures={}
        ),
        "position": position,
        "criterion": criterion,
        "candidate": candidate,
        "stage_event": StageEvent.objects.create(candidate=candidate, stage="screen", on=day),
        "submitted_scorecard": submitted,
        "criterion_score": CriterionScore.objects.create(
            scorecard=submitted, criterion=criterion, score=4
        ),
        "draft_scorecard": Scorecard.objects.create(candidate=candidate, interviewer=cast.east_rep),
        "annual_plan": AnnualPlan.objects.create(year=2026, written_by=cast.president),
    }


MATRIX = [
    pytest.param(kind, viewer, viewer in allowed, id=f"{kind}-{viewer}")
    for kind, allowed in EXPECTED.items()
    for viewer in sorted(EVERYONE)
]


@pytest.mark.parametrize(("kind", "viewer", "allowed"), MATRIX)
def test_visibility_matrix(cast: Cast, kind: str, viewer: str, allowed: bool) -> None:
    record = sample_records(cast)[kind]
    assert can_see(getattr(cast, viewer), record) is allowed


def test_every_kind_of_record_has_a_rule_in_the_matrix(cast: Cast) -> None:
    from revsight.access.visibility import RULES

    covered = {type(record) for record in sample_records(cast).values()}
    uncovered = {m.__name__ for m in RULES} - {m.__name__ for m in covered}
    # Reference data every logged-in person reads; covered by its own test below.
    assert uncovered == {
        "Stage",
        "ActivityStandard",
        "Organisation",
        "CoachingSettings",
        "MeetingSettings",
    }


def test_reference_data_is_visible_to_every_active_person(cast: Cast) -> None:
    Stage.objects.create(name="Prospecting", order=1)
    assert scope(cast.west_rep, Stage.objects.all()).count() == 1


def test_a_deactivated_person_sees_nothing(cast: Cast) -> None:
    records = sample_records(cast)
    cast.president.is_active = False
    cast.president.save()
    assert not can_see(cast.president, records["opportunity"])


def test_a_manager_sees_sub_teams_of_sub_teams(cast: Cast) -> None:
    from revsight.org.models import Role, Team, User

    north = Team.objects.create(name="East North", parent=cast.east)
    far = User.objects.create_user("far@acme.test", "x", role=Role.SALESPERSON, team=north)
    assert can_see(cast.vp, far)
    assert can_see(cast.east_manager, far)
    assert not can_see(cast.west_manager, far)


def test_a_cycle_in_team_parents_does_not_hang(cast: Cast) -> None:
    cast.sales.parent = cast.east
    cast.sales.save()
    assert can_see(cast.east_manager, cast.west_rep)  # East now sits above Sales


def test_unknown_models_are_refused(cast: Cast) -> None:
    from django.contrib.auth.models import Group

    with pytest.raises(LookupError, match="No visibility rule for Group"):
        scope(cast.president, Group.objects.all())
