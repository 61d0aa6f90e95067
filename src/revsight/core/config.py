"""Typed readers for the environment: the only place settings come from.

Each reader fails loudly with the variable's name and what it expected, so a typo in a
deployment is an error at start-up rather than a silently ignored value.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

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
