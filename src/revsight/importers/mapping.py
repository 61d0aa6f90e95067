"""Mapping files: how any CSV or XLSX file's columns and values become a Revsight template.

A mapping is TOML (see docs/import.md and `examples/maven_crm.toml`):

    source = "maven"                 # namespace of external ids; default "csv"
    date_formats = ["%d/%m/%Y"]      # tried before ISO dates (optional)
    stages = ["Prospecting", "Engaging"]  # the order of stages the import creates (optional)

    [lookup.price]                   # a small table to look values up in
    file = "products.csv"
    key = "product"
    value = "sales_price"

    [[file]]
    entity = "opportunities"         # a template entity (revsight template --help)
    file = "sales_pipeline.csv"      # optional when the import is one file
    [file.columns]                   # template column = how to get it from a row
    external_id = "opportunity_id"                       # a column
    name = [{ format = "{product} for {account}" }, "product"]   # first non-blank wins
    owner = { format = "{sales_agent|slug}@example.com" }        # filters: slug lower upper
    amount = ["close_value", { lookup = "price", key = "product" }]
    created_date = ["engage_date", { value = "2017-12-31" }]     # a constant
    [file.replace.product]           # rewrite a source column's values before use
    GTXPro = "GTX Pro"
    [file.values.status]             # translate a template column's values
    Won = "won"

A file may fill several templates (one [[file]] table each); `skip_if_blank = ["engage_date"]`
leaves out the rows where those columns are blank (a stage the deal never reached, say).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from revsight.core.errors import RevsightError
from revsight.importers.schema import ENTITIES


class MappingError(RevsightError):
    """The mapping file itself is wrong; the message names the file and the setting."""

    code = "invalid_mapping"
    status = 400


_PLACEHOLDER = re.compile(r"\{([^{}|]+)(?:\|([a-z]+))?\}")
FILTERS = {
    "slug": lambda s: re.sub(r"[^a-z0-9]+", ".", s.lower()).strip("."),
    "lower": str.lower,
    "upper": str.upper,
    "title": str.title,
}


@dataclass(frozen=True)
class Source:
    """One way of getting a value: a column, a format, a lookup or a constant."""

    kind: str  # column | format | lookup | value
    text: str
    key: str = ""

    def columns(self) -> list[str]:
        if self.kind == "column":
            return [self.text]
        if self.kind == "format":
            return [match.group(1) for match in _PLACEHOLDER.finditer(self.text)]
        if self.kind == "lookup":
            return [self.key]
        return []


@dataclass(frozen=True)
class Lookup:
    file: str
    key: str
    value: str


@dataclass
class FileMapping:
    entity: str
    file: str
    columns: dict[str, list[Source]]
    replace: dict[str, dict[str, str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    # Rows where any of these source columns is blank are not records of this entity.
    skip_if_blank: tuple[str, ...] = ()


@dataclass
class Mapping:
    source: str
    files: list[FileMapping]
    lookups: dict[str, Lookup] = field(default_factory=dict)
    date_formats: tuple[str, ...] = ()
    origin: str = ""
    # Stage names in the order the sales process runs; a stage the import creates takes its
    # place in it (stages not listed go after the open ones, won and lost ones last).
    stages: tuple[str, ...] = ()


def load(path: Path) -> Mapping:
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise MappingError(f"{path}: no such mapping file") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise MappingError(f"{path}: not valid TOML ({exc})") from None
    return parse(document, str(path))


def parse(document: dict[str, Any], origin: str) -> Mapping:
    def fail(where: str, message: str) -> MappingError:
        return MappingError(f"{origin}, {where}: {message}")

    source = str(document.get("source", "csv"))
    if not re.fullmatch(r"[a-z0-9_-]{1,32}", source):
        raise fail("source", f"{source!r} must be 1–32 lower-case letters, digits, - or _")
    lookups = {}
    for name, table in document.get("lookup", {}).items():
        missing = [k for k in ("file", "key", "value") if not table.get(k)]
        if missing:
            raise fail(f"lookup.{name}", f"needs {', '.join(missing)}")
        lookups[name] = Lookup(str(table["file"]), str(table["key"]), str(table["value"]))
    files = []
    entries = document.get("file", [])
    if not entries:
        raise fail("file", "no [[file]] tables: say which template each file fills")
    for number, entry in enumerate(entries, start=1):
        where = f"[[file]] {number}"
        entity = entry.get("entity")
        if entity not in ENTITIES:
            raise fail(where, f"entity {entity!r} is not one of {', '.join(ENTITIES)}")
        known = {column.name for column in ENTITIES[entity].columns}
        columns: dict[str, list[Source]] = {}
        for target, spec in entry.get("columns", {}).items():
            if target not in known:
                raise fail(
                    where,
                    f"{target!r} is not a column of the {entity} template "
                    f"({', '.join(sorted(known))})",
                )
            columns[target] = _sources(spec, lookups, f"{origin}, {where}, {target}")
        for name, table in entry.get("values", {}).items():
            if name not in known:
                raise fail(where, f"values.{name}: not a column of the {entity} template")
            if not isinstance(table, dict):
                raise fail(where, f"values.{name} must be a table of value = replacement")
        files.append(
            FileMapping(
                entity,
                str(entry.get("file", "")),
                columns,
                {
                    k: {str(a): str(b) for a, b in v.items()}
                    for k, v in entry.get("replace", {}).items()
                },
                {
                    k: {str(a): str(b) for a, b in v.items()}
                    for k, v in entry.get("values", {}).items()
                },
                tuple(str(column) for column in entry.get("skip_if_blank", [])),
            )
        )
    formats = tuple(str(f) for f in document.get("date_formats", []))
    stages = document.get("stages", [])
    if not isinstance(stages, list) or not all(isinstance(name, str) for name in stages):
        raise fail("stages", "must be a list of stage names, in the order of the sales process")
    return Mapping(source, files, lookups, formats, origin, tuple(stages))


def _sources(spec: Any, lookups: dict[str, Lookup], where: str) -> list[Source]:
    def fail(message: str) -> MappingError:
        return MappingError(f"{where}: {message}")

    items = spec if isinstance(spec, list) else [spec]
    sources = []
    for item in items:
        if isinstance(item, str):
            sources.append(Source("column", item))
        elif isinstance(item, dict) and "format" in item:
            for match in _PLACEHOLDER.finditer(str(item["format"])):
                if match.group(2) and match.group(2) not in FILTERS:
                    raise fail(f"filter {match.group(2)!r} is not one of {', '.join(FILTERS)}")
            sources.append(Source("format", str(item["format"])))
        elif isinstance(item, dict) and "lookup" in item:
            if item["lookup"] not in lookups:
                raise fail(f"lookup {item['lookup']!r} is not defined under [lookup]")
            sources.append(Source("lookup", str(item["lookup"]), str(item.get("key", ""))))
        elif isinstance(item, dict) and "value" in item:
            sources.append(Source("value", str(item["value"])))
        else:
            raise fail("use a column name, {format=…}, {lookup=…, key=…} or {value=…}")
    return sources


def identity(entity: str, header: list[str]) -> FileMapping:
    """The mapping of a file that already uses a template's column names."""
    columns = {
        column.name: [Source("column", column.name)]
        for column in ENTITIES[entity].columns
        if column.name in header
    }
    return FileMapping(entity, "", columns)


def evaluate(source: Source, row: dict[str, str], tables: dict[str, dict[str, str]]) -> str:
    if source.kind == "column":
        return row.get(source.text, "").strip()
    if source.kind == "value":
        return source.text
    if source.kind == "lookup":
        return tables[source.text].get(row.get(source.key, "").strip(), "")
    parts = []
    position = 0
    for match in _PLACEHOLDER.finditer(source.text):
        value = row.get(match.group(1), "").strip()
        if not value:
            return ""  # a format with a blank part gives way to the next alternative
        if match.group(2):
            value = FILTERS[match.group(2)](value)
        parts.append(source.text[position : match.start()])
        parts.append(value)
        position = match.end()
    parts.append(source.text[position:])
    return "".join(parts)
