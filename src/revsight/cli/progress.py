"""Long commands' progress on a terminal: `core.progress.Progress` drawn with click's bar on
stderr, so stdout keeps only the command's output. Nothing is drawn when stderr is not a
terminal or the command prints JSON."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, TextIO

import click

from revsight.core.progress import SILENT, Progress

# Kinds of record drawn beside a bar: the latest ones.
TALLIED = 4


class Bar:
    """Each step a bar of its own (`start`), or a line of words when its size is unknown."""

    def __init__(self, label: str, stream: TextIO) -> None:
        self.label = label
        self.stream = stream
        self._bar: Any = None
        self._counts = ""

    def start(self, total: int | None, unit: str | None = None, note: str = "") -> None:
        self.close()
        label = note or self.label
        if total is None:
            click.echo(f"  {label}…", file=self.stream)
            return
        self._bar = click.progressbar(
            length=max(total, 1),
            label=f"  {label}",
            file=self.stream,
            show_pos=True,
            show_percent=True,
            item_show_func=lambda _: self._counts or None,
        )
        self._bar.__enter__()
        self._bar.render_progress()

    def advance(self, count: int = 1) -> None:
        if self._bar is not None:
            # An estimated total (a file's lines) may be passed: the bar grows to what was done.
            if self._bar.pos + count > self._bar.length:
                self._bar.length = self._bar.pos + count
            self._bar.update(count)

    def note(self, text: str) -> None:
        self.close()
        click.echo(f"  {text}", file=self.stream)

    def tally(self, counts: Mapping[str, int]) -> None:
        # The latest few kinds, so that the line fits a terminal (a wrapped bar is redrawn
        # on a new line each time).
        shown = [f"{n:,} {name.replace('_', ' ')}" for name, n in counts.items()]
        more = len(shown) > TALLIED
        self._counts = ("…, " if more else "") + ", ".join(shown[-TALLIED:])

    def close(self) -> None:
        """End the step's bar at what was done (an estimated total may have been too high)."""
        if self._bar is not None:
            self._bar.length = max(self._bar.pos, 1)
            self._bar.render_progress()
            self._bar.__exit__(None, None, None)
            self._bar = None


def shown(fmt: str = "text", stream: TextIO | None = None) -> bool:
    """Whether a bar is drawn: on a terminal, unless the output is JSON."""
    target = stream or sys.stderr
    return fmt != "json" and target.isatty()


@contextmanager
def progress_bar(label: str, fmt: str = "text", stream: TextIO | None = None) -> Iterator[Progress]:
    """The progress a long command reports through: a bar on `stream` (stderr) when `shown`,
    else none."""
    target = stream or sys.stderr
    if not shown(fmt, target):
        yield SILENT
        return
    bar = Bar(label, target)
    try:
        yield bar
    finally:
        bar.close()
