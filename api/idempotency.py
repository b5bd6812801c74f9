"""Idempotency-Key for creates (after the IETF httpapi Idempotency-Key draft).

(user, key) -> fingerprint of the request (method, path, canonical body, uploaded files' hashes),
then the status and body it answered:

- the same key with the same request replays the stored status and body (header
  `Idempotent-Replayed: true`), never a second write;
- the same key with a different request answers 422;
- while another request holding the key is still running, the second one waits for it up to
  settings.IDEMPOTENCY_LOCK_TIMEOUT_MS and then answers 409 (in flight);
- the key is reserved in the same transaction as the write: a failure (4xx, crash) releases it,
  so nothing is half-recorded; only 2xx answers are stored.

Every wrapped handler runs in one transaction, key or not.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from api.exceptions import Conflict, UnprocessableKeyReuse
from api.models import IdempotencyRecord, IdempotencyState
from cases.types import User, signed_in

HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no spaces


def request_fingerprint(request: Any) -> str:
    digest = hashlib.sha256()
    digest.update(request.method.encode())
    digest.update(b"\x00")
    digest.update(request.path.encode("utf-8", "surrogatepass"))
    digest.update(b"\x00")
    data = request.data
    if isinstance(data, QueryDict):
        # uploaded files are hashed below; here only the form fields count
        body: Any = sorted((key, [v if isinstance(v, str) else "<file>" for v in data.getlist(key)]) for key in data)
    else:
        body = data
    digest.update(json.dumps(body, sort_keys=True, cls=JSONEncoder, separators=(",", ":")).encode())
    for name in sorted(getattr(request, "FILES", {}) or {}):
        for upload in request.FILES.getlist(name):
            digest.update(b"\x00file:" + name.encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)
    return digest.hexdigest()


def _lock_timeout(ms: int | None) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            if ms is None:
                cursor.execute("SET LOCAL lock_timeout = DEFAULT")
            else:
                # set_config(..., true) is SET LOCAL with a bindable value (SET takes no parameters).
                cursor.execute("SELECT set_config('lock_timeout', %s, true)", [f"{int(ms)}ms"])


def _reserve(*, user: User, key: str, fingerprint: str) -> IdempotencyRecord | Response:
    """The new record for this key, or the stored response of the request that already used it."""
    cutoff = timezone.now() - datetime.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    IdempotencyRecord.objects.filter(user=user, key=key, created_at__lt=cutoff).delete()
    try:
        with transaction.atomic():
            _lock_timeout(settings.IDEMPOTENCY_LOCK_TIMEOUT_MS)
            record = IdempotencyRecord.objects.create(user=user, key=key, fingerprint=fingerprint)
        _lock_timeout(None)
        return record
    except IntegrityError:
        _lock_timeout(None)
        existing = IdempotencyRecord.objects.get(user=user, key=key)
    except OperationalError:  # waited too long for a concurrent request holding the same key
        raise Conflict(_("A request with this Idempotency-Key is still in progress; retry later.")) from None
    if existing.fingerprint != fingerprint:
        raise UnprocessableKeyReuse()
    if existing.state != IdempotencyState.COMPLETED or existing.response_status is None:
        raise Conflict(_("A request with this Idempotency-Key is still in progress; retry later."))
    body = json.loads(existing.response_body) if existing.response_body else None
    return Response(body, status=existing.response_status, headers={"Idempotent-Replayed": "true"})


def idempotent(handler: Callable[..., Response]) -> Callable[..., Response]:
    """Wrap a view method that writes: one transaction, and Idempotency-Key support."""

    @functools.wraps(handler)
    def wrapper(view: Any, request: Any, *args: Any, **kwargs: Any) -> Response:
        key = request.headers.get(HEADER)
        if key is None:
            with transaction.atomic():
                return handler(view, request, *args, **kwargs)
        if not KEY_PATTERN.match(key):
            raise exceptions.ValidationError({HEADER: [_("Use 1 to 255 printable ASCII characters without spaces.")]})
        fingerprint = request_fingerprint(request)
        with transaction.atomic():
            record = _reserve(user=signed_in(request.user), key=key, fingerprint=fingerprint)
            if isinstance(record, Response):
                return record  # the stored answer, replayed
            response = handler(view, request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                record.state = IdempotencyState.COMPLETED
                record.response_status = response.status_code
                record.response_body = json.dumps(response.data, cls=JSONEncoder)
                record.save(update_fields=["state", "response_status", "response_body"])
            else:
                transaction.set_rollback(True)
            return response

    return wrapper


def prune_expired() -> int:
    cutoff = timezone.now() - datetime.timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
