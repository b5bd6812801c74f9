"""Reactions to the core's signals: lockdown revokes every API token."""

from __future__ import annotations

from typing import Any

from api.models import IdempotencyRecord
from api.tokens import tokens_revoke_for
from cases.types import User


def revoke_everything_on_lockdown(sender: Any, *, by: User | None = None, **kwargs: Any) -> None:
    tokens_revoke_for(users=None, by=by, reason="lockdown")
    IdempotencyRecord.objects.all().delete()  # stored response bodies go too


def revoke_tokens_of_users(sender: Any, *, users: Any, by: User | None = None, **kwargs: Any) -> None:
    tokens_revoke_for(users=users, by=by, reason="sessions_ended")
