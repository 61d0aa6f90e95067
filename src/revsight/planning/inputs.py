"""The capacity plan's parameters as people type them, one syntax for every door (the command
line, the page, a saved scenario): objectives `2027-Q1=1,200,000, 2027-Q2=1.3M`; a share as a
fraction (`0.9`) or a percentage (`90%`); a ramp as shares by month of tenure, comma-separated.

`Parameters` is what was given, checked and normalised (what a scenario keeps); `inputs_for`
adds what comes from the data at the as-of date: the current salespeople, their tenure and,
with `attainment=measured`, their own attainment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from revsight.core import money, periods
from revsight.core.errors import InvalidInput
from revsight.planning.capacity import DEFAULT_RAMP, Inputs, Objective

MEASURED = "measured"
MAX_QUARTERS = 12
MAX_RAMP_MONTHS = 36
MAX_LEAD_TIME = 24
MAX_ATTAINMENT = 3.0  # 300 % of quota: beyond it a figure is a typing slip
# Objectives are separated by commas that start a new `YYYY-Qn`, so amounts keep theirs.
_OBJECTIVE_SPLIT = re.compile(r"[,;\n]\s*(?=\d{4}\s*-\s*[Qq])")


@dataclass(frozen=True)
class Parameters:
    objectives: tuple[tuple[str, Decimal], ...]  # (fiscal quarter id, amount), in order
    quota: Decimal  # monthly, per fully ramped salesperson
    attainment: float | None  # None: each salesperson's measured attainment
    ramp: tuple[float, ...]
    attrition: float  # annual
    lead_time: int  # months from opening a position to the start date

    def as_json(self) -> dict[str, Any]:
        return {
            "objectives": {quarter: float(amount) for quarter, amount in self.objectives},
            "quota": float(self.quota),
            "attainment": MEASURED if self.attainment is None else self.attainment,
            "ramp": list(self.ramp),
            "attrition": self.attrition,
            "lead_time": self.lead_time,
        }

    def as_text(self) -> dict[str, str]:
        """The parameters in the syntax they are typed in (a form's values, a scenario's)."""
        return {
            "objectives": ", ".join(f"{q}={amount:.2f}" for q, amount in self.objectives),
            "quota": str(self.quota),
            "attainment": MEASURED if self.attainment is None else share_text(self.attainment),
            "ramp": ", ".join(share_text(r) for r in self.ramp),
            "attrition": share_text(self.attrition),
            "lead_time": str(self.lead_time),
        }


def share_text(value: float) -> str:
    return f"{round(value * 100, 4):g}%"


def parse_share(field: str, raw: Any, *, most: float = 1.0) -> float:
    """A share: `0.9` or `90%` (`90 %`), from 0 to `most`."""
    if money.is_blank(raw):
        raise InvalidInput(field, "", "is required")
    text = str(raw).strip()
    percent = text.endswith("%")
    number = text.rstrip("%").strip() if percent else text
    try:
        value = float(number)
    except ValueError:
        raise InvalidInput(field, text, "is not a share: write 0.9 or 90%") from None
    if percent:
        value /= 100
    if not 0 <= value <= most:  # also refuses nan
        raise InvalidInput(field, text, f"must be from 0 to {share_text(most)}")
    return round(value, 6)


def split_objectives(text: str) -> list[str]:
    """`2027-Q1=1,200,000, 2027-Q2=…` as its items (`2027-Q1=1,200,000`), blanks left out."""
    return [part.strip() for part in _OBJECTIVE_SPLIT.split(text.strip()) if part.strip()]


def parse_objectives(raw: Any, as_of: date, fiscal_start_month: int) -> tuple[Objective, ...]:
    """`2027-Q1=1200000, 2027-Q2=1,300,000`: fiscal quarters after the as-of date's month."""
    text = "" if raw is None else str(raw).strip()
    if not text:
        raise InvalidInput("objectives", "", "is required: write 2027-Q1=1200000,2027-Q2=1300000")
    first = periods.month_of(periods.month_index(as_of) + 1)
    found: dict[str, Objective] = {}
    for item in split_objectives(text):
        quarter_id, sign, amount = item.partition("=")
        if not sign:
            raise InvalidInput("objectives", item, "is not QUARTER=AMOUNT, such as 2027-Q1=1200000")
        try:
            quarter = periods.parse(quarter_id.replace(" ", ""), as_of, fiscal_start_month)
        except InvalidInput as exc:
            raise InvalidInput("objectives", item, exc.message) from None
        if quarter.kind != "quarter":
            raise InvalidInput("objectives", item, "names a period that is not a quarter")
        if quarter.id in found:
            raise InvalidInput("objectives", item, f"gives {quarter.id} a second time")
        if quarter.start < first:
            raise InvalidInput(
                "objectives",
                item,
                f"is for a quarter that starts before the plan does ({first:%Y-%m}, the month "
                "after the as-of date)",
            )
        try:
            value = money.parse_amount("objectives", amount.strip())
        except InvalidInput as exc:
            raise InvalidInput("objectives", item, exc.message) from None
        found[quarter.id] = Objective(quarter, float(value))
    if len(found) > MAX_QUARTERS:
        raise InvalidInput("objectives", text[:40], f"has more than {MAX_QUARTERS} quarters")
    return tuple(sorted(found.values(), key=lambda o: o.quarter.start))


