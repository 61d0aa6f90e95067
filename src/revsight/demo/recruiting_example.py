"""The demo's recruiting: an account executive's position open on the demo manager's team,
three candidates scored by its three interviewers (the manager, the presales engineer and the
team's salesperson rep@example.com) and a fourth still being scored, and a position filled
earlier in the year whose hire only the manager scored, the habit the president's
self-assessment notes. The president, on no panel, reads every submitted scorecard."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from revsight.assessments import recruiting_services as recruiting
from revsight.core import clock
from revsight.demo.organisation import DEMO_LOGINS
from revsight.org.models import Role, User

CRITERIA = (
    ("Curiosity: asks the second question", "trait", 2),
    ("Discipline: does what was agreed, on time", "trait", 2),
    ("Discovery and qualification", "skill", 2),
    ("Negotiation and closing", "skill", 1),
    ("Sold a comparable offering to the same buyers", "experience", 1),
    ("Case study: the stalled proposal", "case_study", 2),
)
# candidate -> stages reached (days after the position opened), then each interviewer's scores
# in the order of CRITERIA; 0: not scored yet (the scorecard stays a draft).
Scores = tuple[int, ...]
CANDIDATES: tuple[tuple[str, tuple[tuple[str, int], ...], dict[str, Scores], str], ...] = (
    (
        "Alex Moreau",
        (("interviews", 9), ("case_study", 16), ("references", 23)),
        {
            "manager": (4, 5, 4, 4, 4, 5),
            "presales": (4, 4, 5, 3, 4, 4),
            "rep": (5, 4, 4, 4, 3, 5),
        },
        "Rewrote the stalled proposal around the buyer's deadline; asked for the decision.",
    ),
    (
        "Sam Okafor",
        (("interviews", 12), ("case_study", 20)),
        {
            "manager": (5, 3, 4, 3, 2, 3),
            "presales": (3, 3, 2, 3, 4, 3),
            "rep": (4, 2, 3, 3, 3, 2),
        },
        "Discounted at the first objection.",
    ),
    (
        "Priya Raman",
        (("interviews", 19), ("case_study", 25)),
        {
            "manager": (3, 4, 3, 3, 3, 4),
            "presales": (4, 4, 3, 2, 3, 3),
            "rep": (3, 4, 4, 3, 3, 3),
        },
        "A clear plan to restart the deal; no question to the buyer about the budget.",
    ),
    # The salesperson's scorecard is a draft: logged in as rep@example.com, the others'
    # scores of this candidate stay hidden until it is submitted.
    (
        "Jordan Lee",
        (("interviews", 27),),
        {"manager": (3, 3, 4, 2, 4, 3), "presales": (3, 2, 4, 3, 3, 3), "rep": (4, 3, 0, 0, 0, 0)},
        "",
    ),
)


def _person(role: Role) -> User | None:
    return User.objects.filter(email=DEMO_LOGINS[role]).first()


def plant_recruiting(as_of: date) -> None:
    manager, presales, rep = (
        _person(Role.MANAGER),
        _person(Role.PRESALES),
        _person(Role.SALESPERSON),
    )
    if manager is None or presales is None or rep is None:
        return
    interviewers = {"manager": manager, "presales": presales, "rep": rep}
    _filled_position(manager, as_of)
    opened = as_of - timedelta(days=30)
    position = recruiting.open_position(
        None,
        recruiting.PositionInput(
            title="Account executive",
            hiring_manager=manager.email,
            team=manager.team_id,
            hire_above="3.5",
            interviewers=[p.email for p in interviewers.values()],
            criteria=[recruiting.CriterionInput(n, k, w) for n, k, w in CRITERIA],
            opened_on=opened,
        ),
    )
    criteria = [name for name, _, _ in CRITERIA]
    for name, stages, scores, case_note in CANDIDATES:
        candidate = recruiting.add_candidate(None, position.pk, name, on=opened + timedelta(3))
        for stage, days in stages:
            recruiting.move(None, candidate.pk, stage, on=opened + timedelta(days))
        if case_note:
            recruiting.record_case_study(None, candidate.pk, case_note)
        # Scored the evening of the candidate's last stage so far.
        scored = opened + timedelta(stages[-1][1] if stages else 3)
        for who, given in scores.items():
            recruiting.save_scorecard(
                interviewers[who],
                candidate.pk,
                {c: (s or "") for c, s in zip(criteria, given, strict=True)},
                submit=all(given),
                at=_evening(scored),
            )


def _evening(day: date) -> datetime:
    return datetime.combine(day, time(18), tzinfo=clock.zone())


def _filled_position(manager: User, as_of: date) -> None:
    """Filled five months ago; its one hire scored by the manager alone."""
    opened = as_of - timedelta(days=200)
    position = recruiting.open_position(
        None,
        recruiting.PositionInput(
            title="Sales development representative",
            hiring_manager=manager.email,
            team=manager.team_id,
            interviewers=[manager.email],
            criteria=[recruiting.CriterionInput(n, k, w) for n, k, w in CRITERIA[:4]],
            opened_on=opened,
        ),
    )
    hired = recruiting.add_candidate(None, position.pk, "Robin Castillo", on=opened + timedelta(5))
    for stage, days in (("interviews", 14), ("references", 30), ("offer", 38), ("hired", 45)):
        recruiting.move(None, hired.pk, stage, on=opened + timedelta(days))
    recruiting.save_scorecard(
        manager,
        hired.pk,
        dict(zip([n for n, _, _ in CRITERIA[:4]], (4, 4, 3, 3), strict=True)),
        submit=True,
        at=_evening(opened + timedelta(14)),
    )
    recruiting.close_position(None, position.pk, "filled")
