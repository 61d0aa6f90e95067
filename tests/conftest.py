from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from tests.people import Cast, build_cast

DEMO_AS_OF = date(2026, 6, 30)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    # MD5 hashes new passwords quickly; PBKDF2 still verifies the demo's hashes.
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture(autouse=True)
def _no_cached_dashboards() -> Iterator[None]:
    """Dashboards are cached under the data's version; tests build different data that can
    share a version, so each test starts and ends with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def cast(db: None) -> Cast:
    """A small organisation with one person in every position that visibility cares about."""
    return build_cast()


@pytest.fixture(scope="module")
def demo_org(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
    """The small demo organisation (seed 1, as of 2026-06-30), built once per test module and
    removed afterwards so other modules start from an empty database."""
    from revsight.demo.build import build_demo, wipe_demo

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        build_demo(seed=1, as_of=DEMO_AS_OF)
        yield
        wipe_demo()
        connection.close()


@pytest.fixture
def shared_data() -> Path:
    """The public sales data sets beside the project (../shared/data); tests using them skip,
    saying why, where the folder is absent."""
    from tests.importers.helpers import SHARED_DATA

    if not (SHARED_DATA / "README.md").exists():
        pytest.skip(f"the public sales data sets are not beside the project ({SHARED_DATA})")
    return SHARED_DATA
