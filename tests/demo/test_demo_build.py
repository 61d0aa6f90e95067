"""Building the demo: reproducible, never mixed into real data, rebuilt or reused on request."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from click.testing import CliRunner
from django.apps import apps

from revsight.cli import cli
from revsight.core.models import Organisation
from revsight.demo.build import DEMO_MODELS, RealDataPresent, build_demo, wipe_demo
from revsight.org.models import Role, User

# Slow: builds whole demo organisations.
pytestmark = pytest.mark.slow

AS_OF = date(2026, 6, 30)


class Rebuilding(Exception):
    """Raised in place of simulating a history: the demo was about to be rebuilt."""


def fingerprint() -> str:
    """A hash of every row the demo writes, less when each was written: the audit log and the
    fields Django stamps with the clock (a saved scenario's created_at and updated_at)."""
    digest = hashlib.sha256()
    for label in DEMO_MODELS:
        if label == "core.AuditEntry":
            continue
        model = apps.get_model(label)
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if not (getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False))
        ]
        for row in model.objects.order_by("pk").values_list(*fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()


DEMO_LOGINS = (
    "president@example.com",
    "manager@example.com",
    "rep@example.com",
    "presales@example.com",
    "consultant@example.com",
    "admin@example.com",
)


@pytest.mark.django_db(transaction=True)
def test_the_same_seed_builds_identical_data_and_another_seed_does_not() -> None:
    build_demo(seed=1, as_of=AS_OF)
    first = fingerprint()
    build_demo(seed=1, as_of=AS_OF)
    assert fingerprint() == first
    # The other seed through the command, which says what it built (a build costs 10 s).
    result = CliRunner().invoke(cli, ["demo", "--seed", "2", "--as-of", "2026-06-30"])
    assert result.exit_code == 0, result.output
    assert fingerprint() != first
    assert "Demo organisation built in" in result.output
    assert [email for email in DEMO_LOGINS if email not in result.output] == []
    wipe_demo()


@pytest.mark.django_db
def test_the_demo_refuses_a_database_that_holds_real_people() -> None:
    User.objects.create_user("owner@acme.test", "x", role=Role.ADMIN)
    with pytest.raises(RealDataPresent, match="already holds real data \\(1 people\\)"):
        build_demo(seed=1, as_of=AS_OF)
    assert User.objects.count() == 1
    assert not Organisation.objects.filter(is_demo=True).exists()


@pytest.mark.django_db
def test_the_demo_command_explains_the_refusal_and_exits_non_zero() -> None:
    User.objects.create_user("owner@acme.test", "x", role=Role.ADMIN)
    result = CliRunner().invoke(cli, ["demo", "--as-of", "2026-06-30"])
    assert result.exit_code == 1
    assert "point REVSIGHT_HOME at a new directory" in result.output
