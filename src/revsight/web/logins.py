"""How django-axes sees a login (settings.AXES_*): whose account, from which address, and the
login page it shows once that account or address is locked (docs/security.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

LOCKED = "Too many failed logins for this account or from this address."
TOO_MANY_REQUESTS = 429


def account_of(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The email tried, as accounts are stored (so `Ann@Acme.test` counts against ann@acme.test)."""
    given = (credentials or {}).get("username") or request.POST.get("username")
    return given.strip().lower() if isinstance(given, str) else None


def address_of(request: HttpRequest) -> str | None:
    """The client's address: behind the HTTPS proxy, the last one it added to X-Forwarded-For
    (the ones before it are whatever the client sent)."""
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if settings.REVSIGHT_BEHIND_PROXY and forwarded.strip():
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR")


def lockout_message() -> str:
    cool_off = settings.AXES_COOLOFF_TIME
    if cool_off is None:
        return f"{LOCKED} Logging in is locked until an administrator unlocks it."
    minutes = max(1, round(cool_off.total_seconds() / 60))
    return (
        f"{LOCKED} Logging in is locked for {minutes} minutes; an administrator can unlock "
        "it sooner."
    )


def locked_out(
    request: HttpRequest, response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The login page again, saying why the login was refused (429, never a bare 403)."""
    form = AuthenticationForm(request, initial={"username": account_of(request, credentials)})
    context = {"form": form, "locked": lockout_message(), "next": request.POST.get("next", "")}
    return render(request, "web/login.html", context, status=TOO_MANY_REQUESTS)
