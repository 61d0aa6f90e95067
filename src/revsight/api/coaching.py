"""The coaching log: the entries the token's person sees, and logging one as that person
through the service every door uses (`cadence.coaching_services.log_entry`)."""

import datetime as dt
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict, StringConstraints

from revsight.api.auth import actor
from revsight.api.pagination import Page
from revsight.api.records import READ_ERRORS
from revsight.api.schemas import Error, Id, Text
from revsight.cadence import coaching
from revsight.cadence import coaching_services as services
from revsight.cadence.models import CoachingEntry
from revsight.core import clock

router = Router(tags=["coaching"])
Long = Annotated[str, StringConstraints(max_length=10_000, pattern=r"^[^\x00]*$")]
Short = Annotated[str, StringConstraints(max_length=500, pattern=r"^[^\x00]*$")]


class ReplyOut(Schema):
    author: str = Field(description="The salesperson's email")
    text: str
    at: dt.datetime


class CoachingEntryOut(Schema):
    id: int
    user: str = Field(description="The salesperson's email")
    coach: str = Field(description="The email of the manager who logged it")
    date: dt.date
    kind: str = Field(description="joint_call, coaching_session, ride_along or role_play")
    scheduled: bool
    skill: str
    deal: str | None = Field(description="The deal's external id (its id when it has none)")
    account_id: int | None
    account: str | None
    notes: str
    action: str
    due: dt.date | None
    action_done: bool
    replies: list[ReplyOut]

    @staticmethod
    def resolve_user(obj: CoachingEntry) -> str:
        return obj.salesperson.email

    @staticmethod
    def resolve_coach(obj: CoachingEntry) -> str:
        return obj.coach.email

    @staticmethod
    def resolve_deal(obj: CoachingEntry) -> str | None:
        deal = obj.opportunity
        return (deal.external_id or str(deal.pk)) if deal is not None else None

    @staticmethod
    def resolve_account(obj: CoachingEntry) -> str | None:
        return obj.account.name if obj.account is not None else None

    @staticmethod
    def resolve_due(obj: CoachingEntry) -> dt.date | None:
        return obj.action_due

    @staticmethod
    def resolve_replies(obj: CoachingEntry) -> list[dict[str, Any]]:
        return [{"author": r.author.email, "text": r.text, "at": r.at} for r in obj.replies.all()]


class CoachingFilter(Schema):
    month: Text | None = Field(None, description="A month such as 2026-03")
    user: Text | None = Field(None, description="A salesperson's email")


@router.get("/coaching/", response={200: list[CoachingEntryOut], **READ_ERRORS})
@paginate(Page)
def list_coaching(request: HttpRequest, filters: Query[CoachingFilter]) -> QuerySet[CoachingEntry]:
    """The coaching entries the token's person sees (their own, a salesperson's; their teams',
    a manager's), newest first."""
    entries = coaching.visible_entries(actor(request))
    if filters.month:
        period = coaching.month(filters.month, clock.today())
        entries = entries.filter(date__range=(period.start, period.end))
    if filters.user:
        entries = entries.filter(salesperson__email__iexact=filters.user.strip())
    return entries.order_by("-date", "-id")


class CoachingIn(Schema):
    model_config = ConfigDict(extra="forbid")

    user: Text = Field(description="The salesperson's email")
    date: Text = Field(description="The day, such as 2026-03-12; not after today")
    kind: Text = Field(description="joint_call, coaching_session, ride_along or role_play")
    scheduled: bool = Field(True, description="Planned ahead, or on the spot")
    skill: Short = Field("", description="One of the organisation's coaching skills")
    deal: Text | None = Field(None, description="The deal's external id")
    account_id: Id | None = Field(None, description="The account's id; default the deal's")
    notes: Long = ""
    action: Short = Field("", description="The action agreed; needs `due`")
    due: Text | None = Field(None, description="When the action is due")


@router.post("/coaching/", response={201: CoachingEntryOut, **READ_ERRORS, 403: Error, 503: Error})
def log_coaching(request: HttpRequest, payload: CoachingIn) -> JsonResponse:
    """Log a joint call or coaching session of a salesperson the token's person manages, as
    their coach."""
    coach = actor(request)
    entry = services.log_entry(
        coach,
        services.salesperson(payload.user),
        services.EntryInput(
            date=payload.date,
            kind=payload.kind,
            scheduled=payload.scheduled,
            skill=payload.skill,
            deal=payload.deal or "",
            account_id=payload.account_id,
            notes=payload.notes,
            action=payload.action,
            due=payload.due,
        ),
    )
    shown = coaching.visible_entries(coach).get(pk=entry.pk)
    return JsonResponse(coaching.entry_json(shown), status=201)
