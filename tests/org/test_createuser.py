"""`revsight createuser`: adds a person, or says exactly what is wrong and adds nothing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from revsight.cli import cli
from revsight.core.models import AuditEntry
from revsight.org.models import Role, Team, User

pytestmark = pytest.mark.django_db
PASSWORD = "plum-orchard-42"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["createuser", *args])
    return result.exit_code, result.output


def test_it_creates_a_salesperson_in_a_new_team_under_a_manager() -> None:
    boss = User.objects.create_user("boss@acme.test", "x", role=Role.MANAGER)
    code, output = run(
        "--email",
        "Ann@Acme.test",
        "--role",
        "salesperson",
        "--password",
        PASSWORD,
        "--name",
        "Ann Lee",
        "--team",
        "East",
        "--manager",
        "boss@acme.test",
    )
    assert code == 0, output
    assert "Created team 'East'." in output
    ann = User.objects.get(email="ann@acme.test")
    assert (ann.name, ann.role, ann.team.name, ann.manager) == (
        "Ann Lee",
        "salesperson",
        "East",
        boss,
    )
    assert ann.check_password(PASSWORD)
    assert AuditEntry.objects.get(action="user.create").summary == (
        "ann@acme.test added as Salesperson in East"
    )


def test_an_admin_can_use_the_django_admin() -> None:
    code, _ = run("--email", "ops@acme.test", "--role", "admin", "--password", PASSWORD)
    assert code == 0
    assert User.objects.get(email="ops@acme.test").is_staff


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--email", "not-an-email"], "--email 'not-an-email' is not a valid email address"),
        (["--manager", "nobody@acme.test"], "--manager 'nobody@acme.test' is not the email of"),
        (["--password", "short"], "--password This password is too short."),
        (["--password", "password123"], "This password is too common."),
    ],
)
def test_invalid_input_names_the_field_and_writes_nothing(args: list[str], message: str) -> None:
    base = {
        "--email": "ann@acme.test",
        "--role": "salesperson",
        "--password": PASSWORD,
        "--team": "East",
    }
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    code, output = run(*[part for pair in base.items() for part in pair])
    assert code == 2
    assert message in output
    assert not User.objects.exists()
    assert not Team.objects.exists()
    assert not AuditEntry.objects.exists()


def test_an_email_already_in_use_is_refused() -> None:
    User.objects.create_user("ann@acme.test", "x")
    code, output = run("--email", "ANN@acme.test", "--role", "manager", "--password", PASSWORD)
    assert code == 2
    assert "belongs to someone already" in output


def test_an_unknown_role_is_a_usage_error() -> None:
    code, output = run("--email", "ann@acme.test", "--role", "boss", "--password", PASSWORD)
    assert code == 2
    assert "'boss' is not one of 'executive', 'manager'" in output
