"""What a person points an importer at: a directory, a `.zip` or one file.

Files are found by name case-insensitively (Salesforce writes `Opportunity.csv` one week and
`opportunity.csv` the next) and read as a stream of rows, never whole. Row numbers are the ones
a spreadsheet shows for the record: the header is row 1, the first record row 2.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from revsight.importers import limits
from revsight.importers.limits import UnreadableFile
from revsight.importers.report import Problem

TABULAR = (".csv", ".txt", ".xlsx")
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Row:
    file: str
    number: int
    values: dict[str, str]

    def get(self, *columns: str) -> str:
        """The first non-blank of these columns, stripped ("" when none is)."""
        for column in columns:
            value = self.values.get(column)
            if value is not None and value.strip():
                return value.strip()
        return ""


class Bundle:
    """The files of one import, by their base name."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist")
        self._openers: dict[str, Callable[[], IO[bytes]]] = {}
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.suffix.lower() in TABULAR:
                    self._openers.setdefault(child.name, _file_opener(child))
        elif path.suffix.lower() == ".zip":
            try:
                archive = zipfile.ZipFile(path)
            except zipfile.BadZipFile:
                raise UnreadableFile(
                    Problem(path.name, None, "", "", "is not a readable zip archive")
                ) from None
            with archive:
                limits.check_archive(archive, path.name)
                for member in archive.namelist():
                    name = PurePosixPath(member).name
                    if not member.endswith("/") and PurePosixPath(name).suffix.lower() in TABULAR:
                        self._openers.setdefault(name, _zip_opener(path, member))
        else:
            self._openers[path.name] = _file_opener(path)

    @property
    def names(self) -> list[str]:
        return list(self._openers)

    def find(self, *stems: str) -> str | None:
        """The file whose name without extension is one of `stems`, ignoring case."""
        wanted = {stem.lower() for stem in stems}
        for name in self._openers:
            if PurePosixPath(name).stem.lower() in wanted:
                return name
        return None

    def find_containing(self, *words: str) -> list[str]:
        """Files whose name contains any of `words`, ignoring case."""
        return [name for name in self._openers if any(word in name.lower() for word in words)]

    def line_count(self) -> int:
        """Lines in the CSV files below their headers (XLSX left out): an estimate of the
        records, for progress (a quoted field may span lines)."""
        total = 0
        for name, opener in self._openers.items():
            if not name.lower().endswith(".xlsx"):
                lines = 0
                with opener() as raw:
                    while chunk := raw.read(_CHUNK):
                        lines += chunk.count(b"\n")
                total += max(lines - 1, 0)
        return total

    def header(self, name: str) -> list[str]:
        return next(self._tables(name))[1]

    def rows(self, name: str) -> Iterator[Row]:
        """Each record of the file as a Row; a malformed record raises UnreadableFile."""
        number = 1
        tables = self._tables(name)
        _, header = next(tables)
        width = len(header)
        for number, cells in tables:
            if not cells or all(not cell.strip() for cell in cells):
                continue
            if len(cells) != width:
                if len(cells) > width and not any(cell.strip() for cell in cells[width:]):
                    cells = cells[:width]
                else:
                    raise UnreadableFile(
                        Problem(
                            name,
                            number,
                            header[-1] if len(cells) > width else header[len(cells)],
                            "",
                            f"has {len(cells)} fields where the header has {width}; "
                            "a quote may be missing or unbalanced",
                        )
                    )
            yield Row(name, number, dict(zip(header, cells, strict=True)))

    def _tables(self, name: str) -> Iterator[tuple[int, list[str]]]:
        opener = self._openers[name]
        if name.lower().endswith(".xlsx"):
            yield from _xlsx_rows(name, opener)
            return
        encoding = _encoding(name, opener)
        with opener() as raw:
            text = io.TextIOWrapper(raw, encoding=encoding, newline="")
            reader = csv.reader(limits.bounded_lines(text, name))
            number = 0
            try:
                for number, cells in enumerate(reader, start=1):
                    if number == 1:
                        header = [cell.strip() for cell in cells]
                        if not any(header):
                            raise UnreadableFile(Problem(name, 1, "", "", "has no header row"))
                        _check_header(name, header)
                        yield number, header
                    else:
                        yield number, cells
            except csv.Error as exc:
                raise UnreadableFile(
                    Problem(name, number + 1, "", "", f"cannot be read as CSV: {exc}")
                ) from None
            if number == 0:
                raise UnreadableFile(Problem(name, None, "", "", "is empty"))


