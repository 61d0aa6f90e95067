"""The API's addresses. Each answers with and without its final slash, so a program that
leaves it off is answered rather than redirected (a redirect turns a POST into a GET)."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, include, path

from revsight.api import legacy
from revsight.api.main import api


def _slashless(patterns: list[URLPattern | URLResolver]) -> list[URLPattern | URLResolver]:
    twins: list[URLPattern | URLResolver] = []
    for pattern in patterns:
        twins.append(pattern)
        route = str(pattern.pattern)
        if isinstance(pattern, URLPattern) and route.endswith("/"):
            twins.append(path(route[:-1], pattern.callback))
    return twins


# Not `app_name` at module level: Django would read it as this module's own namespace.
_v1, _app, _namespace = api.urls
urlpatterns = [
    path("v1/", include((_slashless(_v1), _app), namespace=_namespace)),
    path("forecasts/", legacy.forecasts, name="api-forecasts"),
    path("forecasts", legacy.forecasts),
]
