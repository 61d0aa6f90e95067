"""Who is asking, and how often: the token in `Authorization: Bearer rs_…` (`access.tokens`),
and a limit on requests per token and minute (`REVSIGHT_API_RATE_LIMIT`)."""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from revsight.access.tokens import authenticate
from revsight.core.models import ApiToken
from revsight.org.models import User

WINDOW = 60  # seconds


class TokenAuth(HttpBearer):
    """The live token, or None (401): unknown, revoked, malformed, or its person inactive."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        return authenticate(token)


def actor(request: HttpRequest) -> User:
    """The person the request's token acts for."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    return token.user


class TokenThrottle(SimpleRateThrottle):
    """At most `REVSIGHT_API_RATE_LIMIT` requests per token in any 60 seconds (0: no limit),
    counted in the shared cache so every worker counts the same; a refusal is 429 with
    Retry-After, the seconds until the oldest request of the window leaves it."""

    def __init__(self) -> None:
        super().__init__(rate=f"{self.limit() or 1}/{WINDOW}s")

    @staticmethod
    def limit() -> int:
        return int(settings.REVSIGHT_API_RATE_LIMIT)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token: Any = getattr(request, "auth", None)
        if token is None or not self.limit():
            return None
        return f"api-rate:{token.prefix}"

    def allow_request(self, request: HttpRequest) -> bool:
        self.num_requests = self.limit()  # read on each request: a setting, not a constant
        return super().allow_request(request)

    def wait(self) -> float | None:
        if not self.history:
            return float(WINDOW)
        return max(1.0, math.ceil(WINDOW - (self.now - self.history[-1])))
