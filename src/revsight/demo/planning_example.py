"""The demo's capacity scenarios: a plan made three months ago, so its page has actuals to
show, and one made today; both aim a tenth above the quotas already set, with the
attainment the demo's salespeople are simulated to reach."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal

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
