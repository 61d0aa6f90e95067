"""Running `revsight` as people do, in processes of its own, on the embedded database (whatever
DATABASE_URL the tests run with): a demo data directory, and a server on a free port."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REVSIGHT = [sys.executable, "-m", "revsight.cli"]


# The servers tests start share one collection of the static files (each would otherwise
# compress them again, about 15 s of both cores: `web/collect.py`).
STATIC_ROOT = Path(os.environ.get("REVSIGHT_HOME", ".revsight")).resolve() / "static-for-servers"


def environment(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(REVSIGHT_HOME=str(home), REVSIGHT_STATIC_ROOT=str(STATIC_ROOT), **extra)
    return env


def copy_demo(template: Path, home: Path) -> None:
    """A data directory as `revsight demo --as-of 2026-06-30` leaves it, copied from one built
    once per test session (`demo_directory`): each build costs 10 to 15 s."""
    shutil.copytree(template, home, symlinks=True, dirs_exist_ok=True)


def revsight(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([*REVSIGHT, *args], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(env: dict[str, str], *options: str) -> Iterator[tuple[str, Path]]:
    """`revsight serve [OPTIONS]` on a free port, once it answers: its address and its log."""
    log_path = Path(env["REVSIGHT_HOME"]) / "serve.log"
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [*REVSIGHT, "serve", "--port", str(port), *options],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        _wait_until_it_answers(process, url, log_path)
        try:
            yield url, log_path
        finally:
            process.terminate()
            # Its worker is given 10 s to finish a running job (cli/server.py), then gunicorn
            # stops.
            process.wait(timeout=30)


def _wait_until_it_answers(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Until the login page answers: a busy machine can take many seconds to start gunicorn and
    its worker; a server that stops or never answers fails here, with its log, rather than
    failing the test's first requests."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            stopped = process.returncode
            raise AssertionError(f"revsight serve stopped ({stopped}):\n{log.read_text()}")
        try:
            urllib.request.urlopen(f"{url}/login/", timeout=5)
            return
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise AssertionError(f"revsight serve did not answer within 90 s:\n{log.read_text()}")
