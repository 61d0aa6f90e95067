"""`revsight unlock`: the administrator's side of login throttling (docs/security.md)."""

from __future__ import annotations

import click

from revsight.cli.base import BadInput, needs_database


@click.command()
@click.argument("email", required=False)
@click.option("--address", help="Unlock an address (IP) instead of an account.")
@needs_database
def unlock(email: str | None, address: str | None) -> None:
    """Let an account (EMAIL) or an address log in again after too many failed logins."""
    from revsight.access.logins import unlock as unlock_logins

    if bool(email) == bool(address):
        raise BadInput("Give the EMAIL of an account or --address, not both.")
    what = unlock_logins(email=email, address=address)
    click.echo(f"Unlocked {what}: its failed logins are cleared.")
