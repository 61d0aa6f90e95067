"""The fact tables every metric reads, defined once as Ibis expressions over the database.

Both engines see the same facts: the `database` engine evaluates these expressions on the
database itself; the DuckDB replica stores their results. Money becomes float64 here (SQLite
keeps DecimalField as REAL anyway) and metric results are rounded to the cent on output.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.db.models import Model

from revsight.crm import models as crm
from revsight.crm.models import ForecastSubmission
from revsight.org import models as org

if TYPE_CHECKING:  # Ibis is imported by the engines, not by every command that names a fact.
    import ibis
    import ibis.expr.types as ir

MONEY = "float64"


def _money(table: ir.Table, *names: str) -> dict[str, ir.Value]:
    return {name: table[name].cast(MONEY) for name in names}


def _users(t: ir.Table) -> ir.Table:
    return t.select(
        "id",
        "email",
        "name",
        "role",
        "team_id",
        "hire_date",
        "end_date",
        "is_active",
        **_money(t, "base_salary", "variable_pay"),
    )


def _teams(t: ir.Table) -> ir.Table:
    return t.select("id", "name", "parent_id", "manager_id")


def _stages(t: ir.Table) -> ir.Table:
    return t.select("id", "name", "outcome", order=t["order"])


def _opportunities(t: ir.Table) -> ir.Table:
    return t.select(
        "id",
        "owner_id",
        "account_id",
        "status",
        "created_date",
        "close_date",
        "type",
        "stage_id",
        "lead_source",
        **_money(t, "amount", "gross_margin"),
    )


def _stage_changes(t: ir.Table) -> ir.Table:
    return t.select(
        "id", "opportunity_id", "to_stage_id", "close_date", "changed_at", **_money(t, "amount")
    )


def _activities(t: ir.Table) -> ir.Table:
    return t.select("id", "owner_id", "type", "date", "account_id", "opportunity_id")


def _quotas(t: ir.Table) -> ir.Table:
    return t.select("user_id", "team_id", "month", **_money(t, "amount"))


def _forecasts(t: ir.Table) -> ir.Table:
    return t.select(
        "user_id", "period_type", "period_start", "category", "submitted_at", **_money(t, "amount")
    )


def _accounts(t: ir.Table) -> ir.Table:
    return t.select("id", "owner_id", "created_date", "segment")


def _invoices(t: ir.Table) -> ir.Table:
    return t.select(
        "id",
        "account_id",
        "opportunity_id",
        "invoice_date",
        "due_date",
        "paid_date",
        **_money(t, "amount"),
    )


def _time_entries(t: ir.Table) -> ir.Table:
    return t.select(
        "id",
        "consultant_id",
        "date",
        "billable",
        hours=t.hours.cast("float64"),
        **_money(t, "billed_amount", "standard_rate"),
    )


def _backlog(t: ir.Table) -> ir.Table:
    return t.select("id", "as_of", "consultant_id", hours=t.hours.cast("float64"))


def _expenses(t: ir.Table) -> ir.Table:
    return t.select("id", "user_id", "month", "category", **_money(t, "amount"))


def _leads(t: ir.Table) -> ir.Table:
    return t.select("id", "lead_source", "created_date", "owner_id", "converted_opportunity_id")


def _marketing_spend(t: ir.Table) -> ir.Table:
    return t.select("id", "lead_source", "month", **_money(t, "amount"))


def _activity_standards(t: ir.Table) -> ir.Table:
    return t.select("id", "role", "activity_type", "per", count=t["count"].cast("float64"))


# fact name -> (Django model, shaping expression)
FACTS: dict[str, tuple[type[Model], Callable[[ir.Table], ir.Table]]] = {
    "users": (org.User, _users),
    "teams": (org.Team, _teams),
    "stages": (crm.Stage, _stages),
    "opportunities": (crm.Opportunity, _opportunities),
    "stage_changes": (crm.StageChange, _stage_changes),
    "activities": (crm.Activity, _activities),
    "quotas": (org.Quota, _quotas),
    "forecasts": (ForecastSubmission, _forecasts),
    "accounts": (crm.Account, _accounts),
    "invoices": (crm.Invoice, _invoices),
    "time_entries": (crm.TimeEntry, _time_entries),
    "backlog": (crm.ServiceBacklog, _backlog),
    "expenses": (crm.SalesExpense, _expenses),
    "leads": (crm.Lead, _leads),
    "marketing_spend": (crm.MarketingSpend, _marketing_spend),
    "activity_standards": (org.ActivityStandard, _activity_standards),
}


def shaped(backend: ibis.BaseBackend, name: str) -> ir.Table:
    model, shape = FACTS[name]
    return shape(backend.table(model._meta.db_table))