def parse_ramp(raw: Any) -> tuple[float, ...]:
    if money.is_blank(raw):
        return DEFAULT_RAMP
    parts = [p for p in re.split(r"[,;\s]+", str(raw).strip()) if p]
    if len(parts) > MAX_RAMP_MONTHS:
        raise InvalidInput("ramp", str(raw)[:40], f"has more than {MAX_RAMP_MONTHS} months")
    return tuple(parse_share("ramp", part) for part in parts)


def parse_lead_time(raw: Any) -> int:
    text = "" if raw is None else str(raw).strip()
    if not text:
        raise InvalidInput("lead-time", "", "is required")
    if not text.isdigit() or int(text) > MAX_LEAD_TIME:
        raise InvalidInput(
            "lead-time", text, f"must be a whole number of months, 0 to {MAX_LEAD_TIME}"
        )
    return int(text)


def parse_parameters(
    *,
    objectives: Any,
    quota: Any,
    attainment: Any,
    ramp: Any,
    attrition: Any,
    lead_time: Any,
    as_of: date,
    fiscal_start_month: int,
) -> tuple[Parameters, tuple[Objective, ...]]:
    """Every parameter checked, each refusal naming its field (`objectives`, `quota`,
    `attainment`, `ramp`, `attrition`, `lead-time`)."""
    parsed = parse_objectives(objectives, as_of, fiscal_start_month)
    monthly = money.parse_amount("quota", quota)
    if monthly <= 0:
        raise InvalidInput("quota", str(quota), "must be more than zero")
    measured = str(attainment or "").strip().lower() == MEASURED
    share = None if measured else parse_share("attainment", attainment, most=MAX_ATTAINMENT)
    annual = parse_share("attrition", attrition)
    if annual >= 1:
        raise InvalidInput("attrition", str(attrition), "must be less than 100%")
    parameters = Parameters(
        objectives=tuple((o.quarter.id, Decimal(str(o.amount))) for o in parsed),
        quota=monthly,
        attainment=share,
        ramp=parse_ramp(ramp),
        attrition=annual,
        lead_time=parse_lead_time(lead_time),
    )
    return parameters, parsed


def plan_inputs(
    parameters: Parameters,
    objectives: tuple[Objective, ...],
    as_of: date,
    team: tuple[Any, ...],
    hire_attainment: float,
) -> Inputs:
    return Inputs(
        as_of=as_of,
        objectives=objectives,
        quota=float(parameters.quota),
        hire_attainment=hire_attainment,
        ramp=parameters.ramp,
        attrition=parameters.attrition,
        lead_time=parameters.lead_time,
        team=team,
    )
