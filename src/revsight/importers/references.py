"""What a record refers to: people, accounts, deals, teams, stages, and its amounts in the
organisation's currency.

People are matched by the source's id, then by email, then by a unique name; accounts by external
id, then (for sources that refer to accounts by name) by name. Someone unknown becomes a
placeholder person, with a warning. What was found is remembered for the rest of the import, and
counted `unchanged` the first time (`created` when it had to be created).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Max

from revsight.crm.models import Account, Opportunity, Stage
from revsight.importers.base import Context, Importer, Record
from revsight.importers.currency import MissingRate
from revsight.importers.report import Problem
from revsight.importers.tally import Item, Parsed, Tally, field_of
from revsight.org.models import Role, Team, User
from revsight.org.services import PersonRow, add_placeholder, upsert_people

_WON = re.compile(r"\bwon\b", re.IGNORECASE)
_LOST = re.compile(r"\b(lost|dead|disqualified|closed[- ]lost)\b", re.IGNORECASE)


def outcome_from_name(name: str) -> str:
    """Whether a stage's name says it is won, lost or open (the default)."""
    if _WON.search(name):
        return "won"
    if _LOST.search(name):
        return "lost"
    return "open"


class References:
    def __init__(self, importer: Importer, context: Context, tally: Tally, now: datetime) -> None:
        self.source = importer.source
        self.now = now  # the import's time
        self.accounts_by_name = importer.accounts_by_name
        self.context = context
        self.tally = tally
        self.people: dict[str, int] = {}
        # Users records that create their person only if some record refers to them.
        self.people_on_request: dict[str, Item] = {}
        self.user_outcomes: dict[int, str] = {}
        self.accounts: dict[str, int | None] = {}
        self.accounts_written: set[str] = set()
        self.opportunities: dict[str, tuple[int, int | None]] = {}
        self.stages: dict[str, Stage] = {}
        self.teams: dict[str, int] = {}

    # People ---------------------------------------------------------------------------------

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
            self.tally.report.count("users").unchanged += 1
            self.user_outcomes[user_id] = "unchanged"
        if user_id is None and reference in self.people_on_request:
            user_id = self.create_people([self.people_on_request.pop(reference)])[0]
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
        if not self.tally.reach.everything:
            message = "is not anyone in Revsight or in this import: only administrators add people"
            self.tally.error(record, field_of(record, column), reference, message)
        user, real = add_placeholder(reference, source=self.source, role=role)
        note = "is not among the people in this import; created them"
        if not real:
            note = (
                f"is not among the people in this import; created a placeholder person "
                f"{user.email}: give them their real email in the admin, or import the users file"
            )
        self.tally.report.count("users").created += 1
        self.tally.touched.add("users")
        self.user_outcomes[user.id] = "created"
        self.tally.warn(record, field_of(record, column), reference, note, "placeholder")
        return user.id

    def create_people(self, items: list[Item]) -> list[int]:
        """Create or update people from users records (through `upsert_people`); their ids
        (0 for all when any row has a problem)."""
        # Here rather than with the users writer: a person on request is created on reference.
        rows = [self._person_row(record, parsed) for record, parsed in items]
        problems, outcomes = upsert_people(rows, audited=False, reach=self.tally.reach)
        self.tally.handed(items, problems)
        counts = self.tally.report.count("users")
        for user_id, outcome in outcomes:
            setattr(counts, outcome, getattr(counts, outcome) + 1)
            self.user_outcomes[user_id] = outcome
            if outcome != "unchanged":
                self.tally.touched.add("users")
        return [user_id for user_id, _ in outcomes] or [0] * len(items)

    def _person_row(self, record: Record, parsed: Parsed) -> PersonRow:
        names = ("name", "hire_date", "end_date", "annual_quota", "base_salary", "variable_pay")
        details = {name: parsed[name] for name in names if parsed[name] not in ("", None)}
        if parsed["team"]:
            details["team_id"] = self.team(parsed["team"], record)
        return PersonRow(
            email=parsed["email"],
            role=parsed["role"] or record.hints.get("role") or Role.SALESPERSON,
            source=self.source,
            external_id=parsed["external_id"],
            active=parsed["active"] if "active" in record.cells else None,  # None: blank
            details=details,
        )

    # Accounts and deals ---------------------------------------------------------------------

    def account(self, record: Record, column: str, reference: str) -> int | None:
        """The account a file refers to; None (with a warning) when it cannot be found or made."""
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
            self.tally.report.count("accounts").unchanged += 1
        if account_id is None and self.accounts_by_name:
            account_id = Account.objects.create(
                name=reference[:255], source=self.source, external_id=reference[:64]
            ).id
            self.tally.report.count("accounts").created += 1
            self.tally.touched.add("accounts")
        elif account_id is None:
            self.tally.warn(
                record,
                field_of(record, column),
                reference,
                "is not an account in this import or in Revsight; the record is kept "
                "without its account",
                "missing-account",
            )
        self.accounts[reference] = account_id
        return account_id

    def load_opportunities(self, batch: list[Item], column: str) -> None:
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
        """A deal of the loaded batch, as (id, account id); None (with a warning) if unknown."""
        if not reference:
            return None
        found = self.opportunities.get(reference)
        if found is None:
            self.tally.warn(
                record,
                field_of(record, column),
                reference,
                "is not a deal in this import or in Revsight; the link is left out",
                "missing-opportunity",
            )
        return found

    # Teams and stages -----------------------------------------------------------------------

    def team(self, name: str, record: Record | None = None, column: str = "team") -> int | None:
        """The team of that name, created when new (by an administrator's import: for anyone
        else, a new team is an error on the record that names it)."""
        if not name:
            return None
        if name not in self.teams:
            team, created = Team.objects.get_or_create(name=name[:200])
            if created and not self.tally.reach.everything and record is not None:
                message = "is not a team here: only executives and administrators add teams"
                self.tally.error(record, field_of(record, column), name, message)
            if created:
                self.tally.report.count("teams").created += 1
                self.tally.touched.add("teams")
            else:
                self.tally.report.count("teams").unchanged += 1
            self.teams[name] = team.id
        return self.teams[name]

    def stage(self, name: str, hints: dict[str, Any], record: Record | None = None) -> Stage:
        """The stage of that name (any case), created from the source's hints when new (the
        sales process is the organisation's: only executives and administrators add to it)."""
        key = name.lower()
        if key not in self.stages:
            stage = Stage.objects.filter(name__iexact=name).first()
            if stage is None:
                if not self.tally.reach.everything and record is not None:
                    message = "is not a stage here: only executives and administrators add stages"
                    self.tally.error(record, field_of(record, "stage"), name, message)
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
            self.tally.report.warn(
                Problem(
                    "",
                    None,
                    "stage",
                    name,
                    "is a new stage and the export gives no probability for it; it was "
                    "created with probability 0 (set it in the stage settings)",
                )
            )
        self.tally.touched.add("stages")
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

    # Money ----------------------------------------------------------------------------------

    def money(self, record: Record, parsed: Parsed, column: str, on: date | None) -> Decimal | None:
        """An amount in the organisation's currency; None when blank. Raises `MissingRate`
        (after reporting the error) when the record's currency has no rate on that date."""
        amount = parsed[column]
        if amount is None:
            return None
        code = parsed.get("currency", "")
        try:
            return self.context.rates.convert(amount, code, on)
        except MissingRate:
            self.tally.error(
                record,
                field_of(record, "currency"),
                code,
                "has no conversion rate in this import (add CurrencyType.csv or "
                "DatedConversionRate.csv with its rate)",
            )
            raise
