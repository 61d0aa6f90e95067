"""Every API error in the one shape (`core.errors.error_body`), whoever raises it: Revsight's
own errors, django-ninja's validation and authentication, throttling, the database's busy lock.

    {"error": {"code": "invalid_input", "message": "limit ('0') must be 1 or more",
               "fields": [{"path": "limit", "message": "must be 1 or more"}]}}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from revsight.core.errors import Busy, FieldProblem, RevsightError, error_body

UNAUTHENTICATED = "needs a valid token: Bearer rs_…"
BUSY = (
    "The database is busy with another change (an import, most likely); nothing was saved. "
    "Try again in a few seconds."
)
# Where django-ninja found a parameter: not part of the path a person would type.
SOURCES = {"query", "path", "body", "header", "cookie", "form"}


def answer(
    status: int, code: str, message: str, fields: Sequence[FieldProblem] = ()
) -> JsonResponse:
    return JsonResponse(error_body(code, message, fields), status=status)


def for_error(exc: RevsightError) -> JsonResponse:
    response = JsonResponse(exc.as_json(), status=exc.status)
    if isinstance(exc, Busy):
        response["Retry-After"] = str(Busy.retry_after)
    return response


def path_of(location: Sequence[Any]) -> str:
    """`rows[3].amount` from django-ninja's ("body", "payload", "rows", 3, "amount")."""
    parts = list(location)
    if parts and parts[0] in SOURCES:
        source = parts.pop(0)
        if source == "body" and parts and parts[0] == "payload":
            parts.pop(0)
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "body"


def words(error: dict[str, Any]) -> str:
    """pydantic's message as the rest of a sentence that starts with the field's name."""
    kind = error.get("type", "")
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a field here"
    message = str(error.get("msg", "is not valid"))
    if message.startswith("Input should be "):  # "limit must be less than or equal to 500"
        return "must be " + message.removeprefix("Input should be ")
    return message[:1].lower() + message[1:]


def validation(request: HttpRequest, exc: Any) -> HttpResponse:
    fields = [FieldProblem(path_of(e.get("loc", ())), words(e)) for e in exc.errors]
    first = fields[0] if fields else FieldProblem("body", "is not valid")
    return answer(400, "invalid_input", f"{first.path} {first.message}", fields)


def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        return answer(
            401,
            "unauthenticated",
            f"Authorization {UNAUTHENTICATED}",
            [FieldProblem("Authorization", UNAUTHENTICATED)],
        )
    if isinstance(exc, Throttled):
        return answer(429, "too_many_requests", throttled_message())
    if exc.status_code == 400:  # django-ninja could not read the body as JSON
        return answer(
            400, "invalid_input", "body is not JSON", [FieldProblem("body", "is not JSON")]
        )
    return answer(exc.status_code, "error", str(exc))


def throttled_message() -> str:
    from django.conf import settings

    return (
        f"This token made more than {settings.REVSIGHT_API_RATE_LIMIT:,} requests in the last "
        "minute (REVSIGHT_API_RATE_LIMIT); try again after the seconds in Retry-After."
    )


def revsight_error(request: HttpRequest, exc: Any) -> HttpResponse:
    return for_error(exc)


def operational(request: HttpRequest, exc: Any) -> HttpResponse:
    if "locked" in str(exc):
        return for_error(Busy(BUSY))
    raise exc


def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
    return answer(404, "not_found", "Nothing here: no such address or record.")


def install(api: NinjaAPI) -> None:
    """Each handler takes the exception of the class it is installed for."""
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(ValidationError, validation)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(RevsightError, revsight_error)
    api.add_exception_handler(OperationalError, operational)
