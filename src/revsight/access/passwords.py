"""A password validator of Revsight's own, beside Django's (settings.AUTH_PASSWORD_VALIDATORS)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError

from revsight.core.models import Organisation


class NotTheDemoPassword:
    """Refuses the demo's published password in a real organisation (anyone can read it in the
    README). The demo organisation keeps it: its people are written with it directly."""

    MESSAGE = "This password is the demo organisation's published password; choose another."

    def validate(self, password: str, user: Any = None) -> None:
        published = str(settings.REVSIGHT_DEMO_PASSWORD)
        if password.strip().casefold() != published.casefold():
            return
        organisation = Organisation.objects.order_by("pk").first()
        if organisation is None or not organisation.is_demo:
            raise ValidationError(self.MESSAGE, code="password_is_published")

    def get_help_text(self) -> str:
        return "Your password cannot be the demo organisation's published password."
