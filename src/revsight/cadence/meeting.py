"""The Monday sales meeting's agenda: a team's (or the company's) week in a fixed, configurable
order, every number filled in from the data and every item linked to its records.

The agenda of a Monday is the same whenever it is opened: its figures are **as of the end of the
Sunday before** (the meeting is on Monday morning; the worker emails it at 07:00). "Last week" is
the ISO week that ended on that Sunday. The rules of each item (docs/cadence.md):

- `wins`: the deals won last week (closed won with a close date in it), largest first, with
  their amounts; the top booker of last week and of the month to date (the salesperson of the
  team with the largest bookings; none when nobody booked).
- `numbers`: bookings against quota for last week, the month to date and the quarter to date
  (the month and quarter of that Sunday): attainment = bookings / quota, expected to date =
  quota × the share of the period gone by (the organisation's pacing basis, as goals to date),
  and the gap = bookings − expected.
- `pipeline`: last week's changes: opportunities created (count and amount, the catalogue's
  `opportunities_created` and `pipeline_created`), won and lost, and, for the month's pipeline
  (open and expected to close in the month), the deals that slipped out of it (still open, no
  longer expected in the month) and those moved into it (`forecasting.movement`'s pushed out and
  pulled in, from the end of the Sunday before last week to the end of last week).
- `forecast`: the month of the Monday: the sum of the latest commits (and best cases) of the
  team's salespeople known at the end of the Sunday (the Forecast page's team total) against the
  month's quota, with what is already booked; who has no commit for the month yet.
- `focus`: the priorities agreed on Friday for this week (`priorities_services.agreed_for`).
- `training`: the sessions of this week in the training plans of the team, of the teams above
  it and of the company; without one, the next session after this week.
- `contests`: every contest running on that Sunday that concerns the team (company-wide
  salespeople contests, those of the team, a team above or below it, and team contests it or a
  sub-team competes in), with its top three at the end of the Sunday.

Who sees what: executives and administrators open every team's agenda and the company's; a
manager those of the teams they manage (and below); a salesperson their own team's. Each sees
the team's figures (a team's totals, the team leaderboard's names and numbers); deals are named
only where the viewer sees them (a salesperson: their own; the others stay in the totals);
priorities as their visibility says (a salesperson: those they own); links to lists the viewer
may not open are left out. `viewer` None is the operator at the command line, who sees all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from revsight.access import visibility
from revsight.analytics.computation import compute
from revsight.analytics.records import listed
from revsight.analytics.scopes import Membership, membership, narrowed
from revsight.cadence.meeting_document import (
    DEFAULT_ORDER,
    ITEMS,
    Against,
    Agenda,
    Booker,
    Change,
    Contests,
    Deal,
    Focus,
    Forecast,
    Item,
    Numbers,
    Pipeline,
    Place,
    Priorities,
    Session,
    Standing,
    Training,
    Wins,
)
from revsight.cadence.meeting_models import MeetingSettings
from revsight.cadence.priorities_models import Priority
from revsight.cadence.priorities_services import agreed_for, week_named
from revsight.core import clock, periods
from revsight.core.errors import InvalidInput, NotFound, name_hint
from revsight.core.models import Organisation
from revsight.crm.models import Opportunity
from revsight.forecasting.movement import movement
from revsight.forecasting.rollup import committed, latest_submissions
from revsight.org.models import Role, Team, TeamTree, User
from revsight.planning import contest_services, contests
from revsight.planning.models import Contest, TrainingSession
from revsight.planning.training_services import presenter_label

TOP = 3  # places shown of each contest
# Deals named under a figure (the agenda fits one printed page); the figure counts them all.
LISTED = 5


# -- the settings ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    id: str
    on: bool

    @property
    def title(self) -> str:
        return ITEMS[self.id]


def choices() -> list[Choice]:
    """Every item in the agenda's order, on or off: the stored settings (an item they do not
    name, added since, comes last and on), else the default order with every item on."""
    stored = MeetingSettings.objects.order_by("pk").first()
    found = [
        Choice(item["id"], bool(item.get("on")))
        for item in (stored.items if stored else [])
        if item.get("id") in ITEMS
    ]
    named = {c.id for c in found}
    return found + [Choice(i, True) for i in DEFAULT_ORDER if i not in named]


# -- whose agenda ---------------------------------------------------------------------------


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def week_asked(raw: Any, today: date) -> periods.Period:
    """`?week=2027-W05` (`--week`), else the week containing `today`."""
    return week_named(raw, today)


def selling_teams() -> list[Team]:
    """The teams with salespeople at or below them, by name: the ones that meet."""
    tree = TeamTree.load()
    selling = set(User.objects.filter(role=Role.SALESPERSON).values_list("team_id", flat=True))
    return [t for t in Team.objects.order_by("name") if tree.descendants(t.pk) & selling]


def teams_for(viewer: User) -> list[Team]:
    """The teams whose agenda the viewer opens (see the module's docstring)."""
    teams = selling_teams()
    if viewer.sees_everything:
        return teams
    managed = visibility.managed_team_ids(viewer)
    if managed:
        return [t for t in teams if t.pk in managed]
    if viewer.role == Role.SALESPERSON and viewer.team_id is not None:
        return [t for t in teams if t.pk == viewer.team_id]
    return []


def may_open(viewer: User) -> bool:
    """Whether the viewer has an agenda to open (the company's, or a team's)."""
    return viewer.sees_everything or bool(teams_for(viewer))


def team_by_id(viewer: User, team_id: int | None) -> Team | None:
    """The team a page names (None: the company, for those who see everything), else the
    viewer's first team; a team the viewer may not open is NotFound (404)."""
    mine = teams_for(viewer)
    if team_id is None:
        if viewer.sees_everything:
            return None
        top = [t for t in mine if t.parent_id not in {m.pk for m in mine}]
        if not top:
            raise NotFound("No Monday meeting is yours to open.")
        return top[0]
    found = next((t for t in mine if t.pk == team_id), None)
    if found is None:
        raise NotFound("No such team.")
    return found


def team_named(name: str | None) -> Team | None:
    """The team the command line names (None: the company)."""
    if not name:
        return None
    teams = selling_teams()
    found = next((t for t in teams if t.name.lower() == name.strip().lower()), None)
    if found is None:
        hint = name_hint(name, [t.name for t in teams])
        raise InvalidInput("team", name, f"is not a team with salespeople ({hint})")
    return found


# -- building -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    """What the viewer may see, read once (None: everything)."""

    viewer: User | None
    deals: set[int] | None
    names: set[int] | None
    records: bool  # whether the team's lists of records open for the viewer

    def deal_ids(self, ids: list[int]) -> list[int]:
        if self.deals is None or self.viewer is None:
            return ids
        shown = visibility.scope(self.viewer, Opportunity.objects.filter(pk__in=ids))
        allowed = set(shown.values_list("id", flat=True))
        return [i for i in ids if i in allowed]


@dataclass(frozen=True)
class Context:
    team: Team | None
    key: str
    by: str
    people: list[User]  # the team's salespeople (sub-teams included)
    week: periods.Period
    last_week: periods.Period
    as_of: date
    seen: Seen

    def members(self, period: periods.Period) -> Membership:
        return membership("company", period) if self.team is None else self.narrow(period)

    def narrow(self, period: periods.Period) -> Membership:
        return narrowed(membership("team", period), [self.key])

    def reps(self, period: periods.Period) -> Membership:
        emails = {p.email for p in self.people}
        everyone = membership("rep", period)
        return narrowed(everyone, [k for k in everyone.keys if k in emails])

    def records(self, kind: str, period: periods.Period) -> str | None:
        if not self.seen.records:
            return None
        scope = "company" if self.team is None else f"team/{self.team.pk}"
        query = {"scope": scope, "period": period.id, "as_of": self.as_of.isoformat()}
        return f"{reverse('records', args=[kind])}?{urlencode(query)}"


def _people(team: Team | None) -> list[User]:
    people = User.objects.filter(role=Role.SALESPERSON)
    if team is not None:
        people = people.filter(team_id__in=TeamTree.load().descendants(team.pk))
    return list(people.order_by("name", "email"))


def _seen(viewer: User | None, team: Team | None) -> Seen:
    if viewer is None:
        return Seen(None, None, None, True)
    names = set(visibility.leaderboard_users(viewer).values_list("id", flat=True))
    opens = viewer.sees_everything or (
        team is not None and team.pk in visibility.managed_team_ids(viewer)
    )
    return Seen(viewer, set(), names, opens)


def _money(value: Any) -> float:
    return round(float(value or 0), 2)


def _deals(ctx: Context, ids: list[int]) -> list[Deal]:
    """The deals the viewer sees among `ids`, largest first, at most LISTED."""
    rows = Opportunity.objects.filter(pk__in=ctx.seen.deal_ids(ids)).select_related(
        "account", "owner"
    )
    found = [
        Deal(
            d.pk,
            d.name,
            d.account.name if d.account else None,
            d.owner.display_name,
            _money(d.amount),
            d.close_date,
            reverse("deal", args=[d.pk]),
        )
        for d in rows
    ]
    return sorted(found, key=lambda d: (-d.amount, d.name, d.id))[:LISTED]


def _top(ctx: Context, period: periods.Period) -> Booker | None:
    """The salesperson with the largest bookings in the period (the first by name among
    equals); None when nobody booked."""
    reps = ctx.reps(period)
    if not reps.keys:
        return None
    result = compute(["bookings"], period, ctx.as_of, "rep", members=reps)
    ranked = sorted(
        ((float(result.value("bookings", k) or 0), reps.label(k), k) for k in reps.keys),
        key=lambda row: (-row[0], row[1]),
    )
    amount, name, email = ranked[0]
    people = {p.email: p for p in ctx.people}
    hidden = ctx.seen.names is not None and people[email].pk not in ctx.seen.names
    if amount <= 0 or hidden:
        return None
    return Booker(name, email, round(amount, 2))


def _wins(ctx: Context) -> Wins:
    week = ctx.last_week
    ids = [row.id for row in listed("won", week, ctx.as_of, ctx.members(week))]
    result = compute(["bookings", "won_count"], week, ctx.as_of, ctx.by, members=ctx.members(week))
    month = periods.containing("month", ctx.as_of)
    return Wins(
        int(result.value("won_count", ctx.key) or 0),
        _money(result.value("bookings", ctx.key)),
        _deals(ctx, ids),
        _top(ctx, week),
        _top(ctx, month),
        ctx.records("won", week),
    )


def _against(ctx: Context, label: str, period: periods.Period) -> Against:
    result = compute(["bookings", "quota"], period, ctx.as_of, ctx.by, members=ctx.members(period))
    quota = _money(result.value("quota", ctx.key))
    share = periods.elapsed_share(period, ctx.as_of, Organisation.current().pacing)
    return Against(
        label,
        period.id,
        _money(result.value("bookings", ctx.key)),
        quota,
        round(quota * share, 2),
        share,
        ctx.records("won", period),
    )


def _numbers(ctx: Context) -> Numbers:
    fiscal = Organisation.current().fiscal_year_start_month
    month = periods.containing("month", ctx.as_of, fiscal)
    quarter = periods.containing("quarter", ctx.as_of, fiscal)
    return Numbers(
        [
            _against(ctx, "Last week", ctx.last_week),
            _against(ctx, "Month to date", month),
            _against(ctx, "Quarter to date", quarter),
        ]
    )


def _amount_of(ids: list[int]) -> float:
    amounts = Opportunity.objects.filter(pk__in=ids).values_list("amount", flat=True)
    return _money(sum((a or Decimal(0) for a in amounts), Decimal(0)))


def _pipeline(ctx: Context) -> Pipeline:
    week = ctx.last_week
    members = ctx.members(week)
    result = compute(
        ["opportunities_created", "pipeline_created", "won_count", "bookings", "lost_count"],
        week,
        ctx.as_of,
        ctx.by,
        members=members,
    )
    lost = [row.id for row in listed("lost", week, ctx.as_of, members)]
    month = periods.containing("month", ctx.as_of)
    start = week.start - timedelta(days=1)
    moved = movement(month, start, ctx.as_of, ctx.members(month))
    found = moved[0] if moved else None

    def bucket(name: str, label: str) -> Change:
        if found is None:
            return Change(label, 0, 0.0)
        ids = found.deals[name]
        return Change(
            label, found.counts[name], _money(found.amounts[name]), None, _deals(ctx, ids)
        )

    value = result.value
    return Pipeline(
        month.id,
        Change(
            "Created",
            int(value("opportunities_created", ctx.key) or 0),
            _money(value("pipeline_created", ctx.key)),
        ),
        Change(
            "Won",
            int(value("won_count", ctx.key) or 0),
            _money(value("bookings", ctx.key)),
            ctx.records("won", week),
        ),
        Change(
            "Lost",
            int(value("lost_count", ctx.key) or 0),
            _amount_of(lost),
            ctx.records("lost", week),
        ),
        bucket("pushed_out", f"Slipped out of {month.id}"),
        bucket("pulled_in", f"Moved into {month.id}"),
    )


def _forecast(ctx: Context) -> Forecast:
    month = periods.containing("month", ctx.week.start)
    result = compute(["bookings", "quota"], month, ctx.as_of, ctx.by, members=ctx.members(month))
    latest = latest_submissions("month", month.start, ctx.as_of)
    forecasters = [
        p for p in ctx.people if p.is_active and p.employed_during(month.start, month.end)
    ]
    sums = committed(latest, [p.pk for p in forecasters])
    missing = [p for p in forecasters if (p.pk, "commit") not in latest]
    if ctx.seen.names is not None:
        missing = [p for p in missing if p.pk in ctx.seen.names]
    link = None
    if ctx.seen.records:
        query = {"period": month.id, **({"team": ctx.team.pk} if ctx.team else {})}
        link = f"{reverse('forecast')}?{urlencode(query)}"
    return Forecast(
        month.id,
        _money(result.value("quota", ctx.key)),
        _money(result.value("bookings", ctx.key)),
        sums.commit,
        sums.best_case,
        sums.submitted,
        len(forecasters),
        [p.display_name for p in missing],
        link,
    )


def _focus(ctx: Context) -> Priorities:
    agreed = agreed_for(None, ctx.team, ctx.week)
    viewer = ctx.seen.viewer
    if viewer is not None and agreed:
        rows = visibility.scope(viewer, Priority.objects.filter(pk__in=[p.pk for p in agreed]))
        allowed = set(rows.values_list("pk", flat=True))
        agreed = [p for p in agreed if p.pk in allowed]
    link = None
    if agreed and (viewer is None or ctx.seen.records):
        link = reverse("weekly-record", args=[agreed[0].record_id])
    return Priorities(
        [
            Focus(p.text, p.owner.display_name if p.owner else None, p.due, p.outcome)
            for p in agreed
        ],
        link,
    )


def _above(team: Team | None) -> set[int]:
    """The team and every team above it."""
    return TeamTree.load().above(team.pk) if team is not None else set()


def _training(ctx: Context) -> Training:
    zone = clock.zone()
    rows = TrainingSession.objects.filter(
        Q(plan__team__isnull=True) | Q(plan__team_id__in=_above(ctx.team))
    ).select_related("plan", "presenter")
    if ctx.seen.viewer is not None:
        rows = visibility.scope(ctx.seen.viewer, rows)
    begins = clock.local_moment(ctx.week.start, time(0), zone)
    ends = clock.local_moment(ctx.week.end + timedelta(days=1), time(0), zone)
    this_week = list(rows.filter(starts_at__gte=begins, starts_at__lt=ends).order_by("starts_at"))
    chosen = this_week or list(rows.filter(starts_at__gte=ends).order_by("starts_at")[:1])
    return Training(
        bool(this_week),
        [
            Session(
                s.topic,
                f"{s.starts_at.astimezone(zone):%Y-%m-%d %H:%M}",
                s.minutes,
                presenter_label(s),
                s.location,
                reverse("training-session", args=[s.plan_id, s.pk]),
            )
            for s in chosen
        ],
    )


def _concerns(contest: Contest, team: Team | None) -> bool:
    if team is None:
        return True
    tree = TeamTree.load()
    related = _above(team) | tree.descendants(team.pk)
    if contest.competitors == Contest.Competitors.TEAMS:
        return bool({t.pk for t in contest.teams.all()} & tree.descendants(team.pk))
    return contest.team_id is None or contest.team_id in related


def _contests(ctx: Context) -> Contests:
    running = contest_services.running_at(
        contest_services.visible_contests(ctx.seen.viewer), ctx.as_of
    )
    shown = []
    for contest in running:
        if not _concerns(contest, ctx.team):
            continue
        result = contests.standings(contest, ctx.as_of)
        places = [
            Place(s.rank, s.entry.name, s.entry.score) for s in result.standings if s.rank <= TOP
        ]
        shown.append(
            Standing(
                contest.name,
                result.metric.name,
                result.metric.unit,
                result.period.id,
                places,
                reverse("contest", args=[contest.pk]),
            )
        )
    return Contests(shown)


BUILDERS: dict[str, Callable[[Context], Item]] = {
    "wins": _wins,
    "numbers": _numbers,
    "pipeline": _pipeline,
    "forecast": _forecast,
    "focus": _focus,
    "training": _training,
    "contests": _contests,
}


def agenda(viewer: User | None, team: Team | None, week: periods.Period) -> Agenda:
    """The agenda of `team` (None: the company) for the meeting on the Monday of `week`, as
    `viewer` may see it (None: the operator). The caller chose a team the viewer may open
    (`team_by_id`, `teams_for`)."""
    if week.kind != "week":
        raise InvalidInput("week", week.id, "must be an ISO week such as 2027-W05")
    as_of = week.start - timedelta(days=1)
    last_week = periods.containing("week", as_of)
    ctx = Context(
        team,
        "company" if team is None else team.name,
        "company" if team is None else "team",
        _people(team),
        week,
        last_week,
        as_of,
        _seen(viewer, team),
    )
    organisation = Organisation.current()
    items: list[Item] = [BUILDERS[c.id](ctx) for c in choices() if c.on]
    label = organisation.name if team is None else team.name
    return Agenda(team, label, week, last_week, as_of, organisation.currency, items)
