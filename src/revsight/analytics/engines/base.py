"""What every engine shares: its fact tables read once while it is open."""

from __future__ import annotations

import ibis.expr.types as ir


class FactTables:
    """Keeps each fact table an engine has opened: a dashboard asks for the same few tables
    about 150 times, and reading a table's schema again costs a catalogue query each time."""

    name: str

    def __init__(self) -> None:
        self._tables: dict[str, ir.Table] = {}

    def table(self, fact: str) -> ir.Table:
        if fact not in self._tables:
            self._tables[fact] = self.read(fact)
        return self._tables[fact]

    def read(self, fact: str) -> ir.Table:
        raise NotImplementedError
