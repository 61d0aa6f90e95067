"""The API tokens page: each person creates tokens that act as them (the token is shown once,
on the page that created it) and revokes them; an administrator sees and revokes everyone's.
The services are `access.tokens`, the same as `revsight token …`."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from revsight.access.tokens import create_token, may_manage_all_tokens, revoke_token, tokens_for
from revsight.core.errors import InvalidInput
from revsight.org.models import User
from revsight.web.forms import read


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, required=False, label="What will use it", strip=True)


class RevokeForm(forms.Form):
    # Not `prefix`: a Django form's own attribute.
    token = forms.CharField(max_length=16)


@login_required
def tokens_page(request: HttpRequest) -> HttpResponse:
    viewer: User = request.user  # type: ignore[assignment]
    created: str | None = None
    error: InvalidInput | None = None
    if request.method == "POST":
        try:
            if "revoke" in request.POST:
                prefix = read(RevokeForm(request.POST))["token"]
                revoke_token(prefix, actor=viewer)
                return redirect(f"{reverse('tokens')}?revoked={prefix}")
            _, created = create_token(
                viewer.email, read(TokenForm(request.POST))["name"], actor=viewer
            )
        except InvalidInput as exc:
            error = exc
    return render(
        request,
        "web/tokens.html",
        {
            "tokens": tokens_for(viewer),
            "created": created,
            "error": error,
            "revoked": request.GET.get("revoked", "")[:16],
            "everyone": may_manage_all_tokens(viewer),
        },
    )
