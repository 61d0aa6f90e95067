"""Money: Decimal fields with two places, and the one syntax every door reads amounts in.

An amount is a plain number with an optional sign and decimals (`1234.50`, `-20`), optionally
with commas between groups of three digits (`1,234.50`) and a currency symbol (`$ € £ ¥`) or a
three-letter code before or after it (`$1,234.50`, `1234.50 EUR`); spaces are ignored.
Exponents (`1e3`), `NaN`, `Infinity` and other separators (`1.234,50`) are not amounts.
The importers' cells, the settings forms and forecast submissions (page, API, command line) all
read it here.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import models

from revsight.core.errors import InvalidInput

# Wider than any stored money field (16 digits, 2 places).
LIMIT = Decimal("1e14")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?$")
_SYMBOLS = re.compile(r"[$€£¥\s\u00a0]|^[A-Z]{3}\s*|\s*[A-Z]{3}$")


def MoneyField(**kwargs: Any) -> models.DecimalField:
    kwargs.setdefault("max_digits", 16)
    kwargs.setdefault("decimal_places", 2)
    return models.DecimalField(**kwargs)


def is_blank(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse_number(
    field: str,
    raw: Any,
    *,
    places: int = 2,
    limit: Decimal = LIMIT,
    negative_ok: bool = True,
    what: str = "a number",
    exact: bool = False,
) -> Decimal:
    """`raw` (text in the syntax above, or an int, float or Decimal) rounded half up to
    `places`. Raises `InvalidInput` naming `field`: "is required" when blank, "is not <what>",
    "must be zero or more" (unless `negative_ok`), "is too large" from `limit` (absolute) up,
    and with `exact` "has more than <places> decimal places" rather than rounding."""
    if is_blank(raw):
        raise InvalidInput(field, "", "is required")
    shown = str(raw).strip()
    if isinstance(raw, Decimal | int | float) and not isinstance(raw, bool):
        number = Decimal(str(raw))
    elif isinstance(raw, str):
        cleaned = _SYMBOLS.sub("", shown)
        if not cleaned or cleaned in {"+", "-", "."} or not _NUMBER.match(cleaned):
            raise InvalidInput(field, shown, f"is not {what}")
        try:
            number = Decimal(cleaned.replace(",", ""))
        except InvalidOperation:
            raise InvalidInput(field, shown, f"is not {what}") from None
    else:
        raise InvalidInput(field, shown, f"is not {what}")
    if not number.is_finite():
        raise InvalidInput(field, shown, f"is not {what}")
    if number < 0 and not negative_ok:
        raise InvalidInput(field, shown, "must be zero or more")
    if abs(number) >= limit:
        raise InvalidInput(field, shown, "is too large")
    rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if exact and rounded != number:
        raise InvalidInput(field, shown, f"has more than {places} decimal places")
    return rounded


def parse_amount(
    field: str, raw: Any, *, negative_ok: bool = False, exact: bool = False
) -> Decimal:
    """Money in the syntax above, two places; below zero only with `negative_ok` (a margin, a
    salary, spend), else "must be zero or more". Blank is "is required". With `exact` (what a
    person types, never a converted import) more decimals than two are refused, not rounded."""
    return parse_number(field, raw, negative_ok=negative_ok, what="an amount", exact=exact)
