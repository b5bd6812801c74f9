"""Ending every session of an account ("log out everywhere"): its session epoch is raised, so no
cookie works on any session backend, its stored sessions are deleted, the other apps revoke what
they issued (API tokens, feed tokens) on `cases.signals.sessions_ended`, and the audit trail
records it. It lives in `cases` (not beside `core.authn`) because it writes the audit trail and
the user model's session epoch."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest

from cases.audit import audit_record
from cases.signals import sessions_ended
from core.authn import end_sessions_of


@transaction.atomic
def user_end_all_sessions(*, user: Any, by: Any, request: HttpRequest | None = None, reason: str = "") -> int:
    """Log out everywhere: every session of `user` ends and their API/feed tokens are revoked.

    Without `reason` it is the person's own "log out everywhere"; with one (password, role,
    deactivated, mfa_reset: cases.account_changes) an account change that must end them."""
    User = get_user_model()
    User._default_manager.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    # The caller's copy must not write the old epoch back with its next save().
    user.session_epoch = User._default_manager.filter(pk=user.pk).values_list("session_epoch", flat=True).first()
    ended = end_sessions_of(user_ids=[user.pk])
    sessions_ended.send(sender=User, users=User._default_manager.filter(pk=user.pk), by=by)
    if reason:
        audit_record(actor=by, action="auth.sessions_ended", target=user, request=request, count=ended, reason=reason)
    else:
        audit_record(actor=by, action="auth.logout_everywhere", target=user, request=request, count=ended)
    return ended
