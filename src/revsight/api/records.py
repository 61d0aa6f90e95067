"""Reading the records: each list is the records the token's person may see
(`access.visibility.scope`, as on the web), filtered, in pages; each record by its id, or 404
when it does not exist or is not theirs to see (the same answer, so nothing leaks)."""

from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest
from ninja import Query, Router
from ninja.filter_schema import FilterLookup, FilterSchema
from ninja.pagination import paginate

from revsight.access import visibility
from revsight.api.auth import actor
from revsight.api.pagination import Page
from revsight.api.schemas import (
    AccountOut,
    ActivityOut,
    Error,
    GoalOut,
    Id,
    OpportunityDetail,
    OpportunityOut,
    PersonOut,
    QuotaOut,
    TeamOut,
    Text,
)
from revsight.crm.models import Account, Activity, ActivityType, Opportunity, OpportunityStatus
from revsight.org.models import Goal, Quota, Role, Team, User

M = TypeVar("M", bound=Model)
READ_ERRORS: dict[int, Any] = {400: Error, 401: Error, 429: Error}
ONE_ERRORS: dict[int, Any] = {**READ_ERRORS, 404: Error}
router = Router()


def seen(request: HttpRequest, queryset: QuerySet[M]) -> QuerySet[M]:
    return visibility.scope(actor(request), queryset)


def one(request: HttpRequest, queryset: QuerySet[M], pk: int, what: str) -> M:
    return visibility.visible_one(actor(request), queryset, pk, what)


class PeopleFilter(FilterSchema):
    role: Annotated[Role | None, FilterLookup("role")] = None
    team_id: Annotated[Id | None, FilterLookup("team_id")] = None
    active: Annotated[bool | None, FilterLookup("is_active")] = None
    email: Annotated[Text | None, FilterLookup("email__iexact")] = None
    external_id: Annotated[Text | None, FilterLookup("external_id")] = None


@router.get("/people/", response={200: list[PersonOut], **READ_ERRORS}, tags=["people"])
@paginate(Page)
def list_people(request: HttpRequest, filters: Query[PeopleFilter]) -> QuerySet[User]:
    """The people the token's person sees: themselves, and whoever is in the teams they
    manage (everyone, for executives and administrators)."""
    people = User.objects.select_related("team", "manager").order_by("name", "email", "id")
    return filters.filter(seen(request, people))


@router.get("/people/{person_id}/", response={200: PersonOut, **ONE_ERRORS}, tags=["people"])
def get_person(request: HttpRequest, person_id: Id) -> User:
    return one(request, User.objects.select_related("team", "manager"), person_id, "person")


class TeamFilter(FilterSchema):
    name: Annotated[Text | None, FilterLookup("name__iexact")] = None
    parent_id: Annotated[Id | None, FilterLookup("parent_id")] = None


@router.get("/teams/", response={200: list[TeamOut], **READ_ERRORS}, tags=["people"])
@paginate(Page)
def list_teams(request: HttpRequest, filters: Query[TeamFilter]) -> QuerySet[Team]:
    """The teams the token's person manages (with the teams below them) and their own."""
    teams = Team.objects.select_related("manager").order_by("name", "id")
    return filters.filter(seen(request, teams))


@router.get("/teams/{team_id}/", response={200: TeamOut, **ONE_ERRORS}, tags=["people"])
def get_team(request: HttpRequest, team_id: Id) -> Team:
    return one(request, Team.objects.select_related("manager"), team_id, "team")


class AccountFilter(FilterSchema):
    owner: Annotated[Text | None, FilterLookup("owner__email__iexact")] = None
    name: Annotated[Text | None, FilterLookup("name__icontains")] = None
    source: Annotated[Text | None, FilterLookup("source")] = None
    external_id: Annotated[Text | None, FilterLookup("external_id")] = None


@router.get("/accounts/", response={200: list[AccountOut], **READ_ERRORS}, tags=["accounts"])
@paginate(Page)
def list_accounts(request: HttpRequest, filters: Query[AccountFilter]) -> QuerySet[Account]:
    """Accounts the token's person owns or holds deals with (or those of their teams)."""
    accounts = Account.objects.select_related("owner").order_by("name", "id")
    return filters.filter(seen(request, accounts))


@router.get("/accounts/{account_id}/", response={200: AccountOut, **ONE_ERRORS}, tags=["accounts"])
def get_account(request: HttpRequest, account_id: Id) -> Account:
    return one(request, Account.objects.select_related("owner"), account_id, "account")


