"""State changes for people and teams. Each owns its transaction and writes the audit log.

Whoever adds a person (`revsight createuser`, an import, a placeholder an import needs), an
administrator is made staff and superuser here, so no door can forget it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from revsight.access.logins import clear_failures
from revsight.access.permissions import Reach
from revsight.core import audit
from revsight.core.batches import RowProblem
from revsight.core.errors import InvalidInput
from revsight.core.money import parse_amount
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
    manager_of: str | None = None,
    actor: User | None = None,
) -> tuple[User, bool]:
    """Create a person; returns the user and whether a new team was created for them. With
    `manager_of`, they manage that team (created when new, and their own team unless `team`
    names another): what gives a manager her team's dashboard.

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
    if manager_of is not None and role not in MANAGING_ROLES:
        raise InvalidInput(
            "manager-of", manager_of, "is for a manager, an executive or an administrator"
        )
    if manager_of is not None and not manager_of.strip():
        raise InvalidInput("manager-of", manager_of, "is not a team name")
    candidate = User(email=email, name=name, role=role)
    try:
        validate_password(password, user=candidate)
    except ValidationError as exc:
        raise InvalidInput("password", "", " ".join(exc.messages)) from None

    with transaction.atomic():
        team_obj, created_team = (None, False)
        own_team = team or manager_of
        if own_team:
            team_obj, created_team = Team.objects.get_or_create(name=own_team.strip())
        managed, created_managed = _managed_team(manager_of, team_obj)
        user = User.objects.create_user(
            email,
            password,
            name=name,
            role=role,
            team=team_obj,
            manager=manager,
            **_powers(role),
        )
        if managed is not None:
            managed.manager = user
            managed.save(update_fields=["manager"])
        mark_changed("users", "teams")
        audit.record(
            "user.create",
            f"{user.email} added as {user.get_role_display()}"
            + (f" in {team_obj.name}" if team_obj else "")
            + (f", managing {managed.name}" if managed else ""),
            actor=actor,
            target=user,
        )
    return user, created_team or created_managed


MANAGING_ROLES = (Role.MANAGER, Role.EXECUTIVE, Role.ADMIN)


def _managed_team(name: str | None, own: Team | None) -> tuple[Team | None, bool]:
    """The team someone new is to manage (created when new), or None."""
    if name is None:
        return None, False
    if own is not None and own.name == name.strip():
        return own, False
    return Team.objects.get_or_create(name=name.strip())


def set_password(user: User, password: str, *, how: str, actor: User | None = None) -> None:
    """Give a person a new password, checked by every validator, and lift any lock on their
    logins (docs/security.md). `how` names the door in the audit entry ("by a reset link")."""
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise InvalidInput("password", "", " ".join(exc.messages)) from None
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        clear_failures(user.email)
        audit.record(
            "user.password", f"Password changed for {user.email} {how}", actor=actor, target=user
        )


def _powers(role: str) -> dict[str, bool]:
    """An administrator is staff (the admin site) and superuser (every permission)."""
    return {"is_staff": role == Role.ADMIN, "is_superuser": role == Role.ADMIN}


def _valid_email(raw: str) -> str:
    email = raw.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput("email", raw, "is not a valid email address") from None
    return email


@dataclass(frozen=True)
class PersonRow:
    """A person as a source system knows them. `role` applies only when they are new (an
    import never changes a role); `active` None leaves it as it is; `details` are User fields
    (name, team_id, hire_date, end_date, annual_quota, base_salary, variable_pay) to set."""

    email: str
    role: str = Role.SALESPERSON
    source: str = ""
    external_id: str = ""
    active: bool | None = None
    details: dict[str, Any] = field(default_factory=dict)


def check_people(rows: Sequence[PersonRow]) -> list[RowProblem]:
    """Every problem of every row, naming the row's field (email, role, annual_quota)."""
    problems = []
    for index, row in enumerate(rows):
        try:
            _valid_email(row.email)
        except InvalidInput as exc:
            problems.append(RowProblem.of(index, exc))
        if row.role not in Role.values:
            message = f"must be one of: {', '.join(Role.values)}"
            problems.append(RowProblem(index, "role", row.role, message))
        if row.details.get("annual_quota") is not None:
            try:
                parse_amount("annual_quota", row.details["annual_quota"])
            except InvalidInput as exc:
                problems.append(RowProblem.of(index, exc))
    return problems


