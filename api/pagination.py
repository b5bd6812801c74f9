"""Limit/offset pagination with a maximum page size and a bounded offset."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from rest_framework.pagination import LimitOffsetPagination

MAX_OFFSET = 10_000_000


class Pagination(LimitOffsetPagination):
    default_limit = 50

    @property
    def max_limit(self) -> int:  # type: ignore[override]
        return settings.API_MAX_PAGE_SIZE

    def get_offset(self, request: Any) -> int:
        return min(super().get_offset(request), MAX_OFFSET)
