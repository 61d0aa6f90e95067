"""`revsight init` on a database nobody can log in to: it asks for the first administrator at a
terminal, and prints the exact command that creates one anywhere else."""

from __future__ import annotations

import os
import pty
import select
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from revsight.cli import cli
from revsight.org.models import Role, User
from tests.serving import REVSIGHT, environment

PASSWORD = "plum-orchard-42"


@pytest.mark.django_db
def test_init_without_a_terminal_prints_the_command_that_creates_the_first_administrator() -> None:
    result = CliRunner().invoke(cli, ["init"])
    assert result.exit_code == 0, result.output
    home = os.environ.get("REVSIGHT_HOME")
    prefix = f"REVSIGHT_HOME={home} " if home else ""
    assert (
        "Nobody can log in yet. Create the first administrator (it asks the password):\n"
        f"  {prefix}revsight createuser --email you@example.com --role admin --name 'Your Name'\n"
        f"Then serve it: {prefix}revsight serve\n"
    ) in result.output
    assert not User.objects.exists()


@pytest.mark.django_db
def test_init_says_nothing_of_administrators_once_there_is_one() -> None:
    User.objects.create_user("root@acme.test", "x", role=Role.ADMIN)
    result = CliRunner().invoke(cli, ["init"])
    assert result.exit_code == 0, result.output
    assert "createuser" not in result.output
    assert "Nobody can log in" not in result.output


def _at_a_terminal(env: dict[str, str], answers: list[str]) -> tuple[int, str]:
    """`revsight init` with a terminal for stdin, typing `answers` one per prompt."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [*REVSIGHT, "init"], env=env, stdin=follower, stdout=follower, stderr=follower
    )
    os.close(follower)
    seen, pending = b"", list(answers)
    while select.select([leader], [], [], 60)[0]:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the process ended and closed the terminal
            break
        if not chunk:
            break
        seen += chunk
        if pending and chunk.endswith(b": "):  # a prompt, not the echo of an answer
            os.write(leader, pending.pop(0).encode() + b"\n")
    os.close(leader)
    if process.poll() is None:
        process.kill()
    return process.wait(timeout=60), seen.decode().replace("\r\n", "\n")


@pytest.mark.embedded
def test_init_at_a_terminal_asks_again_until_the_first_administrator_is_valid(
    tmp_path: Path,
) -> None:
    env = environment(tmp_path / "home")
    code, output = _at_a_terminal(
        env,
        [
            "not-an-email",
            "",
            PASSWORD,
            PASSWORD,
            "Ada@Acme.test",
            "Ada Lovelace",
            PASSWORD,
            PASSWORD,
        ],
    )
    assert code == 0, output
    assert "Nobody can log in yet: create the first administrator." in output
    assert "email 'not-an-email' is not a valid email address. Try again." in output
    assert "Created ada@acme.test (Administrator)." in output
    assert f"Then serve it: REVSIGHT_HOME={tmp_path / 'home'} revsight serve" in output
    checked = subprocess.run(
        [*REVSIGHT, "createuser", "--email", "ada@acme.test", "--role", "admin",
         "--password", PASSWORD],
        env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert checked.returncode == 2
    assert "belongs to someone already" in checked.stderr
