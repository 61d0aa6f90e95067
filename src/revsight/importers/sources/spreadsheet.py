"""Spreadsheets: Revsight's own templates, or any CSV/XLSX through a mapping file.

Without a mapping, each file is read with the template's own column names: the template it is
named after (`opportunities.csv`, `quotas.xlsx`…), or else the one its columns are (a downloaded
template saved as `Q3 deals.csv`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import PurePosixPath

from revsight.importers.base import Context, Record
from revsight.importers.files import Bundle, UnreadableFile
from revsight.importers.mapping import FileMapping, Mapping, evaluate, identity
from revsight.importers.report import Problem
from revsight.importers.schema import ENTITIES, WRITE_ORDER


class Spreadsheet:
    label = "spreadsheets"
    report_as = "csv"
    accounts_by_name = True

    def __init__(self, mapping: Mapping | None) -> None:
        self.mapping = mapping
        self.source = mapping.source if mapping else "csv"
        self.date_formats = mapping.date_formats if mapping else ()
        stages = mapping.stages if mapping else ()
        self.stage_order = {name.lower(): order for order, name in enumerate(stages, start=1)}
        self.entities: tuple[str, ...] = ()
        self.required = "files named after templates (opportunities.csv…) or with their columns"

    def _plan(self, bundle: Bundle) -> list[tuple[str, FileMapping]]:
        """Which file fills which template, in the order they must be written."""
        plan: list[tuple[str, FileMapping]] = []
        if self.mapping is not None:
            for entry in self.mapping.files:
                if entry.file:
                    name = bundle.find(PurePosixPath(entry.file).stem)
                    if name is None:
                        raise UnreadableFile(
                            Problem(
                                entry.file,
                                None,
                                "",
                                "",
                                f"is named in {self.mapping.origin} but is not in "
                                f"the import (found: {', '.join(bundle.names)})",
                            )
                        )
                elif len(bundle.names) == 1:
                    name = bundle.names[0]
                else:
                    raise UnreadableFile(
                        Problem(
                            self.mapping.origin,
                            None,
                            "file",
                            "",
                            f"the {entry.entity} mapping must name its file when the "
                            "import holds several",
                        )
                    )
                plan.append((name, entry))
        else:
            for name in bundle.names:
                header = bundle.header(name)
                plan.append((name, identity(template_of(name, header), header)))
        plan.sort(key=lambda item: WRITE_ORDER.index(item[1].entity))
        self.entities = tuple(dict.fromkeys(entry.entity for _, entry in plan))
        return plan

    def detect(self, bundle: Bundle) -> bool:
        return bool(self._plan(bundle))

    def records(self, bundle: Bundle, context: Context) -> Iterator[Record | Problem]:
        for entity in self._entities_in(bundle):
            context.report.count(entity)
        tables = self._lookups(bundle)
        for name, entry in self._plan(bundle):
            header = bundle.header(name)
            missing = [
                column
                for sources in entry.columns.values()
                for source in sources
                for column in source.columns()
                if column not in header
            ]
            missing += [column for column in entry.replace if column not in header]
            missing += [column for column in entry.skip_if_blank if column not in header]
            for column in dict.fromkeys(missing):
                yield Problem(
                    name,
                    1,
                    column,
                    "",
                    f"is not a column of this file (it has: {', '.join(header)})",
                )
            if missing:
                continue
            for row in bundle.rows(name):
                if any(not row.get(column) for column in entry.skip_if_blank):
                    continue
                values = dict(row.values)
                for column, replacements in entry.replace.items():
                    values[column] = replacements.get(values[column].strip(), values[column])
                cells = {}
                for target, sources in entry.columns.items():
                    value, field = "", sources[0].columns()[0] if sources[0].columns() else target
                    for source in sources:
                        value = evaluate(source, values, tables)
                        if value:
                            field = source.columns()[0] if source.columns() else target
                            break
                    translations = entry.values.get(target)
                    if translations and value:
                        value = translations.get(
                            value,
                            next(
                                (v for k, v in translations.items() if k.lower() == value.lower()),
                                value,
                            ),
                        )
                    cells[target] = (field, value)
                record = Record(entry.entity, name, row.number, cells)
                stage = cells.get("stage", ("", ""))[1].strip().lower()
                if stage in self.stage_order:
                    record.hints["stage_order"] = self.stage_order[stage]
                yield record

    def _entities_in(self, bundle: Bundle) -> tuple[str, ...]:
        self._plan(bundle)
        return self.entities

    def _lookups(self, bundle: Bundle) -> dict[str, dict[str, str]]:
        tables: dict[str, dict[str, str]] = {}
        if self.mapping is None:
            return tables
        for name, lookup in self.mapping.lookups.items():
            found = bundle.find(PurePosixPath(lookup.file).stem)
            if found is None:
                raise UnreadableFile(
                    Problem(
                        lookup.file,
                        None,
                        "",
                        "",
                        f"is the file of lookup {name!r} in "
                        f"{self.mapping.origin} but is not in the import",
                    )
                )
            header = bundle.header(found)
            for column in (lookup.key, lookup.value):
                if column not in header:
                    raise UnreadableFile(
                        Problem(
                            found,
                            1,
                            column,
                            "",
                            f"is not a column of this file (lookup {name!r} needs it)",
                        )
                    )
            tables[name] = {
                row.get(lookup.key): row.get(lookup.value) for row in bundle.rows(found)
            }
        return tables


def template_of(name: str, header: list[str]) -> str:
    """The template a file fills: the one it is named after, or else the one whose required
    columns it all has and which shares the most columns with it. UnreadableFile, naming the
    file, when none fits or two fit equally well."""
    stem = PurePosixPath(name).stem.lower().replace("-", "_").replace(" ", "_")
    if stem in ENTITIES:
        return stem
    given = set(header)
    fits = [
        (len(given & {column.name for column in entity.columns}), entity.name)
        for entity in ENTITIES.values()
        if all(column.name in given for column in entity.columns if column.required)
    ]
    fits.sort(key=lambda fit: (-fit[0], WRITE_ORDER.index(fit[1])))
    if fits and fits[0][0] > 0 and (len(fits) == 1 or fits[1][0] < fits[0][0]):
        return fits[0][1]
    if fits and fits[0][0] > 0:
        tied = [entity for shared, entity in fits if shared == fits[0][0]]
        why = (
            f"has the columns of {' and '.join(tied)} alike: name the file after the one it "
            f"is ({' or '.join(f'{entity}.csv' for entity in tied)})"
        )
    else:
        why = (
            "is named after no template and lacks the required columns of every one "
            f"(it has: {', '.join(header) or 'no header'}; the templates are on the Import page)"
        )
    raise UnreadableFile(Problem(name, 1, "", "", why))
