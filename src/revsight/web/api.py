"""The JSON API: other programs act as one person with a token (`revsight token create`).

Every answer is JSON. An error names the field at fault: `{"error": {"field": "commit",
"value": "12x", "message": "is not an amount"}}` with 400, 401 without a valid token, 405 for
a method the address does not take. Nothing is stored when the answer is an error.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from revsight.core.errors import InvalidInput
from revsight.core.tokens import authenticate, mark_used
from revsight.forecasting.services import submit_forecast
from revsight.org.models import User

View = Callable[[HttpRequest, User, dict[str, Any]], JsonResponse]


def _error(status: int, field: str, message: str, value: str = "") -> JsonResponse:
    return JsonResponse(
        {"error": {"field": field, "value": value, "message": message}}, status=status
    )


def api(methods: tuple[str, ...]) -> Callable[[View], Callable[[HttpRequest], JsonResponse]]:
    """Token authentication, the allowed methods and a JSON object body, for one view."""

    def decorate(view: View) -> Callable[[HttpRequest], JsonResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest) -> JsonResponse:
            header = request.headers.get("Authorization", "")
            token = authenticate(header[7:]) if header.startswith("Bearer ") else None
            if token is None:
                return _error(401, "Authorization", "needs a valid token: Bearer rs_…")
            if request.method not in methods:
                return _error(
                    405, "method", f"must be {' or '.join(methods)}", request.method or ""
                )
            body: Any = {}
            if request.method == "POST":
                try:
                    body = json.loads(request.body or b"{}")
                except (ValueError, UnicodeDecodeError):
                    return _error(400, "body", "is not JSON")
                if not isinstance(body, dict):
                    return _error(400, "body", "must be a JSON object")
            try:
                response = view(request, token.user, body)
            except InvalidInput as exc:
                return _error(400, exc.field, exc.message, str(exc.value))
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
