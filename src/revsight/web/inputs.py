"""What pages read from the address: parsed by Django forms, refused with a 400 naming the
parameter."""

from __future__ import annotations

from datetime import date

from django import forms
from django.http import HttpRequest

from revsight.core import clock, periods
from revsight.core.errors import InvalidInput


class AsOfForm(forms.Form):
    as_of = forms.DateField(required=False, input_formats=["%Y-%m-%d"])


def as_of(request: HttpRequest) -> date:
    """The page's day: `?as_of=2026-03-31`, else today in the organisation's time zone. Every
    page takes it, so a page can be seen as it stood on any day (and tests need no real clock)."""
    return as_of_given(request) or clock.today()


def as_of_given(request: HttpRequest) -> date | None:
    """`?as_of=` when the address has it (checked), else None."""
    form = AsOfForm(request.GET)
    if not form.is_valid():
        raise InvalidInput(
            "as_of", request.GET.get("as_of", ""), "must be a date such as 2026-03-31"
        )
    day = form.cleaned_data["as_of"]
    return periods.check_day("as_of", day) if day else None
