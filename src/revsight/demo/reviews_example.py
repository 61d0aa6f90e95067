"""The demo's salesperson reviews, of the demo salesperson (rep@example.com) with their manager:
last month's monthly review, held on the second working day after it with two actions agreed
and acknowledged the day after; this month's, a draft; and the formal review of the quarter
before this one, held with its written sections."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from revsight.cadence import review_services as reviews
from revsight.cadence.review_models import ReviewKind
from revsight.core import clock, periods
from revsight.core.models import Organisation
from revsight.demo.organisation import DEMO_LOGINS
from revsight.org.models import Role, User

ACTIONS = (
    "Book a discovery call with every account that has not bought in a year",
    "Put a next step and a close date on every open deal before Friday's forecast",
)
MONTHLY_NOTES = (
    "Discovery calls are well above the standard, demonstrations well below: too few first "
    "meetings turn into a demonstration. We agreed to qualify harder before booking one."
)
REPLY = "Agreed. Two of the demonstrations slipped into this month; I will book them this week."
SECTIONS = {
    "strengths": "Opens new accounts: the most discovery calls of the team, and well prepared.",
    "development_areas": "Closing: deals stay in proposal too long, and several were lost on "
    "price after a late discount discussion.",
    "goals_next_quarter": "Reach 100% of the quarter's quota; keep every deal's close date and "
    "next step current; two joint calls a month on the largest proposals.",
    "manager_notes": "A quarter of good activity and too few wins. The loss reasons point at "
    "pricing conversations held too late.",
}


def _working_day(after: date, n: int) -> date:
    """The n-th weekday after a day."""
    day = after
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


def _at(day: date, hour: int) -> datetime:
    return clock.local_moment(day, time(hour))


def plant_reviews(as_of: date) -> None:
    rep = User.objects.filter(email=DEMO_LOGINS[Role.SALESPERSON]).first()
    if rep is None or rep.team is None or rep.team.manager is None:
        return
    manager = rep.team.manager
    this_month = periods.containing("month", as_of)
    last_month = periods.containing("month", this_month.start - timedelta(days=1))
    held_on = min(_working_day(last_month.end, 2), as_of)
    monthly = reviews.prepare(manager, rep, ReviewKind.MONTHLY, last_month)
    reviews.save_manager_text(manager, monthly.pk, {"manager_notes": MONTHLY_NOTES})
    for n, text in enumerate(ACTIONS):
        due = held_on + timedelta(days=7 * (n + 1))
        reviews.add_action(manager, monthly.pk, {"text": text, "owner": rep, "due": due})
    reviews.hold(manager, monthly.pk, at=_at(held_on, 10), today=held_on)
    reviews.save_salesperson_notes(rep, monthly.pk, REPLY)
    reviews.acknowledge(rep, monthly.pk, at=_at(held_on + timedelta(days=1), 9))
    reviews.prepare(manager, rep, ReviewKind.MONTHLY, this_month)

    fiscal = Organisation.current().fiscal_year_start_month
    current = periods.containing("quarter", as_of, fiscal)
    quarter = periods.containing("quarter", current.start - timedelta(days=1), fiscal)
    formally = min(_working_day(quarter.end, 4), as_of)
    found = reviews.prepare(manager, rep, ReviewKind.QUARTERLY, quarter)
    reviews.save_manager_text(manager, found.pk, SECTIONS)
    reviews.hold(manager, found.pk, at=_at(formally, 14), today=formally)
