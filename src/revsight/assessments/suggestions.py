"""The score the data suggests for each of the self-assessment's categories (docs/assessments.md).

Each rule reads what the rest of Revsight already computes — pipeline math, coverage, the key
accounts board, training and business plans, the discipline report, coaching against target,
activity standards and the leading indicators, contests — for the company or one team, as
known at the end of the as-of day, and says in one sentence why, with the figures behind it.
Where the feature that would answer is not in use, the suggestion says so (and is low: the
practice the category asks about is not happening in Revsight). Category 8 is left to the
person: no data says whether compensation is aligned with the company's goals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.urls import reverse

from revsight.analytics.computation import compute
from revsight.analytics.dashboard import WINDOWS, top_accounts
from revsight.analytics.scopes import Membership, membership, narrowed
from revsight.assessments.bands import CATEGORIES, Category
from revsight.core import clock, periods
from revsight.core.errors import InvalidInput, name_hint
from revsight.core.models import Organisation
from revsight.crm.models import Activity, Opportunity, OpportunityStatus
from revsight.org.models import ActivityStandard, Role, Team, TeamTree, User

# What "enough" pipeline is when the organisation has set no coverage goal: the rule of thumb.
DEFAULT_COVERAGE = 3.0
# A key-account plan reviewed longer ago than this is not current.
PLAN_CURRENT_DAYS = 92
# Closing ratios learnt from fewer complete months than this are not yet to be trusted.
RATIO_MONTHS = 6
# An import older than this means the CRM's copy here is not up to date.
STALE_IMPORT_DAYS = 7
# A correlation at least this strong between an activity and later bookings is a measured lead.
LEAD_CORRELATION = 0.5
WEAK_LEAD_CORRELATION = 0.3


@dataclass(frozen=True)
class Suggestion:
    number: int
    title: str
    suggested: int | None  # 1–5; None: the data cannot say
    reason: str
    figures: dict[str, Any] = field(default_factory=dict)
    link: str | None = None  # the page that addresses a low score

    def as_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "title": self.title,
            "suggested": self.suggested,
            "reason": self.reason,
            "figures": self.figures,
        }


@dataclass(frozen=True)
class Assessed:
    """What is assessed: the company or one team (with its sub-teams), on a day."""

    as_of: date
    team: Team | None
    members: Membership  # one key: the company's, or the team's
    people: frozenset[int]  # everyone in it, by id

    @property
    def label(self) -> str:
        return self.team.name if self.team else "the company"

    @property
    def fiscal(self) -> int:
        return Organisation.current().fiscal_year_start_month

    def month(self) -> periods.Period:
        return periods.containing("month", self.as_of, self.fiscal)

    def salespeople(self) -> list[User]:
        """Salespeople in post on the as-of day."""
        return [
            person
            for person in User.objects.filter(pk__in=self.people, role=Role.SALESPERSON)
            if (person.hire_date is None or person.hire_date <= self.as_of)
            and (person.end_date is None or person.end_date >= self.as_of)
        ]


def team_named(name: str) -> Team:
    found = Team.objects.filter(name=name).first()
    if found is None:
        names = list(Team.objects.order_by("name").values_list("name", flat=True))
        raise InvalidInput("team", name, f"is not a team ({name_hint(name, names, 'teams')})")
    return found


def assessed(as_of: date, team: Team | None = None) -> Assessed:
    periods.check_day("as_of", as_of)
    month = periods.containing("month", as_of, Organisation.current().fiscal_year_start_month)
    if team is None:
        members = membership("company", month)
        people = frozenset(User.objects.values_list("pk", flat=True))
    else:
        members = narrowed(membership("team", month), [team.name])
        below = TeamTree.load().under({team.pk})
        people = frozenset(User.objects.filter(team_id__in=below).values_list("pk", flat=True))
    return Assessed(as_of, team, members, people)


def _made(category: Category, suggested: int | None, reason: str, **figures: Any) -> Suggestion:
    link = reverse(category.feature) if category.feature else None
    return Suggestion(category.number, category.title, suggested, reason, figures, link)


def _round(value: float | None, places: int = 2) -> float | None:
    return None if value is None else round(value, places)


def _level(value: float, steps: tuple[float, float, float, float]) -> int:
    """1–5 by how many of four ascending thresholds `value` reaches."""
    return 1 + sum(1 for step in steps if value >= step)


# 1. Pipeline math.


def pipeline_needed(scope: Assessed, category: Category) -> Suggestion:
    from revsight.forecasting.pipeline_math import pipeline_math

    first = (
        Opportunity.objects.filter(owner_id__in=scope.people)
        .order_by("created_date")
        .values_list("created_date", flat=True)
        .first()
    )
    this_month = scope.as_of.replace(day=1)
    months = (
        0 if first is None else max(periods.month_index(this_month) - periods.month_index(first), 0)
    )
    math = pipeline_math(scope.as_of, scope.members)
    ratio = math.conversion.ratio
    if ratio is None:
        return _made(
            category,
            1,
            f"Pipeline math has no closing ratio for {scope.label} yet: no month began with "
            "open pipeline that was then decided.",
            months_of_history=months,
        )
    need = math.months[0]
    needed = _round(
        need.needed_at_start / need.quota if need.quota and need.needed_at_start else None
    )
    now = _round(need.pipeline_now / need.quota if need.quota else None)
    figures: dict[str, Any] = {
        "months_of_history": months,
        "bookings_per_start_pipeline": _round(ratio, 4),
        "month": need.month,
    }
    figures.update(coverage_needed=needed, coverage_now=now)
    if months < RATIO_MONTHS:
        return _made(
            category,
            2,
            f"The closing ratios come from {months} complete months of history, fewer than "
            f"{RATIO_MONTHS}: the pipeline needed is an estimate still.",
            **figures,
        )
    if needed is None or now is None:
        return _made(
            category,
            2,
            f"Pipeline math knows the closing ratios but {need.month} has no quota, so what is "
            "needed to exceed it cannot be said.",
            **figures,
        )
    if now >= needed:
        score, verdict = 5, "meets"
    elif now >= 0.75 * needed:
        score, verdict = 4, "is close to"
    else:
        score, verdict = 3, "falls short of"
    return _made(
        category,
        score,
        f"From {months} months of closing ratios, {need.month} needs {needed:.1f}× its quota "
        f"in pipeline at its start; the {now:.1f}× open now {verdict} it.",
        **figures,
    )


# 2. Coverage of the next 30, 60 and 90 days.


def future_coverage(scope: Assessed, category: Category) -> Suggestion:
    key = scope.members.keys[0]
    result = compute(
        [*WINDOWS, "pipeline_coverage"],
        scope.month().id,
        scope.as_of,
        scope.members.scope,
        members=scope.members,
    )
    goals = {row.metric: row.goal for row in result.rows if row.key == key}
    bar = goals.get("pipeline_coverage") or DEFAULT_COVERAGE
    values = {m: result.value(m, key) for m in WINDOWS}
    figures: dict[str, Any] = {
        "coverage_30d": _round(values[WINDOWS[0]]),
        "coverage_60d": _round(values[WINDOWS[1]]),
        "coverage_90d": _round(values[WINDOWS[2]]),
        "enough": bar,
    }
    if any(v is None for v in values.values()):
        return _made(
            category,
            1,
            f"The next 90 days have no quota for {scope.label}, so their coverage cannot be "
            "measured: set the quotas.",
            **figures,
        )
    shown = [float(v) for v in values.values() if v is not None]
    reached = sum(1 for v in shown if v >= bar)
    score = 2 + reached if reached else 2 if min(shown) >= 1 else 1
    return _made(
        category,
        score,
        f"Coverage is {shown[0]:.1f}×, {shown[1]:.1f}× and {shown[2]:.1f}× for the next 30, 60 "
        f"and 90 days: {reached} of the three at the {bar:.1f}× that is enough.",
        **figures,
    )


# 3 and 4. The key accounts.


def _plans(account_ids: list[int]) -> dict[int, Any]:
    from revsight.planning.models import AccountPlan

    found = AccountPlan.objects.filter(account_id__in=account_ids).prefetch_related("actions")
    return {plan.account_id: plan for plan in found}


def top_accounts_planned(scope: Assessed, category: Category) -> Suggestion:
    from revsight.planning.models import AccountPlan

    top = top_accounts(scope.members, scope.as_of, 10)
    if not top:
        return _made(
            category,
            None,
            f"No open pipeline is expected to close in the next 90 days for {scope.label}: "
            "there is no top 10 to look at.",
            top_accounts=0,
        )
    plans = _plans([t.account_id for t in top])
    since = scope.as_of - timedelta(days=PLAN_CURRENT_DAYS)
    current = [
        t.account_id
        for t in top
        if (plan := plans.get(t.account_id)) is not None
        and plan.status != AccountPlan.Status.ACHIEVED
        and plan.reviewed_on >= since
    ]
    share = len(current) / len(top)
    return _made(
        category,
        _level(share, (0.1, 0.5, 0.8, 1.0)),
        f"{len(current)} of the top {len(top)} forecasted accounts have a key-account plan "
        f"reviewed in the last three months.",
        top_accounts=len(top),
        with_current_plan=len(current),
    )


def key_accounts_attacked(scope: Assessed, category: Category) -> Suggestion:
    from revsight.planning.account_plans import coverage
    from revsight.planning.models import AccountPlan

    plans = list(
        AccountPlan.objects.filter(account__owner_id__in=scope.people)
        .exclude(status=AccountPlan.Status.ACHIEVED)
        .prefetch_related("actions")
    )
    if not plans:
        return _made(
            category,
            1,
            f"No key account of {scope.label} has a plan of attack in Revsight.",
            plans=0,
            reaching_three_months=0,
        )
    covered = sum(1 for plan in plans if coverage(plan, scope.as_of).covered)
    share = covered / len(plans)
    score = 2 if covered == 0 else 3 if share < 0.5 else 4 if share < 1 else 5
    return _made(
        category,
        score,
        f"{covered} of {len(plans)} key-account plans have actions dated through the next "
        "three months.",
        plans=len(plans),
        reaching_three_months=covered,
    )


# 5. Recruiting.


# A hire counts as scored when at least this many interviewers submitted a scorecard of them.
SCORED_BY = 2
# The hires the category looks at: the latest of the last twelve months.
LAST_HIRES = 5


def recruiting(scope: Assessed, category: Category) -> Suggestion:
    from revsight.assessments import recruiting_services as recruiting
    from revsight.assessments.recruiting_models import Position, Scorecard, Stage, StageEvent

    positions = Position.objects.filter(opened_on__lte=scope.as_of)
    if scope.team is not None:
        below = TeamTree.load().under({scope.team.pk})
        positions = positions.filter(
            models.Q(team_id__in=below) | models.Q(hiring_manager_id__in=scope.people)
        )
    if not positions.exists():
        return _made(
            category,
            1,
            f"No position of {scope.label} has been opened with a recruiting scorecard in "
            "Revsight, so no candidate is scored against criteria here.",
            positions=0,
        )
    since = scope.as_of - timedelta(days=365)
    hires = list(
        StageEvent.objects.filter(
            stage=Stage.HIRED,
            on__range=(since, scope.as_of),
            candidate__position__in=positions,
        )
        .select_related("candidate__position")
        .order_by("-on", "-pk")[:LAST_HIRES]
    )
    if not hires:
        scored = (
            Scorecard.objects.filter(candidate__position__in=positions, submitted_at__isnull=False)
            .values("candidate")
            .distinct()
            .count()
        )
        return _made(
            category,
            3 if scored else 2,
            f"{positions.count()} position(s) of {scope.label} use a recruiting scorecard "
            f"and {scored} candidate(s) have been scored, but nobody was hired in the last "
            "twelve months.",
            positions=positions.count(),
            candidates_scored=scored,
            hires=0,
        )
    scored_hires = 0
    above = 0
    for event in hires:
        person = event.candidate
        cards = Scorecard.objects.filter(candidate=person, submitted_at__isnull=False)
        if cards.count() < SCORED_BY:
            continue
        scored_hires += 1
        result = recruiting.statistics_of(person)
        if result.above(person.position.hire_above):
            above += 1
    share = scored_hires / len(hires)
    score = (
        1
        if share == 0
        else 2
        if share < 0.5
        else 3
        if share < 1
        else 5
        if above == len(hires)
        else 4
    )
    return _made(
        category,
        score,
        f"{scored_hires} of the last {len(hires)} hires of {scope.label} were scored by at "
        f"least {SCORED_BY} interviewers, {above} of them above the position's hiring bar.",
        hires=len(hires),
        scored_by_two_or_more=scored_hires,
        above_the_bar=above,
    )


# 6. Training and development plans.


def training_and_development(scope: Assessed, category: Category) -> Suggestion:
    from revsight.planning.models import BusinessPlan, TrainingPlan, TrainingSession

    quarter = periods.containing("quarter", scope.as_of, scope.fiscal)
    half = periods.containing("half", scope.as_of, scope.fiscal)
    teams = [None] if scope.team is None else [scope.team]
    plans = TrainingPlan.objects.filter(quarter=quarter.id)
    if scope.team is not None:
        plans = plans.filter(team__in=[t for t in teams if t is not None]) | plans.filter(
            team__isnull=True
        )
    end_of_day = datetime.combine(scope.as_of, time.max, tzinfo=clock.zone())
    held = TrainingSession.objects.filter(
        plan__in=plans, starts_at__lte=end_of_day, attendance__attended=True
    ).distinct()
    sellers = scope.salespeople()
    planned = set(
        BusinessPlan.objects.filter(half=half.id, salesperson__in=sellers).values_list(
            "salesperson_id", flat=True
        )
    )
    training = 0 if not plans.exists() else 2 if held.exists() else 1
    development = 0 if not planned else 2 if len(planned) >= len(sellers) else 1
    figures = {
        "quarter": quarter.id,
        "training_plans": plans.count(),
        "sessions_held": held.count(),
        "half": half.id,
        "salespeople": len(sellers),
        "with_business_plan": len(planned),
    }
    said_training = (
        f"no training plan for {quarter.id}"
        if training == 0
        else f"a training plan for {quarter.id} with {held.count()} sessions held so far"
    )
    return _made(
        category,
        1 + training + development,
        f"There is {said_training}, and {len(planned)} of {len(sellers)} salespeople have a "
        f"business plan for {half.id}.",
        **figures,
    )


# 7. The CRM.


def crm_discipline(scope: Assessed, category: Category) -> Suggestion:
    from revsight.cadence.report import audience, discipline
    from revsight.core.audit import last_import

    report = discipline(scope.as_of, audience(None, team=scope.team), weeks=4)
    findings = len(report.findings)
    four_weeks_ago = sum(report.trend[0].counts.values()) if report.trend else findings
    open_deals = Opportunity.objects.filter(
        owner_id__in=scope.people,
        status=OpportunityStatus.OPEN,
        created_date__lte=scope.as_of,
    ).count()
    if not open_deals:
        return _made(
            category,
            1,
            f"No open deal of {scope.label} is in the CRM: it is not where the pipeline is kept.",
            findings=findings,
            open_deals=0,
        )
    last = last_import()
    age = None if last is None else (scope.as_of - last.astimezone(clock.zone()).date()).days
    newest = (
        Activity.objects.filter(owner_id__in=scope.people, date__lte=scope.as_of)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    quiet = None if newest is None else (scope.as_of - newest).days
    per_deal = findings / open_deals if open_deals else 0.0
    score = 6 - _level(per_deal, (0.1, 0.25, 0.5, 1.0))
    # Up to date: an import (or a push) or an activity logged in the last week.
    fresh = [days for days in (age, quiet) if days is not None and days <= STALE_IMPORT_DAYS]
    if not fresh:
        score = max(score - 1, 1)
    direction = (
        "down from"
        if findings < four_weeks_ago
        else "up from"
        if findings > four_weeks_ago
        else "as"
    )
    imported = "no import yet" if age is None else f"the last import {_ago(age)}"
    logged = "" if quiet is None else f", the last activity logged {_ago(quiet)}"
    return _made(
        category,
        score,
        f"{findings} discipline findings on {open_deals} open deals ({per_deal:.2f} a deal, "
        f"{direction} {four_weeks_ago} four weeks ago), {imported}{logged}.",
        findings=findings,
        open_deals=open_deals,
        findings_per_open_deal=round(per_deal, 2),
        findings_four_weeks_ago=four_weeks_ago,
        last_import_days=age,
        last_activity_days=quiet,
    )


def _ago(days: int) -> str:
    return "today" if days == 0 else "yesterday" if days == 1 else f"{days} days ago"


# 8. Compensation: the person's own judgement.


def compensation(scope: Assessed, category: Category) -> Suggestion:
    return _made(
        category,
        None,
        "Only you can judge this: Revsight holds the quotas, not the compensation plans.",
    )


# 9. Leading indicators.


def leading_indicators(scope: Assessed, category: Category) -> Suggestion:
    from revsight.analytics.engine import get_engine
    from revsight.forecasting import indicators
    from revsight.forecasting.history import History

    standards = ActivityStandard.objects.count()
    if not standards:
        return _made(
            category,
            1,
            "No activity standard is defined, so no activity is measured against one.",
            standards=0,
        )
    series = History(get_engine(), scope.as_of, scope.members).series
    leads = indicators.lead_table(series, indicators.month_index(scope.as_of))
    ahead = {kind: (lag, r) for kind, (lag, r) in leads.items() if lag >= 1}
    best = max(ahead.items(), key=lambda item: item[1][1], default=None)
    figures: dict[str, Any] = {"standards": standards}
    if best is None:
        return _made(
            category,
            2,
            f"{standards} activity standards are defined, but no activity is seen to lead "
            "bookings by a month or more yet.",
            **figures,
        )
    kind, (lag, r) = best
    figures.update(indicator=kind, lag_months=lag, correlation=round(r, 2))
    name = kind.replace("_", " ")
    if r >= LEAD_CORRELATION:
        score, how = 5, "lead"
    elif r >= WEAK_LEAD_CORRELATION:
        score, how = 4, "lead, weakly,"
    else:
        score, how = 3, "barely lead"
    return _made(
        category,
        score,
        f"{standards} activity standards are defined and {name}s {how} bookings by {lag} "
        f"month{'s' if lag > 1 else ''} (correlation {r:.2f}).",
        **figures,
    )


# 10. Coaching.


def coaching(scope: Assessed, category: Category) -> Suggestion:
    from revsight.cadence.coaching import as_of_in, coached_people, rep_months

    people = list(coached_people(None, scope.team.pk if scope.team else None))
    if not people:
        return _made(category, None, f"{scope.label.capitalize()} has no salesperson to coach.")
    had = due = 0
    this_month = scope.month()
    for back in range(3):
        month = periods.containing("month", periods.add_months(this_month.start, -back))
        for row in rep_months(people, month, as_of_in(month, scope.as_of)):
            had += row.joint_calls
            due += row.expected
    if due == 0:
        return _made(
            category,
            1,
            "No coaching target is set, so joint calls are not planned: set one.",
            joint_calls=had,
            expected=0,
        )
    share = had / due
    return _made(
        category,
        _level(share, (0.3, 0.6, 0.8, 1.0)),
        f"{had} joint calls in the last three months against the {due} the coaching targets "
        f"expect by now ({share:.0%}).",
        joint_calls=had,
        expected=due,
        share=round(share, 3),
    )


# 11. Contests.


def contests(scope: Assessed, category: Category) -> Suggestion:
    from revsight.planning.models import Contest

    year = periods.containing("year", scope.as_of, scope.fiscal)
    quarters = [
        periods.containing("quarter", periods.add_months(year.start, 3 * n), scope.fiscal)
        for n in range(4)
    ]
    found = Contest.objects.all()
    if scope.team is not None:
        found = found.filter(team=scope.team) | found.filter(team__isnull=True)
    spans = []
    for contest in found:
        try:
            spans.append(periods.parse(contest.period, scope.as_of, scope.fiscal))
        except InvalidInput:  # a period kept before its syntax was checked
            continue
    in_year = [s for s in spans if s.start <= year.end and s.end >= year.start]
    covered = sum(
        1 for q in quarters if any(s.start <= q.end and s.end >= q.start for s in in_year)
    )
    return _made(
        category,
        1 + covered,
        f"{len(in_year)} contests are planned in {year.id}, covering {covered} of its four "
        "quarters.",
        year=year.id,
        contests=len(in_year),
        quarters_covered=covered,
    )


RULES: tuple[Callable[[Assessed, Category], Suggestion], ...] = (
    pipeline_needed,
    future_coverage,
    top_accounts_planned,
    key_accounts_attacked,
    recruiting,
    training_and_development,
    crm_discipline,
    compensation,
    leading_indicators,
    coaching,
    contests,
)


def suggest(as_of: date, team: Team | None = None) -> list[Suggestion]:
    """The eleven suggestions, in the categories' order."""
    scope = assessed(as_of, team)
    return [rule(scope, category) for rule, category in zip(RULES, CATEGORIES, strict=True)]


def as_json(as_of: date, found: list[Suggestion]) -> dict[str, Any]:
    """What `revsight assess suggest --format json` prints."""
    return {"as_of": as_of.isoformat(), "categories": [s.as_json() for s in found]}
