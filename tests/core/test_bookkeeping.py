"""Bookkeeping writes (a login's time) are made when the database takes them at once and given
up otherwise: a login never waits for a long import that changed the person's row."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from django.db import connection

from revsight.core.bookkeeping import unless_busy
from revsight.org.models import Role, User

pytestmark = pytest.mark.django_db(transaction=True)

LOGGED_IN = datetime(2026, 6, 30, 9, 0, tzinfo=UTC)


def _person() -> User:
    return User.objects.create_user(
        email="rep@example.com", password="x", name="Rep", role=Role.SALESPERSON
    )


def _record_login(person: User) -> bool:
    return unless_busy(lambda: User.objects.filter(pk=person.pk).update(last_login=LOGGED_IN))


def test_the_write_is_made_when_nothing_holds_the_row() -> None:
    person = _person()
    assert _record_login(person) is True
    person.refresh_from_db()
    assert person.last_login == LOGGED_IN


def test_on_postgresql_a_row_locked_by_an_import_is_given_up_within_a_second() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks: PostgreSQL (SQLite's whole-database lock: test_busy_database)")
    import psycopg

    person = _person()
    with connection.cursor() as cursor:  # without the bookkeeping's own timeout: fail, not hang
        cursor.execute("SET statement_timeout = '10s'")
    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        user=params.get("USER") or None,
        password=params.get("PASSWORD") or None,
        host=params.get("HOST") or None,
        port=params.get("PORT") or None,
    ) as importer:
        # As a long import that changed this person holds their row until it commits.
        importer.execute(
            f"UPDATE {User._meta.db_table} SET name = 'Renamed' WHERE id = %s", [person.pk]
        )
        started = time.monotonic()
        assert _record_login(person) is False
        assert time.monotonic() - started < 5  # given up long before the 10 s guard
        importer.rollback()
    person.refresh_from_db()
    assert person.last_login is None
    # The timeout was the bookkeeping's own: the connection waits as usual afterwards.
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"
