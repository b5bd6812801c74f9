"""Sign-in pages: password, then the second factor (verify or first-time enrolment), account
security (recovery codes, signing out everywhere), the language of one's e-mails, and the
administrators' emergency lockdown page."""

from __future__ import annotations

from base64 import b32encode
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods, require_POST

from cases import mfa
from cases.audit import audit_record
from cases.lockdown import (
    configured_key_files,
    environment_keys_remaining,
    lockdown_activate,
    lockdown_is_active,
    lockdown_lift,
    recent_administrators,
)
from cases.selectors import account_language
from cases.services import account_set_language
from cases.sessions import user_end_all_sessions
from cases.types import signed_in
from web.forms.account import AccountLanguageForm, LockdownForm, TokenForm, TrackerAuthenticationForm
from web.permissions import page_for


@method_decorator(sensitive_post_parameters("password"), name="dispatch")
class TrackerLoginView(LoginView):
    authentication_form = TrackerAuthenticationForm
    redirect_authenticated_user = True
    http_method_names = ["get", "post", "head", "options"]  # a FormView would also take PUT as a sign-in
    template_name = "registration/login.html"


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


@never_cache
@sensitive_post_parameters("token")
@sensitive_variables("form")
@login_required
@require_http_methods(["GET", "POST"])
def mfa_verify_view(request: HttpRequest) -> HttpResponse:
    if not mfa.mfa_has_device(signed_in(request.user)):
        return redirect("mfa_enrol")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.mfa_verify(request=request, token=form.cleaned_data["token"]):
            return redirect(_safe_next(request))
        form.add_error("token", _("That code did not work. Wait for a new one and try again."))
    return render(request, "registration/mfa_verify.html", {"form": form, "next": _safe_next(request)})


@never_cache
@sensitive_post_parameters("token")
@login_required
@require_http_methods(["GET", "POST"])
def mfa_enrol_view(request: HttpRequest) -> HttpResponse:
    if mfa.mfa_has_device(signed_in(request.user)):
        return redirect("mfa_verify")
    device = mfa.mfa_pending_totp(user=signed_in(request.user))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = mfa.mfa_confirm_enrolment(
            user=signed_in(request.user), token=form.cleaned_data["token"], request=request
        )
        if codes is not None:
            return render(request, "registration/recovery_codes.html", {"codes": codes, "next": _safe_next(request)})
        form.add_error("token", _("That code did not work. Check the phone's clock and try the next code."))
    context: dict[str, Any] = {
        "form": form,
        "qr_svg": mfa.mfa_qr_svg(device),
        "secret": b32encode(device.bin_key).decode(),
        "next": _safe_next(request),
    }
    return render(request, "registration/mfa_enrol.html", context)


@never_cache
@login_required
@require_http_methods(["GET"])
def account_security_view(request: HttpRequest) -> HttpResponse:
    return render(
        request, "registration/account_security.html", {"mfa_required": mfa.mfa_required_for(signed_in(request.user))}
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def account_language_view(request: HttpRequest) -> HttpResponse:
    """The language of the alerts and digests this account receives (anyone signed in, about
    their own account)."""
    user = signed_in(request.user)
    form = AccountLanguageForm(request.POST or None, initial={"language": account_language(user)})
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "registration/account_language.html", {"form": form}, status=400)
        account_set_language(user=user, language=form.cleaned_data["language"], request=request)
        messages.success(request, _("Saved."))
        return redirect("account_language")
    return render(request, "registration/account_language.html", {"form": form})


@never_cache
@login_required
@require_POST
def recovery_codes_view(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working); needs a code verified in the last minutes."""
    if not mfa.mfa_is_recent(request):
        messages.warning(request, _("Confirm a code first, then ask for new recovery codes."))
        return redirect(reverse("mfa_verify") + "?next=" + reverse("account_security"))
    codes = mfa.mfa_new_recovery_codes(user=signed_in(request.user))
    audit_record(actor=request.user, action="mfa.recovery_codes", request=request, count=len(codes))
    return render(request, "registration/recovery_codes.html", {"codes": codes, "next": reverse("home")})


@login_required
@require_POST
def logout_everywhere_view(request: HttpRequest) -> HttpResponse:
    user = signed_in(request.user)
    user_end_all_sessions(user=user, by=user, request=request)
    logout(request)
    return redirect("login")


@never_cache
@page_for("security.lockdown", hidden=True)
@require_http_methods(["GET", "POST"])
def lockdown_view(request: HttpRequest) -> HttpResponse:
    """The emergency lockdown, for administrators with a code verified in the last minutes."""
    if not mfa.mfa_is_recent(request):
        messages.warning(request, _("Confirm a code first: a lockdown needs a fresh second factor."))
        return redirect(reverse("mfa_verify") + "?next=" + reverse("lockdown"))
    form = LockdownForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "lift":
        count = lockdown_lift(by=signed_in(request.user), request=request)
        lifted = ngettext(
            "Lockdown lifted; %(n)s account can sign in again.",
            "Lockdown lifted; %(n)s accounts can sign in again.",
            count,
        )
        messages.success(request, lifted % {"n": count})
        return redirect("lockdown")
    if request.method == "POST" and form.is_valid():
        user = signed_in(request.user)
        report = lockdown_activate(by=user, destroy_keys=form.cleaned_data["destroy_keys"], request=request)
        logout(request)  # this session ended with all the others
        context = {"report": report, "destroy_keys": form.cleaned_data["destroy_keys"]}
        return render(request, "security/lockdown_done.html", context, status=200)
    context = {
        "form": form,
        "active": lockdown_is_active(),
        "environment_keys": environment_keys_remaining(),
        "key_files": configured_key_files(),
        "recent_administrators": recent_administrators(),
        "recent_days": settings.LOCKDOWN_RECENT_ADMIN_DAYS,
    }
    return render(request, "security/lockdown.html", context)
