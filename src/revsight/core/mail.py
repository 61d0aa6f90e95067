"""Sending email: the one function every email goes through.

The backend is the environment's (`EMAIL_URL`, else the outbox of `.eml` files, docs/jobs.md);
emails to people about their numbers are sent from the worker's jobs, never inside a request
(the password reset excepted: its link must arrive while the person waits for it).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives


def send(subject: str, body: str, to: list[str], html: str | None = None) -> None:
    """Send one plain-text email (with an HTML alternative when given) from
    `DEFAULT_FROM_EMAIL`, through the backend the environment chose (docs/configuration.md)."""
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    if html is not None:
        message.attach_alternative(html, "text/html")
    message.send()


def link(path: str) -> str:
    """The absolute address of a page (`/forecast/`), from `REVSIGHT_BASE_URL`."""
    return f"{settings.REVSIGHT_BASE_URL}/{path.lstrip('/')}"
