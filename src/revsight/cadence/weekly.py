"""A week's achievements and problems, drawn from the data for a team (or the company): what
the president and the sales manager look at on Friday before agreeing next week's priorities.

Every figure is one the rest of Revsight already defines, for the team and its sub-teams:
bookings against the quota of the week and of the month to date (`bookings`, `quota`), the
pipeline created (`opportunities_created`, `pipeline_created`), the deals won and lost (the
records behind `won_count` and `lost_count`), the month's pipeline pushed out of the month
during the week (`forecasting.movement`), the salespeople below an activity standard
(`activities_vs_standard_*` under 1), the CRM discipline counts against last week's
(`cadence.report.discipline`), the month's commit against last week's (the latest forecast
submissions), and the salespeople behind on joint calls (`cadence.coaching`).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from revsight.analytics.catalogue import BY_ID
from revsight.analytics.computation import compute
from revsight.analytics.records import listed
from revsight.analytics.scopes import Membership, membership, narrowed
from revsight.cadence import coaching
from revsight.cadence.report import audience, discipline
from revsight.core import periods
from revsight.core.models import Organisation
from revsight.crm.models import ActivityType, Opportunity
from revsight.forecasting.movement import movement
from revsight.forecasting.rollup import latest_submissions
from revsight.org.models import Role, Team, User

LISTED = 5  # the largest deals shown of each kind; the counts are of all of them
STANDARDS = [f"activities_vs_standard_{kind.value}" for kind in ActivityType if kind != "other"]


def _members(team: Team | None, period: periods.Period) -> tuple[str, Membership]:
    if team is None:
        return "company", membership("company", period)
    return team.name, narrowed(membership("team", period), [team.name])


def _people(team: Team | None) -> list[User]:
    """The salespeople of the team and those below it (everyone's, for the company)."""
    return list(coaching.coached_people(None, team.pk if team else None))


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value) + 0.0, 2)


def _deals(ids: list[int]) -> list[dict[str, Any]]:
    rows = Opportunity.objects.filter(pk__in=ids).select_related("owner", "account")
    found = sorted(rows, key=lambda d: (-(d.amount or 0), d.pk))
    return [
        {
            "id": d.pk,
            "name": d.name,
            "account": d.account.name if d.account else None,
            "owner": d.owner.email,
            "amount": _round(d.amount),
        }
        for d in found[:LISTED]
    ]


def _bookings(key: str, members: Membership, week: periods.Period, day: date) -> dict[str, Any]:
    fiscal = Organisation.current().fiscal_year_start_month
    month = periods.containing("month", day, fiscal)
    metrics = ["bookings", "quota", "won_count", "lost_count"]
    this_week = compute(
        [*metrics, "opportunities_created", "pipeline_created"],
        week,
        day,
        by=members.scope,
        members=members,
    )
    to_date = compute(["bookings", "quota"], month, day, by=members.scope, members=members)
    month_to_date = periods.Period(month.id, "custom", month.start, day)
    due = compute(["quota"], month_to_date, day, by=members.scope, members=members)
    return {
        "week": _round(this_week.value("bookings", key)),
        "week_quota": _round(this_week.value("quota", key)),
        "month": _round(to_date.value("bookings", key)),
        "month_quota": _round(to_date.value("quota", key)),
        "month_quota_to_date": _round(due.value("quota", key)),
        "won_count": this_week.value("won_count", key),
        "lost_count": this_week.value("lost_count", key),
        "opportunities_created": this_week.value("opportunities_created", key),
        "pipeline_created": _round(this_week.value("pipeline_created", key)),
        "month_id": month.id,
    }


