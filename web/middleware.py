"""Request gates in front of every page (and the API): the session policy by role, and the
multi-factor gate, which sends a page to the verification page and answers the API with
problem+json. They live here, not in `cases`, because they redirect to pages.

Order in settings.MIDDLEWARE: `SessionPolicyMiddleware` and `MFAEnforcementMiddleware` after
django-otp's OTPMiddleware. The response headers every page gets are `core.middleware`'s.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import TypeGuard

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from cases.mfa import mfa_has_device, mfa_required_for
from cases.roles import Role, role_of
from cases.types import AnyUser, User
from core.problems import is_api_request, problem_json_response

MFA_REQUIRED = _("Multi-factor verification is required for this account.")


def idle_seconds_for(user: AnyUser) -> int:
    """Idle timeout of a session: short for roles that see personal data, configurable."""
    role = role_of(user)
    if role in (Role.OBSERVER, Role.ORGANIZER):
        return settings.SESSION_IDLE_SECONDS_LOW_RISK
    return settings.SESSION_IDLE_SECONDS


class SessionPolicyMiddleware:
    """Per-role idle expiry and an absolute session lifetime. (A lockdown needs no check here:
    it deletes every session, raises every session epoch and suspends the accounts.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            login_at = request.session.get("tracker_login_at")
            too_old = login_at and timezone.now().timestamp() - float(login_at) > settings.SESSION_ABSOLUTE_SECONDS
            if too_old:
                logout(request)
            else:
                request.session.set_expiry(idle_seconds_for(user))
        return self.get_response(request)


def second_factor_pending(user: AnyUser | None) -> TypeGuard[User]:
    """Whether a signed-in user still owes this session a second factor: until then the sign-in
    is not complete (the gate below sends them to verify; pages show them no menu)."""
    if user is None or not user.is_authenticated or not mfa_required_for(user):
        return False
    # django-otp's middleware sets `is_verified` on request.user
    return not getattr(user, "is_verified", lambda: False)()


class MFAEnforcementMiddleware:
    """Until a privileged user has verified a code in this session, every page sends them to the
    verification (or first-time enrolment) page, and the API answers 403 problem+json
    (type .../problems/mfa_required) without running the view."""

    EXEMPT_NAMES = ("login", "logout", "mfa_verify", "mfa_enrol", "healthz")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def exempt_paths(self) -> set[str]:
        return {reverse(name) for name in self.EXEMPT_NAMES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        # Who owes a second factor is asked first: the exempt paths are reversed only then, so a
        # request that owes nothing never depends on the sign-in routes being in the URLconf.
        if (
            second_factor_pending(user)
            and request.path_info not in self.exempt_paths
            and not request.path_info.startswith(settings.STATIC_URL)
        ):
            if is_api_request(request):
                return problem_json_response(status=403, detail=MFA_REQUIRED, code="mfa_required")
            target = "mfa_verify" if mfa_has_device(user) else "mfa_enrol"
            query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
            return redirect(reverse(target) + (f"?{query}" if query else ""))
        return self.get_response(request)
