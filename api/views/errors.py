"""Problem+json for any path under /api/ that matches no route."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse

from api.exceptions import PROBLEM_CONTENT_TYPE


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    return JsonResponse(
        {"type": "about:blank", "title": "Not found.", "status": 404, "detail": "Not found."},
        status=404,
        content_type=PROBLEM_CONTENT_TYPE,
    )
