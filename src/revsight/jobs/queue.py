"""The queue and what the workers share outside the database: the huey instance (configured
once, in `settings.HUEY`), each running job's live progress and each worker's heartbeat, all in
the jobs cache (`settings.CACHES["jobs"]`), so that no update waits for the database's write
lock while an import holds it."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.cache import caches
from huey.contrib.djhuey import HUEY

__all__ = ["HUEY", "JobProgress", "Worker", "alive", "live_progress"]


def _cache() -> Any:
    return caches["jobs"]


def _progress_key(job_id: int) -> str:
    return f"job:{job_id}:progress"


def live_progress(job_id: int) -> dict[str, Any] | None:
    """What a running job last reported: `done`, `total` (None when unknown), `unit`, `note`
    and `counts` (what it has made so far, by kind)."""
    value = _cache().get(_progress_key(job_id))
    return value if isinstance(value, dict) else None


class JobProgress:
    """A running job's progress (`core.progress.Progress`), reported by its task: `total` when
    it is known, then `advance(n)` as the work is done. Kept in the jobs cache only."""

    def __init__(self, job_id: int, unit: str = "steps") -> None:
        self.job_id = job_id
        self.state: dict[str, Any] = {
            "done": 0,
            "total": None,
            "unit": unit,
            "note": "",
            "counts": {},
        }

    def start(self, total: int | None, unit: str | None = None, note: str = "") -> None:
        self.state.update(done=0, total=total, note=note)
        if unit is not None:
            self.state["unit"] = unit
        self._save()

    def advance(self, count: int = 1) -> None:
        done = self.state["done"] + count
        total = self.state["total"]
        # An estimated total (rows in a file) may be passed; it is then at least what was done.
        if total is not None and done > total:
            self.state["total"] = done
        self.state["done"] = done
        self._save()

    def note(self, text: str) -> None:
        self.state["note"] = text
        self._save()

    def complete(self) -> None:
        """The work is done: an estimated total above what was done (a file's lines, where a
        deal's stage history is many lines and one record) becomes what was done, so a
        finished job never reads as stopped short of its end."""
        if self.state["total"] is not None:
            self.state["total"] = self.state["done"]
            self._save()

    def tally(self, counts: Mapping[str, int]) -> None:
        self.state["counts"] = dict(counts)
        self._save()

    def _save(self) -> None:
        _cache().set(_progress_key(self.job_id), dict(self.state), timeout=7 * 24 * 3600)


def _taken_key(job_id: int) -> str:
    return f"job:{job_id}:taken"


def take(job_id: int, worker: str) -> None:
    """Note that `worker` has taken job `job_id` off the queue (before it can mark the job's row
    running, which may wait for the database's write lock)."""
    _cache().set(_taken_key(job_id), worker, timeout=7 * 24 * 3600)


def taker(job_id: int) -> str | None:
    """The worker that took the job off the queue, if one did."""
    value = _cache().get(_taken_key(job_id))
    return value if isinstance(value, str) else None


def on_the_queue() -> set[int]:
    """The jobs whose task waits on the queue, now or later (a retry's delay)."""
    tasks = [*HUEY.pending(), *HUEY.scheduled()]
    return {task.args[0] for task in tasks if task.args and isinstance(task.args[0], int)}


def _heartbeat_key(worker: str) -> str:
    return f"worker:{worker}"


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    return True


def alive(worker: str) -> bool:
    """Whether the worker named `host:pid` still runs: its heartbeat is recent and, when it ran
    on this host, its process exists (so a killed worker is seen at once here, and within three
    heartbeats from anywhere)."""
    host, _, pid = worker.rpartition(":")
    if host == socket.gethostname() and pid.isdigit() and not _pid_running(int(pid)):
        return False
    return _cache().get(_heartbeat_key(worker)) is not None


class Worker:
    """This process as a worker: its name, and a heartbeat thread while it consumes the queue
    (a thread of the worker process, never of a web request)."""

    def __init__(self) -> None:
        self.name = f"{socket.gethostname()}:{os.getpid()}"
        self.interval = int(settings.REVSIGHT_WORKER_HEARTBEAT)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self) -> None:
        _cache().set(_heartbeat_key(self.name), time.time(), timeout=3 * self.interval)

    def start(self) -> None:
        self.beat()
        self._thread = threading.Thread(target=self._run, name="heartbeat", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        _cache().delete(_heartbeat_key(self.name))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.beat()


_current: Worker | None = None


def current_worker() -> str:
    """The name this process runs jobs under (`host:pid`)."""
    return _current.name if _current is not None else Worker().name


def become_worker() -> Worker:
    """Start this process's heartbeat: it runs the queue from now on."""
    global _current
    _current = Worker()
    _current.start()
    return _current
