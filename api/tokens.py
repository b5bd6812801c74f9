"""API tokens: issue, check, revoke. Only a SHA-256 of each secret is stored.

Secrets are 32 random bytes (URL-safe base64) with a `trk_` prefix, so a hash without a key is
enough: they cannot be guessed, and a stolen database gives no usable token.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.models import ApiToken
from cases.audit import audit_record
from cases.types import User

# A public marker that makes tokens recognisable (e.g. by secret scanners), not a secret.
TOKEN_PREFIX = "trk_"  # noqa: S105  # nosec B105


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def token_issue(
    *, user: User, by: User | None, label: str = "", ttl: datetime.timedelta | None = None
) -> tuple[str, ApiToken]:
    """A new token for `user`; returns the secret (shown once) and the stored row."""
    ttl = ttl or datetime.timedelta(hours=settings.API_TOKEN_TTL_HOURS)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        key_hash=hash_token(raw),
        prefix=raw[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 8],
        label=label[:100],
        expires_at=timezone.now() + ttl,
    )
    audit_record(actor=by, action="api.token.issue", target=token)
    return raw, token


def token_lookup(raw: str) -> ApiToken | None:
    """The usable token for a secret, or None (unknown, expired, revoked, or inactive user)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_token(raw)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    return token


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User | None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    audit_record(actor=by, action="api.token.revoke", target=token)
    return token


@transaction.atomic
def tokens_revoke_for(*, users: Any = None, by: User | None = None, reason: str = "") -> int:
    """Revoke every live token (of `users`, a queryset or list, or of everyone)."""
    live = ApiToken.objects.filter(revoked_at__isnull=True)
    if users is not None:
        live = live.filter(user__in=users)
    count = live.update(revoked_at=timezone.now())
    audit_record(actor=by, action="api.token.revoke_all", count=count, reason=reason or "revoked")
    return count
