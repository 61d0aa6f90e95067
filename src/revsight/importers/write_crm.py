"""Writing the sales records (`revsight.crm`): accounts, deals and their history, activities,
leads, marketing spend, invoices, time, service backlog and sales expenses.

Each batch is upserted in a few queries: by (source, external id) when the record has one, else
by its natural key (a stage change by deal and time, a backlog row by date, consultant and
account…).
"""

from __future__ import annotations

from decimal import Decimal

from revsight.crm.models import (
    Account,
    Activity,
    Invoice,
    Lead,
    MarketingSpend,
    Opportunity,
    SalesExpense,
    ServiceBacklog,
    StageChange,
    TimeEntry,
)
from revsight.importers.base import Record
from revsight.importers.currency import MissingRate
from revsight.importers.references import References
from revsight.importers.tally import Item, Parsed, Tally, field_of
from revsight.org.models import Role


def _external(refs: References, parsed: Parsed) -> tuple[str, str]:
    return (refs.source, parsed["external_id"])


def write_accounts(refs: References, batch: list[Item]) -> None:
    rows = []
    for record, parsed in batch:
        fields = {
            "source": refs.source,
            "external_id": parsed["external_id"],
            "name": parsed["name"],
            "segment": parsed["segment"][:100],
            "owner_id": refs.person(record, "owner", parsed["owner"]),
            "created_date": parsed["created_date"],
        }
        rows.append((_external(refs, parsed), fields, record))
    refs.tally.upsert("accounts", Account, rows, ("source", "external_id"))
    # A later reference looks the account up afresh (it may be cached as missing) and does not
    # count it again as found.
    for key, _, _ in rows:
        refs.accounts.pop(key[1], None)
        refs.accounts_written.add(key[1])


def write_opportunities(refs: References, batch: list[Item]) -> None:
    """Deals; one whose amounts have no conversion rate is left out (with an error)."""
    rows = []
    for record, parsed in batch:
        stage = refs.stage(parsed["stage"], record.hints, record)
        status = parsed["status"] or stage.outcome
        if status != stage.outcome:
            if status == "open":  # an open deal in a closed stage: the stage decides
                status = stage.outcome
            else:
                stage = refs.closing_stage(status)
        try:
            amount = refs.money(record, parsed, "amount", parsed["close_date"])
            margin = refs.money(record, parsed, "gross_margin", parsed["close_date"])
        except MissingRate:
            continue
        _check_dates(refs.tally, record, parsed, status)
        fields = {
            "source": refs.source,
            "external_id": parsed["external_id"],
            "name": parsed["name"],
            "owner_id": refs.person(record, "owner", parsed["owner"]),
            "account_id": refs.account(record, "account", parsed["account"]),
            "stage_id": stage.id,
            "status": status,
            "amount": amount,
            "original_amount": parsed["amount"],
            "original_currency": parsed["currency"] or refs.context.currency,
            "gross_margin": margin,
            "probability": parsed["probability"],
            "forecast_category": parsed["forecast_category"],
            "created_date": parsed["created_date"],
            "close_date": parsed["close_date"],
            "type": parsed["type"],
            "lead_source": parsed["lead_source"][:100],
            "loss_reason": parsed["loss_reason"][:200],
            "next_step": parsed["next_step"],
        }
        rows.append((_external(refs, parsed), fields, record))
    refs.tally.upsert("opportunities", Opportunity, rows, ("source", "external_id"))


def _check_dates(tally: Tally, record: Record, parsed: Parsed, status: str) -> None:
    """Warn of dates that are allowed but make a deal drop out of figures or skew them."""
    created, close = parsed["created_date"], parsed["close_date"]
    if close is None and status == "open":
        tally.warn(
            record,
            field_of(record, "close_date"),
            "",
            "is blank on an open deal: it appears in no pipeline figure until it has one",
            "open-without-close-date",
        )
    elif close is not None and created > close:
        tally.warn(
            record,
            field_of(record, "created_date"),
            created,
            f"is after the deal's close date, {close:%Y-%m-%d}",
            "created-after-close",
        )


def write_stage_changes(refs: References, batch: list[Item]) -> None:
    refs.load_opportunities(batch, "opportunity")
    keyed, natural = [], []
    for record, parsed in batch:
        found = refs.opportunities.get(parsed["opportunity"])
        if found is None:
            refs.tally.warn(
                record,
                field_of(record, "opportunity"),
                parsed["opportunity"],
                "is not a deal in this import or in Revsight (deleted?); this history row "
                "is skipped",
                "history-without-deal",
            )
            continue
        try:
            amount = refs.money(record, parsed, "amount", parsed["close_date"])
        except MissingRate:
            continue
        fields = {
            "source": refs.source,
            "external_id": parsed["external_id"],
            "opportunity_id": found[0],
            "to_stage_id": refs.stage(parsed["stage"], record.hints, record).id,
            "amount": amount,
            "close_date": parsed["close_date"],
            "changed_at": parsed["changed_at"],
        }
        if parsed["external_id"]:
            keyed.append((_external(refs, parsed), fields, record))
        else:
            natural.append(((found[0], parsed["changed_at"]), fields, record))
    refs.tally.upsert("stage_changes", StageChange, keyed, ("source", "external_id"))
    refs.tally.upsert("stage_changes", StageChange, natural, ("opportunity_id", "changed_at"))


