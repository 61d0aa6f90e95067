"""Serving through gunicorn's Python API, so `revsight serve` needs no separate config file."""

from __future__ import annotations

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


def run(host: str, port: int, workers: int) -> None:
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    _Server(
        {
            "bind": bind,
            "workers": workers,
            "threads": 4,
            "worker_class": "gthread",
            "accesslog": "-",
            "timeout": 120,
            "preload_app": True,
        }
    ).run()
