"""Bounds on everything an import reads, so no file can take a worker's memory or hours of its
time: a line, a field, a zip's expansion and its ratio, a spreadsheet's cells, an upload, the
whole run. Each is checked while reading, before the cost is paid, and refused in words that
name the file (and the row, where there is one)."""

from __future__ import annotations

import csv
import time
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import TextIO

from django.conf import settings

from revsight.core.errors import RevsightError
from revsight.importers.report import Problem

MB = 1024 * 1024
# Characters in one physical line of a CSV, and in one field (a quoted field may span lines).
MAX_LINE = 8 * MB
MAX_FIELD = 1 * MB
# A zip entry expanding more than this many times is a zip bomb, not an export (real CSV
# exports compress 5 to 20 times; XLSX less).
MAX_RATIO = 250
# Cells one spreadsheet may hold, and columns one row may have (Excel's own limit).
MAX_CELLS = 50_000_000
MAX_COLUMNS = 16_384

csv.field_size_limit(MAX_FIELD)


class UnreadableFile(RevsightError):
    """A file that cannot be read as a table at all, or lies beyond a bound; carries the
    problem to report."""

    code = "unreadable_file"
    status = 400

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def upload_limit() -> int:
    return int(settings.REVSIGHT_MAX_UPLOAD_MB) * MB


def bounded_lines(text: TextIO, name: str) -> Iterator[str]:
    """The lines of a text stream, each read no further than `MAX_LINE` characters: a longer
    one is refused before it is held in memory."""
    number = 0
    while line := text.readline(MAX_LINE + 1):
        number += 1
        if len(line) > MAX_LINE and not line.endswith(("\n", "\r")):
            message = f"has a line longer than {MAX_LINE // MB} million characters (line {number})"
            raise UnreadableFile(Problem(name, None, "", "", message))
        yield line


def check_archive(archive: zipfile.ZipFile, label: str) -> None:
    """Refuse a zip whose entries climb out of it, expand beyond the configured total, or
    expand suspiciously many times, before anything is read from it."""
    total = 0
    for entry in archive.infolist():
        path = PurePosixPath(entry.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts:
            message = "is a path outside the archive"
            raise UnreadableFile(Problem(label, None, "", entry.filename, message))
        total += entry.file_size
        if entry.file_size > 10 * MB and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            ratio = entry.file_size // max(entry.compress_size, 1)
            message = f"expands {ratio:,} times its compressed size: refused as a zip bomb"
            raise UnreadableFile(Problem(label, None, "", entry.filename, message))
    allowed = int(settings.REVSIGHT_MAX_UNZIPPED_MB) * MB
    if total > allowed:
        message = (
            f"expands to {total // MB:,} MB, more than the {allowed // MB:,} MB allowed "
            "(REVSIGHT_MAX_UNZIPPED_MB)"
        )
        raise UnreadableFile(Problem(label, None, "", "", message))


class Deadline:
    """An import's wall clock: `check` refuses once the configured limit has passed."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.seconds = int(settings.REVSIGHT_IMPORT_TIME_LIMIT)
        self.ends = time.monotonic() + self.seconds

    def check(self) -> None:
        if time.monotonic() > self.ends:
            message = (
                f"took longer than the {self.seconds:,} s an import may take "
                "(REVSIGHT_IMPORT_TIME_LIMIT); nothing was written"
            )
            raise UnreadableFile(Problem(self.label, None, "", "", message))
