"""Ending sessions: an account's ("log out everywhere": its session epoch is raised, so no cookie
works on any session backend, its stored sessions are deleted, the other apps revoke what they
issued (API tokens, feed tokens) on `cases.signals.sessions_ended`, and the audit trail records
it), or every account's (the lockdown). It lives in `cases`, not beside `core.authn`, because it
writes the audit trail and the user model's session epoch."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest

from cases.audit import audit_record
from cases.signals import sessions_ended
from cases.types import User


@transaction.atomic
def user_end_all_sessions(*, user: User, by: User | None, request: HttpRequest | None = None, reason: str = "") -> int:
    """Log out everywhere: every session of `user` ends and their API/feed tokens are revoked.

    Without `reason` it is the person's own "log out everywhere"; with one (password, role,
    deactivated, mfa_reset: cases.account_changes) an account change that must end them."""
    User = get_user_model()
    User._default_manager.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    # The caller's copy must not write the old epoch back with its next save().
    user.refresh_from_db(fields=["session_epoch"])
    ended = end_sessions_of(user_ids=[user.pk])
    sessions_ended.send(sender=User, users=User._default_manager.filter(pk=user.pk), by=by)
    if reason:
        audit_record(actor=by, action="auth.sessions_ended", target=user, request=request, count=ended, reason=reason)
    else:
        audit_record(actor=by, action="auth.logout_everywhere", target=user, request=request, count=ended)
    return ended


def end_sessions_of(*, user_ids: list[int] | None) -> int:
    """Delete stored sessions of the given accounts (all accounts for None). Returns the count.

    The session epoch already invalidates them on any session backend; this also removes the rows
    from the database session store so nothing lingers until expiry.
    """
    if "django.contrib.sessions.backends.db" not in settings.SESSION_ENGINE and (
        "cached_db" not in settings.SESSION_ENGINE
    ):
        return 0
    if user_ids is None:
        count, _ = Session.objects.all().delete()
        return count
    wanted = {str(pk) for pk in user_ids}
    doomed = []
    for session in Session.objects.all().iterator(chunk_size=500):
        try:
            data = session.get_decoded()
        except Exception:  # an undecodable session is worthless anyway  # noqa: S112  # nosec B112
            continue
        if str(data.get("_auth_user_id", "")) in wanted:
            doomed.append(session.session_key)
    Session.objects.filter(session_key__in=doomed).delete()
    return len(doomed)
