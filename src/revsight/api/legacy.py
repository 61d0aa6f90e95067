"""`POST /api/forecasts/`, the earlier address of `POST /api/v1/forecast-submissions/` that
other tools still call: the same service and the same answer (`api/forecasts.py`), with its
own reading of the body, as it always had."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from revsight.access.tokens import authenticate
from revsight.api.errors import UNAUTHENTICATED, answer, for_error
from revsight.api.forecasts import submitted
from revsight.core.errors import FieldProblem, InvalidInput, RevsightError


@csrf_exempt
def forecasts(request: HttpRequest) -> JsonResponse:
    header = request.headers.get("Authorization", "")
    token = authenticate(header[7:]) if header.startswith("Bearer ") else None
    if token is None:
        return answer(
            401,
            "unauthenticated",
            f"Authorization {UNAUTHENTICATED}",
            [FieldProblem("Authorization", UNAUTHENTICATED)],
        )
    if request.method != "POST":
        return answer(
            405,
            "method_not_allowed",
            f"method ({request.method!r}) must be POST",
            [FieldProblem("method", "must be POST")],
        )
    try:
        body = _body(request)
        for field in ("period", "commit"):
            if body.get(field) in (None, ""):
                raise InvalidInput(field, "", "is required")
        request.auth = token  # type: ignore[attr-defined]  # marked used once it succeeds
        return submitted(
            token.user,
            str(body.get("user") or "") or None,
            str(body["period"]),
            body["commit"],
            body.get("best_case"),
            str(body.get("note") or ""),
        )
    except RevsightError as exc:
        return for_error(exc)


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("body", "", "is not JSON") from None
    except RecursionError:
        raise InvalidInput("body", "", "is nested too deeply") from None
    if not isinstance(body, dict):
        raise InvalidInput("body", "", "must be a JSON object")
    return body
