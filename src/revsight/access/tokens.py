"""API tokens: created for one person, shown once, kept as a SHA-256 digest, revocable.

A token reads `rs_<prefix>_<secret>`: the prefix finds the row, the digest of the whole token
must match (compared in constant time), and a revoked token or an inactive person is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from revsight.core import audit
from revsight.core.errors import InvalidInput, NotAllowed, NotFound
from revsight.core.models import ApiToken
from revsight.org.models import Role, User


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(email: str, name: str = "", *, actor: User | None = None) -> tuple[ApiToken, str]:
    """A new token for the person with this email; returns the row and the token itself (shown
    once: only its digest is kept). With an `actor` (the web), only for the actor themselves."""
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None:
        raise InvalidInput("user", email, "is not the email of an active person here")
    if actor is not None and actor.pk != user.pk:
        raise NotAllowed("A token acts as the person who creates it.", field="user")
    prefix = secrets.token_hex(4)
    token = f"rs_{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user, name=name.strip()[:100], prefix=prefix, digest=_digest(token)
        )
        audit.record(
            "token.create", f"API token {prefix} for {user.email}", actor=actor, target=row
        )
    return row, token


def revoke_token(prefix: str, *, actor: User | None = None) -> ApiToken:
    """Revoke a live token. With an `actor` (the web), their own, or anyone's for an
    administrator; another's is answered as not found."""
    live = ApiToken.objects.filter(prefix=prefix.strip(), revoked_at__isnull=True)
    if actor is not None and not may_manage_all_tokens(actor):
        live = live.filter(user=actor)
    row = live.first()
    if row is None:
        raise NotFound(f"No live token has the prefix {prefix.strip()!r}.")
    with transaction.atomic():
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        audit.record("token.revoke", f"API token {row.prefix} revoked", actor=actor, target=row)
    return row


def may_manage_all_tokens(actor: User) -> bool:
    return actor.role == Role.ADMIN or actor.is_superuser


def tokens_for(viewer: User) -> QuerySet[ApiToken]:
    """The tokens a person sees on the tokens page: their own; an administrator, everyone's."""
    rows = ApiToken.objects.select_related("user").order_by("-created_at", "-id")
    return rows if may_manage_all_tokens(viewer) else rows.filter(user=viewer)


def authenticate(token: str) -> ApiToken | None:
    """The live token (with the person it acts for), or None for an unknown, revoked or
    malformed token or an inactive person."""
    parts = token.strip().split("_")
    if len(parts) < 3 or parts[0] != "rs":
        return None
    row = (
        ApiToken.objects.select_related("user")
        .filter(prefix=parts[1], revoked_at__isnull=True)
        .first()
    )
    if row is None or not hmac.compare_digest(row.digest, _digest(token.strip())):
        return None
    if not row.user.is_active:
        return None
    return row


def mark_used(row: ApiToken) -> None:
    """After a request it made succeeded: a refused request leaves every row as it was."""
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
