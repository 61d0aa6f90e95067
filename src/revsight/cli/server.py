"""Serving through gunicorn's Python API, so `revsight serve` needs no separate config file."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication


class _Server(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from revsight.wsgi import application

        return application


# A Unix socket's path must fit in sun_path (108 bytes on Linux, 104 on macOS, with the NUL).
SOCKET_PATH_LIMIT = 100


def options(host: str, port: int, workers: int, home: Path) -> dict[str, Any]:
    """gunicorn's settings for one instance serving the data directory `home`."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    # gunicorn's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl):
    # every instance on the host would share it, and stopping one removes it from under the
    # others. Each data directory has its own; one too deep for a socket path has none.
    control = home / "gunicorn.ctl"
    return {
        "bind": bind,
        "workers": workers,
        "threads": 4,
        "worker_class": "gthread",
        "accesslog": "-",
        "timeout": 120,
        "preload_app": True,
        "control_socket": str(control),
        "control_socket_disable": len(str(control).encode()) > SOCKET_PATH_LIMIT,
    }


def run(host: str, port: int, workers: int, home: Path) -> None:
    _Server(options(host, port, workers, home)).run()


def start_worker() -> subprocess.Popen[bytes]:
    """`revsight worker` in a process of its own beside the server, with the same environment."""
    return subprocess.Popen([sys.executable, "-m", "revsight.cli", "worker"])


def stop_worker(worker: subprocess.Popen[bytes], grace: float = 10.0) -> None:
    """Ask the worker to finish its running jobs (SIGINT), and stop it after `grace` seconds
    (a job it stops then is marked interrupted, its writes undone)."""
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGINT)
    try:
        worker.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
