"""The organisation's clock: "today" is the organisation's local date, everywhere.

A sales manager in San Francisco at 17:00 on the last day of the quarter is still in that
quarter, although it is already the next day in UTC. Every default date (an as-of date, the
current period, a goal's period) comes from `today()`.
"""

from __future__ import annotations

from datetime import date, datetime
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