def write_activities(refs: References, batch: list[Item]) -> None:
    refs.load_opportunities(batch, "opportunity")
    rows = []
    for record, parsed in batch:
        deal = refs.opportunity(record, "opportunity", parsed["opportunity"])
        account_id = refs.account(record, "account", parsed["account"])
        fields = {
            "source": refs.source,
            "external_id": parsed["external_id"],
            "owner_id": refs.person(record, "owner", parsed["owner"]),
            "type": parsed["type"],
            "date": parsed["date"],
            "opportunity_id": deal[0] if deal else None,
            "account_id": account_id if account_id else (deal[1] if deal else None),
            "subject": parsed["subject"],
        }
        rows.append((_external(refs, parsed), fields, record))
    refs.tally.upsert("activities", Activity, rows, ("source", "external_id"))


def write_leads(refs: References, batch: list[Item]) -> None:
    refs.load_opportunities(batch, "converted_opportunity")
    rows = []
    for record, parsed in batch:
        deal = refs.opportunity(record, "converted_opportunity", parsed["converted_opportunity"])
        fields = {
            "source": refs.source,
            "external_id": parsed["external_id"],
            "lead_source": parsed["lead_source"][:100],
            "created_date": parsed["created_date"],
            "owner_id": refs.person(record, "owner", parsed["owner"]),
            "converted_opportunity_id": deal[0] if deal else None,
        }
        rows.append((_external(refs, parsed), fields, record))
    refs.tally.upsert("leads", Lead, rows, ("source", "external_id"))


def write_marketing_spend(refs: References, batch: list[Item]) -> None:
    rows = [
        (
            (parsed["lead_source"][:100], parsed["month"]),
            {
                "lead_source": parsed["lead_source"][:100],
                "month": parsed["month"],
                "amount": parsed["amount"],
            },
            record,
        )
        for record, parsed in batch
    ]
    refs.tally.upsert("marketing_spend", MarketingSpend, rows, ("lead_source", "month"))


def write_invoices(refs: References, batch: list[Item]) -> None:
    """Invoices; unlike other records, one without a known account is an error."""
    refs.load_opportunities(batch, "opportunity")
    rows = []
    for record, parsed in batch:
        account_id = refs.account(record, "account", parsed["account"])
        if account_id is None:
            refs.tally.error(
                record,
                field_of(record, "account"),
                parsed["account"],
                "is not an account in this import or in Revsight",
            )
            continue
        deal = refs.opportunity(record, "opportunity", parsed["opportunity"])
        fields = {
            "source": refs.source,
            "external_id": parsed["external_id"],
            "account_id": account_id,
            "opportunity_id": deal[0] if deal else None,
            "invoice_date": parsed["invoice_date"],
            "amount": parsed["amount"],
            "due_date": parsed["due_date"],
            "paid_date": parsed["paid_date"],
        }
        rows.append((_external(refs, parsed), fields, record))
    refs.tally.upsert("invoices", Invoice, rows, ("source", "external_id"))


def write_time_entries(refs: References, batch: list[Item]) -> None:
    rows = []
    for record, parsed in batch:
        fields = {
            "source": refs.source,
            "external_id": parsed["external_id"],
            "consultant_id": refs.person(
                record, "consultant", parsed["consultant"], Role.CONSULTANT
            ),
            "date": parsed["date"],
            "hours": parsed["hours"],
            "billable": True if parsed.get("billable") is None else parsed["billable"],
            "billed_amount": parsed["billed_amount"] or Decimal(0),
            "standard_rate": parsed["standard_rate"],
            "account_id": refs.account(record, "account", parsed["account"]),
        }
        rows.append((_external(refs, parsed), fields, record))
    refs.tally.upsert("time_entries", TimeEntry, rows, ("source", "external_id"))


def write_service_backlog(refs: References, batch: list[Item]) -> None:
    rows = []
    for record, parsed in batch:
        fields = {
            "as_of": parsed["as_of"],
            "consultant_id": refs.person(
                record, "consultant", parsed["consultant"], Role.CONSULTANT
            ),
            "account_id": refs.account(record, "account", parsed["account"]),
            "hours": parsed["hours"],
            "amount": parsed["amount"],
        }
        key = (fields["as_of"], fields["consultant_id"], fields["account_id"])
        rows.append((key, fields, record))
    refs.tally.upsert(
        "service_backlog", ServiceBacklog, rows, ("as_of", "consultant_id", "account_id")
    )


def write_sales_expenses(refs: References, batch: list[Item]) -> None:
    rows = []
    for record, parsed in batch:
        fields = {
            "user_id": refs.person(record, "user", parsed["user"]),
            "month": parsed["month"],
            "category": parsed["category"][:64],
            "amount": parsed["amount"],
        }
        rows.append(((fields["user_id"], fields["month"], fields["category"]), fields, record))
    refs.tally.upsert("sales_expenses", SalesExpense, rows, ("user_id", "month", "category"))
