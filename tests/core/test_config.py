"""Settings come from the environment, typed, and fail loudly with the variable's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from revsight.core import config


def test_booleans_accept_the_usual_words(monkeypatch: pytest.MonkeyPatch) -> None:
    for word, value in [("1", True), ("Yes", True), ("off", False), ("", False)]:
        monkeypatch.setenv("DEBUG", word)
        assert config.env_bool("DEBUG") is value


def test_a_misspelt_boolean_is_an_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DEBUG", "maybe")
    with pytest.raises(config.ConfigError, match="DEBUG='maybe' is not a boolean"):
        config.env_bool("DEBUG")


def test_a_non_numeric_integer_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVSIGHT_WORKERS", "two")
    with pytest.raises(config.ConfigError, match="REVSIGHT_WORKERS='two' is not a whole number"):
        config.env_int("REVSIGHT_WORKERS", 2)


def test_an_integer_below_its_minimum_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVSIGHT_LOGIN_FAILURE_LIMIT", "0")
    with pytest.raises(config.ConfigError, match="REVSIGHT_LOGIN_FAILURE_LIMIT='0' is less than 1"):
        config.env_int("REVSIGHT_LOGIN_FAILURE_LIMIT", 5, minimum=1)


def test_the_secret_key_is_generated_once_into_the_data_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = config.secret_key(tmp_path / "home")
    assert len(first) >= 50
    assert config.secret_key(tmp_path / "home") == first
    assert (tmp_path / "home" / "secret_key").stat().st_mode & 0o777 == 0o600


def test_a_short_secret_key_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "abc")
    with pytest.raises(config.ConfigError, match="SECRET_KEY is shorter than 32 characters"):
        config.secret_key(tmp_path)


def test_the_data_directory_defaults_to_dot_revsight(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REVSIGHT_HOME", raising=False)
    monkeypatch.chdir(tmp_path)
    assert config.data_home() == tmp_path / ".revsight"


def test_database_url_must_name_postgresql() -> None:
    from revsight.settings import _database

    with pytest.raises(config.ConfigError, match="DATABASE_URL must name PostgreSQL"):
        _database("mysql://root@localhost/revsight")
    assert _database("postgresql://app@db:5432/sales")["NAME"] == "sales"


@pytest.mark.django_db
def test_the_embedded_database_uses_wal_and_immediate_transactions() -> None:
    from django.db import connection

    from revsight.settings import _database

    options = _database("")["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20_000


def settings_under(env: dict[str, str], tmp_path: Path) -> dict[str, object]:
    """Django's settings as a fresh process reads them from this environment."""
    import json
    import os
    import subprocess
    import sys

    names = ["SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"]
    names += ["SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD"]
    script = (
        "import json; from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {names!r}}}))"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith(("REVSIGHT_", "SECURE_"))}
    base |= {"DJANGO_SETTINGS_MODULE": "revsight.settings", "REVSIGHT_HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=base | env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout))


def test_https_turns_on_the_redirect_and_secure_cookies_and_hsts_is_its_own(
    tmp_path: Path,
) -> None:
    assert settings_under({}, tmp_path) == {
        "SECURE_SSL_REDIRECT": False,
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_HSTS_SECONDS": 0,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
    }
    on = settings_under({"REVSIGHT_HTTPS": "1", "REVSIGHT_HSTS_SECONDS": "31536000"}, tmp_path)
    assert on == {
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
    }


def test_a_negative_number_of_hsts_seconds_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVSIGHT_HSTS_SECONDS", "-1")
    with pytest.raises(config.ConfigError, match="REVSIGHT_HSTS_SECONDS='-1' is less than 0"):
        config.env_int("REVSIGHT_HSTS_SECONDS", 0, minimum=0)


def test_email_goes_to_the_console_unless_a_host_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "USER", "PASSWORD", "TLS", "SSL", "FROM"):
        monkeypatch.delenv(f"REVSIGHT_EMAIL_{name}", raising=False)
    email = config.email_settings()
    assert email.backend == "django.core.mail.backends.console.EmailBackend"
    assert email.sender == "Revsight <revsight@localhost>"


def test_smtp_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVSIGHT_EMAIL_HOST", "smtp.example.com")
    monkeypatch.setenv("REVSIGHT_EMAIL_USER", "revsight")
    monkeypatch.setenv("REVSIGHT_EMAIL_PASSWORD", "s3cret")
    monkeypatch.setenv("REVSIGHT_EMAIL_SSL", "1")
    monkeypatch.setenv("REVSIGHT_EMAIL_FROM", "Revsight <revsight@example.com>")
    email = config.email_settings()
    assert email == config.EmailSettings(
        backend="django.core.mail.backends.smtp.EmailBackend",
        host="smtp.example.com",
        port=465,
        user="revsight",
        password="s3cret",
        use_tls=False,
        use_ssl=True,
        sender="Revsight <revsight@example.com>",
    )


def test_starttls_and_ssl_together_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVSIGHT_EMAIL_TLS", "1")
    monkeypatch.setenv("REVSIGHT_EMAIL_SSL", "1")
    with pytest.raises(config.ConfigError, match="REVSIGHT_EMAIL_TLS and REVSIGHT_EMAIL_SSL"):
        config.email_settings()
