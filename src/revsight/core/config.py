"""Typed readers for the environment: the only place settings come from.

Each reader fails loudly with the variable's name and what it expected, so a typo in a
deployment is an error at start-up rather than a silently ignored value.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from revsight.core.errors import RevsightError

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


class ConfigError(RevsightError):
    """An environment variable holds a value Revsight cannot use."""

    code = "configuration"


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number.") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name}={raw!r} is less than {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_home() -> Path:
    """The data directory holding the database, the secret key and generated files."""
    return Path(env_str("REVSIGHT_HOME", ".revsight")).expanduser().resolve()


def secret_key(home: Path) -> str:
    """SECRET_KEY from the environment, else one generated once into the data directory."""
    given = env_str("SECRET_KEY")
    if given:
        if len(given) < 32:
            raise ConfigError("SECRET_KEY is shorter than 32 characters; use a long random value.")
        return given
    key_file = home / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    home.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # O_EXCL: two processes starting at once must not overwrite each other's key.
    try:
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return key_file.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


@dataclass(frozen=True)
class EmailSettings:
    """Django's EMAIL_* settings: SMTP when REVSIGHT_EMAIL_HOST is set, else the console."""

    backend: str
    host: str
    port: int
    user: str
    password: str
    use_tls: bool
    use_ssl: bool
    sender: str


def email_settings() -> EmailSettings:
    host = env_str("REVSIGHT_EMAIL_HOST")
    use_ssl = env_bool("REVSIGHT_EMAIL_SSL", False)
    use_tls = env_bool("REVSIGHT_EMAIL_TLS", not use_ssl)
    if use_tls and use_ssl:
        raise ConfigError(
            "REVSIGHT_EMAIL_TLS and REVSIGHT_EMAIL_SSL are both on; use one (STARTTLS on 587, "
            "or TLS from the start on 465)."
        )
    backend = "smtp" if host else "console"
    return EmailSettings(
        backend=f"django.core.mail.backends.{backend}.EmailBackend",
        host=host or "localhost",
        port=env_int("REVSIGHT_EMAIL_PORT", 465 if use_ssl else 587, minimum=1),
        user=env_str("REVSIGHT_EMAIL_USER"),
        password=env_str("REVSIGHT_EMAIL_PASSWORD"),
        use_tls=use_tls,
        use_ssl=use_ssl,
        sender=env_str("REVSIGHT_EMAIL_FROM", "Revsight <revsight@localhost>"),
    )


REDIS_SCHEMES = ("redis://", "rediss://", "unix://")


def redis_url() -> str:
    """REDIS_URL, checked: empty for the embedded queue, else a Redis address."""
    url = env_str("REDIS_URL").strip()
    if url and not url.startswith(REDIS_SCHEMES):
        raise ConfigError(
            f"REDIS_URL={url!r} is not a Redis address; use redis://host:6379/0 "
            "(rediss:// for TLS, unix:///path/to/socket), or leave it unset for the embedded queue."
        )
    return url


def queue_settings(home: Path, database: str) -> dict[str, Any]:
    """huey's configuration (`settings.HUEY`, read by `huey.contrib.djhuey`): its SQLite storage
    in a file of its own in the data directory, so the queue never waits for the main database's
    write lock, or Redis when REDIS_URL is set. `database` names the organisation's database,
    so that two installations sharing one Redis keep separate queues."""
    url = redis_url()
    workers = env_int("REVSIGHT_WORKER_THREADS", 1, minimum=1)
    common: dict[str, Any] = {
        # Never huey's "immediate" mode, which djhuey would otherwise take from DEBUG.
        "immediate": False,
        # Results are kept on the Job rows (revsight.jobs), not in the queue.
        "results": False,
        "utc": True,
        "consumer": {"workers": workers, "worker_type": "thread"},
    }
    if url:
        digest = hashlib.sha256(database.encode()).hexdigest()[:12]
        return {**common, "name": f"revsight-{digest}", "huey_class": "huey.RedisHuey", "url": url}
    return {
        **common,
        "name": "revsight",
        "huey_class": "huey.SqliteHuey",
        "filename": str(home / "queue.sqlite3"),
    }


def jobs_cache(home: Path, database: str) -> dict[str, Any]:
    """Where jobs keep their live progress and the workers their heartbeats: shared by every
    process of the installation (Redis when REDIS_URL is set, so a worker on another machine is
    seen too; else files in the data directory), and never the database."""
    url = redis_url()
    if url:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"revsight-{hashlib.sha256(database.encode()).hexdigest()[:12]}",
            "TIMEOUT": 7 * 24 * 3600,
        }
    return {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(home / "jobs"),
        "TIMEOUT": 7 * 24 * 3600,
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
