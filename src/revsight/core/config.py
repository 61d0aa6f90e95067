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
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

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


def sqlite_in_memory(name: str) -> bool:
    """Whether a SQLite database name is one no other connection can open (Django's test
    database is `file:memorydb_default?mode=memory&cache=shared`)."""
    return name == ":memory:" or name.startswith("file:") or "mode=memory" in name


def data_home() -> Path:
    """The data directory holding the database, the secret key and generated files."""
    return Path(env_str("REVSIGHT_HOME", ".revsight")).expanduser().resolve()


def static_root(home: Path) -> Path:
    """Where `revsight serve` collects the static files: the data directory's `static/`
    unless REVSIGHT_STATIC_ROOT names another (several data directories may share one)."""
    chosen = env_str("REVSIGHT_STATIC_ROOT").strip()
    return Path(chosen).expanduser().resolve() if chosen else home / "static"


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
    """Django's EMAIL_* settings: SMTP when EMAIL_URL is set, else `.eml` files in the outbox."""

    backend: str
    host: str
    port: int
    user: str
    password: str
    use_tls: bool
    use_ssl: bool
    sender: str


OUTBOX_BACKEND = "revsight.core.outbox.OutboxBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# The variables EMAIL_URL replaced: refused, rather than silently ignored, with the equivalent.
RETIRED_EMAIL_VARIABLES = tuple(
    f"REVSIGHT_EMAIL_{name}" for name in ("HOST", "PORT", "USER", "PASSWORD", "TLS", "SSL", "FROM")
)


def email_settings() -> EmailSettings:
    """EMAIL_URL (`smtp://user:password@host:587`, STARTTLS; `smtps://…:465`, TLS from the
    start; `?starttls=off` for a plain relay) and DEFAULT_FROM_EMAIL. Without EMAIL_URL every
    email is written to `REVSIGHT_HOME/outbox/` as an `.eml` file."""
    retired = [name for name in RETIRED_EMAIL_VARIABLES if name in os.environ]
    if retired:
        raise ConfigError(
            f"{retired[0]} is no longer read: set EMAIL_URL=smtp://user:password@host:587 "
            "(smtps://…:465 for TLS from the start) and DEFAULT_FROM_EMAIL instead."
        )
    sender = env_str("DEFAULT_FROM_EMAIL", "Revsight <revsight@localhost>")
    url = env_str("EMAIL_URL").strip()
    if not url:
        return EmailSettings(OUTBOX_BACKEND, "localhost", 25, "", "", False, False, sender)
    return _smtp(url, sender)


def _smtp(url: str, sender: str) -> EmailSettings:
    shown = _without_password(url)
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise ConfigError(
            f"EMAIL_URL={shown!r} is not an SMTP address; use smtp://user:password@host:587 "
            "or smtps://user:password@host:465."
        )
    try:
        port = parts.port
    except ValueError:
        raise ConfigError(f"EMAIL_URL={shown!r} has a port that is not a number.") from None
    if not parts.hostname:
        raise ConfigError(f"EMAIL_URL={shown!r} names no host.")
    implicit = parts.scheme == "smtps"
    options = dict(parse_qsl(parts.query))
    starttls = options.get("starttls", "on").lower()
    if starttls not in TRUE_WORDS | FALSE_WORDS:
        raise ConfigError(f"EMAIL_URL={shown!r}: starttls must be on or off.")
    return EmailSettings(
        backend=SMTP_BACKEND,
        host=parts.hostname,
        port=port or (465 if implicit else 587),
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        use_tls=not implicit and starttls in TRUE_WORDS,
        use_ssl=implicit,
        sender=sender,
    )


def _without_password(url: str) -> str:
    """The URL as error messages show it: the password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def base_url() -> str:
    """REVSIGHT_BASE_URL: where people reach Revsight, for the links in emails."""
    url = env_str("REVSIGHT_BASE_URL", "http://127.0.0.1:8000").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            f"REVSIGHT_BASE_URL={url!r} is not an address such as https://revsight.example.com."
        )
    return url


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
    # Two, so that a page being computed (routine/pages.py) never waits behind a long import.
    workers = env_int("REVSIGHT_WORKER_THREADS", 2, minimum=1)
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
