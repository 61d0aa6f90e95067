"""`revsight token …`: API tokens for other programs (docs/api.md)."""

from __future__ import annotations

import click

from revsight.cli.base import needs_django


@click.group()
def token() -> None:
    """API tokens: other programs act as one person through the JSON API (docs/api.md)."""


@token.command("create")
@click.option("--user", "email", required=True, help="The person the token acts as.")
@click.option("--name", default="", help="What will use it, to tell tokens apart.")
@needs_django
def token_create(email: str, name: str) -> None:
    """Create a token and print it (once: only its digest is kept)."""
    from revsight.access.tokens import create_token

    row, secret = create_token(email, name)
    click.echo(f"Token {row.prefix} for {row.user.email} (shown once, keep it safe):")
    click.echo(secret)


@token.command("list")
@needs_django
def token_list() -> None:
    """Every token: prefix, person, name, created, last used, revoked."""
    from revsight.core.models import ApiToken

    for row in ApiToken.objects.select_related("user"):
        state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "live"
        used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never used"
        click.echo(
            f"{row.prefix}  {row.user.email:<32} {row.name or '—':<20} "
            f"created {row.created_at:%Y-%m-%d}  {used}  {state}"
        )


@token.command("revoke")
@click.argument("prefix")
@needs_django
def token_revoke(prefix: str) -> None:
    """Revoke the token with this prefix; programs using it are refused from now on."""
    from revsight.access.tokens import revoke_token

    row = revoke_token(prefix)
    click.echo(f"Token {row.prefix} of {row.user.email} revoked.")
