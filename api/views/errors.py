"""Problem+json for any path under /api/ that matches no route."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from core.problems import problem_json_response


# Exempt from CSRF: it changes nothing and answers every method with the same 404, so an unsafe
# method on an unknown path gets problem+json rather than Django's HTML CSRF page.
@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    return problem_json_response(status=404)
