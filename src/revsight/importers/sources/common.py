"""Helpers the source modules share."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from revsight.core.errors import FieldProblem, RevsightError
from revsight.importers import values
from revsight.importers.files import Row
from revsight.importers.report import Problem


class RowProblem(RevsightError):
    """Raised inside a source's row mapping; becomes one error naming file, row and field."""

    code = "invalid_input"
    status = 400

    def __init__(self, row: Row, field: str, value: str, message: str) -> None:
        super().__init__(message, [FieldProblem(field, message)])
        self.problem = Problem(row.file, row.number, field, value[:200], message)


def flag(row: Row, column: str) -> bool | None:
    """A yes/no column; None when the file does not have it or leaves it blank."""
    raw = row.get(column)
    if not raw:
        return None
    try:
        return values.boolean(raw)
    except values.BadValue as exc:
        raise RowProblem(row, column, raw, str(exc)) from None


def local_date(row: Row, column: str, zone: str) -> date | None:
    """The organisation's calendar day of a UTC moment (a CRM's CreatedDate, say)."""
    raw = row.get(column)
    try:
        moment = values.timestamp(raw)
    except values.BadValue as exc:
        raise RowProblem(row, column, raw, str(exc)) from None
    return moment.astimezone(ZoneInfo(zone)).date() if moment else None


def number(row: Row, column: str) -> int | None:
    raw = row.get(column)
    try:
        value = values.decimal(raw, places=0)
    except values.BadValue as exc:
        raise RowProblem(row, column, raw, str(exc)) from None
    return int(value) if value is not None else None


def percentage(row: Row, column: str) -> object:
    raw = row.get(column)
    try:
        return values.percent(raw)
    except values.BadValue as exc:
        raise RowProblem(row, column, raw, str(exc)) from None
