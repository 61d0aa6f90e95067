"""`revsight serve` end to end: a real gunicorn process serving a demo that a person logs into."""

from __future__ import annotations

import http.cookiejar
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serving import copy_demo, environment, serving

# Slow: starts gunicorn on a copy of the session's demo data directory.
pytestmark = [pytest.mark.slow, pytest.mark.embedded]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, demo_directory: Path) -> Iterator[str]:
    home = tmp_path_factory.mktemp("home")
    # Always the embedded database: this exercises serving, not the database engine.
    env = environment(home)
    copy_demo(demo_directory, home)
    with serving(env) as (url, _):
        yield url
    output = (Path(home) / "serve.log").read_text()
    assert f"at {url}/" in output
    assert "rep@example.com" in output


def test_a_demo_login_lands_on_the_managers_dashboard(server: str) -> None:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{server}/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "username": "manager@example.com",
            "password": "revsight-demo",
            "next": "/",
        }
    ).encode()
    request = urllib.request.Request(
        f"{server}/login/", data, headers={"Referer": f"{server}/login/"}
    )
    page = opener.open(request).read().decode()
    # The first view of a demo nobody has looked at is computed by the worker: the page says so
    # and comes back by itself; reloading stands for the browser's script.
    deadline = time.monotonic() + 120
    while "<h1>Enterprise</h1>" not in page and time.monotonic() < deadline:
        assert "Page progress" in page, page[:2000]
        time.sleep(1)
        page = opener.open(f"{server}/").read().decode()
    assert "<h1>Enterprise</h1>" in page
    assert "Pipeline by stage" in page
    assert "/static/vendor/plotly" in page


def test_static_files_are_served_without_the_development_server(server: str) -> None:
    with urllib.request.urlopen(f"{server}/static/revsight/app.css") as response:
        assert response.status == 200
        assert b".topbar" in response.read()
    # plotly.js comes from the installed plotly package, not from the internet.
    with urllib.request.urlopen(f"{server}/static/vendor/plotly.min.js") as response:
        assert response.status == 200
        assert b"plotly.js" in response.read(2000)
