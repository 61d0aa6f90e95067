"""Errors that carry what a person needs to fix their input."""

from __future__ import annotations


class RevsightError(Exception):
    """Base of the errors Revsight reports to people in plain words."""


class InvalidInput(RevsightError):
    """One field of a form, a command or a payload holds a value Revsight cannot accept."""

    def __init__(self, field: str, value: str, message: str) -> None:
        self.field = field
        self.value = value
        self.message = message
        shown = f" ({value!r})" if value else ""
        super().__init__(f"{field}{shown} {message}")
