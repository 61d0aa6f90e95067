"""Validating template records and writing them: one code path for every source.

Records arrive entity by entity (`schema.WRITE_ORDER`) and are written in batches inside the
import's transaction. Once any error is found, nothing more is written (the transaction will be
rolled back) but every remaining row is still validated, so one run lists every problem.

Identity: records with an external id are upserted by (source, external id); the others by
their natural key (a quota by holder and month, a goal by metric, scope and period…). People are
matched by the source's id, then by email, then by a unique name; accounts by external id, then
(for sources that refer to accounts by name) by name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Max, Model

from revsight.core.batches import Counts, RowProblem, upsert
from revsight.core.versions import mark_changed
from revsight.crm.models import (
    Account,
    Activity,
    Invoice,
    Lead,
    MarketingSpend,
    Opportunity,
    SalesExpense,
    ServiceBacklog,
    Stage,
    StageChange,
    TimeEntry,
)
from revsight.forecasting.services import SubmissionRow, check_submissions, record_submissions
from revsight.importers.base import Context, Importer, Record
from revsight.importers.currency import MissingRate
from revsight.importers.history import complete_stage_history
from revsight.importers.report import Problem
from revsight.importers.schema import ENTITIES, Entity, parse_cell
from revsight.importers.values import BadValue
from revsight.org.configuration import (
    GoalRow,
    QuotaRow,
    check_goals,
    check_quotas,
    write_goals,
    write_quotas,
)
from revsight.org.models import Role, Team, User
from revsight.org.services import PersonRow, add_placeholder, upsert_people

BATCH = 1000
# Entities held whole before writing: few rows, and they refer to each other.
WHOLE = {"users", "teams"}
# Entities whose services check a batch without writing it, so that after the import's first
# error their later rows are still checked.
CHECKED = {"quotas", "forecast_submissions", "goals"}
FACT_OF = {
    "users": "users",
    "teams": "teams",
    "accounts": "accounts",
    "opportunities": "opportunities",
    "stage_changes": "stage_changes",
    "activities": "activities",
    "quotas": "quotas",
    "forecast_submissions": "forecasts",
    "leads": "leads",
    "marketing_spend": "marketing_spend",
    "invoices": "invoices",
    "time_entries": "time_entries",
    "service_backlog": "backlog",
    "sales_expenses": "expenses",
}
_WON = re.compile(r"\bwon\b", re.IGNORECASE)
_LOST = re.compile(r"\b(lost|dead|disqualified|closed[- ]lost)\b", re.IGNORECASE)

Parsed = dict[str, Any]
Item = tuple[Record, Parsed]


def outcome_from_name(name: str) -> str:
    if _WON.search(name):
        return "won"
    if _LOST.search(name):
        return "lost"
    return "open"


class Writer:
    def __init__(self, importer: Importer, context: Context, now: datetime) -> None:
        self.source = importer.source
        self.accounts_by_name = importer.accounts_by_name
        self.context = context
        self.report = context.report
        self.now = now
        self.date_formats: tuple[str, ...] = tuple(getattr(importer, "date_formats", ()))
        self.entity: str | None = None
        self.buffer: list[Item] = []
        self.first_rows: dict[str, dict[tuple[Any, ...], int]] = {}
        self.people: dict[str, int] = {}
        self.people_on_request: dict[str, Item] = {}
        self.accounts: dict[str, int | None] = {}
        self.opportunities: dict[str, tuple[int, int | None]] = {}
        self.stages: dict[str, Stage] = {}
        self.teams: dict[str, int] = {}
        self.touched: set[str] = set()
        self.user_outcomes: dict[int, str] = {}
        self.accounts_written: set[str] = set()

    # Intake ---------------------------------------------------------------------------------

    def add(self, record: Record) -> None:
        entity = ENTITIES[record.entity]
        parsed = self._validate(entity, record)
        if parsed is None or not self._first_time(entity, record, parsed):
            return
        if not self.report.ok and record.entity not in CHECKED:
            return
        if record.entity != self.entity:
            self.flush()
            self.entity = record.entity
        self.buffer.append((record, parsed))
        if len(self.buffer) >= BATCH and record.entity not in WHOLE:
            self.flush()

    def _validate(self, entity: Entity, record: Record) -> Parsed | None:
        parsed: Parsed = {}
        valid = True
        for column in entity.columns:
            field, value = record.cells.get(column.name, (column.name, None))
            try:
                parsed[column.name] = parse_cell(
                    column, value, zone=self.context.time_zone, date_formats=self.date_formats
                )
            except BadValue as exc:
                self._error(record, field, value, str(exc))
                valid = False
                continue
            if column.required and parsed[column.name] in ("", None):
                message = (
                    "is blank; every record needs it"
                    if column.name in record.cells
                    else "is missing: the file has no such column"
                )
                self._error(record, field, "", message)
                valid = False
        return parsed if valid else None

    def _first_time(self, entity: Entity, record: Record, parsed: Parsed) -> bool:
        """False (with an error) when an earlier row of this import had the same identity."""
        if entity.name == "users":
            return True
        if entity.key == ("external_id",):
            if not parsed["external_id"]:
                return True
            key: tuple[Any, ...] = (parsed["external_id"],)
        else:
            key = tuple(parsed[name] for name in entity.key)
        seen = self.first_rows.setdefault(entity.name, {})
        if key in seen:
            column = entity.key[0]
            field, value = record.cells.get(column, (column, key[0]))
            self._error(
                record, field, value, f"identifies a record already given on row {seen[key]}"
            )
            return False
        seen[key] = record.row
        return True

    def _error(self, record: Record, field: str, value: Any, message: str) -> None:
        shown = "" if value is None else str(value)
        self.report.error(Problem(record.file, record.row, field, shown[:200], message))

    def _warn(self, record: Record, field: str, value: Any, message: str, kind: str) -> None:
        shown = "" if value is None else str(value)
        self.report.warn(Problem(record.file, record.row, field, shown[:200], message), kind)

    def _field(self, record: Record, column: str) -> str:
        return record.cells.get(column, (column, None))[0]

    # Writing --------------------------------------------------------------------------------

    def flush(self) -> None:
        batch, self.buffer = self.buffer, []
        if not batch or (not self.report.ok and self.entity not in CHECKED):
            return
        assert self.entity is not None
        writer = getattr(self, f"_write_{self.entity}")
        writer(batch)

    def finish(self) -> None:
        self.flush()
        if not self.report.ok:
            return
        if "opportunities" in self.touched or "stage_changes" in self.touched:
            counts = self.report.count("stage_changes")
            if complete_stage_history(self.source, self.now, counts):
                self.touched.add("stage_changes")
        if self.touched:
            mark_changed(*sorted(self.touched))

    def _upsert(
        self,
        entity: str,
        model: type[Model],
        rows: Iterable[tuple[tuple[Any, ...], dict[str, Any]]],
        key_fields: tuple[str, ...],
    ) -> None:
        """Create or update each (key, fields) row; count created/updated/unchanged."""
        rows = list(rows)
        candidates = None
        if key_fields == ("source", "external_id"):
            wanted = [key[1] for key, _ in rows]
            candidates = model._default_manager.filter(source=self.source, external_id__in=wanted)
        self._counted(entity, upsert(model, rows, key_fields, candidates))

    def _counted(self, entity: str, counts: Counts) -> None:
        self.report.count(entity).add(counts)
        if counts.changed and entity in FACT_OF:
            self.touched.add(FACT_OF[entity])

    def _handed(self, entity: str, batch: list[Item], problems: list[RowProblem]) -> None:
        """Report what a service found wrong in a batch, in the file's own terms."""
        for problem in problems:
            record = batch[problem.index][0]
            field = self._field(record, problem.field)
            self._error(record, field, problem.value, problem.message)

    def _external(self, parsed: Parsed) -> tuple[str, str]:
        return (self.source, parsed["external_id"])

    # References -----------------------------------------------------------------------------

    def person(
        self, record: Record, column: str, reference: str, role: str = Role.SALESPERSON
    ) -> int | None:
        """The user a file refers to; someone unknown becomes a placeholder, with a warning."""
        if not reference:
            return None
        if reference in self.people:
            return self.people[reference]
        user_id = self._find_person(reference)
        if user_id is not None and user_id not in self.user_outcomes:
            self.report.count("users").unchanged += 1
            self.user_outcomes[user_id] = "unchanged"
        if user_id is None and reference in self.people_on_request:
            user_id = self._create_user(*self.people_on_request.pop(reference))
        if user_id is None:
            user_id = self._placeholder(record, column, reference, role)
        self.people[reference] = user_id
        return user_id

    def _find_person(self, reference: str) -> int | None:
        found = User.objects.filter(source=self.source, external_id=reference).values_list(
            "id", flat=True
        )
        if not found and "@" in reference:
            found = User.objects.filter(email=reference.lower()).values_list("id", flat=True)
        if not found:
            named = list(User.objects.filter(name__iexact=reference).values_list("id", flat=True))
            return named[0] if len(named) == 1 else None
        return found[0]

    def _placeholder(self, record: Record, column: str, reference: str, role: str) -> int:
        user, real = add_placeholder(reference, source=self.source, role=role)
        note = "is not among the people in this import; created them"
        if not real:
            note = (
                f"is not among the people in this import; created a placeholder person "
                f"{user.email}: give them their real email in the admin, or import the users file"
            )
        self.report.count("users").created += 1
        self.touched.add("users")
        self.user_outcomes[user.id] = "created"
        self._warn(record, self._field(record, column), reference, note, "placeholder")
        return user.id

    def account(self, record: Record, column: str, reference: str) -> int | None:
        if not reference:
            return None
        if reference in self.accounts:
            return self.accounts[reference]
        found = list(
            Account.objects.filter(source=self.source, external_id=reference).values_list(
                "id", flat=True
            )
        )
        if not found and self.accounts_by_name:
            found = list(
                Account.objects.filter(name__iexact=reference).values_list("id", flat=True)
            )
        account_id: int | None = found[0] if found else None
        if account_id is not None and reference not in self.accounts_written:
            self.report.count("accounts").unchanged += 1
        if account_id is None and self.accounts_by_name:
            account_id = Account.objects.create(
                name=reference[:255], source=self.source, external_id=reference[:64]
            ).id
            self.report.count("accounts").created += 1
            self.touched.add("accounts")
        elif account_id is None:
            self._warn(
                record,
                self._field(record, column),
                reference,
                "is not an account in this import or in Revsight; the record is kept "
                "without its account",
                "missing-account",
            )
        self.accounts[reference] = account_id
        return account_id

    def _load_opportunities(self, batch: list[Item], column: str) -> None:
        """Fetch the deals a batch refers to, in one query; keeps only this batch's."""
        wanted = {parsed[column] for _, parsed in batch if parsed[column]}
        self.opportunities = {
            external_id: (pk, account_id)
            for external_id, pk, account_id in Opportunity.objects.filter(
                source=self.source, external_id__in=wanted
            ).values_list("external_id", "id", "account_id")
        }

    def opportunity(
        self, record: Record, column: str, reference: str
    ) -> tuple[int, int | None] | None:
        if not reference:
            return None
        found = self.opportunities.get(reference)
        if found is None:
            self._warn(
                record,
                self._field(record, column),
                reference,
                "is not a deal in this import or in Revsight; the link is left out",
                "missing-opportunity",
            )
        return found

    def team(self, name: str) -> int | None:
        if not name:
            return None
        if name not in self.teams:
            team, created = Team.objects.get_or_create(name=name[:200])
            if created:
                self.report.count("teams").created += 1
                self.touched.add("teams")
            else:
                self.report.count("teams").unchanged += 1
            self.teams[name] = team.id
        return self.teams[name]

    def stage(self, name: str, hints: dict[str, Any]) -> Stage:
        key = name.lower()
        if key not in self.stages:
            stage = Stage.objects.filter(name__iexact=name).first()
            if stage is None:
                stage = self._create_stage(name, hints)
            self.stages[key] = stage
        return self.stages[key]

    def _create_stage(self, name: str, hints: dict[str, Any]) -> Stage:
        outcome = hints.get("stage_outcome") or outcome_from_name(name)
        order = hints.get("stage_order")
        if order is None:
            # New open stages go after the open ones; closed stages after everything.
            stages = Stage.objects.all()
            if outcome == "open":
                stages = stages.filter(outcome="open")
            order = (stages.aggregate(top=Max("order"))["top"] or 0) + 1
            if outcome != "open":
                order = max(order, 100)
        probability = hints.get("stage_probability")
        if probability is None:
            probability = {"won": Decimal(1), "lost": Decimal(0)}.get(outcome)
        if probability is None:
            probability = Decimal(0)
            self.report.warn(
                Problem(
                    "",
                    None,
                    "stage",
                    name,
                    "is a new stage and the export gives no probability for it; it was "
                    "created with probability 0 (set it in the stage settings)",
                )
            )
        self.touched.add("stages")
        return Stage.objects.create(
            name=name[:100], order=min(int(order), 32767), probability=probability, outcome=outcome
        )

    def closing_stage(self, outcome: str) -> Stage:
        """A won or lost stage, for sources where the outcome is not a stage of its own: the one
        named Won (Lost) if there is one, else the first such stage, else a new Won (Lost)."""
        name = "Won" if outcome == "won" else "Lost"
        named = Stage.objects.filter(name__iexact=name, outcome=outcome).first()
        existing = named or Stage.objects.filter(outcome=outcome).order_by("order", "id").first()
        return existing or self.stage(name, {"stage_outcome": outcome})

    def money(self, record: Record, parsed: Parsed, column: str, on: date | None) -> Decimal | None:
        """An amount in the organisation's currency; None (with an error) when no rate."""
        amount = parsed[column]
        if amount is None:
            return None
        code = parsed.get("currency", "")
        try:
            return self.context.rates.convert(amount, code, on)
        except MissingRate:
            self._error(
                record,
                self._field(record, "currency"),
                code,
                "has no conversion rate in this import (add CurrencyType.csv or "
                "DatedConversionRate.csv with its rate)",
            )
            raise

    # Entities -------------------------------------------------------------------------------

    def _write_users(self, batch: list[Item]) -> None:
        by_email: dict[str, Item] = {}
        # People others report to are managers, unless the file gives their role.
        managers = {parsed["manager"] for _, parsed in batch if parsed["manager"]}
        aliases: list[tuple[str, str]] = []
        for record, parsed in batch:
            reference = parsed["external_id"] or parsed["email"]
            if reference in managers or parsed["email"] in managers:
                record.hints.setdefault("role", Role.MANAGER)
            if record.hints.get("on_request"):
                self.people_on_request[reference] = (record, parsed)
                continue
            first = by_email.get(parsed["email"])
            if first is not None:
                if first[1] != parsed | {"external_id": first[1]["external_id"]}:
                    self._warn(
                        record,
                        self._field(record, "email"),
                        parsed["email"],
                        f"was already given on row {first[0].row}; that row is used",
                        "duplicate-person",
                    )
                aliases.append((reference, first[1]["external_id"] or first[1]["email"]))
                continue
            by_email[parsed["email"]] = (record, parsed)
        people = list(by_email.values())
        for (_, parsed), user_id in zip(people, self._create_users(people), strict=True):
            self.people[parsed["external_id"] or parsed["email"]] = user_id
        for reference, first_reference in aliases:
            self.people[reference] = self.people[first_reference]
        if self.report.ok:
            for record, parsed in people:
                self._link_manager(record, parsed)

    def _create_user(self, record: Record, parsed: Parsed) -> int:
        return self._create_users([(record, parsed)])[0]

    def _create_users(self, items: list[Item]) -> list[int]:
        """Create or update people from users records (through `upsert_people`); their ids
        (0 for all when any row has a problem)."""
        rows = [self._person_row(record, parsed) for record, parsed in items]
        problems, outcomes = upsert_people(rows, audited=False)
        self._handed("users", items, problems)
        counts = self.report.count("users")
        for user_id, outcome in outcomes:
            setattr(counts, outcome, getattr(counts, outcome) + 1)
            self.user_outcomes[user_id] = outcome
            if outcome != "unchanged":
                self.touched.add("users")
        return [user_id for user_id, _ in outcomes] or [0] * len(items)

    def _person_row(self, record: Record, parsed: Parsed) -> PersonRow:
        names = ("name", "hire_date", "end_date", "annual_quota", "base_salary", "variable_pay")
        details = {name: parsed[name] for name in names if parsed[name] not in ("", None)}
        if parsed["team"]:
            details["team_id"] = self.team(parsed["team"])
        return PersonRow(
            email=parsed["email"],
            role=parsed["role"] or record.hints.get("role") or Role.SALESPERSON,
            source=self.source,
            external_id=parsed["external_id"],
            active=parsed["active"] if "active" in record.cells else None,
            details=details,
        )

    def _link_manager(self, record: Record, parsed: Parsed) -> None:
        if not parsed["manager"]:
            return
        user_id = self.people[parsed["external_id"] or parsed["email"]]
        manager_id = self.person(record, "manager", parsed["manager"], Role.MANAGER)
        if manager_id == user_id:
            return
        if (
            User.objects.filter(id=user_id)
            .exclude(manager_id=manager_id)
            .update(manager_id=manager_id)
        ):
            if self.user_outcomes.get(user_id) == "unchanged":
                counts = self.report.count("users")
                counts.unchanged -= 1
                counts.updated += 1
                self.user_outcomes[user_id] = "updated"
            self.touched.add("users")

    def _write_teams(self, batch: list[Item]) -> None:
        counts = self.report.count("teams")
        new: set[int] = set()
        for _, parsed in batch:
            team, created = Team.objects.get_or_create(name=parsed["name"][:200])
            self.teams[parsed["name"]] = team.id
            if created:
                new.add(team.id)
        for record, parsed in batch:
            team = Team.objects.get(id=self.teams[parsed["name"]])
            fields: dict[str, Any] = {}
            if parsed["manager"]:
                fields["manager_id"] = self.person(
                    record, "manager", parsed["manager"], Role.MANAGER
                )
            if parsed["parent"]:
                fields["parent_id"] = self.team(parsed["parent"])
                if fields["parent_id"] == team.id:
                    self._error(
                        record,
                        self._field(record, "parent"),
                        parsed["parent"],
                        "is the team itself",
                    )
                    continue
            differences = {k: v for k, v in fields.items() if getattr(team, k) != v}
            if differences:
                Team.objects.filter(id=team.id).update(**differences)
                self.touched.add("teams")
            if team.id in new:
                counts.created += 1
            elif differences:
                counts.updated += 1
            else:
                counts.unchanged += 1

    def _write_accounts(self, batch: list[Item]) -> None:
        rows = []
        for record, parsed in batch:
            fields = {
                "source": self.source,
                "external_id": parsed["external_id"],
                "name": parsed["name"],
                "segment": parsed["segment"][:100],
                "owner_id": self.person(record, "owner", parsed["owner"]),
                "created_date": parsed["created_date"],
            }
            rows.append((self._external(parsed), fields))
        self._upsert("accounts", Account, rows, ("source", "external_id"))
        for key, _ in rows:
            self.accounts.pop(key[1], None)
            self.accounts_written.add(key[1])

    def _write_opportunities(self, batch: list[Item]) -> None:
        rows = []
        for record, parsed in batch:
            stage = self.stage(parsed["stage"], record.hints)
            status = parsed["status"] or stage.outcome
            if status != stage.outcome:
                if status == "open":  # an open deal in a closed stage: the stage decides
                    status = stage.outcome
                else:
                    stage = self.closing_stage(status)
            try:
                amount = self.money(record, parsed, "amount", parsed["close_date"])
                margin = self.money(record, parsed, "gross_margin", parsed["close_date"])
            except MissingRate:
                continue
            self._check_dates(record, parsed, status)
            fields = {
                "source": self.source,
                "external_id": parsed["external_id"],
                "name": parsed["name"],
                "owner_id": self.person(record, "owner", parsed["owner"]),
                "account_id": self.account(record, "account", parsed["account"]),
                "stage_id": stage.id,
                "status": status,
                "amount": amount,
                "original_amount": parsed["amount"],
                "original_currency": parsed["currency"] or self.context.currency,
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
            rows.append((self._external(parsed), fields))
        self._upsert("opportunities", Opportunity, rows, ("source", "external_id"))

    def _check_dates(self, record: Record, parsed: Parsed, status: str) -> None:
        """Warn of dates that are allowed but make a deal drop out of figures or skew them."""
        created, close = parsed["created_date"], parsed["close_date"]
        if close is None and status == "open":
            self._warn(
                record,
                self._field(record, "close_date"),
                "",
                "is blank on an open deal: it appears in no pipeline figure until it has one",
                "open-without-close-date",
            )
        elif close is not None and created > close:
            self._warn(
                record,
                self._field(record, "created_date"),
                created,
                f"is after the deal's close date, {close:%Y-%m-%d}",
                "created-after-close",
            )

    def _write_stage_changes(self, batch: list[Item]) -> None:
        self._load_opportunities(batch, "opportunity")
        keyed, natural = [], []
        for record, parsed in batch:
            found = self.opportunities.get(parsed["opportunity"])
            if found is None:
                self._warn(
                    record,
                    self._field(record, "opportunity"),
                    parsed["opportunity"],
                    "is not a deal in this import or in Revsight (deleted?); this history row "
                    "is skipped",
                    "history-without-deal",
                )
                continue
            try:
                amount = self.money(record, parsed, "amount", parsed["close_date"])
            except MissingRate:
                continue
            fields = {
                "source": self.source,
                "external_id": parsed["external_id"],
                "opportunity_id": found[0],
                "to_stage_id": self.stage(parsed["stage"], record.hints).id,
                "amount": amount,
                "close_date": parsed["close_date"],
                "changed_at": parsed["changed_at"],
            }
            if parsed["external_id"]:
                keyed.append((self._external(parsed), fields))
            else:
                natural.append(((found[0], parsed["changed_at"]), fields))
        self._upsert("stage_changes", StageChange, keyed, ("source", "external_id"))
        self._upsert("stage_changes", StageChange, natural, ("opportunity_id", "changed_at"))

    def _write_activities(self, batch: list[Item]) -> None:
        self._load_opportunities(batch, "opportunity")
        rows = []
        for record, parsed in batch:
            deal = self.opportunity(record, "opportunity", parsed["opportunity"])
            account_id = self.account(record, "account", parsed["account"])
            fields = {
                "source": self.source,
                "external_id": parsed["external_id"],
                "owner_id": self.person(record, "owner", parsed["owner"]),
                "type": parsed["type"],
                "date": parsed["date"],
                "opportunity_id": deal[0] if deal else None,
                "account_id": account_id if account_id else (deal[1] if deal else None),
                "subject": parsed["subject"],
            }
            rows.append((self._external(parsed), fields))
        self._upsert("activities", Activity, rows, ("source", "external_id"))

    def _write_quotas(self, batch: list[Item]) -> None:
        rows = [
            QuotaRow(
                self.person(record, "user", parsed["user"]),
                self.team(parsed["team"]),
                parsed["month"],
                parsed["amount"],
            )
            for record, parsed in batch
        ]
        if self.report.ok:
            problems, counts = write_quotas(rows, audited=False)
            self._counted("quotas", counts)
        else:
            problems = check_quotas(rows)[0]
        self._handed("quotas", batch, problems)

    def _write_forecast_submissions(self, batch: list[Item]) -> None:
        rows = [
            SubmissionRow(
                self.person(record, "user", parsed["user"]) or 0,
                parsed["period_type"],
                parsed["period_start"],
                parsed["category"],
                parsed["amount"],
                parsed["submitted_at"],
                parsed["note"],
            )
            for record, parsed in batch
        ]
        if self.report.ok:
            problems, counts = record_submissions(rows, audited=False)
            self._counted("forecast_submissions", counts)
        else:
            problems = check_submissions(rows)[0]
        self._handed("forecast_submissions", batch, problems)

    def _write_leads(self, batch: list[Item]) -> None:
        self._load_opportunities(batch, "converted_opportunity")
        rows = []
        for record, parsed in batch:
            deal = self.opportunity(
                record, "converted_opportunity", parsed["converted_opportunity"]
            )
            fields = {
                "source": self.source,
                "external_id": parsed["external_id"],
                "lead_source": parsed["lead_source"][:100],
                "created_date": parsed["created_date"],
                "owner_id": self.person(record, "owner", parsed["owner"]),
                "converted_opportunity_id": deal[0] if deal else None,
            }
            rows.append((self._external(parsed), fields))
        self._upsert("leads", Lead, rows, ("source", "external_id"))

    def _write_marketing_spend(self, batch: list[Item]) -> None:
        rows = [
            (
                (parsed["lead_source"][:100], parsed["month"]),
                {
                    "lead_source": parsed["lead_source"][:100],
                    "month": parsed["month"],
                    "amount": parsed["amount"],
                },
            )
            for _, parsed in batch
        ]
        self._upsert("marketing_spend", MarketingSpend, rows, ("lead_source", "month"))

    def _write_invoices(self, batch: list[Item]) -> None:
        self._load_opportunities(batch, "opportunity")
        rows = []
        for record, parsed in batch:
            account_id = self.account(record, "account", parsed["account"])
            if account_id is None:
                self._error(
                    record,
                    self._field(record, "account"),
                    parsed["account"],
                    "is not an account in this import or in Revsight",
                )
                continue
            deal = self.opportunity(record, "opportunity", parsed["opportunity"])
            fields = {
                "source": self.source,
                "external_id": parsed["external_id"],
                "account_id": account_id,
                "opportunity_id": deal[0] if deal else None,
                "invoice_date": parsed["invoice_date"],
                "amount": parsed["amount"],
                "due_date": parsed["due_date"],
                "paid_date": parsed["paid_date"],
            }
            rows.append((self._external(parsed), fields))
        self._upsert("invoices", Invoice, rows, ("source", "external_id"))

    def _write_time_entries(self, batch: list[Item]) -> None:
        rows = []
        for record, parsed in batch:
            fields = {
                "source": self.source,
                "external_id": parsed["external_id"],
                "consultant_id": self.person(
                    record, "consultant", parsed["consultant"], Role.CONSULTANT
                ),
                "date": parsed["date"],
                "hours": parsed["hours"],
                "billable": parsed["billable"] if "billable" in record.cells else True,
                "billed_amount": parsed["billed_amount"] or Decimal(0),
                "standard_rate": parsed["standard_rate"],
                "account_id": self.account(record, "account", parsed["account"]),
            }
            rows.append((self._external(parsed), fields))
        self._upsert("time_entries", TimeEntry, rows, ("source", "external_id"))

    def _write_service_backlog(self, batch: list[Item]) -> None:
        rows = []
        for record, parsed in batch:
            fields = {
                "as_of": parsed["as_of"],
                "consultant_id": self.person(
                    record, "consultant", parsed["consultant"], Role.CONSULTANT
                ),
                "account_id": self.account(record, "account", parsed["account"]),
                "hours": parsed["hours"],
                "amount": parsed["amount"],
            }
            key = (fields["as_of"], fields["consultant_id"], fields["account_id"])
            rows.append((key, fields))
        self._upsert(
            "service_backlog", ServiceBacklog, rows, ("as_of", "consultant_id", "account_id")
        )

    def _write_sales_expenses(self, batch: list[Item]) -> None:
        rows = []
        for record, parsed in batch:
            fields = {
                "user_id": self.person(record, "user", parsed["user"]),
                "month": parsed["month"],
                "category": parsed["category"][:64],
                "amount": parsed["amount"],
            }
            rows.append(((fields["user_id"], fields["month"], fields["category"]), fields))
        self._upsert("sales_expenses", SalesExpense, rows, ("user_id", "month", "category"))

    def _write_goals(self, batch: list[Item]) -> None:
        rows = [
            GoalRow(
                parsed["metric"],
                parsed["scope"],
                parsed["period"],
                parsed["target"],
                self.team(parsed["team"]),
                self.person(record, "user", parsed["user"]),
            )
            for record, parsed in batch
        ]
        if self.report.ok:
            problems, counts = write_goals(rows, audited=False)
            self._counted("goals", counts)
        else:
            problems = check_goals(rows)[0]
        self._handed("goals", batch, problems)
