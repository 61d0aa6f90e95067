"""The demo's capacity scenarios: a plan made three months ago, so its page has actuals to
show, and one made today; both aim a tenth above the quotas already set, with the
attainment the demo's salespeople are simulated to reach."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from revsight.core import periods
from revsight.planning import services
from revsight.planning.suggested import suggested

GROWTH = Decimal("0.05")  # each quarter's objective 5 % above the one before
ATTAINMENT = "85%"


def _objectives(text: dict[str, str], day: date) -> str:
    """Growing objectives from what the current team books in the plan's first quarter: the
    plan then has to replace the salespeople who leave and add some."""
    zero = ", ".join(f"{item.partition('=')[0]}=0" for item in text["objectives"].split(", "))
    first = services.build({**text, "objectives": zero}, day).plan.quarters[0].capacity
    amounts = [
        Decimal(first) * (1 + GROWTH * q) for q in range(len(text["objectives"].split(", ")))
    ]
    quarters = [item.partition("=")[0] for item in text["objectives"].split(", ")]
    return ", ".join(
        f"{q}={(a / 10000).to_integral_value(ROUND_FLOOR) * 10000}"
        for q, a in zip(quarters, amounts, strict=True)
    )


def plant(as_of: date) -> None:
    earlier = periods.add_months(as_of, -2) - timedelta(days=1)  # the end of 3 months ago
    for name, day in (
        (f"Plan of {earlier:%B %Y}", earlier),
        (f"Next five quarters ({as_of:%b %Y})", as_of),
    ):
        text = {**suggested(day, None), "attainment": ATTAINMENT}
        if not text["quota"]:
            continue  # no quotas at all: nothing to plan from
        text["attrition"] = text["attrition"] or "20%"
        text["objectives"] = _objectives(text, day)
        services.save_scenario(None, name, text, day, None)


def plant_contests(as_of: date) -> None:
    """A year of contests around the as-of date: the quarter's bookings (running), a race to
    a month's quota this quarter, last month's win-rate improvement among the sales teams
    (decided), and next quarter's activity push for the first sales team (planned)."""
    from revsight.org.models import Role, Team, TeamTree
    from revsight.planning import contest_services

    quarter = periods.containing("quarter", as_of)
    last_month = periods.containing("month", periods.add_months(as_of, -1))
    following = periods.following(quarter)
    quota = suggested(as_of, None)["quota"]
    tree = TeamTree.load()
    selling = sorted(
        {
            t.pk: t
            for t in Team.objects.filter(members__role=Role.SALESPERSON)
            if not tree.children.get(t.pk)
        }.values(),
        key=lambda t: t.name,
    )
    contests: list[dict[str, object]] = [
        {
            "name": f"Top bookings {quarter.id}",
            "metric": "bookings",
            "period": quarter.id,
            "prize": "Two extra days of holiday",
        },
    ]
    if quota:
        contests.append(
            {
                "name": f"First to a month's quota, {quarter.id}",
                "metric": "bookings",
                "period": quarter.id,
                "rule": "first_to",
                "threshold": quota,
                "prize": "Dinner for two",
            }
        )
    if len(selling) >= 2:
        contests.append(
            {
                "name": f"Win-rate lift {last_month.id}",
                "metric": "win_rate",
                "period": last_month.id,
                "rule": "improvement",
                "competitors": "teams",
                "teams": selling,
                "prize": "Team lunch",
            }
        )
        contests.append(
            {
                "name": f"{selling[0].name} activity push {following.id}",
                "metric": "activity_count",
                "period": following.id,
                "team": selling[0],
            }
        )
    for text in contests:
        contest_services.save(None, text)


def first_sales_team() -> Any:
    """The first team, by name, with a manager and salespeople of its own: the demo's
    examples of a team's plans."""
    from revsight.org.models import Role, Team, TeamTree

    tree = TeamTree.load()
    for team in Team.objects.filter(manager__isnull=False).order_by("name"):
        if not tree.children.get(team.pk) and team.members.filter(role=Role.SALESPERSON).exists():
            return team
    return None


