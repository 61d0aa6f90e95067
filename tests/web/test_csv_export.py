"""The records export (`?format=csv`) as a spreadsheet opens it: imported text that starts like a
formula is text, and amounts stay numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client

from revsight.crm.models import Account, Opportunity
from tests.analytics.fixtures import build_sales
from tests.people import Cast

pytestmark = [pytest.mark.django_db, pytest.mark.views]

WON_IN_MARCH = "/records/won/?scope=company&period=2026-03&as_of=2026-03-31&format=csv"


def exported(cast: Cast) -> dict[str, dict[str, str]]:
    client = Client()
    client.force_login(cast.president)
    response = client.get(WON_IN_MARCH)
    assert response.status_code == 200
    return {row["name"]: row for row in csv.DictReader(io.StringIO(response.content.decode()))}


def test_imported_text_that_starts_like_a_formula_is_exported_as_text(cast: Cast) -> None:
    deals = build_sales(cast)
    Account.objects.filter(name="Globex").update(name='=HYPERLINK("https://evil.example/","x")')
    Opportunity.objects.filter(pk=deals["initech"].pk).update(name="@SUM(A1:A9)")
    rows = exported(cast)
    assert rows["Globex expansion"]["account"] == '\'=HYPERLINK("https://evil.example/","x")'
    assert "'@SUM(A1:A9)" in rows
    assert rows["'@SUM(A1:A9)"]["account"] == "Initech"


def test_a_negative_amount_is_exported_as_a_number(cast: Cast) -> None:
    deals = build_sales(cast)
    Opportunity.objects.filter(pk=deals["globex"].pk).update(amount=Decimal("-500"))
    rows = exported(cast)
    assert rows["Globex expansion"]["amount"] == "-500.00"
    assert rows["Initech platform"]["amount"] == "30000.00"
