"""Request middleware of Revsight's own."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from revsight.analytics.session import session


class AnalyticsSessionMiddleware:
    """One analytics session per request: however many metrics a page computes, the engine is
    opened and the replica checked once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with session():
            return self.get_response(request)
