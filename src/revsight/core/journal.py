"""A journal of the writes made through one database connection, kept on disk, to replay them
through another (`core/staging.py`).

It is a Django execute wrapper: every INSERT, UPDATE and DELETE that succeeds is appended, as
the very SQL and parameters Django sent; a statement that fails is not; a rolled-back savepoint
(`get_or_create` losing a race, a nested `atomic` that raised) takes its statements back out, so
the journal holds exactly what the transaction would commit. It also notes which tables were
read and written, for the staging's check that they are unchanged. Entries are pickled to a
file as they come, so memory stays flat however large the import.
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

_QUOTED = re.compile(r'"([^"]+)"')
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class Journal:
    """Writes seen on a connection (install with `connection.execute_wrapper(journal)`)."""

    def __init__(self, path: Path, tables: frozenset[str]) -> None:
        self.path = path
        self.known = tables  # the database's table names, to tell them from columns
        self.read: set[str] = set()
        self.written: set[str] = set()
        self.statements = 0
        self._file: BinaryIO = path.open("w+b")
        self._savepoints: dict[str, tuple[int, int]] = {}

    @property
    def tables(self) -> set[str]:
        """Every table the work read or wrote."""
        return self.read | self.written

    def __call__(
        self,
        execute: Callable[..., Any],
        sql: str,
        params: Any,
        many: bool,
        context: dict[str, Any],
    ) -> Any:
        if many:
            params = list(params)  # it may be a generator: keep what is executed
        result = execute(sql, params, many, context)
        verb = sql.lstrip()[:20].upper()
        if verb.startswith(_WRITES):
            names = self._tables(sql)
            self.written.update(names[:1])  # the statement's target comes first
            self.read.update(names)
            pickle.dump((sql, params, many), self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self.statements += 1
        elif verb.startswith(("SELECT", "WITH")):
            self.read.update(self._tables(sql))
        elif verb.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            self._savepoint(verb, sql)
        return result

    def _tables(self, sql: str) -> list[str]:
        return [name for name in _QUOTED.findall(sql) if name in self.known]

    def _savepoint(self, verb: str, sql: str) -> None:
        found = _QUOTED.search(sql)
        name = found.group(1) if found else sql.split()[-1]
        if verb.startswith("SAVEPOINT"):
            self._savepoints[name] = (self._file.tell(), self.statements)
        elif verb.startswith("ROLLBACK TO") and name in self._savepoints:
            position, self.statements = self._savepoints[name]
            self._file.seek(position)
            self._file.truncate()
        else:
            self._savepoints.pop(name, None)

    def fileno(self) -> int:
        return self._file.fileno()

    def replay(self, cursor: Any) -> int:
        """Execute every entry, in order, through `cursor` (a Django cursor); returns how many."""
        self._file.flush()
        self._file.seek(0)
        done = 0
        while True:
            try:
                sql, params, many = pickle.load(self._file)
            except EOFError:
                return done
            if many:
                cursor.executemany(sql, params)
            else:
                cursor.execute(sql, params)
            done += 1

    def close(self) -> None:
        self._file.close()
        self.path.unlink(missing_ok=True)
