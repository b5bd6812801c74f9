"""Limit/offset pagination with a maximum page size, a bounded offset, and a count that is exact
up to `API_EXACT_COUNT_UP_TO` rows.

Counting every row of a list on every page was most of what a page cost beyond its rows at the
load-data scale (100,000 incidents: one index-only scan of them all per page). Past the bound the
page says `count: null` and `count_over: N` (the list holds more than N rows) after counting only
N + 1; `?count=exact` asks for the exact number whatever it costs. `next` is right either way.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

MAX_OFFSET = 10_000_000
EXACT = "exact"


class Pagination(LimitOffsetPagination):
    default_limit = 50
    count_query_param = "count"
    # Set by a list that pages `.values()` rows: the COUNT runs on the plain queryset, without
    # the joins the rows' related paths add (on SQLite those joins made it 25x slower).
    count_queryset: Any = None
    # The number the list is known to exceed when it was not counted to the end; None: exact.
    count_over: int | None = None
    exact = False  # whether this request asked for `?count=exact`

    @property
    def max_limit(self) -> int:  # type: ignore[override]  # read from settings per request, a class attribute in DRF
        return settings.API_MAX_PAGE_SIZE

    def get_offset(self, request: Any) -> int:
        return min(super().get_offset(request), MAX_OFFSET)

    def paginate_queryset(self, queryset: Any, request: Any, view: Any = None) -> list[Any] | None:
        self.count_over = None
        self.exact = self.wants_exact_count(request)
        return super().paginate_queryset(queryset, request, view)

    def wants_exact_count(self, request: Any) -> bool:
        value = request.query_params.get(self.count_query_param)
        if value is None:
            return False
        if value != EXACT:
            raise ValidationError({self.count_query_param: [_("The only value allowed is “exact”.")]})
        return True

    def get_count(self, queryset: Any) -> int:
        rows = queryset if self.count_queryset is None else self.count_queryset
        if self.exact or not hasattr(rows, "order_by"):  # a list in memory: its length costs nothing
            return int(super().get_count(rows))
        # DRF asks for the count before it reads the offset; the page asked for is counted to its
        # end at least, so `next` is known from the count alone.
        enough = max(settings.API_EXACT_COUNT_UP_TO, self.get_offset(self.request) + (self.limit or 0))
        # No ORDER BY inside the capped count: only which rows, not their order, matters, and a
        # sort under the LIMIT would read every row the bound exists to spare.
        counted = int(rows.order_by().values("pk")[: enough + 1].count())
        if counted > enough:
            self.count_over = enough
        return counted

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count if self.count_over is None else None,
                "count_over": self.count_over,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        described = super().get_paginated_response_schema(schema)
        described["required"] = ["count", "count_over", "next", "previous", "results"]
        described["properties"]["count"] = {
            "type": "integer",
            "nullable": True,
            "example": 123,
            "description": (
                "How many rows the list holds; null when it holds more than count_over and the "
                f"request did not ask ?{self.count_query_param}={EXACT}."
            ),
        }
        described["properties"]["count_over"] = {
            "type": "integer",
            "nullable": True,
            "example": None,
            "description": "Null when count is exact; otherwise the list holds more rows than this.",
        }
        return described

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.count_query_param,
                "required": False,
                "in": "query",
                "description": (
                    f"“{EXACT}” to count every row; otherwise the count is exact up to "
                    f"{settings.API_EXACT_COUNT_UP_TO:,} rows."
                ),
                "schema": {"type": "string", "enum": [EXACT]},
            },
        ]
