"""Without EMAIL_URL, emails are `.eml` files in REVSIGHT_HOME/outbox/."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

from django.core.mail import EmailMultiAlternatives

from revsight.core.outbox import OutboxBackend


def test_each_email_is_one_eml_file_with_both_parts(tmp_path: Path) -> None:
    backend = OutboxBackend(folder=tmp_path / "outbox")
    message = EmailMultiAlternatives(
        "Your forecast", "Plain words.", "Revsight <r@x.test>", ["ann@acme.test"]
    )
    message.attach_alternative("<p>HTML words.</p>", "text/html")
    second = EmailMultiAlternatives("Another", "More.", "r@x.test", ["ben@acme.test"])
    assert backend.send_messages([message, second]) == 2
    written = sorted((tmp_path / "outbox").iterdir())
    assert [path.suffix for path in written] == [".eml", ".eml"]
    parsed = [
        email.message_from_bytes(path.read_bytes(), policy=policy.default) for path in written
    ]
    first = next(m for m in parsed if m["To"] == "ann@acme.test")
    assert first["Subject"] == "Your forecast"
    plain = first.get_body(("plain",))
    html = first.get_body(("html",))
    assert plain is not None
    assert plain.get_content().strip() == "Plain words."
    assert html is not None
    assert html.get_content().strip() == "<p>HTML words.</p>"
