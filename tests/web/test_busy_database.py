"""While another process holds the embedded database's write lock (a long import does), people
still log in, and a write that cannot wait longer gets a clear 503 with Retry-After, in the API's
JSON error shape, never a 500."""

from __future__ import annotations

import http.cookiejar
import json
import re
import sqlite3
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serving import copy_demo, environment, revsight, serving

pytestmark = [pytest.mark.slow, pytest.mark.embedded]


@pytest.fixture(scope="module")
def served(
    tmp_path_factory: pytest.TempPathFactory, demo_directory: Path
) -> Iterator[tuple[str, Path, str]]:
    home = tmp_path_factory.mktemp("busy-home")
    env = environment(home, REVSIGHT_SQLITE_BUSY_TIMEOUT="2")
    copy_demo(demo_directory, home)
    created = revsight(env, "token", "create", "--user", "rep@example.com")
    secret = re.search(r"rs_\S+", created.stdout).group(0)  # type: ignore[union-attr]
    with serving(env) as (url, _):
        yield url, home / "revsight.sqlite3", secret


def _log_in(url: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{url}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "rep@example.com", "password": "revsight-demo"}
    ).encode()
    request = urllib.request.Request(f"{url}/login/", data, headers={"Referer": f"{url}/login/"})
    with opener.open(request) as response:
        return str(response.url)


def test_logins_go_through_and_a_blocked_write_is_a_503_while_the_lock_is_held(
    served: tuple[str, Path, str],
) -> None:
    url, database, secret = served
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # as a running import holds it
    try:
        # A login's bookkeeping waits at most the busy timeout, then is skipped: no error.
        landed = _log_in(url)
        assert "/login/" not in landed
        request = urllib.request.Request(
            f"{url}/api/forecasts/",
            json.dumps({"period": "2026-07", "commit": "1000"}).encode(),
            headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 503
        assert refused.value.headers["Retry-After"] == "5"
        assert json.loads(refused.value.read())["error"]["code"] == "busy"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # Once the lock is released, the same write goes through.
    done = urllib.request.urlopen(request, timeout=30)
    assert done.status == 201
