"""What the API answers with, as schemas the OpenAPI description is generated from. Amounts are
strings with two decimals (`"40000.00"`), in the organisation's currency; dates ISO 8601."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import StringConstraints

from revsight.crm.models import Account, Activity, Opportunity, StageChange
from revsight.org.models import Goal, Quota, User

MAX_ID = 2**63 - 1
# A short text a query may filter on: no NUL (PostgreSQL refuses it in a string).
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00]+$")]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


def money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def email_of(user: User | None) -> str | None:
    return user.email if user is not None else None


class FieldError(Schema):
    path: str = Field(description="The field at fault: a parameter, a JSON path (rows[3].amount)")
    message: str


class ErrorBody(Schema):
    code: str = Field(description="Stable: invalid_input, unauthenticated, not_allowed, …")
    message: str = Field(description="A sentence people can read")
    fields: list[FieldError]


class Error(Schema):
    error: ErrorBody


class PersonOut(Schema):
    id: int
    email: str
    name: str
    role: str
    team_id: int | None
    team: str | None
    manager: str | None = Field(description="The manager's email")
    hire_date: date | None
    end_date: date | None
    annual_quota: str | None
    active: bool
    source: str
    external_id: str

    @staticmethod
    def resolve_team(obj: User) -> str | None:
        return obj.team.name if obj.team is not None else None

    @staticmethod
    def resolve_manager(obj: User) -> str | None:
        return email_of(obj.manager)

    @staticmethod
    def resolve_annual_quota(obj: User) -> str | None:
        return money(obj.annual_quota)

    @staticmethod
    def resolve_active(obj: User) -> bool:
        return obj.is_active


class TeamOut(Schema):
    id: int
    name: str
    manager: str | None = Field(description="The manager's email")
    parent_id: int | None

    @staticmethod
    def resolve_manager(obj: Any) -> str | None:
        return email_of(obj.manager)


class AccountOut(Schema):
    id: int
    source: str
    external_id: str
    name: str
    segment: str
    owner: str | None = Field(description="The owner's email")
    created_date: date | None

    @staticmethod
    def resolve_owner(obj: Account) -> str | None:
        return email_of(obj.owner)


class OpportunityOut(Schema):
    id: int
    source: str
    external_id: str
    name: str
    owner: str = Field(description="The owner's email")
    account_id: int | None
    account: str | None
    stage: str
    status: str = Field(description="open, won or lost")
    amount: str | None = Field(description="In the organisation's currency")
    original_amount: str | None
    original_currency: str
    gross_margin: str | None
    probability: float | None = Field(description="0 to 1, as the CRM gave it")
    forecast_category: str
    created_date: date
    close_date: date | None
    type: str
    lead_source: str
    loss_reason: str
    next_step: str

    @staticmethod
    def resolve_owner(obj: Opportunity) -> str:
        return obj.owner.email

    @staticmethod
    def resolve_account(obj: Opportunity) -> str | None:
        return obj.account.name if obj.account is not None else None

    @staticmethod
    def resolve_stage(obj: Opportunity) -> str:
        return obj.stage.name

    @staticmethod
    def resolve_amount(obj: Opportunity) -> str | None:
        return money(obj.amount)

    @staticmethod
    def resolve_original_amount(obj: Opportunity) -> str | None:
        return money(obj.original_amount)

    @staticmethod
    def resolve_gross_margin(obj: Opportunity) -> str | None:
        return money(obj.gross_margin)

    @staticmethod
    def resolve_probability(obj: Opportunity) -> float | None:
        return None if obj.probability is None else float(obj.probability)


class StageChangeOut(Schema):
    changed_at: datetime = Field(description="UTC")
    from_stage: str | None
    to_stage: str
    amount: str | None
    close_date: date | None

    @staticmethod
    def resolve_from_stage(obj: StageChange) -> str | None:
        return obj.from_stage.name if obj.from_stage is not None else None

    @staticmethod
    def resolve_to_stage(obj: StageChange) -> str:
        return obj.to_stage.name

    @staticmethod
    def resolve_amount(obj: StageChange) -> str | None:
        return money(obj.amount)


class OpportunityDetail(OpportunityOut):
    stage_history: list[StageChangeOut] = Field(description="Oldest first")

    @staticmethod
    def resolve_stage_history(obj: Opportunity) -> list[StageChange]:
        return list(obj.stage_changes.select_related("from_stage", "to_stage"))


class ActivityOut(Schema):
    id: int
    source: str
    external_id: str
    owner: str = Field(description="The owner's email")
    type: str
    date: date
    account_id: int | None
    opportunity_id: int | None
    subject: str

    @staticmethod
    def resolve_owner(obj: Activity) -> str:
        return obj.owner.email


class QuotaOut(Schema):
    id: int
    user: str | None = Field(description="The salesperson's email, for a person's quota")
    team: str | None = Field(description="The team's name, for a team's quota")
    month: date = Field(description="The first day of the month")
    amount: str

    @staticmethod
    def resolve_user(obj: Quota) -> str | None:
        return email_of(obj.user)

    @staticmethod
    def resolve_team(obj: Quota) -> str | None:
        return obj.team.name if obj.team is not None else None

    @staticmethod
    def resolve_amount(obj: Quota) -> str:
        return f"{obj.amount:.2f}"


class GoalOut(Schema):
    id: int
    metric: str
    scope: str = Field(description="company, team or user")
    team: str | None
    user: str | None
    period: str
    target: float

    @staticmethod
    def resolve_team(obj: Goal) -> str | None:
        return obj.team.name if obj.team is not None else None

    @staticmethod
    def resolve_user(obj: Goal) -> str | None:
        return email_of(obj.user)

    @staticmethod
    def resolve_target(obj: Goal) -> float:
        return float(obj.target)


class SubmissionOut(Schema):
    user: str
    period_type: str = Field(description="month or quarter")
    period_start: date
    category: str = Field(description="commit or best_case")
    amount: str
    submitted_at: datetime = Field(description="UTC")
    submitted_by: str | None = Field(description="The manager's email, for an adjustment")
    note: str


class Submissions(Schema):
    submissions: list[SubmissionOut]
