"""One error shape for every 4xx: RFC 9457 problem details (application/problem+json).

    {
      "type": "https://tracker.invalid/problems/validation",   # or "about:blank"
      "title": "Invalid input.",
      "status": 400,
      "detail": "One or more fields are invalid.",
      "errors": [{"field": "officers.0.badge_number", "message": "…", "code": "max_length"}]
    }

A 409 that asks for a confirmation (`ConfirmationNeeded`) adds `reasons`: [{"code", "message"}].

The body is built by `core.problems.problem_body`, shared with the code that answers under /api/
before DRF runs (the second-factor middleware, unknown paths). `errors` is present for validation
problems (field is "" for errors about the whole body).
Bad input never becomes a 500: Django validation errors, oversized bodies, too many fields and
integrity conflicts are mapped here too. Messages never echo submitted values.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.response import Response
from rest_framework.views import set_rollback

from cases.services import IncidentConflict
from core.problems import PROBLEM_CONTENT_TYPE, problem_body


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state of the resource.")
    default_code = "conflict"


class ConfirmationNeeded(Conflict):
    """The request needs an explicit confirmation field; `reasons` (code, message) become the
    problem's `reasons` member, so a client can show them before it confirms."""

    default_code = "confirmation_required"

    def __init__(self, detail: Any = None, reasons: list[dict[str, str]] | None = None) -> None:
        super().__init__(detail)
        self.reasons = reasons or []


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "too_large"


class UnprocessableKeyReuse(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was already used with a different request.")
    default_code = "idempotency_key_reused"


def flatten_errors(detail: Any, prefix: str = "") -> list[dict[str, str]]:
    """DRF's nested error detail as a flat list of {field, message, code}."""
    out: list[dict[str, str]] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key in ("non_field_errors", "__all__") else str(key)
            out.extend(flatten_errors(value, f"{prefix}.{name}" if prefix and name else (name or prefix)))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                out.extend(flatten_errors(value, f"{prefix}.{index}" if prefix else str(index)))
            else:
                out.extend(flatten_errors(value, prefix))
    else:
        out.append({"field": prefix, "message": str(detail), "code": str(getattr(detail, "code", "invalid"))})
    return out


def _as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, IncidentConflict):
        return Conflict(exc.messages[0] if exc.messages else None)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return exceptions.ValidationError(detail=get_error_detail(DjangoValidationError(detail)))
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied()
    if isinstance(exc, RequestDataTooBig):
        return PayloadTooLarge()
    if isinstance(exc, SuspiciousOperation):
        return exceptions.ParseError(_("The request could not be read."))
    if isinstance(exc, IntegrityError):
        return Conflict(_("This would duplicate or break a link to another record."))
    return exc


def problem_response(exc: exceptions.APIException, headers: dict[str, str] | None = None) -> Response:
    code = exc.status_code
    if isinstance(exc, exceptions.ValidationError):
        problem = problem_body(status=code, detail=_("One or more fields are invalid."), code="validation")
        problem["errors"] = flatten_errors(exc.detail)
        return Response(problem, status=code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)
    codes = exc.get_codes()
    problem = problem_body(status=code, code=codes if isinstance(codes, str) else None)
    detail = exc.detail
    if isinstance(detail, list | dict):
        problem["errors"] = flatten_errors(detail)
        problem["detail"] = problem["errors"][0]["message"] if problem["errors"] else problem["title"]
    else:
        problem["detail"] = str(detail)
    reasons = getattr(exc, "reasons", None)  # (ConfirmationNeeded's list of what to confirm)
    if reasons:
        problem["reasons"] = reasons
    return Response(problem, status=code, headers=headers, content_type=PROBLEM_CONTENT_TYPE)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    exc = _as_api_exception(exc)
    if not isinstance(exc, exceptions.APIException):
        return None  # a real server error: Django's generic 500, logged without personal data
    headers: dict[str, str] = {}
    # (NotAuthenticated-style exceptions carry auth_header, Throttled carries wait.)
    auth_header = getattr(exc, "auth_header", None)
    if auth_header:
        headers["WWW-Authenticate"] = auth_header
    wait = getattr(exc, "wait", None)
    if wait:
        headers["Retry-After"] = f"{int(wait)}"
    set_rollback()
    return problem_response(exc, headers)
