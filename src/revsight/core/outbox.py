"""The outbox: with no EMAIL_URL, every email is written to `REVSIGHT_HOME/outbox/` as an
`.eml` file (one per message and recipient list, openable in any mail program), so a laptop
demo shows what a server would have sent."""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone


def outbox() -> Path:
    return Path(settings.REVSIGHT_HOME) / "outbox"


class OutboxBackend(BaseEmailBackend):
    """Django's email backend that writes `.eml` files instead of sending."""

    def __init__(self, fail_silently: bool = False, **kwargs: Any) -> None:
        super().__init__(fail_silently=fail_silently)
        self.folder = Path(kwargs.get("folder") or outbox())

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        for message in email_messages:
            self._write(message)
        return len(email_messages)

    def _write(self, message: EmailMessage) -> Path:
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        final = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        partial = final.with_suffix(".part")
        partial.write_bytes(message.message().as_bytes())
        # Renamed once whole, so whoever reads the outbox never sees half a message.
        os.replace(partial, final)
        return final
