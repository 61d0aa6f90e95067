"""A person's profile page: which emails they get. The opt-outs are stored by
`routine.preferences`, which checks that the person changes only their own."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from revsight.core.errors import InvalidInput
from revsight.org.models import User
from revsight.routine import preferences
from revsight.routine.models import EmailKind
from revsight.web.forms import ProfileEmailsForm, read


@login_required
def profile_page(request: HttpRequest) -> HttpResponse:
    person: User = request.user  # type: ignore[assignment]
    error = None
    if request.method == "POST":
        try:
            on = read(ProfileEmailsForm(request.POST, EmailKind.choices))["emails_on"]
            preferences.set_opt_outs(person, person, set(EmailKind.values) - set(on))
            return redirect(f"{reverse('profile')}?saved=1")
        except InvalidInput as exc:
            error = exc
    off = preferences.opted_out(person)
    kinds = [(value, label, value not in off) for value, label in EmailKind.choices]
    return render(
        request,
        "web/profile.html",
        {"kinds": kinds, "error": error, "saved": request.GET.get("saved") == "1"},
    )
