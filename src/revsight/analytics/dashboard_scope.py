"""Whose numbers a dashboard shows: the company, a team or a salesperson, and who may open
which. A scope the viewer may not see is answered like one that does not exist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from revsight.access import visibility
from revsight.analytics.scopes import Membership, membership, narrowed, person
from revsight.core import periods
from revsight.core.errors import InvalidInput, NotAllowed, NotFound
from revsight.core.models import Organisation
from revsight.org.models import Role, Team, TeamTree, User

# People whose page shows their own work rather than sales figures.
PERSON_ROLES = (Role.PRESALES, Role.CONSULTANT)

PERIOD_KINDS = {
    "week": "Week",
    "month": "Month",
    "quarter": "Quarter",
    "year": "Year",
    "ytd": "Year to date",
}


@dataclass(frozen=True)
class Scope:
    kind: str  # company | team | rep | person (a presales engineer or a consultant)
    key: str  # "company", the team's name, the salesperson's or the person's email
    label: str
    team: Team | None = None
    user: User | None = None

    @property
    def by(self) -> str:
        """What its figures are computed by: a person's own, like a salesperson's."""
        return "rep" if self.kind == "person" else self.kind

    @property
    def path(self) -> str:
        """How records lists name the scope (`?scope=team/4`)."""
        if self.kind == "company":
            return "company"
        if self.kind == "person":
            return f"person/{self.user.pk if self.user else 0}"
        return f"team/{self.team.pk}" if self.team else f"rep/{self.user.pk if self.user else 0}"


def landing_scope(viewer: User) -> Scope | None:
    """Where someone lands: executives on the company, managers on their (top) team,
    salespeople on their own dashboard, presales engineers and consultants on their own page;
    others (an administrator) have no dashboard."""
    if viewer.sees_everything:
        return company_scope()
    managed = Team.objects.filter(manager=viewer).order_by("name")
    top = [team for team in managed if team.parent_id not in {t.pk for t in managed}]
    if top:
        return team_scope(viewer, top[0].pk)
    if viewer.role == Role.SALESPERSON:
        return rep_scope(viewer, viewer.pk)
    if viewer.role in PERSON_ROLES:
        return person_scope(viewer, viewer.pk)
    return None


def company_scope() -> Scope:
    return Scope("company", "company", Organisation.current().name)


def scope_for(viewer: User, kind: str, ident: int | None) -> Scope:
    """The scope named in a URL, or NotFound (404) when the viewer may not see it (the same
    answer as for a scope that does not exist, so nothing leaks)."""
    if kind == "company":
        if not viewer.sees_everything:
            raise NotFound("No such dashboard.")
        return company_scope()
    if kind == "team" and ident is not None:
        return team_scope(viewer, ident)
    if kind == "rep" and ident is not None:
        return rep_scope(viewer, ident)
    if kind == "person" and ident is not None:
        return person_scope(viewer, ident)
    raise NotFound("No such dashboard.")


def team_scope(viewer: User, team_id: int) -> Scope:
    team = Team.objects.filter(pk=team_id).first()
    if team is None or not (
        viewer.sees_everything or team.pk in visibility.managed_team_ids(viewer)
    ):
        raise NotFound("No such dashboard.")
    return Scope("team", team.name, team.name, team=team)


def rep_scope(viewer: User, user_id: int) -> Scope:
    person = visibility.scope(viewer, User.objects.filter(pk=user_id)).first()
    if person is None or person.role != Role.SALESPERSON:
        raise NotFound("No such dashboard.")
    return Scope("rep", person.email, person.display_name, user=person)


def person_scope(viewer: User, user_id: int) -> Scope:
    """A presales engineer's or a consultant's own page, for them and whoever sees them."""
    found = visibility.scope(viewer, User.objects.filter(pk=user_id)).first()
    if found is None or found.role not in PERSON_ROLES:
        raise NotFound("No such dashboard.")
    return Scope("person", found.email, found.display_name, user=found)


def period_of(kind: str, as_of: date) -> periods.Period:
    fiscal = Organisation.current().fiscal_year_start_month
    if kind == "ytd":
        return periods.parse(f"{as_of.year}-YTD", as_of, fiscal)
    if kind not in PERIOD_KINDS:
        raise NotFound("No such period.")
    return periods.containing(kind, as_of, fiscal)


def dashboard_period(asked: str, as_of: date | None, today: date) -> tuple[periods.Period, date]:
    """The period a dashboard shows and the day it is seen as of. `asked` is a kind (the
    week, month, quarter, year or year to date containing the as-of date, today by default)
    or a period id (`2026-W09`, `2026-03`, `2026-Q1`, `2026`), seen as of its last day, or
    today while it is in progress. An as-of date before the period begins is refused."""
    fiscal = Organisation.current().fiscal_year_start_month
    if asked in PERIOD_KINDS:
        day = as_of or today
        return period_of(asked, day), day
    try:
        period = periods.parse(asked, as_of or today, fiscal)
    except InvalidInput as refused:
        if refused.field != "period" or "is not a period id" not in str(refused):
            raise
        kinds = ", ".join(PERIOD_KINDS)
        raise InvalidInput(
            "period", asked, f"must be one of: {kinds}, or a period id such as 2026-03"
        ) from None
    day = as_of or min(period.end, max(today, period.start))
    if day < period.start:
        raise InvalidInput(
            "as_of", day.isoformat(), f"is before {period.id} begins ({period.start.isoformat()})"
        )
    return period, day


def members_of(scope: Scope, period: periods.Period) -> Membership:
    if scope.kind == "company":
        return membership("company", period)
    if scope.kind == "person":
        assert scope.user is not None
        return person(scope.user)
    return narrowed(membership(scope.kind, period), [scope.key])


def reps_of(scope: Scope, period: periods.Period, members: Membership) -> Membership:
    """The salespeople whose rows the per-salesperson panels show: everyone for the company,
    the scope's members for a team, the team mates for a salesperson. `members` are the
    scope's own (`members_of`)."""
    if scope.kind == "person":
        return members
    everyone = membership("rep", period)
    if scope.kind == "company":
        return everyone
    if scope.kind == "rep":
        assert scope.user is not None
        people = User.objects.filter(team_id=scope.user.team_id) if scope.user.team_id else []
        emails = {person.email for person in people} | {scope.user.email}
    else:
        ids = {user_id for user_id, _ in members.pairs}
        emails = set(User.objects.filter(pk__in=ids).values_list("email", flat=True))
    return narrowed(everyone, [key for key in everyone.keys if key in emails])


def visible_members(viewer: User, by: str, period: periods.Period) -> Membership:
    """The keys of a company, team or salesperson breakdown that the viewer sees, as the
    dashboards show them: the company to executives and administrators, the teams someone
    manages (with those below), the salespeople whose records they see (themselves, for a
    salesperson). The company to anyone else is refused (403)."""
    everyone = membership(by, period)
    if viewer.sees_everything:
        return everyone
    if by == "company":
        raise NotAllowed(
            "by ('company') is for executives and administrators: ask by team or by rep",
            field="by",
        )
    if by == "team":
        names = TeamTree.load().names
        managed = {names[pk] for pk in visibility.managed_team_ids(viewer) if pk in names}
        return narrowed(everyone, [key for key in everyone.keys if key in managed])
    emails = set(visibility.scope(viewer, User.objects.all()).values_list("email", flat=True))
    return narrowed(everyone, [key for key in everyone.keys if key in emails])