def _check_header(name: str, header: list[str]) -> None:
    seen: set[str] = set()
    for column in header:
        if column in seen and column:
            raise UnreadableFile(
                Problem(name, 1, column, column, "appears twice in the header row")
            )
        seen.add(column)


def _file_opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: path.open("rb")


def _zip_opener(archive: Path, member: str) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        zipped = zipfile.ZipFile(archive)
        return zipped.open(member)

    return opener


def _encoding(name: str, opener: Callable[[], IO[bytes]]) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1252, decided on the whole file."""
    with opener() as raw:
        first = raw.read(_CHUNK)
        marked = first.startswith(codecs.BOM_UTF8)
        position = _first_undecodable("utf-8", first[3:] if marked else first, raw)
    if position is None:
        return "utf-8-sig" if marked else "utf-8"
    if marked:
        raise UnreadableFile(
            Problem(name, None, "", "", f"starts as UTF-8 but byte {position + 3} is not UTF-8")
        )
    with opener() as raw:
        if _first_undecodable("cp1252", raw.read(_CHUNK), raw) is not None:
            raise UnreadableFile(
                Problem(name, None, "", "", "is neither UTF-8 nor Windows-1252 text")
            )
    return "cp1252"


def _first_undecodable(encoding: str, first: bytes, rest: IO[bytes]) -> int | None:
    """The offset of the first byte that does not decode, or None when all of it does."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset, chunk = 0, first
    try:
        while chunk:
            decoder.decode(chunk)
            offset += len(chunk)
            chunk = rest.read(_CHUNK)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return offset + exc.start
    return None


def _xlsx_rows(name: str, opener: Callable[[], IO[bytes]]) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    with opener() as raw:
        content = io.BytesIO(raw.read())
    try:
        with zipfile.ZipFile(content) as parts:  # an XLSX is a zip of XML parts
            limits.check_archive(parts, name)
        book = load_workbook(content, read_only=True, data_only=True)
    except UnreadableFile:
        raise
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise UnreadableFile(
            Problem(name, None, "", "", f"is not a readable XLSX workbook ({exc})")
        ) from None
    width = 0
    for number, values in enumerate(sheet_values(book, name), start=1):
        cells = [_cell_text(value) for value in values]
        if number == 1:
            while cells and not cells[-1]:
                cells.pop()
            width = len(cells)
            header = [cell.strip() for cell in cells]
            _check_header(name, header)
            yield number, header
        else:
            cells = cells[:width] + [""] * (width - len(cells))
            yield number, cells
    book.close()


def sheet_values(book: Any, name: str) -> Iterator[tuple[Any, ...]]:
    """The values of the workbook's first sheet, row by row, as many as the file holds: its
    declared range is not trusted (A1:XFD1048576 would pad every row to 16,384 cells and go on
    for a million rows), and the cells are counted against `limits.MAX_CELLS`."""
    sheet = book.worksheets[0]
    sheet.reset_dimensions()
    cells = 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells += len(values)
        if len(values) > limits.MAX_COLUMNS or cells > limits.MAX_CELLS:
            message = (
                f"holds more than {limits.MAX_CELLS:,} cells or a row of more than "
                f"{limits.MAX_COLUMNS:,} columns"
            )
            raise UnreadableFile(Problem(name, number, "", "", message))
        yield values


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == datetime.min.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def estimated_records(path: Path) -> int:
    """Roughly how many records an import holds (its CSV lines), for a progress bar."""
    try:
        return Bundle(path).line_count()
    except (UnreadableFile, FileNotFoundError):
        return 0
