from __future__ import annotations

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
