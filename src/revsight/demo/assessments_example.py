"""The demo's self-assessments: the president's of the company for each of the four quarters
before this one, kept as they were made (on paper, before Revsight), improving from "take
multiple actions" towards "minor tuning"; this quarter's is left to start from the data's
suggestions."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from revsight.assessments import self_services as assessments
from revsight.core import clock, periods
from revsight.core.models import Organisation
from revsight.demo.organisation import DEMO_LOGINS
from revsight.org.models import Role, User

# Oldest first: pipeline math and coverage learnt first, contests and recruiting last.
SCORES = (
    (2, 2, 3, 2, 2, 3, 3, 3, 2, 3, 2),
    (3, 3, 3, 3, 2, 3, 3, 3, 3, 3, 2),
    (4, 3, 4, 3, 2, 4, 4, 3, 3, 4, 2),
    (4, 4, 4, 4, 3, 4, 4, 3, 4, 4, 3),
)
NOTES = {
    1: {1: "Closing ratios not known: the forecast is the reps' word."},
    4: {5: "Two hires this year, both interviewed by one person only."},
}


def plant_assessments(as_of: date) -> None:
    president = User.objects.filter(email=DEMO_LOGINS[Role.EXECUTIVE]).first()
    if president is None:
        return
    fiscal = Organisation.current().fiscal_year_start_month
    quarter = periods.containing("quarter", as_of, fiscal)
    past = []
    for _ in SCORES:
        quarter = periods.containing("quarter", quarter.start - timedelta(days=1), fiscal)
        past.append(quarter)
    for n, (period, scores) in enumerate(zip(reversed(past), SCORES, strict=True), 1):
        done = period.end
        moment = datetime.combine(done, time(16), tzinfo=clock.zone())
        assessments.record(president, None, done, list(scores), notes=NOTES.get(n), at=moment)
