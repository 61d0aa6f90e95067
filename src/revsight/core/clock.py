"""The organisation's clock: "today" is the organisation's local date, everywhere.

A sales manager in San Francisco at 17:00 on the last day of the quarter is still in that
quarter, although it is already the next day in UTC. Every default date (an as-of date, the
current period, a goal's period) comes from `today()`.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import timezone

from revsight.core.models import Organisation


def zone() -> ZoneInfo:
    """The organisation's time zone (UTC until one is set, or when the name is unknown)."""
    name = Organisation.objects.order_by("pk").values_list("time_zone", flat=True).first()
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def now() -> datetime:
    """The current moment, in the organisation's time zone."""
    return timezone.now().astimezone(zone())


def today() -> date:
    """Today's date where the organisation is."""
    return now().date()


def local_moment(day: date, at: time, in_zone: ZoneInfo | None = None) -> datetime:
    """The moment a wall-clock time on a day is where the organisation is (or in `in_zone`).

    A time that a daylight-saving change skips falls one hour later, as zoneinfo reads it; a
    time that happens twice is its first.
    """
    where = in_zone or zone()
    moment = datetime.combine(day, at, tzinfo=where)
    # Round trip through UTC: a skipped wall time becomes the moment it really is.
    return moment.astimezone(ZoneInfo("UTC")).astimezone(where)
