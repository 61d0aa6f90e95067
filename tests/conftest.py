from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests import databases
from tests.databases import Snapshot
from tests.people import Cast, build_cast

DEMO_AS_OF = date(2026, 6, 30)

# Every measure run from a query kept for its shape is compiled again and compared with it, so
# a shape that leaves out something a measure depends on fails a test (`analytics.compiled`).
os.environ.setdefault("REVSIGHT_CHECK_COMPILED", "1")


@pytest.fixture(scope="session", autouse=True)
def _worker_data_home(worker_id: str) -> Iterator[None]:
    """Under pytest-xdist (`make test` runs a worker per core) each worker keeps its replica
    and its cache in a directory of its own; each has its own test database already. Each
    worker has a core: DuckDB and the numeric libraries get one thread each (with a thread
    per core in every worker, the suite ran about a fifth slower), as do the servers tests
    start."""
    if worker_id == "master":
        yield
        return
    from django.conf import settings
    from django.test import override_settings
    from threadpoolctl import threadpool_limits

    for variable in ("REVSIGHT_ANALYTICS_THREADS", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
        os.environ[variable] = "1"
    threadpool_limits(limits=1)

    home = Path(settings.REVSIGHT_HOME) / worker_id
    home.mkdir(parents=True, exist_ok=True)
    caches = {
        alias: {**cache, "LOCATION": str(home / alias)} for alias, cache in settings.CACHES.items()
    }
    with override_settings(REVSIGHT_HOME=home, CACHES=caches, REVSIGHT_ANALYTICS_THREADS=1):
        yield


@pytest.fixture(autouse=True)
def _jobs_run_in_the_test() -> Iterator[None]:
    """Jobs run as they are queued, in the test's own process and transaction (huey's immediate
    mode, on its in-memory storage); the tests that start `revsight worker` use the real queue."""
    from django.core.cache import caches

    from revsight.jobs.queue import HUEY

    caches["jobs"].clear()  # job ids start again in each test's database
    HUEY.immediate = True
    yield
    HUEY.immediate = False


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: pytest.FixtureRequest) -> None:
    # MD5 hashes new passwords quickly; PBKDF2 still verifies the demo's hashes.
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


# What `_kept_results` watches in a test, and whether `committed_demo` put a demo day there.
_WRITES = pytest.StashKey["_Writes"]()
_ON_A_DEMO_DAY = pytest.StashKey[bool]()


@pytest.fixture(autouse=True)
def _kept_results(request: pytest.FixtureRequest, _demo_data_home: None) -> Iterator[None]:
    """Results are kept (cached) under the data's version, and tests build different data that
    can share a version: each test starts and ends with an empty cache, and starts with no
    replica. Tests on the demo organisation share what they computed, from module to module,
    while none of them writes, as people would: every module starts from the same demo, so
    the same versions. So do the tests on a committed demo of the same day."""
    from django.conf import settings
    from django.core.cache import cache

    on_the_demo = "demo_org" in request.fixturenames
    if not on_the_demo:
        # Nor the replica: its freshness is each fact table's change counter and largest id,
        # and tests that build other rows to the same counts (rolled back, ids reused; or in an
        # earlier run, in the same data directory) would read the last one's copy.
        cache.clear()
        _forget_replica(Path(settings.REVSIGHT_HOME))
    writes = request.node.stash[_WRITES] = _Writes()
    with connection.execute_wrapper(writes):
        yield
    # A committed demo moved the test to its day's data directory (`committed_demo`), whose
    # results, like the demo's, are kept for the next test unless this one wrote.
    shared = on_the_demo or (
        request.node.stash.get(_ON_A_DEMO_DAY, False) and _writes_are_seen_from_every_thread()
    )
    if writes.seen or not shared:
        cache.clear()
        demo_home = request.getfixturevalue("demo_home") if on_the_demo else None
        _forget_replica(demo_home or Path(settings.REVSIGHT_HOME))


def _writes_are_seen_from_every_thread() -> bool:
    """On the in-memory SQLite test database a live server's threads share the test's
    connection, so its statement watcher sees their writes too; elsewhere it could not."""
    return connection.vendor == "sqlite" and connection.is_in_memory_db()


class _Writes:
    """Notices a statement that changes the organisation's data (sessions, login times and
    the login throttle's records, which logging in writes, are not its data; nor are the jobs
    that pages being computed queue: forgetting what was kept at each of them had every role's
    crawl compute its Forecast page and the replica again)."""

    CHANGES = frozenset({"INSERT", "UPDATE", "DELETE", "REPLACE"})
    NOT_DATA = ("django_session", '"last_login"', '"axes_', '"jobs_job"')

    def __init__(self) -> None:
        self.seen = False

    def forget(self) -> None:
        """From here on: what was written before (a demo being built) is the data itself."""
        self.seen = False

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not self.seen:
            words = sql.split(None, 1)
            if words and words[0].upper() in self.CHANGES:
                self.seen = not any(mark in sql for mark in self.NOT_DATA)
        return execute(sql, params, many, context)


@pytest.fixture(autouse=True)
def _demo_data_home(request: pytest.FixtureRequest, settings: Any) -> None:
    """Tests on the demo organisation share a data directory of their own, and so the analytics
    replica built from the demo and the results kept for it (other tests empty theirs)."""
    if "demo_org" in request.fixturenames:
        _work_in(settings, request.getfixturevalue("demo_home"))


@pytest.fixture
def cast(db: None) -> Cast:
    """A small organisation with one person in every position that visibility cares about."""
    return build_cast()


