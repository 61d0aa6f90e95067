"""What an import did or would do: counts per entity, errors and warnings.

The JSON form is a contract other tools read; `as_json` is its only producer.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from revsight.importers.schema import WRITE_ORDER

# Enough to fix a file, without printing a million lines for a wholly wrong one.
MAX_ERRORS = 200
TEXT_ERRORS = 25
# Warnings of these kinds are also counted in one sentence (one, many) put first among the
# warnings, since only the first few of a kind are listed.
SUMMARIES = {
    "open-without-close-date": (
        "{count} open deal has no expected close date: it appears in no pipeline figure",
        "{count} open deals have no expected close date: they appear in no pipeline figure",
    ),
    "created-after-close": (
        "{count} deal was created after its close date: its sales cycle comes out negative",
        "{count} deals were created after their close date: their sales cycles come out negative",
    ),
}


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    field: str
    value: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "row": self.row,
            "field": self.field,
            "value": self.value,
            "message": self.message,
        }

    def sentence(self) -> str:
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.field:
            where.append(f"field {self.field}")
        shown = f"{self.value!r} " if self.value else ""
        prefix = ", ".join(where)
        return f"{prefix}: {shown}{self.message}" if prefix else f"{shown}{self.message}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def add(self, other: Any) -> None:
        """Add what a service counted (`core.batches.Counts`)."""
        self.created += other.created
        self.updated += other.updated
        self.unchanged += other.unchanged

    def as_json(self) -> dict[str, int]:
        return {"created": self.created, "updated": self.updated, "unchanged": self.unchanged}


@dataclass
class Report:
    source: str
    dry_run: bool
    entities: dict[str, Counts] = field(default_factory=dict)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    errors_left_out: int = 0
    warnings_left_out: int = 0
    # Warnings that would repeat for every row are counted once per kind.
    _warning_kinds: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.errors_left_out

    def count(self, entity: str) -> Counts:
        if entity not in self.entities:
            self.entities[entity] = Counts()
            # Keep the order records are written in, whatever order they were first counted.
            order = {name: index for index, name in enumerate(WRITE_ORDER)}
            self.entities = dict(
                sorted(self.entities.items(), key=lambda item: order.get(item[0], len(order)))
            )
        return self.entities[entity]

    def error(self, problem: Problem) -> None:
        # A cell read into several records (a HubSpot deal's amount, on each stage it entered)
        # is one problem.
        if problem in self.errors:
            return
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(problem)
        else:
            self.errors_left_out += 1

    def warn(self, problem: Problem, kind: str | None = None) -> None:
        """Record a warning; with `kind`, only the first few of that kind are listed."""
        if kind is not None:
            self._warning_kinds[kind] += 1
            if self._warning_kinds[kind] > 5:
                self.warnings_left_out += 1
                return
        if len(self.warnings) < MAX_ERRORS:
            self.warnings.append(problem)
        else:
            self.warnings_left_out += 1

    def summarise(self) -> None:
        """Put the sentences counting the `SUMMARIES` kinds first among the warnings."""
        sentences = [
            Problem("", None, "", "", forms[count != 1].format(count=f"{count:,}"))
            for kind, forms in SUMMARIES.items()
            if (count := self._warning_kinds[kind])
        ]
        self.warnings[:0] = sentences

    def as_json(self) -> dict[str, Any]:
        return {
            "status": "ok" if self.ok else "invalid",
            "dry_run": self.dry_run,
            "source": self.source,
            "entities": {name: counts.as_json() for name, counts in self.entities.items()},
            "errors": [problem.as_json() for problem in self.errors],
            "warnings": [problem.as_json() for problem in self.warnings],
        }

    def as_text(self) -> str:
        lines: list[str] = []
        if self.ok:
            verb = "Would import" if self.dry_run else "Imported"
            lines.append(f"{verb} from {self.source}:")
            for name, counts in self.entities.items():
                label = name.replace("_", " ")
                lines.append(
                    f"  {label}: {counts.created} created, {counts.updated} updated, "
                    f"{counts.unchanged} unchanged"
                )
            if self.dry_run:
                lines.append("Dry run: nothing was written.")
        else:
            total = len(self.errors) + self.errors_left_out
            lines.append(
                f"Nothing was imported: the {self.source} input has {total} "
                f"error{'s' if total != 1 else ''}. Fix them and run the import again."
            )
            lines.extend(f"  {problem.sentence()}" for problem in self.errors[:TEXT_ERRORS])
            more = total - min(len(self.errors), TEXT_ERRORS)
            if more:
                lines.append(f"  … and {more} more (--format json lists up to {MAX_ERRORS}).")
        if self.warnings:
            lines.append("Warnings:")
            lines.extend(f"  {problem.sentence()}" for problem in self.warnings)
        if self.warnings_left_out:
            lines.append(f"  … and {self.warnings_left_out} more warnings like those above.")
        return "\n".join(lines)
