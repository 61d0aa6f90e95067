"""Writing the audit log; called by service functions inside their transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models as dj_models

from revsight.core.models import AuditEntry


def record(
    action: str,
    summary: str,
    *,
    actor: Any = None,
    target: dj_models.Model | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one audit entry. `actor` is the user who acted, or None for the system/CLI."""
    return AuditEntry.objects.create(
        action=action,
        summary=summary[:500],
        actor=actor if getattr(actor, "pk", None) else None,
        object_type=target._meta.label if target is not None else "",
        object_id=str(target.pk) if target is not None else "",
        details=details or {},
    )


def last_import() -> datetime | None:
    """When the last import (a file, an upload or an API push) was kept: how fresh the CRM's
    copy here is (the freshness warning, the self-assessment's CRM category)."""
    return (
        AuditEntry.objects.filter(action="import")
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
