"""Sending email: the one function every email goes through.

It sends at once, inside the caller's request or command; when email moves to the job queue
(issue 13), only this function changes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives


def send(subject: str, body: str, to: list[str], html: str | None = None) -> None:
    """Send one plain-text email (with an HTML alternative when given) from
    `REVSIGHT_EMAIL_FROM`, through the backend the environment chose (docs/configuration.md)."""
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, to)
    if html is not None:
        message.attach_alternative(html, "text/html")
    message.send()
