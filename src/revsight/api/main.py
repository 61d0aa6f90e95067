"""The API itself: `/api/v1/`, token authentication and the per-token rate limit on every
endpoint, the error shape for every failure, the OpenAPI description at
`/api/v1/openapi.json` and its browsable docs at `/api/v1/docs/`."""

from __future__ import annotations

from ninja import NinjaAPI

from revsight.api import (
    batches,
    coaching,
    discipline,
    errors,
    figures,
    forecasts,
    records,
    recruiting,
)
from revsight.api.auth import TokenAuth, TokenThrottle

DESCRIPTION = """Other programs act as one person with that person's token (`Authorization:
Bearer rs_…`): they see what the person sees on the web and may change what the person may
change. Every error has one shape, `{"error": {"code", "message", "fields": [{"path",
"message"}]}}`. Documented in docs/api.md."""

api = NinjaAPI(
    title="Revsight API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=TokenAuth(),
    throttle=[TokenThrottle()],
    docs_url="/docs/",
    openapi_url="/openapi.json",
)
errors.install(api)
batches.install(records.router)
for router in (
    records.router,
    forecasts.router,
    figures.router,
    coaching.router,
    discipline.router,
    recruiting.router,
):
    api.add_router("", router)
