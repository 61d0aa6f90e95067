"""What the API answers before and after django-ninja: JSON bodies only (415), a bounded body
(413), and the one error shape for the answers Django itself gives on its addresses (404 for
an unknown path, 405 for a method the path does not take, a 500)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from revsight.access.tokens import mark_used
from revsight.api.errors import answer
from revsight.core.bookkeeping import unless_busy
from revsight.core.errors import FieldProblem

PREFIX = "/api/"
WITH_BODY = {"POST", "PUT", "PATCH"}
JSON = "application/json"


class ApiMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        refused = _refused(request)
        response = refused or self.get_response(request)
        token = getattr(request, "auth", None)
        if token is not None and response.status_code < 400:
            unless_busy(lambda: mark_used(token))  # bookkeeping: never fails the request
        return _in_shape(response)


def _refused(request: HttpRequest) -> HttpResponse | None:
    if request.method in WITH_BODY and request.content_type != JSON:
        given = request.content_type or "none"
        return answer(
            415,
            "unsupported_media_type",
            f"Content-Type ({given!r}) must be {JSON}: the API reads JSON only",
            [FieldProblem("Content-Type", f"must be {JSON}")],
        )
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    limit = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0)
    if limit and size > limit:
        return answer(
            413,
            "too_large",
            f"The body is {size:,} bytes; an API request takes up to {limit:,} "
            "(send a batch in parts of at most 1,000 rows)",
            [FieldProblem("body", f"is larger than {limit:,} bytes")],
        )
    return None


def _in_shape(response: HttpResponse) -> HttpResponse:
    """Django's own 404, 405 and 500 answers (HTML or text) in the API's error shape."""
    if response.get("Content-Type", "").startswith(JSON):
        return response
    status = response.status_code
    if status == 404:
        return answer(404, "not_found", "Nothing here: no such address or record.")
    if status == 405:
        allowed = response.get("Allow", "")
        shaped = answer(
            405,
            "method_not_allowed",
            f"This address takes {allowed or 'no method'} only",
            [FieldProblem("method", f"must be {' or '.join(allowed.split(', '))}")],
        )
        shaped["Allow"] = allowed
        return shaped
    if status >= 500:
        return answer(
            status, "failure", "The server failed to answer this request; the failure is logged."
        )
    return response
