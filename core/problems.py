"""RFC 9457 problem details without DRF: the one place that shapes an API error body.

The API's exception handler (`api.exceptions`) builds every DRF error from `problem_body`; code
that answers under /api/ before a DRF view runs (middleware, the unknown-path view, the sign-in
lockout fallback) uses `problem_json_response`, so every API error has the same fields and
content type. Details are fixed messages: never echo submitted values here.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://tracker.invalid/problems/"

TITLES = {
    400: _("Invalid input."),
    401: _("Authentication required."),
    403: _("Not allowed."),
    404: _("Not found."),
    405: _("Method not allowed."),
    406: _("Not acceptable."),
    409: _("Conflict."),
    412: _("Precondition failed."),
    413: _("Request too large."),
    415: _("Unsupported media type."),
    422: _("Unprocessable request."),
    429: _("Too many requests."),
}


def problem_body(*, status: int, detail: Any = None, code: str | None = None) -> dict[str, Any]:
    """{type, title, status, detail}: `type` names `code` under PROBLEM_BASE, or is about:blank
    (always for 404, which must not tell "missing" from "not yours")."""
    title = str(TITLES.get(status, _("Error.")))
    return {
        "type": PROBLEM_BASE + code if code and status != 404 else "about:blank",
        "title": title,
        "status": status,
        "detail": str(detail) if detail is not None else title,
    }


def problem_json_response(
    *, status: int, detail: Any = None, code: str | None = None, headers: dict[str, str] | None = None
) -> JsonResponse:
    return JsonResponse(
        problem_body(status=status, detail=detail, code=code),
        status=status,
        headers=headers,
        content_type=PROBLEM_CONTENT_TYPE,
        json_dumps_params={"separators": (",", ":"), "ensure_ascii": False},  # byte for byte like DRF's renderer
    )


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(settings.API_PATH_PREFIX)
