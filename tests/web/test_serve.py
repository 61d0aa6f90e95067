"""`revsight serve` end to end: a real gunicorn process serving a demo that a person logs into."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

# Slow: builds a demo and starts gunicorn.
pytestmark = [pytest.mark.slow, pytest.mark.embedded]

REVSIGHT = [sys.executable, "-m", "revsight.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("home")
    # Always the embedded database: this exercises serving, not the database engine.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["REVSIGHT_HOME"] = str(home)
    built = subprocess.run(
        [*REVSIGHT, "demo", "--as-of", "2026-06-30"], env=env, capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    port = free_port()
    log = open(Path(home) / "serve.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [*REVSIGHT, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/login/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.close()
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
