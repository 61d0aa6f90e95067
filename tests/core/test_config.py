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


@pytest.fixture
def no_email_settings(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("EMAIL_URL", "DEFAULT_FROM_EMAIL", *config.RETIRED_EMAIL_VARIABLES):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_email_goes_to_the_outbox_unless_a_url_is_given(
    no_email_settings: pytest.MonkeyPatch,
) -> None:
    email = config.email_settings()
    assert email.backend == "revsight.core.outbox.OutboxBackend"
    assert email.sender == "Revsight <revsight@localhost>"


def test_smtp_settings_come_from_the_email_url(no_email_settings: pytest.MonkeyPatch) -> None:
    # %-escapes are decoded: a user name that is an address, a password with @ and /.
    no_email_settings.setenv("EMAIL_URL", "smtp://revsight%40example.com:p%40ss%2Fw@mail.test:2525")
    no_email_settings.setenv("DEFAULT_FROM_EMAIL", "Revsight <revsight@example.com>")
    assert config.email_settings() == config.EmailSettings(
        backend="django.core.mail.backends.smtp.EmailBackend",
        host="mail.test",
        port=2525,
        user="revsight@example.com",
        password="p@ss/w",
        use_tls=True,
        use_ssl=False,
        sender="Revsight <revsight@example.com>",
    )


def test_smtps_is_tls_from_the_start_on_465(no_email_settings: pytest.MonkeyPatch) -> None:
    no_email_settings.setenv("EMAIL_URL", "smtps://u:p@mail.test")
    email = config.email_settings()
    assert (email.port, email.use_ssl, email.use_tls) == (465, True, False)


def test_a_plain_relay_turns_starttls_off(no_email_settings: pytest.MonkeyPatch) -> None:
    no_email_settings.setenv("EMAIL_URL", "smtp://localhost:25?starttls=off")
    email = config.email_settings()
    assert (email.host, email.port, email.use_tls, email.user) == ("localhost", 25, False, "")


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.test", "is not an SMTP address"),
        ("smtp://u:secret@mail.test:port", "has a port that is not a number"),
        ("smtp://", "names no host"),
        ("smtp://mail.test?starttls=maybe", "starttls must be on or off"),
    ],
)
def test_a_bad_email_url_is_refused_without_its_password(
    no_email_settings: pytest.MonkeyPatch, url: str, message: str
) -> None:
    no_email_settings.setenv("EMAIL_URL", url)
    with pytest.raises(config.ConfigError, match=message) as caught:
        config.email_settings()
    assert "secret" not in str(caught.value)


def test_the_retired_email_variables_are_refused_with_the_replacement(
    no_email_settings: pytest.MonkeyPatch,
) -> None:
    no_email_settings.setenv("REVSIGHT_EMAIL_HOST", "smtp.example.com")
    with pytest.raises(
        config.ConfigError, match="REVSIGHT_EMAIL_HOST is no longer read: set EMAIL_URL"
    ):
        config.email_settings()


def test_the_base_url_must_be_an_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REVSIGHT_BASE_URL", "https://revsight.example.com/")
    assert config.base_url() == "https://revsight.example.com"
    monkeypatch.setenv("REVSIGHT_BASE_URL", "revsight.example.com")
    with pytest.raises(config.ConfigError, match=r"REVSIGHT_BASE_URL='revsight\.example\.com'"):
        config.base_url()