TRAINING_TOPICS = (
    ("Discovery questions that qualify a deal", 90),
    ("Forecast categories and keeping the CRM honest", 60),
    ("Product update: what is new this quarter", 60),
    ("Negotiating price without discounting", 90),
    ("Running a mutual close plan", 60),
    ("Handling procurement and legal review", 60),
    ("Planning the top ten accounts", 90),
)


def plant_training(as_of: date) -> None:
    """The quarter's training plan of the first sales team with a manager: a session every
    other Tuesday morning, delivered in turn by its salespeople, a presales
    engineer and someone from product marketing; attendance recorded for the sessions
    before the as-of date (a few absences, the same on every build)."""
    from datetime import time

    from django.utils import timezone

    from revsight.core import clock
    from revsight.org.models import Role, User
    from revsight.planning import training_services as training

    team = first_sales_team()
    if team is None:
        return
    quarter = periods.containing("quarter", as_of)
    plan = training.save_plan(
        None, {"quarter": quarter.id, "team": team, "title": "Qualify, negotiate, close"}
    )
    sellers = training.default_attendees(team, as_of)
    others = list(User.objects.filter(role=Role.PRESALES, end_date__isnull=True)[:1])
    first = quarter.start + timedelta(days=(1 - quarter.start.weekday()) % 7)  # a Tuesday
    for n, (topic, minutes) in enumerate(TRAINING_TOPICS):
        day = first + timedelta(days=14 * n)
        if not quarter.contains(day) or not sellers:
            continue
        if n == 2:
            presenter: object = "Priya Raman, product marketing"
        elif n == 5 and others:
            presenter = others[0]
        else:
            presenter = sellers[n % len(sellers)]
        training.save_session(
            None,
            plan.pk,
            {
                "topic": topic,
                "date": day,
                "time": time(8, 30),
                "minutes": str(minutes),
                "presenter": presenter,
                "location": "Boardroom and video call",
                "attendees": None,
            },
        )
    moment = clock.local_moment(as_of, time(23, 59))
    for i, session in enumerate(training.sessions(plan)):
        if session.starts_at > min(moment, timezone.now()):
            continue
        rows = list(session.attendance.order_by("person__email"))
        present = [a.person for j, a in enumerate(rows) if (i + j) % 6 != 5]
        # Recorded as the session ended, not when the demo is built: builds stay identical.
        ended = session.starts_at + timedelta(minutes=session.minutes)
        training.record_attendance(None, session.pk, present, at=ended)


STRATEGIES = (
    "Grow the three largest accounts: a business review with each in the first month and an "
    "expansion proposal before the end of the first quarter.\n"
    "Two new-prospect calls every morning before ten; a discovery call booked from one in "
    "five.\nAsk every customer who renews for one introduction.",
    "Win back the mid-size customers lost last year to price: lead with the service record, "
    "not the discount.\nOne demonstration a week to a new logo, booked from the trade-show "
    "leads.\nClose the two stalled proposals or take them out of the forecast by month two.",
    "Keep the pipeline at three times quota: review every deal past its close date on Friday "
    "and either move it with a reason or close it.\nJoin the presales engineer on the first "
    "call of every deal over 50,000.",
    "Focus on the regulated-industries segment where the win rate is highest: ten new "
    "accounts targeted by name, one executive presentation a month.\nShorten the cycle by "
    "agreeing a mutual close plan at the proposal stage.",
)


def plant_business_plans(as_of: date) -> None:
    """The half's business plans of the first sales team with a manager: made at the half's
    start from each salesperson's history before it, with their strategies; the last two of
    the team have not made theirs yet, so the team's page shows the gap."""
    from revsight.planning import business_services as business

    team = first_sales_team()
    if team is None:
        return
    half = business.half_named("", as_of)
    made_on = max(half.start, min(as_of, half.start + timedelta(days=13)))
    people = [p for p in business.board(None, half, as_of, team) if p.quotas is not None]
    for n, shown in enumerate(people[:-2]):
        text = {"strategies": STRATEGIES[n % len(STRATEGIES)]}
        if n == 1:
            text["manager_notes"] = (
                "Agreed in our one-to-one: the two stalled proposals are the half's swing "
                "deals. Joint call on the larger one in the first month."
            )
        business.save(None, shown.salesperson, half, text, as_of=made_on)
