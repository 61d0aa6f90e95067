"""Errors as the web answers them: one JSON shape for the API, a plain page for people.

    {"error": {"code": "invalid_input", "message": "commit ('12x') is not an amount",
               "fields": [{"path": "commit", "message": "is not an amount"}]}}

`ErrorMiddleware` turns any `RevsightError` a view lets through into its status (400, 403,
404, 409, 500): a refusal is a 403 page, never a form error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from revsight.core.errors import FieldProblem, RevsightError, error_body


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
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, RevsightError):
            return None
        if request.path.startswith("/api/"):
            return json_for(exc)
        return page_for(request, exc)
