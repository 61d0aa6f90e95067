"""Lists come in pages: `limit` (1–500, default 100) records from `offset`, with the count of
all that match, so a program walks them with `offset += limit` until `offset >= count`."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase

MAX_LIMIT = 500
MAX_OFFSET = 10**9  # beyond any organisation, and within every database's integers


class Page(PaginationBase):
    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description="Records per page")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Records to skip")

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="Every record that matches, on all pages")
        limit: int
        offset: int

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> dict[str, Any]:
        start, limit = pagination.offset, pagination.limit
        return {
            "items": queryset[start : start + limit],
            "count": queryset.count(),
            "limit": limit,
            "offset": start,
        }
