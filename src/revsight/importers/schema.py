"""Revsight's own import vocabulary: the entities and columns of the templates.

Every importer maps its source onto these records; validation and writing know nothing else.
`revsight template`, `docs/import.md` and the validation below all read this one table.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from revsight.crm.models import ActivityType, ForecastCategory, OpportunityType
from revsight.importers import values
from revsight.org.models import GoalScope, Role

# A cell as a source module hands it over: the column it came from (named in errors) and its
# value, text or already converted.
Cell = tuple[str, Any]


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # how `parse_cell` reads it: "money" may be negative, "amount" may not
    doc: str
    required: bool = False
    example: str = ""
    max_length: int = 255


@dataclass(frozen=True)
class Entity:
    name: str
    doc: str
    columns: tuple[Column, ...]
    # Template columns that identify a record, so a second import updates instead of adding.
    key: tuple[str, ...]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)


def _c(name: str, kind: str, doc: str, required: bool = False, example: str = "") -> Column:
    return Column(name, kind, doc, required, example)


EXTERNAL_ID = _c(
    "external_id", "key", "The record's id in the system it comes from.", True, "OPP-1042"
)

ENTITIES: dict[str, Entity] = {
    entity.name: entity
    for entity in (
        Entity(
            "users",
            "People: salespeople, managers, presales engineers, consultants, executives.",
            (
                _c(
                    "email",
                    "email",
                    "Login and identity; how every file refers to them.",
                    True,
                    "ana@example.com",
                ),
                _c("name", "text", "Full name.", example="Ana Silva"),
                _c("external_id", "key", "Their id in the source system, if any.", example="005A1"),
                _c(
                    "role",
                    "role",
                    "executive, manager, salesperson, presales, consultant or "
                    "admin. Default salesperson; an import never changes an existing role.",
                    example="salesperson",
                ),
                _c("team", "team", "Team name; created when new.", example="West"),
                _c("manager", "person", "Their manager's email.", example="lee@example.com"),
                _c("hire_date", "date", "YYYY-MM-DD.", example="2024-02-01"),
                _c("end_date", "date", "Last day, for people who left.", example=""),
                _c(
                    "annual_quota",
                    "amount",
                    "Annual quota, organisation currency. A new or changed one sets the "
                    "twelve monthly quotas of the current fiscal year (a twelfth each); "
                    "quotas.csv in the same import has the last word.",
                    example="1200000",
                ),
                _c("base_salary", "money", "Annual base salary.", example="90000"),
                _c("variable_pay", "money", "Annual on-target variable pay.", example="60000"),
                _c(
                    "active",
                    "bool",
                    "1 while they work here, 0 once they left. Default 1.",
                    example="1",
                ),
            ),
            ("email",),
        ),
        Entity(
            "teams",
            "Teams and their place in the organisation chart.",
            (
                _c("name", "text", "Team name.", True, "West"),
                _c("manager", "person", "The manager's email.", example="lee@example.com"),
                _c("parent", "team", "The team it reports into.", example="Americas"),
            ),
            ("name",),
        ),
        Entity(
            "accounts",
            "Customers and prospects. New vs existing is derived from their won deals.",
            (
                EXTERNAL_ID,
                _c("name", "text", "Account name.", True, "Acme Corp"),
                _c("segment", "text", "Industry or segment.", example="Manufacturing"),
                _c("owner", "person", "Account owner's email.", example="ana@example.com"),
                _c("created_date", "date", "YYYY-MM-DD.", example="2025-01-15"),
            ),
            ("external_id",),
        ),
        Entity(
            "opportunities",
            "Deals, open and closed.",
            (
                EXTERNAL_ID,
                _c("name", "text", "Deal name.", True, "Acme — 40 seats"),
                _c(
                    "owner",
                    "person",
                    "Owner's email (or their id in the source).",
                    True,
                    "ana@example.com",
                ),
                _c(
                    "account",
                    "account",
                    "The account's external id or name; a new name creates the account.",
                    example="Acme Corp",
                ),
                _c("stage", "stage", "Stage name; a new name creates the stage.", True, "Proposal"),
                _c("status", "status", "open, won or lost. Blank: from the stage.", example="open"),
                _c("amount", "amount", "Deal value in `currency`.", example="48000"),
                _c(
                    "currency",
                    "currency",
                    "ISO code; blank is the organisation's currency.",
                    example="USD",
                ),
                _c("created_date", "date", "When the deal was created.", True, "2026-01-10"),
                _c(
                    "close_date",
                    "date",
                    "Expected close date while open; the decision date once won or lost.",
                    example="2026-04-30",
                ),
                _c(
                    "type",
                    "deal_type",
                    "new_business or existing_business.",
                    example="new_business",
                ),
                _c("lead_source", "text", "Where the deal came from.", example="Web"),
                _c("gross_margin", "money", "Margin in `currency`.", example="21000"),
                _c("probability", "percent", "0–100, as the CRM shows it.", example="40"),
                _c(
                    "forecast_category",
                    "forecast_category",
                    "pipeline, best_case, commit, closed or omitted.",
                    example="commit",
                ),
                _c("loss_reason", "text", "Why it was lost.", example=""),
                _c("next_step", "text", "The agreed next step.", example="Pricing call"),
            ),
            ("external_id",),
        ),
        Entity(
            "stage_changes",
            "Stage history: the state of a deal right after each change.",
            (
                _c(
                    "external_id",
                    "key",
                    "Id of the history row; blank rows are matched by deal and time.",
                    example="H-77",
                ),
                _c("opportunity", "opportunity", "The deal's external id.", True, "OPP-1042"),
                _c("stage", "stage", "Stage after the change.", True, "Proposal"),
                _c("amount", "amount", "Amount after the change, in `currency`.", example="48000"),
                _c(
                    "currency",
                    "currency",
                    "ISO code; blank is the organisation's currency.",
                    example="USD",
                ),
                _c("close_date", "date", "Close date after the change.", example="2026-04-30"),
                _c(
                    "changed_at",
                    "timestamp",
                    "When, in UTC (YYYY-MM-DD HH:MM:SS).",
                    True,
                    "2026-02-03 14:05:00",
                ),
            ),
            ("external_id",),
        ),
        Entity(
            "activities",
            "Calls, meetings, demonstrations.",
            (
                EXTERNAL_ID,
                _c("owner", "person", "Who did it (email).", True, "ana@example.com"),
                _c(
                    "type",
                    "activity_type",
                    ", ".join(ActivityType.values) + ".",
                    True,
                    "discovery_call",
                ),
                _c("date", "date", "YYYY-MM-DD.", True, "2026-02-03"),
                _c("account", "account", "Account external id or name.", example="Acme Corp"),
                _c("opportunity", "opportunity", "Deal external id.", example="OPP-1042"),
                _c("subject", "text", "Subject line.", example="Discovery with IT director"),
            ),
            ("external_id",),
        ),
        Entity(
            "quotas",
            "Monthly quotas of a salesperson (by email) or a team (by name).",
            (
                _c(
                    "user",
                    "person",
                    "Salesperson's email; or leave blank and give `team`.",
                    example="ana@example.com",
                ),
                _c("team", "team", "Team name, for a team quota.", example=""),
                _c("month", "month", "YYYY-MM.", True, "2026-03"),
                _c("amount", "amount", "Quota, organisation currency.", True, "100000"),
            ),
            ("user", "team", "month"),
        ),
        Entity(
            "forecast_submissions",
            "Forecasts salespeople submitted (history is kept: each row is one submission).",
            (
                _c("user", "person", "Salesperson's email.", True, "ana@example.com"),
                _c("period_type", "period_type", "month or quarter.", True, "month"),
                _c("period_start", "date", "First day of the period.", True, "2026-03-01"),
                _c("category", "submission_category", "commit or best_case.", True, "commit"),
                _c("amount", "amount", "Amount, organisation currency.", True, "95000"),
                _c("submitted_at", "timestamp", "When, in UTC.", True, "2026-03-01 09:00:00"),
                _c("note", "text", "Comment.", example=""),
            ),
            ("user", "period_type", "period_start", "category", "submitted_at"),
        ),
        Entity(
            "leads",
            "Leads, for cost per lead and conversion.",
            (
                EXTERNAL_ID,
                _c("lead_source", "text", "Source or campaign.", True, "Webinar"),
                _c("created_date", "date", "YYYY-MM-DD.", True, "2026-02-10"),
                _c("owner", "person", "Owner's email.", example="ana@example.com"),
                _c(
                    "converted_opportunity",
                    "opportunity",
                    "Deal external id once converted.",
                    example="",
                ),
            ),
            ("external_id",),
        ),
        Entity(
            "marketing_spend",
            "Marketing spend by lead source and month.",
            (
                _c("lead_source", "text", "Source or campaign.", True, "Webinar"),
                _c("month", "month", "YYYY-MM.", True, "2026-02"),
                _c("amount", "money", "Spend, organisation currency.", True, "12000"),
            ),
            ("lead_source", "month"),
        ),
        Entity(
            "invoices",
            "Invoices, for days sales outstanding.",
            (
                EXTERNAL_ID,
                _c("account", "account", "Account external id or name.", True, "Acme Corp"),
                _c("opportunity", "opportunity", "Deal external id.", example="OPP-1042"),
                _c("invoice_date", "date", "YYYY-MM-DD.", True, "2026-03-05"),
                _c("amount", "money", "Amount, organisation currency.", True, "48000"),
                _c("due_date", "date", "YYYY-MM-DD.", True, "2026-04-04"),
                _c("paid_date", "date", "Blank while unpaid.", example=""),
            ),
            ("external_id",),
        ),
        Entity(
            "time_entries",
            "Consultants' hours.",
            (
                EXTERNAL_ID,
                _c("consultant", "person", "Consultant's email.", True, "kim@example.com"),
                _c("date", "date", "YYYY-MM-DD.", True, "2026-03-05"),
                _c("hours", "hours", "Hours worked.", True, "7.5"),
                _c("billable", "bool", "1 or 0. Default 1.", example="1"),
                _c("billed_amount", "money", "What the client was charged.", example="1125"),
                _c("standard_rate", "money", "List hourly rate for the work.", True, "180"),
                _c("account", "account", "Account external id or name.", example="Acme Corp"),
            ),
            ("external_id",),
        ),
        Entity(
            "service_backlog",
            "Signed but undelivered service hours, as they stood on a date.",
            (
                _c("as_of", "date", "YYYY-MM-DD.", True, "2026-03-31"),
                _c("consultant", "person", "Consultant's email, if assigned.", example=""),
                _c("account", "account", "Account external id or name.", example="Acme Corp"),
                _c("hours", "hours", "Hours still to deliver.", True, "120"),
                _c("amount", "money", "Their value, organisation currency.", example="21600"),
            ),
            ("as_of", "consultant", "account"),
        ),
        Entity(
            "sales_expenses",
            "Sales expenses by person, month and category.",
            (
                _c("user", "person", "Email.", True, "ana@example.com"),
                _c("month", "month", "YYYY-MM.", True, "2026-03"),
                _c("category", "text", "Travel, entertainment…", True, "Travel"),
                _c("amount", "money", "Organisation currency.", True, "1800"),
            ),
            ("user", "month", "category"),
        ),
        Entity(
            "goals",
            "Targets for metrics (ids as in docs/metrics.md).",
            (
                _c("metric", "metric", "Metric id.", True, "win_rate"),
                _c("scope", "goal_scope", "company, team or user.", True, "company"),
                _c("team", "team", "Team name when scope is team.", example=""),
                _c("user", "person", "Email when scope is user.", example=""),
                _c("period", "period", "2026-03, 2026-Q1, 2026 or 2026-W09.", True, "2026-Q1"),
                _c(
                    "target",
                    "decimal",
                    "Target value in the metric's unit (a rate as a fraction: 0.3 is 30 %); a "
                    "share of a whole above 1 and a negative value but for forecast_bias and "
                    "the margins are refused.",
                    True,
                    "0.3",
                ),
            ),
            ("metric", "scope", "team", "user", "period"),
        ),
    )
}

# The order a multi-file import writes in, so references point at records already written.
WRITE_ORDER = tuple(ENTITIES)


def _choices(pairs: dict[str, str]) -> dict[str, str]:
    return {key.lower(): value for key, value in pairs.items()}


CHOICES: dict[str, dict[str, str]] = {
    "role": _choices({**{v: v for v in Role.values}, **{label: v for v, label in Role.choices}}),
    "status": _choices(
        {"open": "open", "won": "won", "lost": "lost", "closed won": "won", "closed lost": "lost"}
    ),
    "deal_type": _choices(
        {
            **{v: v for v in OpportunityType.values},
            **{label: v for v, label in OpportunityType.choices},
            "new": "new_business",
            "newbusiness": "new_business",
            "new customer": "new_business",
            "existing": "existing_business",
            "existingbusiness": "existing_business",
            "existing customer": "existing_business",
            "upsell": "existing_business",
            "renewal": "existing_business",
        }
    ),
    "forecast_category": _choices(
        {
            **{v: v for v in ForecastCategory.values},
            **{label: v for v, label in ForecastCategory.choices},
            "bestcase": "best_case",
        }
    ),
    "activity_type": _choices(
        {**{v: v for v in ActivityType.values}, **{label: v for v, label in ActivityType.choices}}
    ),
    "submission_category": {"commit": "commit", "best case": "best_case"},
    "goal_scope": _choices({v: v for v in GoalScope.values} | {"salesperson": "user"}),
}

_TEXT_KINDS = {"key", "text", "person", "team", "account", "opportunity", "stage", "metric"}


def parse_cell(column: Column, value: Any, *, zone: str, date_formats: tuple[str, ...]) -> Any:
    """The typed value of one template column; raises values.BadValue."""
    kind = column.kind
    if kind in _TEXT_KINDS:
        return values.text(value, 64 if kind == "key" else column.max_length)
    parsers: dict[str, Callable[[Any], Any]] = {
        "email": values.email,
        "date": lambda v: values.calendar_date(v, date_formats),
        "month": lambda v: values.month(v, date_formats),
        "timestamp": lambda v: values.timestamp(v, zone, date_formats),
        "money": values.money_value,
        "amount": values.amount,
        "decimal": lambda v: values.decimal(v, places=4),
        "hours": values.decimal,
        "percent": values.percent,
        "bool": values.boolean,
        "currency": values.currency,
        "period": lambda v: values.text(v, 16),
        # month or quarter: checked by the forecast service, as on every door
        "period_type": lambda v: values.text(v, 16).lower(),
    }
    if kind in parsers:
        return parsers[kind](value)
    return values.choice(value, CHOICES[kind])
