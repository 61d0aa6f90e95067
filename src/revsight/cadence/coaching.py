"""Reading the coaching log: each salesperson's joint calls against their monthly target, who
is behind, a salesperson's history, and the dashboard's panel.

**Behind** (docs/cadence.md): within a month, a salesperson is expected to have had
`floor(target × share of the month gone by)` joint calls, the share counted in the
organisation's pacing basis (selling or calendar days, as goals to date are) from the later of
the month's first day and their hire date; they are behind when they have had fewer. So with
the default two a month nobody is behind before half the month has gone by, one call is
due from then, and two by its last day; a finished month simply expects the target.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from revsight.access import visibility
from revsight.cadence.coaching_models import (
    DEFAULT_SKILLS,
    CoachingEntry,
    CoachingKind,
    CoachingSettings,
    CoachingTarget,
)
from revsight.core.errors import InvalidInput, NotFound
from revsight.core.models import Organisation
from revsight.core.periods import Period, add_months, containing, days_elapsed, parse
from revsight.crm.models import LARGEST_FIRST, Account, Opportunity, OpportunityStatus
from revsight.org.models import Role, Team, TeamTree, User

RECENT = 10  # entries shown under the team's table
HISTORY_MONTHS = 12


def coaching_settings() -> CoachingSettings:
    """The organisation's coaching settings (the defaults until someone saves them)."""
    found = CoachingSettings.objects.order_by("pk").first()
    if found is None or not found.skills:
        defaults = CoachingSettings(skills=list(DEFAULT_SKILLS))
        if found is not None:
            defaults.joint_calls_per_month = found.joint_calls_per_month
        return defaults
    return found


def own_targets() -> dict[int, int]:
    """{salesperson id: their own monthly joint-call target}, for those who have one."""
    return dict(CoachingTarget.objects.values_list("salesperson_id", "joint_calls_per_month"))


def targets_of(people: list[User]) -> dict[int, int]:
    """Each person's monthly joint-call target: their own, else the organisation's."""
    default = coaching_settings().joint_calls_per_month
    own = dict(
        CoachingTarget.objects.filter(salesperson__in=people).values_list(
            "salesperson_id", "joint_calls_per_month"
        )
    )
    return {person.pk: own.get(person.pk, default) for person in people}


def month(text: str | None, today: date) -> Period:
    """`?month=2026-03` (or `--month`), else the month containing `today`."""
    if not text:
        return containing("month", today)
    shown = str(text).strip()
    try:
        period = parse(shown, today)
    except InvalidInput as exc:
        raise InvalidInput("month", shown, exc.fields[0].message) from None
    if period.kind != "month":
        raise InvalidInput("month", shown, "must be a month such as 2026-03")
    return period


def as_of_in(period: Period, today: date) -> date:
    """The day a month is seen at: today within it (or before it, for a month to come), its
    last day once it has ended."""
    return min(today, period.end)


def expected_by(target: int, period: Period, as_of: date, hired: date | None) -> int:
    """The joint calls due by the end of `as_of`: the target × the share of the month gone by
    since the later of its start and the hire date, rounded down."""
    start = max(period.start, hired) if hired else period.start
    if start > period.end:
        return 0
    basis = Organisation.current().pacing
    gone, _ = days_elapsed(Period(period.id, "month", start, period.end), as_of, basis)
    _, total = days_elapsed(period, period.end, basis)
    return math.floor(target * gone / total + 1e-9) if total else 0


@dataclass(frozen=True)
class RepMonth:
    """One salesperson's month: joint calls had against the target and the pace."""

    person: User
    target: int
    expected: int  # joint calls due by the as-of day
    joint_calls: int
    entries: int  # every kind
    last: date | None

    @property
    def behind(self) -> bool:
        return self.joint_calls < self.expected

    @property
    def short(self) -> int:
        """Joint calls missing against the pace."""
        return max(self.expected - self.joint_calls, 0)

    def as_json(self) -> dict[str, object]:
        return {
            "user": self.person.email,
            "name": self.person.display_name,
            "team": self.person.team.name if self.person.team else None,
            "target": self.target,
            "expected": self.expected,
            "joint_calls": self.joint_calls,
            "entries": self.entries,
            "behind": self.behind,
            "last": self.last.isoformat() if self.last else None,
        }


