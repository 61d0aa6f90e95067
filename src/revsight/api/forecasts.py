"""Forecast submissions: listing those the token's person sees, and submitting one through the
service every door uses (`forecasting.services.submit_forecast`), here and at the earlier
address `POST /api/forecasts/` (`api/legacy.py`)."""

from datetime import date
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema
from ninja.filter_schema import FilterLookup, FilterSchema
from ninja.pagination import paginate
from pydantic import ConfigDict, StringConstraints, WithJsonSchema

from revsight.access import visibility
from revsight.api.auth import actor
from revsight.api.pagination import Page
from revsight.api.records import READ_ERRORS
from revsight.api.schemas import Error, SubmissionOut, Submissions, Text
from revsight.crm.models import ForecastSubmission
from revsight.forecasting.services import submit_forecast
from revsight.org.models import User

router = Router(tags=["forecasts"])
# An amount as a number or as text (`55,000` reads as 55000); the service checks it.
Amount = Annotated[Any, WithJsonSchema({"anyOf": [{"type": "number"}, {"type": "string"}]})]
Note = Annotated[str, StringConstraints(max_length=500, pattern=r"^[^\x00]*$")]


def submission_json(row: ForecastSubmission) -> dict[str, Any]:
    return {
        "user": row.user.email,
        "period_type": row.period_type,
        "period_start": row.period_start.isoformat(),
        "category": row.category,
        "amount": f"{row.amount:.2f}",
        "submitted_at": row.submitted_at.isoformat(),
        "submitted_by": row.submitted_by.email if row.submitted_by else None,
        "note": row.note,
    }


def submitted(
    user: User, email: str | None, period: str, commit: Any, best_case: Any, note: str
) -> JsonResponse:
    """Submit for `email` (default the token's person) and answer 201 with the new rows."""
    rows = submit_forecast(
        email or user.email, period, commit, best_case, actor=user, note=note or ""
    )
    return JsonResponse({"submissions": [submission_json(row) for row in rows]}, status=201)


class SubmissionFilter(FilterSchema):
    user: Annotated[Text | None, FilterLookup("user__email__iexact")] = None
    period_type: Annotated[Literal["month", "quarter"] | None, FilterLookup("period_type")] = None
    period_start: Annotated[date | None, FilterLookup("period_start")] = None
    category: Annotated[Literal["commit", "best_case"] | None, FilterLookup("category")] = None


@router.get("/forecast-submissions/", response={200: list[SubmissionOut], **READ_ERRORS})
@paginate(Page)
def list_submissions(
    request: HttpRequest, filters: Query[SubmissionFilter]
) -> QuerySet[ForecastSubmission]:
    """Every submission kept (newest first) of the people the token's person sees."""
    rows = ForecastSubmission.objects.select_related("user", "submitted_by")
    seen = visibility.scope(actor(request), rows.order_by("-submitted_at", "-id"))
    return filters.filter(seen)


class SubmissionIn(Schema):
    model_config = ConfigDict(extra="forbid")

    period: Text = Field(description="A month (2026-03) or a fiscal quarter (2026-Q1)")
    commit: Amount = Field(description="Zero or more, below 10^14")
    best_case: Amount | None = Field(None, description="Not below the commit")
    user: Text | None = Field(
        None, description="The forecaster's email; default the token's person"
    )
    note: Note = Field("", description="The reason, required for a manager's adjustment")


@router.post(
    "/forecast-submissions/",
    response={201: Submissions, **READ_ERRORS, 403: Error, 503: Error},
)
def submit(request: HttpRequest, payload: SubmissionIn) -> JsonResponse:
    """Record a commit (and best case) for a month or quarter: the token's person's own, or,
    for a manager, someone they manage (with a `note` giving the reason)."""
    return submitted(
        actor(request),
        payload.user,
        payload.period,
        payload.commit,
        payload.best_case,
        payload.note,
    )
