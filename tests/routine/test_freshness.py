"""The data-freshness check warns the administrators when no import has arrived for N days."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from revsight.core import audit
from revsight.core.models import AuditEntry
from revsight.routine.freshness import check
from tests.people import Cast

NOW = datetime(2026, 4, 10, 8, 0, tzinfo=UTC)


def imported_at(moment: datetime) -> None:
    entry = audit.record("import", "Imported weekly.zip from Salesforce")
    AuditEntry.objects.filter(pk=entry.pk).update(at=moment)


def test_an_import_within_the_days_warns_nobody(cast: Cast, mailoutbox: list[Any]) -> None:
    imported_at(datetime(2026, 4, 4, 9, 0, tzinfo=UTC))  # 5 days 23 hours ago
    assert check(NOW, 7)["warned"] == []
    assert mailoutbox == []


def test_an_old_import_warns_the_administrators(cast: Cast, mailoutbox: list[Any]) -> None:
    imported_at(datetime(2026, 4, 1, 9, 0, tzinfo=UTC))
    result = check(NOW, 7)
    assert result["warned"] == ["admin@acme.test"]
    assert result["age_days"] == 8
    [message] = mailoutbox
    assert message.subject == "No import has arrived for 7 days"
    assert "8 days ago" in message.body
    assert "/import/" in message.alternatives[0][0]


def test_no_import_ever_warns_too(cast: Cast, mailoutbox: list[Any]) -> None:
    assert check(NOW, 7)["warned"] == ["admin@acme.test"]
    assert "No import has ever arrived" in mailoutbox[0].body
