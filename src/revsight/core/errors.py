"""The errors Revsight raises on purpose, each with a stable code and an HTTP status.

Every door renders them the same way: the CLI prints the message and exits 2 for bad input,
1 for anything else (`revsight.cli.base.rendered`); the web and the JSON API answer with the status
and, for the API, `{"error": {"code", "message", "fields": [{"path", "message"}]}}`
(`revsight.web.errors`). A test locks both shapes.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FieldProblem:
    """What is wrong with one field: `path` names it as the person typed it (a form field, a
    JSON path such as `commit` or `rows[3].amount`, or a file's column)."""

    path: str
    message: str

    def as_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


def error_body(code: str, message: str, fields: Sequence[FieldProblem] = ()) -> dict[str, Any]:
    """The one JSON shape of an error."""
    return {
        "error": {
            "code": code,
            "message": message,
            "fields": [problem.as_json() for problem in fields],
        }
    }


class RevsightError(Exception):
    """Base of every error Revsight reports to people in plain words."""

    code = "error"
    status = 500

    def __init__(self, message: str, fields: Sequence[FieldProblem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.fields = list(fields)

    def as_json(self) -> dict[str, Any]:
        return error_body(self.code, str(self), self.fields)


class InvalidInput(RevsightError):
    """One field of a form, a command or a payload holds a value Revsight cannot accept."""

    code = "invalid_input"
    status = 400

    def __init__(self, field: str, value: str, message: str) -> None:
        self.field = field
        self.value = value
        shown = f" ({value!r})" if value else ""
        super().__init__(message, [FieldProblem(field, message)])
        # `message` is the part after the field's name; str() is the whole sentence.
        self.args = (f"{field}{shown} {message}",)

    def __str__(self) -> str:
        return str(self.args[0])


def name_hint(name: str, known: Sequence[str], listing: str = "known") -> str:
    """What to say of a name that matches nothing: the close ones, or the first known names."""
    close = difflib.get_close_matches(name, list(known), n=3)
    if close:
        return f"did you mean {' or '.join(repr(c) for c in close)}?"
    more = f" and {len(known) - 10} more" if len(known) > 10 else ""
    return f"{listing}: {', '.join(known[:10]) or 'none'}{more}"


class NotAllowed(RevsightError):
    """The acting person may not make this change or see this record."""

    code = "not_allowed"
    status = 403

    def __init__(self, message: str, field: str | None = None) -> None:
        self.field = field
        super().__init__(message, [FieldProblem(field, message)] if field else [])


class NotFound(RevsightError):
    """What was asked for does not exist, or is not the acting person's to see."""

    code = "not_found"
    status = 404


class Conflict(RevsightError):
    """The change collides with the data as it stands (a record changed meanwhile, a demo that
    refuses real data, a duplicate)."""

    code = "conflict"
    status = 409


class TooLarge(RevsightError):
    """A request, an upload or a file beyond the size Revsight accepts."""

    code = "too_large"
    status = 413


class Busy(RevsightError):
    """A write that waited out the database's busy timeout (another process's long write):
    nothing was saved; try again shortly (503, with Retry-After)."""

    code = "busy"
    status = 503
    retry_after = 5


class Failure(RevsightError):
    """Something outside the input went wrong (an unreadable file, a missing engine): the
    person can do nothing to their input to fix it."""

    code = "failure"
    status = 500
