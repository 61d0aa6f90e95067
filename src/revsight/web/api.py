"""The JSON API: other programs act as one person with a token (`revsight token create`).

Every answer is JSON. An error has one shape (`revsight.web.errors`): `{"error": {"code":
"invalid_input", "message": "commit ('12x') is not an amount", "fields": [{"path": "commit",
"message": "is not an amount"}]}}` with 400, 401 without a valid token, 403 for what the
token's person may not do, 405 for a method the address does not take. Nothing is stored when
the answer is an error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from revsight.access.tokens import authenticate, mark_used
from revsight.core.errors import FieldProblem, InvalidInput, RevsightError
from revsight.forecasting.services import submit_forecast
from revsight.org.models import User
from revsight.web.errors import error_json, json_for

View = Callable[[HttpRequest, User, dict[str, Any]], JsonResponse]


def api(methods: tuple[str, ...]) -> Callable[[View], Callable[[HttpRequest], JsonResponse]]:
    """Token authentication, the allowed methods and a JSON object body, for one view."""

    def decorate(view: View) -> Callable[[HttpRequest], JsonResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest) -> JsonResponse:
            header = request.headers.get("Authorization", "")
            token = authenticate(header[7:]) if header.startswith("Bearer ") else None
            if token is None:
                return error_json(
                    401,
                    "unauthenticated",
                    "Authorization needs a valid token: Bearer rs_…",
                    [FieldProblem("Authorization", "needs a valid token: Bearer rs_…")],
                )
            if request.method not in methods:
                allowed = " or ".join(methods)
                return error_json(
                    405,
                    "method_not_allowed",
                    f"method ({request.method!r}) must be {allowed}",
                    [FieldProblem("method", f"must be {allowed}")],
                )
            body: Any = {}
            if request.method == "POST":
                try:
                    body = json.loads(request.body or b"{}")
                except (ValueError, UnicodeDecodeError):
                    return json_for(InvalidInput("body", "", "is not JSON"))
                except RecursionError:
                    return json_for(InvalidInput("body", "", "is nested too deeply"))
                if not isinstance(body, dict):
                    return json_for(InvalidInput("body", "", "must be a JSON object"))
            try:
                response = view(request, token.user, body)
            except RevsightError as exc:
                return json_for(exc)
            mark_used(token)
            return response

        return wrapped

    return decorate


@api(("POST",))
def forecasts(request: HttpRequest, user: User, body: dict[str, Any]) -> JsonResponse:
    """Submit a commit (and best case) for a month or quarter: the token's owner's own, or, for
    a manager, someone they manage (with a `note` giving the reason)."""
    for field in ("period", "commit"):
        if body.get(field) in (None, ""):
            raise InvalidInput(field, "", "is required")
    rows = submit_forecast(
        str(body.get("user") or user.email),
        str(body["period"]),
        body["commit"],
        body.get("best_case"),
        actor=user,
        note=str(body.get("note") or ""),
    )
    return JsonResponse(
        {
            "submissions": [
                {
                    "user": row.user.email,
                    "period_type": row.period_type,
                    "period_start": row.period_start.isoformat(),
                    "category": row.category,
                    "amount": f"{row.amount:.2f}",
                    "submitted_at": row.submitted_at.isoformat(),
                    "submitted_by": row.submitted_by.email if row.submitted_by else None,
                }
                for row in rows
            ]
        },
        status=201,
    )
