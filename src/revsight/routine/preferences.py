"""Which emails a person gets: the service that stores their opt-outs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from revsight.access import permissions
from revsight.core import audit
from revsight.core.errors import InvalidInput
from revsight.org.models import User
from revsight.routine.models import EmailKind, EmailOptOut


def opted_out(person: User) -> set[str]:
    """The kinds of email `person` turned off."""
    return set(EmailOptOut.objects.filter(user=person).values_list("kind", flat=True))


def wants(person: User, kind: str) -> bool:
    """Whether `person` gets emails of `kind`: active, able to log in (not a placeholder an
    import created, who could neither follow the link nor turn the email off), with an address,
    and not opted out."""
    if not person.is_active or not person.email or not person.has_usable_password():
        return False
    return not EmailOptOut.objects.filter(user=person, kind=kind).exists()


def set_opt_outs(actor: Any, person: User, off: Iterable[str]) -> set[str]:
    """Turn off exactly the kinds in `off` for `person` (the others on); the kinds now off."""
    permissions.require(
        permissions.may_change_preferences(actor, person),
        "You may change only your own email settings.",
    )
    wanted_off = set(off)
    unknown = sorted(wanted_off - set(EmailKind.values))
    if unknown:
        raise InvalidInput("emails_off", unknown[0], "is not a kind of email Revsight sends")
    with transaction.atomic():
        EmailOptOut.objects.filter(user=person).exclude(kind__in=wanted_off).delete()
        for kind in sorted(wanted_off):
            EmailOptOut.objects.get_or_create(user=person, kind=kind)
        shown = ", ".join(sorted(wanted_off)) or "none"
        audit.record(
            "user.emails",
            f"Emails turned off for {person.email}: {shown}",
            actor=actor,
            target=person,
        )
    return wanted_off
