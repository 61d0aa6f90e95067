"""Errors as the web answers them: one JSON shape for the API, a plain page for people.

    {"error": {"code": "invalid_input", "message": "commit ('12x') is not an amount",
               "fields": [{"path": "commit", "message": "is not an amount"}]}}

`ErrorMiddleware` turns any `RevsightError` a view lets through into its status (400, 403,
404, 409, 500): a refusal is a 403 page, never a form error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.db import OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from revsight.core.errors import Busy, FieldProblem, RevsightError, TooLarge, error_body
from revsight.importers.limits import MB, upload_limit


def error_json(
    status: int, code: str, message: str, fields: Sequence[FieldProblem] = ()
) -> JsonResponse:
    """The API's answer for an error that is not a `RevsightError` (no token, wrong method)."""
    return JsonResponse(error_body(code, message, fields), status=status)


def json_for(exc: RevsightError) -> JsonResponse:
    return JsonResponse(exc.as_json(), status=exc.status)


def page_for(request: HttpRequest, exc: RevsightError) -> HttpResponse:
    return render(
        request, "web/error.html", {"status": exc.status, "message": str(exc)}, status=exc.status
    )


class ErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Before anything reads the body (the CSRF check parses a form, uploads included).
        too_large = _too_large(request)
        if too_large is not None:
            return self.answer(request, too_large)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if isinstance(exc, OperationalError) and "locked" in str(exc):
            exc = Busy(
                "The database is busy with another change (an import, most likely); nothing was "
                "saved. Try again in a few seconds."
            )
        if not isinstance(exc, RevsightError):
            return None
        response = self.answer(request, exc)
        if isinstance(exc, Busy):
            response["Retry-After"] = str(Busy.retry_after)
        return response

    @staticmethod
    def answer(request: HttpRequest, exc: RevsightError) -> HttpResponse:
        if request.path.startswith("/api/"):
            return json_for(exc)
        return page_for(request, exc)


def _too_large(request: HttpRequest) -> TooLarge | None:
    """A body beyond `REVSIGHT_MAX_UPLOAD_MB`, refused from its Content-Length alone."""
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None  # Django refuses a malformed length itself
    limit = upload_limit()
    if size <= limit:
        return None
    return TooLarge(
        f"The upload is {size / MB:,.0f} MB; Revsight accepts up to {limit // MB:,} MB at once "
        "(REVSIGHT_MAX_UPLOAD_MB). Import a larger export on the server with `revsight import`."
    )
