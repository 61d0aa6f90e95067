"""CRM discipline: the same document as `revsight discipline --format json`, for the deals of
the people the token's person sees (a salesperson, their own)."""

from datetime import date
from typing import Any

from django.http import HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema

from revsight.api.auth import actor
from revsight.api.records import READ_ERRORS
from revsight.api.schemas import Error, Text
from revsight.cadence.report import checked_rules, discipline, named_audience
from revsight.core import clock, periods

router = Router(tags=["cadence"])


class RuleCount(Schema):
    id: str
    description: str
    count: int


class DealRefOut(Schema):
    id: int
    external_id: str
    name: str
    account: str | None


class FindingOut(Schema):
    rule: str
    deal: DealRefOut
    owner: str = Field(description="The deal owner's email")
    detail: str


class DisciplineDocument(Schema):
    as_of: date
    rules: list[RuleCount]
    findings: list[FindingOut] = Field(description="Sorted by owner, rule and deal id")


class DisciplineQuery(Schema):
    as_of: date | None = Field(None, description="Default: today, the organisation's")
    user: Text | None = Field(None, description="Only this person's deals (an email)")
    team: Text | None = Field(None, description="Only this team's deals, sub-teams included")
    rule: list[Text] | None = Field(None, description="Rule ids; default every rule")


@router.get("/discipline/", response={200: DisciplineDocument, **READ_ERRORS, 403: Error})
def discipline_check(request: HttpRequest, query: Query[DisciplineQuery]) -> Any:
    """The deals that break the CRM discipline rules at the end of the as-of date (docs/cadence.md),
    among the deals of the people the token's person sees."""
    day = periods.check_day("as_of", query.as_of) if query.as_of else clock.today()
    asked = checked_rules(query.rule)
    who = named_audience(actor(request), query.user, query.team)
    return JsonResponse(discipline(day, who, asked).as_json())
