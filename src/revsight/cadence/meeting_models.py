"""The Monday sales meeting's one record: the organisation's agenda settings (which items, in
which order). The agenda itself is computed from the data (`meeting.py`), never stored.
Changed only through `meeting_services.py`."""

from __future__ import annotations

from typing import Any

from django.db import models

from revsight.access import visibility


class MeetingSettings(models.Model):
    """The agenda's items in their order, each on or off (a single row; without one the
    default order with every item on, `meeting.DEFAULT_ORDER`).

    `items` is a list of `{"id": "wins", "on": true}`, every item of the agenda exactly once.
    """

    items: Any = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "meeting settings"

    def __str__(self) -> str:
        shown = [item["id"] for item in self.items if item.get("on")]
        return f"Monday meeting: {', '.join(shown) or 'no items'}"


visibility.register(MeetingSettings, visibility.everyone)
