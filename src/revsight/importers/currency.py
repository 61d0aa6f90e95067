"""Converting amounts into the organisation's currency with the rates an export carries.

Rates follow Salesforce's convention (any source may ship them in the same two files):
`CurrencyType.csv` gives each currency's rate against the corporate currency (corporate = 1),
`DatedConversionRate.csv` gives rates valid from `StartDate` until `NextStartDate`. An amount in
currency C is worth `amount / rate(C) * rate(organisation currency)`, with the dated rate of the
deal's close date when there is one.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from revsight.core.errors import RevsightError
from revsight.importers import values
from revsight.importers.files import Bundle
from revsight.importers.report import Problem, Report


class MissingRate(RevsightError):
    """An amount is in a currency the export gives no rate for."""

    code = "missing_rate"
    status = 400


@dataclass
class Rates:
    organisation: str
    static: dict[str, Decimal] = field(default_factory=dict)
    # Per currency: sorted start dates and the rate from each.
    dated: dict[str, tuple[list[date], list[Decimal]]] = field(default_factory=dict)

    def rate(self, code: str, on: date | None) -> Decimal:
        if code in self.dated and on is not None:
            starts, rates = self.dated[code]
            position = bisect.bisect_right(starts, on) - 1
            if position >= 0:
                return rates[position]
        if code in self.static:
            return self.static[code]
        raise MissingRate(code)

    def convert(self, amount: Decimal, code: str, on: date | None) -> Decimal:
        """`amount` in `code`, in the organisation's currency; raises MissingRate."""
        if not code or code == self.organisation:
            return amount
        converted = amount / self.rate(code, on) * self.rate(self.organisation, on)
        return converted.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def load_rates(bundle: Bundle, organisation: str, report: Report) -> Rates:
    """The export's conversion rates; errors name the file, row and field."""
    rates = Rates(organisation)
    name = bundle.find("CurrencyType")
    if name:
        for row in bundle.rows(name):
            if row.get("IsDeleted").lower() in ("1", "true"):
                continue
            code, rate = _code_and_rate(
                row.file, row.number, row.get("IsoCode"), row.get("ConversionRate"), report
            )
            if code and rate:
                rates.static[code] = rate
    name = bundle.find("DatedConversionRate")
    if name:
        collected: dict[str, list[tuple[date, Decimal]]] = {}
        for row in bundle.rows(name):
            code, rate = _code_and_rate(
                row.file, row.number, row.get("IsoCode"), row.get("ConversionRate"), report
            )
            try:
                start = values.calendar_date(row.get("StartDate"))
            except values.BadValue as exc:
                report.error(
                    Problem(row.file, row.number, "StartDate", row.get("StartDate"), str(exc))
                )
                continue
            if code and rate and start:
                collected.setdefault(code, []).append((start, rate))
        for code, entries in collected.items():
            entries.sort()
            rates.dated[code] = ([start for start, _ in entries], [rate for _, rate in entries])
    return rates


def _code_and_rate(
    file: str, row: int, code_text: str, rate_text: str, report: Report
) -> tuple[str, Decimal | None]:
    try:
        code = values.currency(code_text)
    except values.BadValue as exc:
        report.error(Problem(file, row, "IsoCode", code_text, str(exc)))
        return "", None
    try:
        rate = values.decimal(rate_text, places=9, limit=Decimal("1e9"))
    except values.BadValue as exc:
        report.error(Problem(file, row, "ConversionRate", rate_text, str(exc)))
        return code, None
    if rate is None or rate <= 0:
        report.error(Problem(file, row, "ConversionRate", rate_text, "must be a positive number"))
        return code, None
    return code, rate
