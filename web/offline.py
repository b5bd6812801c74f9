"""The answer to a record posted by a phone's offline queue (the observer's report, the hotline
entry): the same form serves the page and the queue. With `Accept: application/json` the queue
gets 201 (stored), 200 (already stored under this client UUID), 400 (errors) or 409 (the client
UUID was used for other content); a browser gets a redirect, or the form again with its errors."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, Protocol

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect


class QueuedRecord(Protocol):
    client_uuid: uuid.UUID


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def queued_post(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[], tuple[QueuedRecord, bool]],
    conflict: type[Exception],
    conflict_message: str,
    saved_message: str,
    done: str,
) -> HttpResponse | None:
    """Validate `form` and `save()` it (once per client UUID); the response to send, or None when
    the page should show the form again with its errors."""
    as_json = wants_json(request)
    if form.is_valid():
        try:
            record, created = save()
        except conflict:
            if as_json:
                return JsonResponse({"status": "conflict"}, status=409)
            form.add_error(None, conflict_message)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if as_json:
                body: dict[str, Any] = {
                    "status": "created" if created else "exists",
                    "client_uuid": str(record.client_uuid),
                }
                return JsonResponse(body, status=201 if created else 200)
            messages.success(request, saved_message)
            return redirect(done)
    if as_json:
        return JsonResponse({"status": "invalid", "errors": form.errors.get_json_data()}, status=400)
    return None
