from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from revsight.cli import cli


@pytest.mark.parametrize(
    "command", ["init", "demo", "serve", "createuser", "check", "unlock", "backup", "restore"]
)
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(cli, [command, "--help"], prog_name="revsight")
    assert result.exit_code == 0
    assert "Usage: revsight" in result.output


@pytest.mark.django_db
def test_check_reports_where_the_data_lives() -> None:
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    assert "System check identified no issues" in result.output
    assert "Data: " in result.output


@pytest.mark.django_db
def test_init_can_run_again_safely() -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["init"]).exit_code == 0
    result = runner.invoke(cli, ["init"])
    assert result.exit_code == 0
    assert "Database ready" in result.output


def test_each_data_directory_gets_its_own_gunicorn_control_socket(tmp_path: Path) -> None:
    from revsight.cli.server import options

    first = options("127.0.0.1", 8000, 2, home=tmp_path / "one")
    second = options("127.0.0.1", 8001, 2, home=tmp_path / "two")
    assert first["control_socket"] == str(tmp_path / "one" / "gunicorn.ctl")
    assert second["control_socket"] == str(tmp_path / "two" / "gunicorn.ctl")
    assert not first.get("control_socket_disable")


def test_a_data_directory_too_deep_for_a_socket_turns_the_control_socket_off(
    tmp_path: Path,
) -> None:
    from revsight.cli.server import options

    deep = tmp_path / ("d" * 120)
    # Never the shared default under the home directory.
    assert options("127.0.0.1", 8000, 2, home=deep)["control_socket_disable"] is True