@dataclass(frozen=True)
class TeamMonth:
    period: Period
    as_of: date
    rows: list[RepMonth]
    recent: list[CoachingEntry] = field(default_factory=list)

    @property
    def behind(self) -> list[RepMonth]:
        return [row for row in self.rows if row.behind]


def employed_in(period: Period) -> Q:
    """People who worked some day of the period."""
    return (Q(hire_date__isnull=True) | Q(hire_date__lte=period.end)) & (
        Q(end_date__isnull=True) | Q(end_date__gte=period.start)
    )


def coached_people(viewer: User | None, team_id: int | None = None) -> QuerySet[User]:
    """The salespeople whose coaching the viewer follows: those in the teams they manage (every
    one for executives, administrators and the operator at the command line, `viewer` None), or
    themselves; within `team_id` (with its sub-teams) when given, a team the viewer sees."""
    people = User.objects.filter(role=Role.SALESPERSON).select_related("team")
    if viewer is not None and not viewer.sees_everything:
        managed = visibility.managed_team_ids(viewer)
        people = people.filter(Q(team_id__in=managed) | Q(pk=viewer.pk))
    if team_id is not None:
        teams = Team.objects.filter(pk=team_id)
        if not (teams if viewer is None else visibility.scope(viewer, teams)).exists():
            raise NotFound(f"No team has the id {team_id} (or it is not yours to see).")
        people = people.filter(team_id__in=TeamTree.load().under({team_id}))
    return people.order_by("team__name", "name", "email")


def rep_months(people: list[User], period: Period, as_of: date) -> list[RepMonth]:
    """Each person's month to `as_of`, in the order given."""
    targets = targets_of(people)
    counted = (
        CoachingEntry.objects.filter(
            salesperson__in=people, date__range=(period.start, min(as_of, period.end))
        )
        .values("salesperson_id")
        .annotate(
            joint=Count("id", filter=Q(kind=CoachingKind.JOINT_CALL)),
            every=Count("id"),
            last=Max("date"),
        )
    )
    by_person: dict[int, dict[str, Any]] = {row["salesperson_id"]: dict(row) for row in counted}
    rows = []
    for person in people:
        found: dict[str, Any] = by_person.get(person.pk, {})
        target = targets[person.pk]
        rows.append(
            RepMonth(
                person,
                target,
                expected_by(target, period, as_of, person.hire_date),
                found.get("joint", 0),
                found.get("every", 0),
                found.get("last"),
            )
        )
    return rows


def visible_entries(viewer: User | None) -> QuerySet[CoachingEntry]:
    """The entries the viewer sees (every one for the operator, `viewer` None)."""
    entries = CoachingEntry.objects.select_related(
        "salesperson", "coach", "opportunity", "account"
    ).prefetch_related("replies__author")
    return entries if viewer is None else visibility.scope(viewer, entries)


def entries_in(
    viewer: User | None, people: list[User], period: Period, limit: int | None = None
) -> list[CoachingEntry]:
    """The people's entries in the period that the viewer sees, newest first."""
    found = visible_entries(viewer).filter(
        salesperson__in=people, date__range=(period.start, period.end)
    )
    return list(found[:limit] if limit else found)


def team_month(
    viewer: User | None, period: Period, today: date, team_id: int | None = None
) -> TeamMonth:
    """The viewer's salespeople in a month (those employed in it), with the month's last
    entries."""
    as_of = as_of_in(period, today)
    people = list(coached_people(viewer, team_id).filter(employed_in(period)))
    recent = entries_in(viewer, people, period, RECENT)
    return TeamMonth(period, as_of, rep_months(people, period, as_of), recent)


