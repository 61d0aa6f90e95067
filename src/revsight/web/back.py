"""Back links: to the page the person came from, never to another site."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def is_ours(request: HttpRequest, url: str) -> bool:
    """A URL on this site (the host the request was addressed to), in the request's scheme."""
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def local(url: str) -> str:
    """The path and query of a URL already checked to be ours (so a page's link stays
    relative, whatever host name the browser used)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path or "/"


def back_to(request: HttpRequest, default: str) -> str:
    """Where "back" goes: `next` in the address when it is ours, else the referring page when
    it is ours and not this very page, else `default`."""
    asked = request.GET.get("next", "")
    if is_ours(request, asked):
        return local(asked)
    referrer = request.META.get("HTTP_REFERER", "")
    if is_ours(request, referrer) and urlsplit(referrer).path != request.path:
        return local(referrer)
    return default