@pytest.fixture(scope="session")
def demo_snapshots(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest
) -> Iterator[tuple[Snapshot, Snapshot]]:
    """The empty database and the small demo organisation (seed 1, as of 2026-06-30), each
    kept once per test session."""
    from revsight.demo.build import build_demo

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        empty = databases.take("empty")
        build_demo(seed=1, as_of=DEMO_AS_OF)
        demo = databases.take("demo")
        databases.restore(empty)
        yield empty, demo
        databases.discard(demo)
        databases.discard(empty)
        connection.close()


@pytest.fixture(scope="session")
def _demo_days(demo_snapshots: tuple[Snapshot, Snapshot]) -> Iterator[dict[date, Snapshot]]:
    """The demo organisation as of each day a test asked for, built once per session."""
    kept = {DEMO_AS_OF: demo_snapshots[1]}
    yield kept
    for day, snapshot in kept.items():
        if day != DEMO_AS_OF:
            databases.discard(snapshot)


@pytest.fixture
def committed_demo(
    _demo_days: dict[date, Snapshot],
    _demo_day_homes: Callable[[date], Path],
    transactional_db: None,
    settings: Any,
    request: pytest.FixtureRequest,
) -> Callable[..., None]:
    """For tests whose data must be committed (a live server in a thread, a browser): puts the
    demo organisation (seed 1) as of a day in the database, as `build_demo` would, from a copy
    kept per day (each build costs about 10 s). The test then works in that day's data
    directory, so that its replica and kept results serve the next test on the same day, as
    `demo_org`'s do, unless a test writes (`_kept_results`)."""
    from revsight.demo.build import build_demo

    def put(as_of: date = DEMO_AS_OF) -> None:
        if as_of in _demo_days:
            databases.restore(_demo_days[as_of])
        else:
            build_demo(seed=1, as_of=as_of)
            _demo_days[as_of] = databases.take(f"demo_{as_of:%Y%m%d}")
        request.node.stash[_WRITES].forget()  # the build's rows are the day's data
        _work_in(settings, _demo_day_homes(as_of))
        request.node.stash[_ON_A_DEMO_DAY] = True

    return put


@pytest.fixture(scope="session")
def _demo_day_homes(
    demo_home: Path, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[date], Path]:
    """Each demo day's data directory; the usual day's is `demo_org`'s, the same data."""
    homes = {DEMO_AS_OF: demo_home}

    def home(day: date) -> Path:
        if day not in homes:
            homes[day] = tmp_path_factory.mktemp(f"demo-home-{day:%Y%m%d}")
        return homes[day]

    return home


def _work_in(settings: Any, home: Path) -> None:
    settings.REVSIGHT_HOME = home
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": str(home / "cache")},
    }


@pytest.fixture(scope="session")
def demo_directory(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory built by `revsight demo --as-of 2026-06-30` on the embedded database,
    once per session, for the tests that run revsight in processes of its own to copy
    (`tests.serving.copy_demo`)."""
    from tests.serving import environment, revsight

    home = tmp_path_factory.mktemp("demo-directory")
    revsight(environment(home), "demo", "--as-of", DEMO_AS_OF.isoformat())
    return home


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("demo-home")


@pytest.fixture(scope="module")
def demo_org(
    demo_snapshots: tuple[Snapshot, Snapshot],
    demo_home: Path,
    django_db_blocker: pytest.FixtureRequest,
) -> Iterator[None]:
    """A fresh copy of the demo organisation for each test module that uses it, replaced by the
    empty database afterwards so other modules start from nothing. The copy is the same demo
    every time, so its replica and kept results (in `demo_home`) stay valid from module to
    module; a test that writes throws them away (`_kept_results`)."""
    from django.core.cache import cache

    from revsight.core.versions import table_versions

    empty, demo = demo_snapshots
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        databases.restore(demo)
        pristine = table_versions()
        yield
        if table_versions() != pristine:  # a module-wide fixture changed the demo for good
            cache.clear()
            _forget_replica(demo_home)
        databases.restore(empty)
        connection.close()


def _forget_replica(home: Path) -> None:
    """A replica built from data a test changed: the change counters, rolled back with the
    test's transaction, cannot tell, so it goes."""
    (home / "analytics.duckdb").unlink(missing_ok=True)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The public sales data sets beside the project (../shared/data); tests using them skip,
    saying why, where the folder is absent, or fail with REVSIGHT_REQUIRE_SHARED_DATA=1 (CI)."""
    from revsight.core.config import env_bool
    from tests.importers.helpers import SHARED_DATA

    if not (SHARED_DATA / "README.md").exists():
        reason = f"the public sales data sets are not beside the project ({SHARED_DATA})"
        if env_bool("REVSIGHT_REQUIRE_SHARED_DATA", False):
            pytest.fail(reason)
        pytest.skip(reason)
    return SHARED_DATA


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Marks that `make test-fast` leaves out: the demo organisation (slow), real browsers,
    Spark and the public data sets (large)."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "demo_org" in names:
            item.add_marker(pytest.mark.slow)
        if "shared_data" in names:
            item.add_marker(pytest.mark.large)
        if "/tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)
        if item.path.name.startswith("test_spark"):
            item.add_marker(pytest.mark.spark)
    # The longest modules first, each kept whole (its fixtures are per module): under xdist the
    # other worker steals the short ones meanwhile, instead of one long test ending the run alone.
    heavy = ("browser", "spark", "embedded")
    items.sort(key=lambda item: not any(item.get_closest_marker(mark) for mark in heavy))
