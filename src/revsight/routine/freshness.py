"""The data-freshness check: warn the administrators when no import has arrived for N days."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse

from revsight.core.audit import last_import
from revsight.org.models import Role, User
from revsight.routine.mailing import notify
from revsight.routine.models import EmailKind


def check(now: datetime, days: int) -> dict[str, object]:
    """Email every active administrator when the last import is more than `days` days old."""
    last = last_import()
    age = (now - last).days if last is not None else None
    if age is not None and age < days:
        return {"last_import": last.isoformat() if last else None, "age_days": age, "warned": []}
    admins = User.objects.filter(is_active=True, role=Role.ADMIN).order_by("email")
    context = {"last": last, "age": age, "days": days}
    warned = [
        a.email
        for a in admins
        if notify(a, EmailKind.FRESHNESS, "freshness", context, reverse("import"))
    ]
    return {"last_import": last.isoformat() if last else None, "age_days": age, "warned": warned}
