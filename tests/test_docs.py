"""Documentation that cannot go stale: every setting and every command is documented."""

from __future__ import annotations

import re
from pathlib import Path

from revsight.cli import cli

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "revsight"


def environment_variables_read() -> set[str]:
    pattern = re.compile(r"""env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"|envvar="([A-Z_]+)\"""")
    names = set()
    for path in [*SOURCE.rglob("*.py"), *(ROOT / "tests").rglob("conftest.py")]:
        for match in pattern.finditer(path.read_text()):
            names.add(match.group(1) or match.group(2))
    return names


def test_every_environment_variable_is_documented() -> None:
    documented = (ROOT / "docs" / "configuration.md").read_text()
    read = environment_variables_read()
    # The scan must find the variables we know are read, or it would pass vacuously.
    assert {"REVSIGHT_HOME", "DATABASE_URL", "SECRET_KEY", "DEBUG", "REVSIGHT_PORT"} <= read
    missing = sorted(name for name in read if f"`{name}`" not in documented)
    assert missing == []


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text()
    missing = [name for name in cli.commands if f"revsight {name}" not in readme]
    assert missing == []


def test_the_readme_gives_the_two_command_quick_start() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "make demo" in readme
    assert "make test" in readme


def test_the_metric_catalogue_page_is_current() -> None:
    from revsight.analytics.docs import render

    written = (ROOT / "docs" / "metrics.md").read_text()
    assert written == render(), (
        "docs/metrics.md is stale: python -m revsight.analytics.docs > docs/metrics.md"
    )


def test_the_import_templates_page_is_current() -> None:
    from revsight.importers.docs import render

    written = (ROOT / "docs" / "templates.md").read_text()
    assert written == render(), (
        "docs/templates.md is stale: python -m revsight.importers.docs > docs/templates.md"
    )