def _slipped(key: str, members: Membership, week: periods.Period, day: date) -> dict[str, Any]:
    """The month's pipeline pushed out of it during the week (from the end of the week before
    to the as-of date)."""
    fiscal = Organisation.current().fiscal_year_start_month
    month = periods.containing("month", day, fiscal)
    moved = {m.key: m for m in movement(month, week.start - timedelta(days=1), day, members)}
    found = moved.get(key)
    if found is None:
        return {"count": 0, "amount": 0.0, "deals": []}
    return {
        "count": found.counts["pushed_out"],
        "amount": _round(found.amounts["pushed_out"]),
        "deals": _deals(found.deals["pushed_out"]),
    }


def _below_standard(team: Team | None, week: periods.Period, day: date) -> list[dict[str, Any]]:
    people = _people(team)
    if not people:
        return []
    reps = narrowed(membership("rep", week), [p.email for p in people])
    result = compute(STANDARDS, week, day, by="rep", members=reps)
    names = {p.email: p.display_name for p in people}
    below = [
        {
            "email": row.key,
            "name": names.get(row.key, row.key),
            "activity": BY_ID[row.metric].name,
            "ratio": round(float(row.value), 4),
        }
        for row in result.rows
        if row.value is not None and row.value < 1
    ]
    return sorted(below, key=lambda r: (r["ratio"], r["name"], r["activity"]))


def _discipline(team: Team | None, day: date) -> dict[str, Any]:
    report = discipline(day, audience(None, team=team), weeks=2)
    before = report.trend[0].counts if report.trend else {}
    return {
        "rules": [
            {
                "id": rule.id,
                "description": rule.description,
                "count": report.counts[rule.id],
                "last_week": before.get(rule.id, 0),
            }
            for rule in report.rules
        ]
    }


def _forecast(team: Team | None, day: date) -> dict[str, Any]:
    """The month's commit of the team's forecasters now and a week earlier, and who changed."""
    fiscal = Organisation.current().fiscal_year_start_month
    month = periods.containing("month", day, fiscal)
    people = {p.pk: p for p in _people(team)}
    if team is not None and team.manager_id:
        manager = User.objects.filter(pk=team.manager_id).first()
        if manager is not None:
            people[manager.pk] = manager
    now = latest_submissions("month", month.start, day)
    then = latest_submissions("month", month.start, day - timedelta(days=7))
    changes = []
    for pk, person in sorted(people.items(), key=lambda item: item[1].display_name):
        was, is_now = then.get((pk, "commit")), now.get((pk, "commit"))
        if was != is_now:
            changes.append(
                {
                    "email": person.email,
                    "name": person.display_name,
                    "was": _round(was),
                    "now": _round(is_now),
                }
            )
    salespeople = [pk for pk, p in people.items() if p.role == Role.SALESPERSON]
    return {
        "month_id": month.id,
        "commit": _round(sum(now.get((pk, "commit"), 0.0) for pk in salespeople)),
        "commit_last_week": _round(sum(then.get((pk, "commit"), 0.0) for pk in salespeople)),
        "changes": changes,
    }


def _coaching(team: Team | None, day: date) -> dict[str, Any]:
    month = coaching.month(None, day)
    found = coaching.team_month(None, month, day, team.pk if team else None)
    return {
        "month_id": month.id,
        "behind": [
            {
                "email": row.person.email,
                "name": row.person.display_name,
                "joint_calls": row.joint_calls,
                "expected": row.expected,
            }
            for row in found.behind
        ],
    }


def figures(team: Team | None, week: periods.Period, as_of: date) -> dict[str, Any]:
    """The week's figures at the end of `as_of` (within the week: the week so far)."""
    day = min(week.end, as_of)
    key, members = _members(team, week)
    return {
        "week": week.id,
        "as_of": day.isoformat(),
        "bookings": _bookings(key, members, week, day),
        "won": _deals([r.id for r in listed("won", week, day, members)]),
        "lost": _deals([r.id for r in listed("lost", week, day, members)]),
        "slipped": _slipped(key, members, week, day),
        "below_standard": _below_standard(team, week, day),
        "discipline": _discipline(team, day),
        "forecast": _forecast(team, day),
        "coaching": _coaching(team, day),
    }
