"""Unlocking logins that django-axes locked after too many failures (docs/security.md)."""

from __future__ import annotations

from typing import Any

from axes.utils import reset
from django.db import transaction

from revsight.core import audit
from revsight.core.errors import InvalidInput, NotFound


def unlock(*, email: str | None = None, address: str | None = None, actor: Any = None) -> str:
    """Clear the failed logins of an account (by email) or of an address; returns which.

    Raises `NotFound` when none are recorded, so a typo in the email is not taken for success.
    """
    if bool(email) == bool(address):
        raise InvalidInput("email", "", "Give the EMAIL of an account or --address, not both")
    what = email.strip().lower() if email else str(address).strip()
    with transaction.atomic():
        cleared = reset(username=what) if email else reset(ip=what)
        if not cleared:
            raise NotFound(f"No failed logins are recorded for {what}.")
        audit.record("login.unlock", f"Logins unlocked for {what}", actor=actor)
    return what


def clear_failures(email: str) -> int:
    """Forget an account's failed logins (a new password proves who holds it); how many."""
    return int(reset(username=email.strip().lower()))
