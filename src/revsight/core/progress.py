"""How long work says how far it has got: one interface for the domain, two renderings.

An import, the demo build, a replica rebuild or a backtest takes a `Progress` and reports
through it; it never knows who listens. A job's (`jobs.queue.JobProgress`) keeps what it hears
for the pages and `revsight jobs`; the command line's (`cli/progress.py`) draws it as a bar on
a terminal; `SILENT` ignores it (tests, `--format json`, output that is not a terminal).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol


class Progress(Protocol):
    """What long work reports: a step begun (with its size when known), units done in it, a
    note in words, and the counts of what it has made so far (an import's entities)."""

    def start(self, total: int | None, unit: str | None = None, note: str = "") -> None:
        """A step begins: `total` units (None: not known), counted in `unit`s."""

    def advance(self, count: int = 1) -> None:
        """`count` more units of the current step are done."""

    def note(self, text: str) -> None:
        """What is being done now, in words."""

    def tally(self, counts: Mapping[str, int]) -> None:
        """What has been made so far, by kind (`{"opportunities": 12000, …}`)."""


class Silent:
    """Progress that nobody listens to."""

    def start(self, total: int | None, unit: str | None = None, note: str = "") -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass

    def note(self, text: str) -> None:
        pass

    def tally(self, counts: Mapping[str, int]) -> None:
        pass


SILENT = Silent()
