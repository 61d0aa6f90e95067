"""System checks for the deployment: each with an id and a hint (run by `revsight check`)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.db import connection
from django.db.utils import OperationalError


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


@register(Tags.security, deploy=True)
def check_serving_hosts(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG:
        return [
            Warning(
                "DEBUG is on: error pages show source code and settings.",
                hint="Unset DEBUG on any server other people can reach.",
                id="revsight.W001",
            )
        ]
    return []
