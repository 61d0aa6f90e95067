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
from django.urls import reverse

from revsight.core.errors import Busy, FieldProblem, RevsightError, TooLarge, error_body
from revsight.importers.limits import MB, upload_limit
from revsight.web.back import back_to


def error_json(
    status: int, code: str, message: str, fields: Sequence[FieldProblem] = ()
) -> JsonResponse:
    """The API's answer for an error that is not a `RevsightError` (no token, wrong method)."""
    return JsonResponse(error_body(code, message, fields), status=status)


def json_for(exc: RevsightError) -> JsonResponse:
    return JsonResponse(exc.as_json(), status=exc.status)


def page_for(request: HttpRequest, exc: RevsightError) -> HttpResponse:
    return error_page(request, exc.status, str(exc))


def error_page(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """The styled page of an error: the navigation, what went wrong, and a way back (to the
    page the person came from when it is this site's, else to the start page)."""
    context = {"status": status, "message": message, "back": back_to(request, reverse("home"))}
    return render(request, "web/error.html", context, status=status)


def _said(exception: Exception | None, default: str) -> str:
    """What a view said when refusing (`PermissionDenied("…")`); Django's own 404s carry the
    URL patterns tried, which are not for people."""
    said = exception.args[0] if exception is not None and exception.args else None
    return said if isinstance(said, str) and said else default


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """`handler403`: a refusal raised as Django's `PermissionDenied`."""
    return error_page(request, 403, _said(exception, "This page is not open to you."))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """`handler404`: no such page, or nothing of that name that you may see."""
    return error_page(request, 404, _said(exception, "There is no page at this address."))


def server_error(request: HttpRequest) -> HttpResponse:
    """`handler500`: the styled page when it can be drawn; when drawing it fails too (the
    database itself may be what failed), plain text rather than a second error."""
    message = "Something went wrong on our side; it has been logged. Try again in a moment."
    try:
        return error_page(request, 500, message)
    except Exception:  # the last resort must answer
        return HttpResponse(message, status=500, content_type="text/plain; charset=utf-8")


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
