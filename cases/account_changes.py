"""What an account change sets off, whichever path made it (an account service, the admin, a
management command such as `changepassword` or `mfa_reset`, a shell): every session of the
account ends and the other apps revoke what they issued (API tokens, calendar feeds) when

- its password changes (not the hash upgrade at sign-in, not the first password of a new account),
- its role changes (groups or the superuser flag; an account that had no role has nothing to end),
- it is deactivated,
- a confirmed second-factor device of it is deleted (a second-factor reset).

An account raised to administrator (by a role change, a new administrator account, or the
superuser flag on an account without a group; `createsuperuser` included) is recorded in the audit
trail as `account.elevated` and announced by e-mail to every administrator once it commits
(`announce_elevation_task`); the lockdown page lists the recent ones and a lockdown
suspends them (`elevations_since`, `cases.lockdown.recent_administrators`).

The receivers in `cases.receivers` watch the user model, group membership and the django-otp
devices and call `sessions_must_end`; such a change seen outside the account services (a shell,
Django's `changepassword`) is also audited, in nobody's name (`changed_outside_services`). Inside `account_change(...)` (the account services) what the
receivers ask for is collected and done once when the block succeeds, in its transaction and in
the name of the person acting; elsewhere it is done at once, in nobody's name.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import is_password_usable
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from cases.audit import audit_record
from cases.models import AuditEntry
from cases.roles import Role, role_from, roles_of_accounts, users_with_role
from cases.sessions import user_end_all_sessions
from cases.types import User

logger = logging.getLogger(__name__)

# Fields of the user model whose change can end sessions (read before a save that may touch them).
WATCHED_FIELDS = ("password", "is_active", "is_superuser")


@dataclass
class _Change:
    by: Any
    request: HttpRequest | None
    endings: dict[int, tuple[Any, set[str]]] = field(default_factory=dict)
    elevations: dict[int, Any] = field(default_factory=dict)


_current: ContextVar[_Change | None] = ContextVar("tracker_account_change", default=None)


@contextmanager
def account_change(*, by: User | None, request: HttpRequest | None = None) -> Iterator[None]:
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
    for _pk, user in sorted(change.elevations.items()):
        _record_elevation(user=user, by=change.by, request=change.request)
    for _pk, (user, reasons) in sorted(change.endings.items()):
        reason = ",".join(sorted(reasons))
        user_end_all_sessions(user=user, by=change.by, request=change.request, reason=reason)


def sessions_must_end(*, user: User, reason: str) -> None:
    """Every session and token of `user` must end (now, or when the enclosing account change succeeds)."""
    change = _current.get()
    if change is not None:
        change.endings.setdefault(user.pk, (user, set()))[1].add(reason)
        return
    user_end_all_sessions(user=user, by=None, reason=reason)


def elevated(*, user: User) -> None:
    """`user` has just become an administrator (recorded and announced now, or when the enclosing
    account change succeeds)."""
    change = _current.get()
    if change is not None:
        change.elevations[user.pk] = user
        return
    _record_elevation(user=user, by=None, request=None)


ELEVATED = "account.elevated"


def _record_elevation(*, user: User, by: User | None, request: HttpRequest | None) -> None:
    entry = audit_record(actor=by, action=ELEVATED, target=user, role=Role.ADMINISTRATOR.value, request=request)
    transaction.on_commit(lambda: announce_elevation_task.enqueue(entry.pk))


def elevations_since(since: datetime.datetime) -> list[AuditEntry]:
    """The `account.elevated` entries at or after `since`, newest first (the audit trail is where
    elevations are kept: hash-chained, so one cannot be quietly removed)."""
    return list(
        AuditEntry.objects.filter(
            action=ELEVATED, at__gte=since, target_type=get_user_model()._meta.label_lower
        ).order_by("-at", "-id")
    )


# --- What the receivers compare ----------------------------------------------------------------


def stored_state(user: User, *, update_fields: Any = None) -> dict[str, Any] | None:
    """The watched fields as stored, before a save that may change them (None: nothing to compare)."""
    if user.pk is None or user._state.adding:
        return None
    if update_fields is not None and not set(update_fields) & set(WATCHED_FIELDS):
        return None
    return get_user_model()._default_manager.filter(pk=user.pk).values(*WATCHED_FIELDS).first()


def saved(user: User, *, before: dict[str, Any] | None, created: bool = False, update_fields: Any = None) -> None:
    """Compare a saved account with what was stored before, and end its sessions if it must."""
    if created and role_from(group_names=(), is_superuser=user.is_superuser) == Role.ADMINISTRATOR:
        elevated(user=user)  # createsuperuser, or a shell's create(is_superuser=True)
    if before is None:
        return
    # (`_password` is Django's pending raw password, set by set_password; the stubs do not declare it.)
    rehash = (
        getattr(user, "_password", None) is None and update_fields is not None and set(update_fields) == {"password"}
    )
    had_password = bool(before["password"]) and is_password_usable(before["password"])
    if user.password != before["password"] and had_password and not rehash:
        changed_outside_services(user=user, action="account.password", field="password")
        sessions_must_end(user=user, reason="password")
    if before["is_active"] != user.is_active:
        action = "account.reactivate" if user.is_active else "account.deactivate"
        changed_outside_services(user=user, action=action, field="is_active")
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


def role_changed(*, user: User, was: Any, now: Any) -> None:
    if was == now:
        return
    if was is not None:
        changed_outside_services(user=user, action="account.role", field="role", role=now.value if now else "none")
        sessions_must_end(user=user, reason="role")
    if now == Role.ADMINISTRATOR:
        elevated(user=user)


def device_deleted(*, device: Any, origin: Any = None) -> None:
    """A confirmed second-factor device is gone: a reset (unless the account itself is being deleted)."""
    User = get_user_model()
    if not device.confirmed or isinstance(origin, User) or getattr(origin, "model", None) is User:
        return
    user = User._default_manager.filter(pk=device.user_id).first()
    if user is not None:
        changed_outside_services(user=user, action="mfa.reset", field="")
        sessions_must_end(user=user, reason="mfa_reset")


def changed_outside_services(*, user: User, action: str, field: str, **details: Any) -> None:
    """A change of an account that already had a password or a role, made outside the account
    services (a shell, Django's `changepassword`), is audited here in nobody's name; the services
    audit their own. (A new account and its first role, made outside them, are not: test data is
    made that way. `createsuperuser` is, as an elevation.)"""
    if _current.get() is None:
        audit_record(actor=None, action=action, target=user, fields=[field] if field else [], **details)


def announce_elevation(*, entry_id: int) -> int:
    """E-mail every active administrator with an address (through Django's mail backend) that the
    account of `account.elevated` entry `entry_id` is now an administrator: who, when, by whom,
    and where to lock down. Returns how many administrators were written to."""
    entry = AuditEntry.objects.filter(pk=entry_id, action=ELEVATED).first()
    if entry is None:
        return 0
    User = get_user_model()
    account = User._default_manager.filter(pk=int(entry.target_id)).first()
    recipients = sorted(
        {email for email in users_with_role(Role.ADMINISTRATOR).values_list("email", flat=True) if email}
    )
    if account is None or not recipients:
        logger.warning("an account became an administrator; no administrator has an e-mail address to tell")
        return 0
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "account": account.get_username(),
            "at": timezone.localtime(entry.at),
            "by": entry.actor_label,
            "days": settings.LOCKDOWN_RECENT_ADMIN_DAYS,
        }
        subject = gettext("An account is now an administrator: %(account)s") % {"account": context["account"]}
        body = render_to_string("security/administrator_elevated_email.txt", context)
    try:
        send_mail(subject, body, None, recipients)
    except (OSError, smtplib.SMTPException) as exc:
        # Not raised: the change stands and the lockdown page lists it; the operator fixes the mail.
        logger.error("could not announce a new administrator by e-mail: %s", type(exc).__name__)
        return 0
    return len(recipients)


@task()
def announce_elevation_task(entry_id: int) -> int:
    """`announce_elevation` in the background, queued once the elevation commits."""
    return announce_elevation(entry_id=entry_id)