@dataclass(frozen=True)
class History:
    """A salesperson's coaching: the months up to one, each against the target, and every
    entry of those months, newest first."""

    person: User
    months: list[RepMonth]
    periods: list[Period]
    entries: list[CoachingEntry]

    @property
    def by_month(self) -> list[tuple[Period, RepMonth]]:
        return list(zip(self.periods, self.months, strict=True))


def history(
    viewer: User, person: User, period: Period, today: date, months: int = HISTORY_MONTHS
) -> History:
    """`months` months to `period` (the newest first); `NotFound` when the viewer does not see
    the person."""
    if not visibility.can_see(viewer, person) or person.role != Role.SALESPERSON:
        raise NotFound(f"No salesperson has the id {person.pk} (or they are not yours to see).")
    shown = [containing("month", add_months(period.start, -n)) for n in range(months)]
    rows = [rep_months([person], p, as_of_in(p, today))[0] for p in shown]
    entries = list(
        visible_entries(viewer).filter(
            salesperson=person, date__range=(shown[-1].start, period.end)
        )
    )
    return History(person, rows, shown, entries)


@dataclass(frozen=True)
class Panel:
    """The dashboard's coaching panel: who is behind on joint calls this month."""

    period: Period
    as_of: date
    reps: int
    behind: list[RepMonth]
    team_id: int | None


def dashboard_panel(viewer: User, kind: str, team_id: int | None, as_of: date) -> Panel | None:
    """For a team's dashboard (`kind` team) or the company's seen by someone who coaches: the
    salespeople behind in the month of `as_of`. None for any other dashboard or viewer."""
    if kind not in ("team", "company") or not visibility.is_manager_or_above(viewer):
        return None
    period = containing("month", as_of)
    people = list(coached_people(viewer, team_id).filter(employed_in(period), is_active=True))
    if not people:
        return None
    rows = rep_months(people, period, as_of)
    behind = sorted((r for r in rows if r.behind), key=lambda r: (-r.short, r.person.name))
    return Panel(period, as_of, len(rows), behind, team_id)


CHOICES = 100  # deals and accounts offered by the log form
RECENTLY_CLOSED = 180  # days a closed deal stays offered


@dataclass(frozen=True)
class Choices:
    """What the log form offers for one salesperson: their deals (open, or closed recently)
    and accounts, among those the coach sees."""

    deals: list[Opportunity]
    accounts: list[Account]


def entry_choices(viewer: User, person: User, today: date) -> Choices:
    recent = Q(status=OpportunityStatus.OPEN) | Q(
        close_date__gte=today - timedelta(days=RECENTLY_CLOSED)
    )
    deals = visibility.scope(viewer, Opportunity.objects.filter(recent, owner=person))
    deals = deals.select_related("account").order_by(*LARGEST_FIRST)[:CHOICES]
    accounts = visibility.scope(
        viewer,
        Account.objects.filter(
            Q(owner=person) | Q(pk__in=Opportunity.objects.filter(owner=person).values("account"))
        ),
    )
    return Choices(list(deals), list(accounts.order_by("name")[:CHOICES]))


def entry_json(entry: CoachingEntry) -> dict[str, Any]:
    """An entry as the API and `revsight coaching list --format json` give it."""
    deal = entry.opportunity
    return {
        "id": entry.pk,
        "user": entry.salesperson.email,
        "coach": entry.coach.email,
        "date": entry.date.isoformat(),
        "kind": entry.kind,
        "scheduled": entry.scheduled,
        "skill": entry.skill,
        "deal": (deal.external_id or str(deal.pk)) if deal is not None else None,
        "account_id": entry.account_id,
        "account": entry.account.name if entry.account is not None else None,
        "notes": entry.notes,
        "action": entry.action,
        "due": entry.action_due.isoformat() if entry.action_due else None,
        "action_done": entry.action_done,
        "replies": [
            {"author": r.author.email, "text": r.text, "at": r.at.isoformat()}
            for r in entry.replies.all()
        ],
    }
