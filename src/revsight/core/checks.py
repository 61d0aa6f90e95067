"""System checks for the deployment: each with an id and a hint (run by `revsight check`)."""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import connection
from django.db.utils import OperationalError

from revsight.core.config import SMTP_BACKEND


@register(Tags.compatibility)
def check_data_home(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    home = settings.REVSIGHT_HOME
    if home.exists() and not os.access(home, os.W_OK):
        return [
            Error(
                f"The data directory {home} is not writable.",
                hint="Set REVSIGHT_HOME to a directory this user can write, or fix its owner.",
                id="revsight.E001",
            )
        ]
    return []


@register(Tags.database, deploy=False)
def check_database_reachable(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        return [
            Error(
                f"Cannot connect to the database: {str(exc).strip().splitlines()[0]}",
                hint="Check DATABASE_URL (host, port, user, database name) or unset it to use "
                "the embedded SQLite database.",
                id="revsight.E002",
            )
        ]
    return []


# With --deploy, these replace Django's checks of the same settings (security.W004, W008, W012,
# W016, W018, silenced in settings.py), because their hints name the environment variables a
# Revsight deployment sets rather than Django settings it cannot.
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1"}


@register(Tags.security, deploy=True)
def check_debug(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return [
            Warning(
                "DEBUG is on: error pages show source code and settings.",
                hint="Unset DEBUG on any server other people can reach.",
                id="revsight.W001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_https(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    problems: list[CheckMessage] = []
    if not settings.SECURE_SSL_REDIRECT:
        problems.append(
            Warning(
                "HTTPS is off: passwords and sessions cross the network readable.",
                hint="Serve Revsight over TLS and set REVSIGHT_HTTPS=1 (and BEHIND_HTTPS_PROXY=1 "
                "behind a proxy that ends TLS); see docs/deployment.md.",
                id="revsight.W002",
            )
        )
    if not (settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE):
        problems.append(
            Warning(
                "The session and CSRF cookies may be sent over plain HTTP.",
                hint="Set REVSIGHT_HTTPS=1, and leave SECURE_COOKIES unset (or set it to 1).",
                id="revsight.W003",
            )
        )
    if not settings.SECURE_HSTS_SECONDS:
        problems.append(
            Warning(
                "HSTS is off: a browser may still try plain HTTP first.",
                hint="Once HTTPS works, set REVSIGHT_HSTS_SECONDS=31536000 (start with 3600 on a "
                "new domain).",
                id="revsight.W004",
            )
        )
    return problems


@register(Tags.security, deploy=True)
def check_allowed_hosts(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    hosts = set(settings.ALLOWED_HOSTS)
    if "*" in hosts:
        message = "ALLOWED_HOSTS accepts any host name, so links in emails can be forged."
    elif hosts <= LOOPBACK:
        message = "ALLOWED_HOSTS names only this machine: nobody else can reach the server."
    else:
        return []
    return [
        Warning(
            message,
            hint="Set ALLOWED_HOSTS to the names people use (ALLOWED_HOSTS=revsight.example.com).",
            id="revsight.W005",
        )
    ]


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    # Django's security.W009 catches short and repetitive keys; a placeholder copied from the
    # documentation (`<64 random characters: …>`) is long and varied, so it is caught here.
    key = settings.SECRET_KEY
    if any(character.isspace() for character in key) or key.startswith("<"):
        return [
            Warning(
                "SECRET_KEY looks like a placeholder, not a random value.",
                hint='Generate one: python3 -c "import secrets; print(secrets.token_urlsafe(48))"',
                id="revsight.W006",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def check_links_in_emails(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    # Every email carries a link back to its page, made from REVSIGHT_BASE_URL: sent through
    # SMTP to other people's mailboxes, a link to this machine's loopback leads nowhere.
    if settings.EMAIL_BACKEND != SMTP_BACKEND:
        return []  # the outbox's .eml files are read on this machine
    host = urlsplit(settings.REVSIGHT_BASE_URL).hostname or ""
    if host not in LOOPBACK and host != "::1":
        return []
    return [
        Warning(
            f"Email is sent (EMAIL_URL) but its links point to {settings.REVSIGHT_BASE_URL}, "
            "which only this machine can open.",
            hint="Set REVSIGHT_BASE_URL to the address people use "
            "(REVSIGHT_BASE_URL=https://revsight.example.com).",
            id="revsight.W007",
        )
    ]
