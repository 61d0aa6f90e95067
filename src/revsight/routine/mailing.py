"""Emails to people: rendered from a plain-text and an HTML template, with a link back to the
page, sent only to those who want that kind (`preferences.wants`).

Each template gets the person and the context it is given, and nothing else: whoever builds the
context puts in only what that person may see (their own numbers)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from revsight.core import mail
from revsight.org.models import User
from revsight.routine.preferences import wants


def notify(person: User, kind: str, template: str, context: dict[str, Any], page: str) -> bool:
    """Email `person` the `routine/email/<template>` message, linking to `page` (a path);
    whether it was sent (not when they turned that kind off)."""
    if not wants(person, kind):
        return False
    full = {**context, "person": person, "link": mail.link(page)}
    subject = " ".join(render_to_string(f"routine/email/{template}_subject.txt", full).split())
    body = render_to_string(f"routine/email/{template}.txt", full)
    html = render_to_string(f"routine/email/{template}.html", full)
    mail.send(subject, body, [person.email], html=html)
    return True
