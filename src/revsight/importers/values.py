"""Turning one cell of someone else's file into a Python value, or a plain-words reason why not.

Every parser accepts the text a CRM or a spreadsheet writes, and also a value a source module has
already converted (a `date`, a `Decimal`), so one validation step serves every importer.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from revsight.core import money
from revsight.core.errors import InvalidInput


class BadValue(ValueError):
    """The value cannot be used; the message completes "<field> <value> ..."."""


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_TRUE = {"1", "true", "yes", "y", "t", "x"}
_FALSE = {"0", "false", "no", "n", "f"}


def text(value: Any, max_length: int = 255) -> str:
    result = str(value).strip() if value is not None else ""
    if len(result) > max_length:
        raise BadValue(f"is {len(result)} characters long; at most {max_length} fit")
    return result


def decimal(value: Any, places: int = 2, limit: Decimal = money.LIMIT) -> Decimal | None:
    """A number (`1234.5`, `1,234.50`; the syntax of `core.money`); blank is None."""
    if money.is_blank(value):
        return None
    try:
        return money.parse_number("", value, places=places, limit=limit)
    except InvalidInput as exc:
        raise BadValue(exc.message) from None


def money_value(value: Any) -> Decimal | None:
    """Money that may be below zero (a margin, a salary, spend); blank is None."""
    return _amount(value, negative_ok=True)


def amount(value: Any) -> Decimal | None:
    """Money that cannot be below zero (a deal's value, a quota, a forecast); blank is None."""
    return _amount(value, negative_ok=False)


def _amount(value: Any, *, negative_ok: bool) -> Decimal | None:
    if money.is_blank(value):
        return None
    try:
        return money.parse_amount("", value, negative_ok=negative_ok)
    except InvalidInput as exc:
        raise BadValue(exc.message) from None


def percent(value: Any) -> Decimal | None:
    """A probability written as a percentage (`10`, `10%`, `10.5`), returned as a fraction."""
    if isinstance(value, str):
        value = value.strip().rstrip("%")
    number = decimal(value, places=4, limit=Decimal(1000))
    if number is None:
        return None
    if not 0 <= number <= 100:
        raise BadValue("is not a percentage between 0 and 100")
    return (number / 100).quantize(Decimal("0.0001"))


def boolean(value: Any) -> bool | None:
    """Yes or no; None for a blank cell, so the column's default applies (a blank `active`
    is not "left": a downloaded template filled without that column keeps people active)."""
    if isinstance(value, bool):
        return value
    raw = str(value).strip().lower() if value is not None else ""
    if not raw:
        return None
    if raw in _TRUE:
        return True
    if raw in _FALSE:
        return False
    raise BadValue("is not a yes/no value (use 1 or 0, true or false)")


def calendar_date(value: Any, formats: tuple[str, ...] = ()) -> date | None:
    """A business date: `2026-03-31`, `2026-03-31 00:00:00`, `2026-03-31T00:00:00Z` (the
    calendar day as written, never shifted by a time zone), or one of `formats`."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = str(value).strip()
    if not raw:
        return None
    for fmt in formats:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    match = _ISO_DATE.match(raw)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            raise BadValue("is not a real calendar date") from None
    if raw.isdigit() and len(raw) == 13:
        return datetime.fromtimestamp(int(raw) / 1000, tz=UTC).date()
    expected = " or ".join(formats) if formats else "YYYY-MM-DD"
    raise BadValue(f"is not a date (expected {expected})")


def timestamp(value: Any, zone: str = "UTC", formats: tuple[str, ...] = ()) -> datetime | None:
    """A moment, returned in UTC. Without an offset the text is read in `zone`; a bare date is
    the start of that day; 13 digits are milliseconds since 1970 (as HubSpot's API writes)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, time.min)
    else:
        raw = str(value).strip()
        if not raw:
            return None
        if raw.isdigit() and len(raw) == 13:
            return datetime.fromtimestamp(int(raw) / 1000, tz=UTC)
        moment = _parse_moment(raw, formats)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC)


def _parse_moment(raw: str, formats: tuple[str, ...]) -> datetime:
    for fmt in formats:
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    candidate = raw[:-1] + "+00:00" if raw.endswith(("Z", "z")) else raw
    try:
        return datetime.fromisoformat(candidate)
    except ValueError:
        pass
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S.%f"):
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    raise BadValue("is not a date and time (expected YYYY-MM-DD HH:MM:SS, in UTC)")


def month(value: Any, formats: tuple[str, ...] = ()) -> date | None:
    """A month as `2026-03` or any date in it; returned as its first day."""
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{1,2}\s*", value):
        value = value.strip() + "-01"
    day = calendar_date(value, formats)
    return day.replace(day=1) if day else None


def email(value: Any) -> str:
    raw = str(value).strip().lower() if value is not None else ""
    if not raw:
        return ""
    try:
        validate_email(raw)
    except ValidationError:
        raise BadValue("is not a valid email address") from None
    return raw


def currency(value: Any) -> str:
    raw = str(value).strip().upper() if value is not None else ""
    if raw and not re.fullmatch(r"[A-Z]{3}", raw):
        raise BadValue("is not a three-letter currency code such as USD or EUR")
    return raw


def choice(value: Any, choices: dict[str, str]) -> str:
    """One of `choices` (keys are the accepted spellings, lower case; values what is stored)."""
    raw = str(value).strip() if value is not None else ""
    if not raw:
        return ""
    normalised = re.sub(r"[\s_-]+", " ", raw.lower())
    for spelling, stored in choices.items():
        if normalised == re.sub(r"[\s_-]+", " ", spelling):
            return stored
    allowed = ", ".join(sorted(set(choices.values())))
    raise BadValue(f"is not one of: {allowed}")
