"""The lock files `make install` reads pin every dependency pyproject.toml names: a dependency
added to pyproject.toml alone installs on the machine that added it and on no fresh one."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*")


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _required(requirement: str) -> str:
    match = NAME.match(requirement.strip())
    assert match, requirement
    return _normalised(match.group(0))


def _pinned(lock: str) -> set[str]:
    lines = (ROOT / "requirements" / lock).read_text().splitlines()
    return {_normalised(line.split("==")[0]) for line in lines if "==" in line}


PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


@pytest.mark.parametrize(
    ("lock", "requirements"),
    [
        ("base.lock", PROJECT["dependencies"]),
        ("dev.lock", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
        ("spark.lock", PROJECT["optional-dependencies"]["spark"]),
    ],
)
def test_every_dependency_in_pyproject_is_pinned_in_its_lock(
    lock: str, requirements: list[str]
) -> None:
    missing = {_required(r) for r in requirements} - _pinned(lock)
    assert not missing, f"requirements/{lock} lacks {sorted(missing)}: re-run uv pip compile"
