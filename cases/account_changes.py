"""What an account change sets off, whichever path made it (an account service, the admin, a
management command such as `changepassword` or `mfa_reset`, a shell): every session of the
account ends and the other apps revoke what they issued (API tokens, calendar feeds) when

- its password changes (not the hash upgrade at sign-in, not the first password of a new account),
- its role changes (groups or the superuser flag; an account that had no role has nothing to end),
- it is deactivated,
- a confirmed second-factor device of it is deleted (a second-factor reset).

The receivers in `cases.receivers` watch the user model, group membership and the django-otp
devices and call `sessions_must_end`. Inside `account_change(...)` (the account services) what the
receivers ask for is collected and done once when the block succeeds, in its transaction and in
the name of the person acting; elsewhere it is done at once, in nobody's name.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import is_password_usable

from cases.roles import role_from, roles_of_accounts
from cases.sessions import user_end_all_sessions

# Fields of the user model whose change can end sessions (read before a save that may touch them).
WATCHED_FIELDS = ("password", "is_active", "is_superuser")


@dataclass
class _Change:
    by: Any
    request: Any
    endings: dict[int, set[str]] = field(default_factory=dict)


_current: ContextVar[_Change | None] = ContextVar("tracker_account_change", default=None)


@contextmanager
def account_change(*, by: Any, request: Any = None) -> Iterator[None]:
    """Make account writes; the sessions they end are ended once, when the block succeeds (call
    it inside the service's transaction). Nested blocks join the outermost one."""
    if _current.get() is not None:
        yield
        return
    change = _Change(by=by, request=request)
    token = _current.set(change)
    try:
        yield
    finally:
        _current.reset(token)
    _settle(change)


def _settle(change: _Change) -> None:
    User = get_user_model()
    users = User._default_manager.in_bulk(list(change.endings))
    for pk, reasons in sorted(change.endings.items()):
        if pk in users:
            user_end_all_sessions(
                user=users[pk], by=change.by, request=change.request, reason=",".join(sorted(reasons))
            )


def sessions_must_end(*, user: Any, reason: str) -> None:
    """Every session and token of `user` must end (now, or when the enclosing account change succeeds)."""
    change = _current.get()
    if change is not None:
        change.endings.setdefault(user.pk, set()).add(reason)
        return
    user_end_all_sessions(user=user, by=None, reason=reason)


# --- What the receivers compare ----------------------------------------------------------------


def stored_state(user: Any, *, update_fields: Any = None) -> dict[str, Any] | None:
    """The watched fields as stored, before a save that may change them (None: nothing to compare)."""
    if user.pk is None or user._state.adding:
        return None
    if update_fields is not None and not set(update_fields) & set(WATCHED_FIELDS):
        return None
    return get_user_model()._default_manager.filter(pk=user.pk).values(*WATCHED_FIELDS).first()


def saved(user: Any, *, before: dict[str, Any] | None, update_fields: Any = None) -> None:
    """Compare a saved account with what was stored before, and end its sessions if it must."""
    if before is None:
        return
    rehash = user._password is None and update_fields is not None and set(update_fields) == {"password"}
    had_password = bool(before["password"]) and is_password_usable(before["password"])
    if user.password != before["password"] and had_password and not rehash:
        sessions_must_end(user=user, reason="password")
    if before["is_active"] and not user.is_active:
        sessions_must_end(user=user, reason="deactivated")
    if user.is_superuser != before["is_superuser"]:
        groups = set(user.groups.values_list("name", flat=True))
        was = role_from(group_names=groups, is_superuser=before["is_superuser"])
        now = role_from(group_names=groups, is_superuser=user.is_superuser)
        role_changed(user=user, was=was, now=now)


def roles_before(user_ids: Any) -> dict[int, Any]:
    return roles_of_accounts(user_ids)


def roles_after(before: dict[int, Any]) -> None:
    """Group membership changed: each account whose role changed from one it had."""
    if not before:
        return
    now = roles_of_accounts(before)
    users = get_user_model()._default_manager.in_bulk([pk for pk in before if now.get(pk) != before[pk]])
    for pk, user in users.items():
        role_changed(user=user, was=before[pk], now=now.get(pk))


def role_changed(*, user: Any, was: Any, now: Any) -> None:
    if was == now:
        return
    if was is not None:
        sessions_must_end(user=user, reason="role")


def device_deleted(*, device: Any, origin: Any = None) -> None:
    """A confirmed second-factor device is gone: a reset (unless the account itself is being deleted)."""
    User = get_user_model()
    if not device.confirmed or isinstance(origin, User) or getattr(origin, "model", None) is User:
        return
    user = User._default_manager.filter(pk=device.user_id).first()
    if user is not None:
        sessions_must_end(user=user, reason="mfa_reset")
