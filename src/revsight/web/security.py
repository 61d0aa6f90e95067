"""The security headers of every answer Revsight gives.

- `Content-Security-Policy` from `settings.SECURE_CSP` (the setting's name and shape are those
  of Django 6's built-in middleware, which can replace this one after an upgrade);
- `Permissions-Policy` from `settings.REVSIGHT_PERMISSIONS_POLICY`: the browser features
  Revsight never uses, turned off;
- `Cache-Control: no-store` (Django's "never cache") on every response to a logged-in person
  or to a request with credentials (an API token), so a shared computer's cache, a proxy or
  the back button after logging out shows nothing.

HSTS, the HTTPS redirect, `X-Content-Type-Options`, `Referrer-Policy` and
`Cross-Origin-Opener-Policy` are Django's `SecurityMiddleware`'s; `X-Frame-Options` is its
clickjacking middleware's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


def policy(directives: Mapping[str, Sequence[str]]) -> str:
    """`{"script-src": ["'self'"], …}` as a header value: `script-src 'self'; …`."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def permissions(features: Mapping[str, Sequence[str]]) -> str:
    """`{"camera": [], "fullscreen": ["self"]}` as `camera=(), fullscreen=(self)`."""
    return ", ".join(f"{name}=({' '.join(allowed)})" for name, allowed in features.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = policy(settings.SECURE_CSP)
        self.permissions = permissions(settings.REVSIGHT_PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.csp)
        response.setdefault("Permissions-Policy", self.permissions)
        # No user when the answer came before authentication (a static file, a refused host).
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META:
            add_never_cache_headers(response)
        return response
