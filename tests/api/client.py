"""A small client for the API in tests: each call returns (status, JSON body)."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client


class Api:
    def __init__(self, token: str | None) -> None:
        self.token = token
        self.client = Client()

    def headers(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, **query: Any) -> tuple[int, Any]:
        response = self.client.get(f"/api/v1{path}", query, **self.headers())
        return response.status_code, response.json()

    def send(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        response = getattr(self.client, method)(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", **self.headers()
        )
        return response.status_code, response.json()

    def put(self, path: str, body: Any) -> tuple[int, Any]:
        return self.send("put", path, body)

    def post(self, path: str, body: Any) -> tuple[int, Any]:
        return self.send("post", path, body)