class OpportunityFilter(FilterSchema):
    status: Annotated[OpportunityStatus | None, FilterLookup("status")] = None
    owner: Annotated[Text | None, FilterLookup("owner__email__iexact")] = None
    stage: Annotated[Text | None, FilterLookup("stage__name__iexact")] = None
    account_id: Annotated[Id | None, FilterLookup("account_id")] = None
    close_from: Annotated[date | None, FilterLookup("close_date__gte")] = None
    close_to: Annotated[date | None, FilterLookup("close_date__lte")] = None
    source: Annotated[Text | None, FilterLookup("source")] = None
    external_id: Annotated[Text | None, FilterLookup("external_id")] = None


def _opportunities() -> QuerySet[Opportunity]:
    return Opportunity.objects.select_related("owner", "account", "stage")


@router.get(
    "/opportunities/", response={200: list[OpportunityOut], **READ_ERRORS}, tags=["opportunities"]
)
@paginate(Page)
def list_opportunities(
    request: HttpRequest, filters: Query[OpportunityFilter]
) -> QuerySet[Opportunity]:
    """Deals held by the token's person (or by the people of the teams they manage)."""
    return filters.filter(seen(request, _opportunities().order_by("-close_date", "name", "id")))


@router.get(
    "/opportunities/{opportunity_id}/",
    response={200: OpportunityDetail, **ONE_ERRORS},
    tags=["opportunities"],
)
def get_opportunity(request: HttpRequest, opportunity_id: Id) -> Opportunity:
    """One deal, with its stage history: its state after each change, oldest first."""
    return one(request, _opportunities(), opportunity_id, "opportunity")


class ActivityFilter(FilterSchema):
    owner: Annotated[Text | None, FilterLookup("owner__email__iexact")] = None
    type: Annotated[ActivityType | None, FilterLookup("type")] = None
    date_from: Annotated[date | None, FilterLookup("date__gte")] = None
    date_to: Annotated[date | None, FilterLookup("date__lte")] = None
    account_id: Annotated[Id | None, FilterLookup("account_id")] = None
    opportunity_id: Annotated[Id | None, FilterLookup("opportunity_id")] = None
    source: Annotated[Text | None, FilterLookup("source")] = None
    external_id: Annotated[Text | None, FilterLookup("external_id")] = None


@router.get("/activities/", response={200: list[ActivityOut], **READ_ERRORS}, tags=["activities"])
@paginate(Page)
def list_activities(request: HttpRequest, filters: Query[ActivityFilter]) -> QuerySet[Activity]:
    activities = Activity.objects.select_related("owner").order_by("-date", "id")
    return filters.filter(seen(request, activities))


@router.get(
    "/activities/{activity_id}/", response={200: ActivityOut, **ONE_ERRORS}, tags=["activities"]
)
def get_activity(request: HttpRequest, activity_id: Id) -> Activity:
    return one(request, Activity.objects.select_related("owner"), activity_id, "activity")


class QuotaFilter(FilterSchema):
    user: Annotated[Text | None, FilterLookup("user__email__iexact")] = None
    team_id: Annotated[Id | None, FilterLookup("team_id")] = None
    month_from: Annotated[date | None, FilterLookup("month__gte")] = None
    month_to: Annotated[date | None, FilterLookup("month__lte")] = None


@router.get("/quotas/", response={200: list[QuotaOut], **READ_ERRORS}, tags=["targets"])
@paginate(Page)
def list_quotas(request: HttpRequest, filters: Query[QuotaFilter]) -> QuerySet[Quota]:
    """Monthly quotas of the people and teams the token's person sees."""
    quotas = Quota.objects.select_related("user", "team").order_by("month", "id")
    return filters.filter(seen(request, quotas))


class GoalFilter(FilterSchema):
    metric: Annotated[Text | None, FilterLookup("metric")] = None
    period: Annotated[Text | None, FilterLookup("period")] = None
    scope: Annotated[Literal["company", "team", "user"] | None, FilterLookup("scope")] = None


@router.get("/goals/", response={200: list[GoalOut], **READ_ERRORS}, tags=["targets"])
@paginate(Page)
def list_goals(request: HttpRequest, filters: Query[GoalFilter]) -> QuerySet[Goal]:
    """Goals of the company, of the teams the token's person sees, and of the people."""
    goals = Goal.objects.select_related("user", "team").order_by("metric", "period", "id")
    return filters.filter(seen(request, goals))
