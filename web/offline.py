"""A phone's offline forms (the observer's report, the hotline entry): the answer to a record
posted by the phone's queue, and the service worker that lets the form open with no connection.

`queued_post`: the same form serves the page and the queue. With `Accept: application/json` the
queue gets 201 (stored), 200 (already stored under this client UUID), 400 (errors) or 409 (the
client UUID was used for other content); a browser gets a redirect, or the form again with its
errors.

`service_worker_response`: one service worker template (templates/includes/service_worker.js)
for every offline form, given the pages and assets it may copy to the phone. Only pages without
personal text belong there (a form, a list of one's own reports by time and place): a log or a
board of people would be a list of names left on a volunteer's phone."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Protocol

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render


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


def service_worker_response(
    request: HttpRequest,
    *,
    cache_prefix: str,
    pages: Sequence[str],
    assets: Sequence[str],
    lists: Sequence[str] = (),
    data_version: str = "",
) -> HttpResponse:
    """The service worker keeping `pages` (exact paths), `lists` (each page of the list its own
    copy) and `assets` for offline use, network first. `cache_prefix` names this worker's caches
    (an older version's are deleted on activation, nobody else's); `data_version` changes when what
    the pages offer changes (events, places), so phones fetch a fresh copy."""
    parts = [*pages, "|", *lists, "|", *assets, "|", data_version]
    version = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
    context = {"cache_prefix": cache_prefix, "version": version, "pages": pages, "lists": lists, "assets": assets}
    response = render(request, "includes/service_worker.js", context, content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response
