"""Emergency lockdown (docs/lockdown.md is the runbook).

`lockdown_activate` does at once, in one transaction: every session ends (session rows deleted and
every account's session epoch raised, so no cookie works on any session backend), every
non-administrator account is suspended, and so is every account raised to administrator within
LOCKDOWN_RECENT_ADMIN_DAYS (`recent_administrators`) but the one running it,
`cases.signals.lockdown_activated` makes the other apps revoke what they issued (API tokens and idempotency records, calendar feeds, stored packets), and
sign-in is refused to everyone but administrators until `lockdown_lift`.

With `destroy_keys=True` (a second, explicit confirmation) it also destroys the keys the
application holds in files (FIELD_ENCRYPTION_KEYS_FILE, BLIND_INDEX_KEY_FILE, and in development
the development key file, DEV_KEYS_FILE): overwritten with random bytes, flushed and unlinked, so
a copy of the server seized afterwards holds only ciphertext. Every process reads these files at
each use, so all of them lose the keys at once. Keys given in the environment cannot be destroyed by the application: the report
names how many remain, and the operator must remove them from the service's environment.
Recovery needs the escrowed keys (docs/lockdown.md).

While the lockdown lasts, `LockdownGateBackend` refuses every sign-in but administrators'.
This stays in `cases`, not the infrastructure package: it reads and writes LockdownState,
suspends accounts by role and writes the audit trail.
"""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from cases.account_changes import elevations_since
from cases.audit import audit_record
from cases.models import LockdownState
from cases.permissions import may
from cases.roles import Role, users_with_role
from cases.sessions import end_sessions_of
from cases.signals import lockdown_activated
from cases.types import User
from core import crypto


def lockdown_is_active() -> bool:
    return LockdownState.objects.filter(pk=1, active=True).exists()


@dataclass
class LockdownReport:
    sessions_ended: int = 0
    accounts_suspended: int = 0
    administrators_suspended: int = 0  # raised to administrator within LOCKDOWN_RECENT_ADMIN_DAYS
    key_files_destroyed: list[str] = field(default_factory=list)
    environment_keys_remaining: int = 0


def _administrators() -> list[int]:
    return list(users_with_role(Role.ADMINISTRATOR).values_list("pk", flat=True))


@dataclass(frozen=True)
class RecentAdministrator:
    """An account raised to administrator within LOCKDOWN_RECENT_ADMIN_DAYS (the lockdown page lists them)."""

    user_id: int
    username: str
    at: datetime.datetime
    by: str  # the username of who raised it; "" for a command or the server's shell
    still_administrator: bool


def recent_administrators() -> list[RecentAdministrator]:
    """Accounts raised to administrator within the last LOCKDOWN_RECENT_ADMIN_DAYS, newest
    elevation first, one row per account."""
    since = timezone.now() - datetime.timedelta(days=settings.LOCKDOWN_RECENT_ADMIN_DAYS)
    entries = elevations_since(since)
    ids = list(dict.fromkeys(int(entry.target_id) for entry in entries))
    users = get_user_model()._default_manager.in_bulk(ids)
    admins = set(users_with_role(Role.ADMINISTRATOR).filter(pk__in=ids).values_list("pk", flat=True))
    rows, seen = [], set()
    for entry in entries:
        pk = int(entry.target_id)
        if pk in seen or pk not in users:
            continue
        seen.add(pk)
        rows.append(RecentAdministrator(pk, users[pk].get_username(), entry.at, entry.actor_label, pk in admins))
    return rows


def _shred(path: str) -> bool:
    """Overwrite a key file with random bytes, flush it to disk and unlink it."""
    if not path or not os.path.exists(path):
        return False
    size = max(os.path.getsize(path), 64)
    with open(path, "r+b") as handle:
        handle.write(os.urandom(size))
        handle.flush()
        os.fsync(handle.fileno())
    os.unlink(path)
    return True


def environment_keys_remaining() -> int:
    """Keys the application cannot destroy: field keys and the blind-index key from the environment."""
    count = len(settings.FIELD_ENCRYPTION_KEYS)
    if settings.BLIND_INDEX_KEY and not settings.BLIND_INDEX_KEY_FILE:
        count += 1
    return count


# The key files the application can destroy: production's, and the development key file.
KEY_FILE_SETTINGS = ("FIELD_ENCRYPTION_KEYS_FILE", "BLIND_INDEX_KEY_FILE", "DEV_KEYS_FILE")


def configured_key_files() -> list[str]:
    """The settings naming a key file that exists now (what a lockdown with shredding destroys)."""
    return [name for name in KEY_FILE_SETTINGS if (path := getattr(settings, name, "")) and os.path.exists(path)]


