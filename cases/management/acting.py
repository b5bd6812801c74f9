"""Who a management command acts as: an operator names an account (--by), which must be active
and allowed the operation by the permission table, like the same action on a page or the API."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from cases.permissions import may
from cases.types import User


def acting_user(username: str, operation: str) -> User:
    user = get_user_model()._default_manager.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"No active account {username!r}.")
    if not may(user, operation):
        raise CommandError(f"{username} may not {operation}.")
    return user
