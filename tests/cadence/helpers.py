"""What the coaching tests share: a fixed clock, entries logged through the service, and the
stored rows to compare before and after a refused write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from typing import Any

import time_machine
from django.core import serializers

from revsight.cadence.coaching_services import EntryInput, log_entry
from revsight.cadence.models import (
    CoachingEntry,
    CoachingReply,
    CoachingSettings,
    CoachingTarget,
)
from revsight.core.models import AuditEntry
from revsight.org.models import User

# Wednesday 17 June 2026, 15:00 UTC: 13 of June's 22 selling days (17 of its 30 days) gone by.
JUNE_17 = datetime(2026, 6, 17, 15, 0, tzinfo=UTC)


@contextmanager
def on(moment: datetime = JUNE_17) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


def logged(coach: User, rep: User, day: date, kind: str = "joint_call", **fields: Any) -> Any:
    return log_entry(coach, rep, EntryInput(date=day, kind=kind, **fields))


def stored() -> str:
    """Every coaching row and every audit entry, in a stable order."""
    models = [CoachingSettings, CoachingTarget, CoachingEntry, CoachingReply, AuditEntry]
    rows = [row for model in models for row in model.objects.order_by("pk")]
    return serializers.serialize("json", rows)
