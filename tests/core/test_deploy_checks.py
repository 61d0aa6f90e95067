"""`revsight check --deploy`: each problem of a server others reach is reported with a hint that
names the environment variable to set, fails the command, and the production settings of
docs/deployment.md pass it."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.core.checks import run_checks

from revsight.cli import cli

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": False,
    "SECURE_SSL_REDIRECT": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "SECURE_HSTS_SECONDS": 31536000,
    "ALLOWED_HOSTS": ["revsight.example.com"],
}


SMTP = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend"}


@pytest.fixture(autouse=True)
def _no_async_unsafe_override(monkeypatch: pytest.MonkeyPatch) -> None:
    """The browser tests' Playwright fixture allows the ORM beside its event loop for the rest of
    their worker's session; Django rightly reports that setting (async.E001) in a deployment."""
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)


def deploy_problems(settings: Any, **changed: Any) -> set[str]:
    for name, value in {**PRODUCTION, **changed}.items():
        setattr(settings, name, value)
    found = run_checks(include_deployment_checks=True)
    return {message.id for message in found if not message.is_silenced()}


@pytest.mark.django_db  # the checks include reaching the database
def test_production_settings_raise_no_problem(settings: Any) -> None:
    assert deploy_problems(settings) == set()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changed", "problem"),
    [
        ({"DEBUG": True}, "revsight.W001"),
        ({"SECURE_SSL_REDIRECT": False}, "revsight.W002"),
        ({"SESSION_COOKIE_SECURE": False}, "revsight.W003"),
        ({"CSRF_COOKIE_SECURE": False}, "revsight.W003"),
        ({"SECURE_HSTS_SECONDS": 0}, "revsight.W004"),
        ({"ALLOWED_HOSTS": ["*"]}, "revsight.W005"),
        ({"ALLOWED_HOSTS": ["127.0.0.1", "localhost", "[::1]"]}, "revsight.W005"),
        ({"SECRET_KEY": "x" * 40}, "security.W009"),
        ({"SECRET_KEY": "<64 random characters: python3 -c 'import secrets; …'>"}, "revsight.W006"),
        (SMTP | {"REVSIGHT_BASE_URL": "http://127.0.0.1:8000"}, "revsight.W007"),
        (SMTP | {"REVSIGHT_BASE_URL": "http://localhost:8000"}, "revsight.W007"),
    ],
)
def test_each_problem_is_reported_once_by_its_id(
    settings: Any, changed: dict[str, Any], problem: str
) -> None:
    assert deploy_problems(settings, **changed) == {problem}


@pytest.mark.django_db
def test_email_links_to_the_address_people_use_raise_no_problem(settings: Any) -> None:
    assert (
        deploy_problems(settings, **SMTP, REVSIGHT_BASE_URL="https://revsight.example.com") == set()
    )


@pytest.mark.django_db
def test_the_outbox_needs_no_base_url(settings: Any) -> None:
    """Without EMAIL_URL the emails are files on this machine: a loopback link opens there."""
    assert deploy_problems(settings, REVSIGHT_BASE_URL="http://127.0.0.1:8000") == set()


@pytest.mark.django_db
def test_check_deploy_fails_on_a_development_configuration() -> None:
    result = CliRunner().invoke(cli, ["check", "--deploy"])
    assert result.exit_code == 1
    assert "revsight.W002" in result.output
    assert "REVSIGHT_HTTPS=1" in result.output


def documented_environment() -> dict[str, str]:
    """The production environment file of docs/deployment.md, with its placeholders filled."""
    page = (ROOT / "docs" / "deployment.md").read_text()
    block = re.search(r"```ini\n# revsight\.env\n(.*?)```", page, re.S)
    assert block is not None, "docs/deployment.md has no revsight.env block"
    env = {}
    for line in block.group(1).splitlines():
        if line.strip() and not line.startswith("#"):
            name, value = line.split("=", 1)
            env[name] = secrets.token_urlsafe(50) if value.startswith("<") else value
    return env


@pytest.mark.slow  # two fresh processes
def test_check_deploy_passes_with_the_documented_production_settings(tmp_path: Path) -> None:
    documented = documented_environment()
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "REVSIGHT_HTTPS", "REVSIGHT_HSTS_SECONDS"} <= set(
        documented
    )
    kept = {k: v for k, v in os.environ.items() if k in ("PATH", "PYTHONPATH", "HOME", "LANG")}
    env = kept | documented | {"REVSIGHT_HOME": str(tmp_path)}
    for command in (["init"], ["check", "--deploy"]):
        done = subprocess.run(
            [sys.executable, "-m", "revsight.cli", *command],
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues" in done.stdout