def upsert_people(
    rows: Sequence[PersonRow],
    *,
    actor: User | None = None,
    audited: bool = True,
    reach: Reach | None = None,
) -> tuple[list[RowProblem], list[tuple[int, str]]]:
    """Check every row, then (only when none has a problem) create or update each person,
    matched by (source, external id), then by email. Returns the problems, or each row's user
    id and what happened to them: created, updated or unchanged. Each addition or change must be
    within the actor's reach (`actor` None: the operator). The import (`audited` False) records
    its own audit entry."""
    problems = check_people(rows)
    if problems:
        return problems, []
    reach = reach or Reach.of(actor)
    planned = [(row, *_plan_person(row)) for row in rows]
    for index, (row, current, changes) in enumerate(planned):
        if current is None or changes:
            team_id = (
                changes.get("team_id", current.team_id)
                if current is not None
                else row.details.get("team_id")
            )
            refused = reach.person_refusal(current, row.role, team_id, changes)
            if refused is not None:
                field, message = refused
                value = {"email": row.email, "role": row.role}.get(field, reach.team_name(team_id))
                problems.append(RowProblem(index, field, value, message))
    if problems:
        return problems, []
    outcomes = []
    with transaction.atomic():
        for row, current, changes in planned:
            outcomes.append(_write_person(row, current, changes))
        changed = [o for o in outcomes if o[1] != "unchanged"]
        if changed:
            mark_changed("users", "teams")
            if audited:
                audit.record("user.upsert", f"{len(changed)} people added or changed", actor=actor)
    return [], outcomes


def _plan_person(row: PersonRow) -> tuple[User | None, dict[str, Any]]:
    """The person a row is (None: someone new) and what it would change about them."""
    email = _valid_email(row.email)
    user = None
    if row.external_id:
        user = User.objects.filter(source=row.source, external_id=row.external_id).first()
    if user is None:
        user = User.objects.filter(email=email).first()
    if user is None:
        return None, {}
    fields = dict(row.details)
    if user.source == row.source and row.active is not None:
        fields["is_active"] = row.active
    if user.email != email:
        fields["email"] = email
    if not user.external_id and row.external_id:
        fields.update(source=row.source, external_id=row.external_id)
    return user, {k: v for k, v in fields.items() if getattr(user, k) != v}


def _write_person(row: PersonRow, user: User | None, changes: dict[str, Any]) -> tuple[int, str]:
    if user is None:
        active = True if row.active is None else row.active
        email = _valid_email(row.email)
        user = _new_person(email, row.role, row.source, row.external_id, active, row.details)
        return user.pk, "created"
    if not changes:
        return user.pk, "unchanged"
    for name, value in changes.items():
        setattr(user, name, value)
    user.save(update_fields=list(changes))
    return user.pk, "updated"


def _new_person(
    email: str, role: str, source: str, external_id: str, active: bool, details: dict[str, Any]
) -> User:
    return User.objects.create_user(
        email,
        None,
        role=role,
        source=source,
        external_id=external_id,
        is_active=active,
        **_powers(role),
        **details,
    )


def add_placeholder(reference: str, *, source: str, role: str) -> tuple[User, bool]:
    """A person a file refers to but does not list: by their email when the reference is one
    (returns True), else under an address that cannot receive mail, `name.SOURCE.placeholder
    .invalid`, to be corrected later (returns False). The caller marks `users` changed."""
    if "@" in reference and "." in reference.rsplit("@", 1)[1]:
        email, name, real = reference.lower(), "", True
    else:
        slug = re.sub(r"[^a-z0-9]+", ".", reference.lower()).strip(".") or "someone"
        email, name, real = f"{slug}@{source}.placeholder.invalid", reference, False
    base, suffix = email, 1
    while User.objects.filter(email=email).exists():
        suffix += 1
        email = base.replace("@", f".{suffix}@", 1)
    details = {"name": name[:200]}
    return _new_person(email, role, source, reference[:64], True, details), real