def destroy_key_files() -> list[str]:
    destroyed = []
    for setting in KEY_FILE_SETTINGS:
        if _shred(getattr(settings, setting, "")):
            destroyed.append(setting)
    crypto.forget_keys()
    return destroyed


def lockdown_activate(
    *, by: User | None, destroy_keys: bool = False, request: HttpRequest | None = None
) -> LockdownReport:
    """Lock everything down now; see the module docstring. `by` must be an administrator (or None
    for the command line)."""
    if by is not None and not may(by, "security.lockdown"):
        raise PermissionError("only an administrator can start a lockdown")
    report = LockdownReport()
    User = get_user_model()
    with transaction.atomic():
        state, _ = LockdownState.objects.select_for_update().get_or_create(pk=1)
        # Administrators stay, except those raised within LOCKDOWN_RECENT_ADMIN_DAYS (a promotion
        # by an intruder must not survive the emergency stop); the one running it always stays.
        recent = {row.user_id for row in recent_administrators()} - {getattr(by, "pk", None)}
        kept = set(_administrators()) - recent
        to_suspend = list(
            User._default_manager.filter(is_active=True).exclude(pk__in=kept).values_list("pk", flat=True)
        )
        report.administrators_suspended = len(recent & set(to_suspend))
        User._default_manager.filter(pk__in=to_suspend).update(is_active=False)
        User._default_manager.update(session_epoch=F("session_epoch") + 1)
        report.sessions_ended = end_sessions_of(user_ids=None)
        report.accounts_suspended = len(to_suspend)
        state.active = True
        state.activated_at = timezone.now()
        state.activated_by = by if getattr(by, "pk", None) else None
        state.lifted_at = None
        state.suspended_user_ids = sorted(set(state.suspended_user_ids) | set(to_suspend))
        state.save()
        lockdown_activated.send(sender=LockdownState, by=by, destroy_keys=destroy_keys)
        audit_record(
            actor=by,
            action="lockdown.activate",
            request=request,
            count=report.accounts_suspended,
            confirmed=destroy_keys,
            rows=report.sessions_ended,
        )
    if destroy_keys:
        # After the commit: the audit entry and the suspensions are durable before the keys go.
        report.key_files_destroyed = destroy_key_files()
        report.environment_keys_remaining = environment_keys_remaining()
        with transaction.atomic():
            LockdownState.objects.filter(pk=1).update(keys_destroyed_at=timezone.now())
            audit_record(
                actor=by,
                action="lockdown.keys_destroyed",
                request=request,
                keys=len(report.key_files_destroyed),
                count=report.environment_keys_remaining,
            )
    return report


def _raised_before(activated_at: datetime.datetime | None) -> set[int]:
    """Accounts raised to administrator within LOCKDOWN_RECENT_ADMIN_DAYS before the lockdown began:
    the ones it suspended as possible intruders."""
    if activated_at is None:
        return set()
    since = activated_at - datetime.timedelta(days=settings.LOCKDOWN_RECENT_ADMIN_DAYS)
    return {int(entry.target_id) for entry in elevations_since(since) if entry.at <= activated_at}


@transaction.atomic
def lockdown_lift(*, by: User | None, request: HttpRequest | None = None) -> int:
    """End the lockdown: accounts it suspended are active again (they sign in afresh; API and feed
    tokens stay revoked), except those it suspended for having been raised to administrator just
    before it: lifting the emergency stop must not hand an intruder's promotion back. An
    administrator reactivates such an account by hand, after checking it (docs/lockdown.md).
    Returns how many accounts were reactivated."""
    if by is not None and not may(by, "security.lockdown"):
        raise PermissionError("only an administrator can lift a lockdown")
    state, _ = LockdownState.objects.select_for_update().get_or_create(pk=1)
    User = get_user_model()
    held = _raised_before(state.activated_at) & set(state.suspended_user_ids)
    reactivated = (
        User._default_manager.filter(pk__in=state.suspended_user_ids).exclude(pk__in=held).update(is_active=True)
    )
    state.active = False
    state.lifted_at = timezone.now()
    state.suspended_user_ids = []
    state.save()
    audit_record(actor=by, action="lockdown.lift", request=request, count=reactivated, rows=len(held))
    return reactivated


class LockdownGateBackend(BaseBackend):
    """While a lockdown is active, only administrators may sign in (placed after axes, before the
    model backend): any other account is refused exactly like a wrong password."""

    def authenticate(self, request: HttpRequest | None, username: str | None = None, **kwargs: Any) -> None:
        if not lockdown_is_active():
            return None
        user = get_user_model()._default_manager.filter(username=username).first() if username else None
        if user is None or not may(user, "security.sign_in_during_lockdown"):
            raise PermissionDenied("sign-in is suspended during a lockdown")
        return None
