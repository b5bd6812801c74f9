"""Limit/offset pagination with a maximum page size and a bounded offset."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.pagination import LimitOffsetPagination

MAX_OFFSET = 10_000_000


class Pagination(LimitOffsetPagination):
    default_limit = 50
    # Set by a list that pages `.values()` rows: the COUNT runs on the plain queryset, without
    # the joins the rows' related paths add (on SQLite those joins made it 25x slower).
    count_queryset: Any = None

    def get_count(self, queryset: Any) -> int:
        return super().get_count(queryset if self.count_queryset is None else self.count_queryset)

    @property
    def max_limit(self) -> int:  # type: ignore[override]  # read from settings per request, a class attribute in DRF
        return settings.API_MAX_PAGE_SIZE

    def get_offset(self, request: Any) -> int:
        return min(super().get_offset(request), MAX_OFFSET)
