"""The Monday meeting's one write: the agenda's items, their order and which are on
(Settings → Monday meeting), for executives and administrators, checked, in one transaction,
with its audit entry."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction

from revsight.access import permissions
from revsight.cadence.meeting import ITEMS, Choice, choices
from revsight.cadence.meeting_models import MeetingSettings
from revsight.core import audit
from revsight.core.errors import InvalidInput
from revsight.org.models import User


def _order(order: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    for item in order:
        if item not in ITEMS:
            raise InvalidInput("items", item, f"is not an agenda item ({', '.join(ITEMS)})")
        if item in seen:
            raise InvalidInput("items", item, "is listed twice: each item has one place")
        seen.add(item)
    missing = [item for item in ITEMS if item not in seen]
    if missing:
        raise InvalidInput("items", missing[0], "is missing: list every item, on or off")
    return list(order)


def save_settings(actor: User | None, order: Sequence[str], on: Iterable[str]) -> list[Choice]:
    """Put the agenda's items in `order` (every item exactly once), with those in `on`
    switched on and the others off. Returns the items as they now stand."""
    if actor is not None:
        permissions.require(
            permissions.may_configure_organisation(actor),
            f"{actor.email} may not change the Monday meeting's agenda",
        )
    listed, wanted = _order(order), set(on)
    unknown = sorted(wanted - set(ITEMS))
    if unknown:
        raise InvalidInput("on", unknown[0], f"is not an agenda item ({', '.join(ITEMS)})")
    items = [{"id": item, "on": item in wanted} for item in listed]
    with transaction.atomic():
        current = MeetingSettings.objects.order_by("pk").first() or MeetingSettings()
        current.items = items
        current.save()
        shown = ", ".join(f"{i['id']}{'' if i['on'] else ' (off)'}" for i in items)
        audit.record(
            "cadence.meeting_settings",
            f"Monday meeting agenda: {shown}",
            actor=actor,
            target=current,
            details={"items": items},
        )
    return choices()
