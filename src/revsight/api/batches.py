"""Pushing records from another system: `PUT` a batch of people, accounts, deals or
activities, upserted by (source, external id) — people by email too — through the importers'
writer (`importers.push`), exactly as an import of the same rows by the token's person. All
or nothing: one problem and nothing is stored; the answer lists every problem by its row."""

from typing import Annotated, Any

from django.http import HttpRequest, JsonResponse
from ninja import Field, Router, Schema
from pydantic import ConfigDict, StringConstraints, WithJsonSchema, create_model

from revsight.api.auth import actor
from revsight.api.records import READ_ERRORS
from revsight.api.schemas import Error
from revsight.core.errors import FieldProblem, error_body
from revsight.importers.push import MAX_ROWS, path_of, push
from revsight.importers.report import Problem, Report
from revsight.importers.schema import ENTITIES

# A cell as JSON gives it; the importer's own parsers read it (`55,000`, `2026-03-31`, true).
Value = Annotated[
    str | int | float | bool | None,
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]}),
]
Source = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_-]{1,32}$")]
# The entity each address pushes, in the templates' names.
PATHS = {
    "users": "people",
    "accounts": "accounts",
    "opportunities": "opportunities",
    "activities": "activities",
}


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _row_schema(entity: str) -> type[Schema]:
    fields: dict[str, Any] = {}
    for column in ENTITIES[entity].columns:
        default = ... if column.required else None
        examples = [column.example] if column.example else None
        fields[column.name] = (Value, Field(default, description=column.doc, examples=examples))
    name = "".join(part.title() for part in PATHS[entity].split("_")) + "Row"
    return create_model(name, __base__=Strict, **fields)


def _batch_schema(entity: str) -> type[Schema]:
    row = _row_schema(entity)
    fields: dict[str, Any] = {
        "source": (
            Source,
            Field(
                "api",
                description="Namespace of the external ids: `salesforce` matches "
                "what a Salesforce import wrote",
            ),
        ),
        "dry_run": (bool, Field(False, description="Check and report, store nothing")),
        "rows": (list[row], Field(min_length=1, max_length=MAX_ROWS)),  # type: ignore[valid-type]
    }
    return create_model(f"{row.__name__[:-3]}Batch", __base__=Strict, **fields)


class Counts(Schema):
    created: int
    updated: int
    unchanged: int


class ProblemOut(Schema):
    file: str = Field(description="`rows` for a row of the batch")
    row: int | None = Field(description="The row's position in `rows`, from 0")
    field: str
    value: str
    message: str


class PushReport(Schema):
    status: str = Field(description="ok")
    dry_run: bool
    source: str
    entities: dict[str, Counts] = Field(description="What happened to each kind of record")
    errors: list[ProblemOut]
    warnings: list[ProblemOut]


def refused(report: Report) -> JsonResponse:
    """400 with every problem of the batch by its JSON path (up to the importer's 200)."""
    problems = [_field(problem) for problem in report.errors]
    total = len(report.errors) + report.errors_left_out
    first = problems[0]
    message = (
        f"Nothing was stored: the batch has {total} problem{'s' if total != 1 else ''}; "
        f"the first: {first.path} {first.message}"
    )
    return JsonResponse(error_body("invalid_input", message, problems), status=400)


def _field(problem: Problem) -> FieldProblem:
    shown = f"{problem.value!r} " if problem.value else ""
    return FieldProblem(path_of(problem), f"{shown}{problem.message}")


def _endpoint(router: Router, entity: str) -> None:
    batch = _batch_schema(entity)
    path = PATHS[entity]

    def upsert(request: HttpRequest, payload: Any) -> JsonResponse:
        rows = [row.model_dump(exclude_unset=True) for row in payload.rows]
        report = push(
            entity, rows, source=payload.source, actor=actor(request), dry_run=payload.dry_run
        )
        return JsonResponse(report.as_json()) if report.ok else refused(report)

    upsert.__name__ = f"push_{path}"
    upsert.__doc__ = (
        f"Create or update {path} by external id ({ENTITIES[entity].doc}) Columns as in "
        "docs/templates.md. Managers and administrators, within what they may change."
    )
    upsert.__annotations__ = {"request": HttpRequest, "payload": batch, "return": JsonResponse}
    router.put(
        f"/{path}/",
        response={200: PushReport, **READ_ERRORS, 403: Error, 409: Error, 503: Error},
        tags=[path],
    )(upsert)


def install(router: Router) -> None:
    """Add the pushes to the router that reads the same addresses (one path, one router)."""
    for entity in PATHS:
        _endpoint(router, entity)
