"""Which pages were viewed lately, for pre-warming: kept in the cache (never a database write
per page view), as one dictionary of (page, scope, option, day) → when last seen, refreshed at
most once an hour per entry, entries older than 30 days dropped."""

from __future__ import annotations

import time
from datetime import date

from django.core.cache import cache

KEY = "viewed-pages"
KEPT_DAYS = 30
REFRESH_SECONDS = 3600

Viewed = tuple[str, str, str, str]  # page ("dashboard" | "forecast"), scope path, option, day or ""


def seen(page: str, scope: str, option: str, day: date | None) -> None:
    """Note a view (`day` None: as of today, whichever day that is when it is warmed); a cache
    read, and a write only the first time within the hour."""
    entry: Viewed = (page, scope, option, day.isoformat() if day else "")
    views: dict[Viewed, float] = cache.get(KEY) or {}
    now = time.time()
    if now - views.get(entry, 0.0) < REFRESH_SECONDS:
        return
    oldest = now - KEPT_DAYS * 86400
    views = {key: at for key, at in views.items() if at >= oldest}
    views[entry] = now
    cache.set(KEY, views, timeout=None)


def recent() -> list[Viewed]:
    """The pages viewed in the last 30 days, the latest first."""
    views: dict[Viewed, float] = cache.get(KEY) or {}
    oldest = time.time() - KEPT_DAYS * 86400
    return [key for key, at in sorted(views.items(), key=lambda item: -item[1]) if at >= oldest]
