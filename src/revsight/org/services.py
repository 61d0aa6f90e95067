"""State changes for people and teams. Each owns its transaction and writes the audit log."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from revsight.core import audit
from revsight.core.errors import InvalidInput
from revsight.core.versions import mark_changed
from revsight.org.models import Role, Team, User


def create_user(
    *,
    email: str,
    role: str,
    password: str,
    name: str = "",
    team: str | None = None,
    manager_email: str | None = None,
    actor: User | None = None,
) -> tuple[User, bool]:
    """Create a person; returns the user and whether a new team was created for them.

    Every problem is reported as `InvalidInput` naming the field, before anything is written.
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput("email", email, "is not a valid email address") from None
    if role not in Role.values:
        raise InvalidInput("role", role, f"must be one of: {', '.join(Role.values)}")
    if User.objects.filter(email=email).exists():
        raise InvalidInput("email", email, "belongs to someone already")
    manager = None
    if manager_email:
        manager = User.objects.filter(email=manager_email.strip().lower()).first()
        if manager is None:
            raise InvalidInput("manager", manager_email, "is not the email of anyone here")
    candidate = User(email=email, name=name, role=role)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise InvalidInput("password", "", " ".join(exc.messages)) from None

    with transaction.atomic():
        team_obj, created_team = (None, False)
        if team:
            team_obj, created_team = Team.objects.get_or_create(name=team.strip())
        user = User.objects.create_user(
            email,
            password,
            name=name,
            role=role,
            team=team_obj,
            manager=manager,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        mark_changed("users", "teams")
        audit.record(
            "user.create",
            f"{user.email} added as {user.get_role_display()}"
            + (f" in {team_obj.name}" if team_obj else ""),
            actor=actor,
            target=user,
        )
    return user, created_team
