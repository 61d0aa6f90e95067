"""`revsight createuser`: adds a person, or says exactly what is wrong and adds nothing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from revsight.cli import cli
from revsight.core.models import AuditEntry, Organisation
from revsight.org.models import Role, Team, User

pytestmark = pytest.mark.django_db
PASSWORD = "plum-orchard-42"


def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["createuser", *args], input=stdin)
    return result.exit_code, result.output


def refusal(password: str) -> str:
    """What createuser says about this password for ann@acme.test (nothing is written)."""
    code, output = run("--email", "ann@acme.test", "--role", "salesperson", "--password", password)
    assert code == 2
    assert not User.objects.exists()
    return output


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


def test_the_published_demo_password_is_refused() -> None:
    assert refusal("revsight-demo") == (
        "Error: --password This password is the demo organisation's published password; "
        "choose another.\n"
    )


def test_the_demo_password_is_refused_in_any_case() -> None:
    assert "the demo organisation's published password" in refusal(" Revsight-Demo ")


def test_the_demo_organisation_may_give_its_published_password() -> None:
    Organisation.objects.create(name="Northwind Solutions (demo)", is_demo=True)
    code, output = run(
        "--email", "ann@acme.test", "--role", "salesperson", "--password", "revsight-demo"
    )
    assert code == 0, output


def test_the_email_as_password_is_refused() -> None:
    assert refusal("ann@acme.test") == (
        "Error: --password The password is too similar to the email.\n"
    )


def test_an_eight_digit_number_is_refused() -> None:
    assert refusal("83920174") == (
        "Error: --password This password is too short. It must contain at least 12 characters. "
        "This password is entirely numeric.\n"
    )


def test_a_long_number_is_refused() -> None:
    assert refusal("839201749355") == "Error: --password This password is entirely numeric.\n"


def test_a_password_shorter_than_twelve_characters_is_refused() -> None:
    assert refusal("plum-orch42") == (
        "Error: --password This password is too short. It must contain at least 12 characters.\n"
    )


def test_a_common_password_is_refused() -> None:
    assert refusal("password1234") == "Error: --password This password is too common.\n"


def test_the_password_can_be_typed_at_a_hidden_prompt() -> None:
    code, output = run(
        "--email", "ann@acme.test", "--role", "manager", stdin=f"{PASSWORD}\n{PASSWORD}\n"
    )
    assert code == 0, output
    assert "Password: \nRepeat for confirmation: \n" in output
    assert PASSWORD not in output
    assert User.objects.get(email="ann@acme.test").check_password(PASSWORD)


def test_a_mistyped_confirmation_is_asked_again() -> None:
    typed = f"{PASSWORD}\nplum-orchard-43\n{PASSWORD}\n{PASSWORD}\n"
    code, output = run("--email", "ann@acme.test", "--role", "manager", stdin=typed)
    assert code == 0, output
    assert "Error: The two entered values do not match." in output


def test_the_password_can_be_read_from_stdin() -> None:
    code, output = run(
        "--email", "ann@acme.test", "--role", "manager", "--password-stdin", stdin=f"{PASSWORD}\n"
    )
    assert code == 0, output
    assert User.objects.get(email="ann@acme.test").check_password(PASSWORD)


def test_a_password_from_stdin_is_validated_too() -> None:
    code, output = run(
        "--email", "ann@acme.test", "--role", "manager", "--password-stdin", stdin="revsight-demo\n"
    )
    assert code == 2
    assert "the demo organisation's published password" in output


def test_a_password_on_the_command_line_and_stdin_is_refused() -> None:
    code, output = run(
        "--email", "ann@acme.test", "--role", "manager", "--password", PASSWORD,
        "--password-stdin", stdin=f"{PASSWORD}\n",
    )  # fmt: skip
    assert code == 2
    assert "Give the password with --password or --password-stdin, not both." in output
    assert not User.objects.exists()


def test_the_help_warns_that_a_password_option_reaches_the_shell_history() -> None:
    result = CliRunner().invoke(cli, ["createuser", "--help"], terminal_width=200)
    assert "shell history" in result.output
    assert "--password-stdin" in result.output


def test_a_manager_created_with_manager_of_manages_the_team_and_lands_on_its_dashboard() -> None:
    from revsight.analytics.dashboard_scope import landing_scope

    Organisation.current()
    code, output = run(
        "--email",
        "lee@acme.test",
        "--role",
        "manager",
        "--name",
        "Lee Chan",
        "--manager-of",
        "West",
        "--password",
        PASSWORD,
    )
    assert code == 0, output
    assert "Created team 'West'." in output
    assert "Lee Chan manages West and lands on its dashboard." in output
    west = Team.objects.get(name="West")
    lee = User.objects.get(email="lee@acme.test")
    assert (west.manager, lee.team) == (lee, west)
    scope = landing_scope(lee)
    assert scope is not None
    assert (scope.kind, scope.team) == ("team", west)
    assert AuditEntry.objects.get(action="user.create").summary == (
        "lee@acme.test added as Sales manager in West, managing West"
    )


def test_a_manager_of_an_existing_team_keeps_the_team_given_with_team() -> None:
    Team.objects.create(name="Americas")
    code, output = run(
        "--email", "kim@acme.test", "--role", "manager", "--team", "West",
        "--manager-of", "Americas", "--password", PASSWORD,
    )  # fmt: skip
    assert code == 0, output
    kim = User.objects.get(email="kim@acme.test")
    assert (kim.team.name, Team.objects.get(name="Americas").manager) == ("West", kim)


def test_manager_of_is_refused_for_a_salesperson_and_nothing_is_written() -> None:
    code, output = run(
        "--email", "ann@acme.test", "--role", "salesperson", "--manager-of", "West",
        "--password", PASSWORD,
    )  # fmt: skip
    assert code == 2
    assert "--manager-of 'West' is for a manager, an executive or an administrator" in output
    assert not User.objects.exists()
    assert not Team.objects.exists()


def test_a_manager_made_a_member_of_a_team_is_told_how_to_make_her_its_manager() -> None:
    code, output = run(
        "--email", "lee@acme.test", "--role", "manager", "--team", "West", "--password", PASSWORD
    )
    assert code == 0, output
    assert "is a member of West, not its manager: create managers with --manager-of 'West'" in (
        output
    )
    assert Team.objects.get(name="West").manager is None
