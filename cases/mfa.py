"""Multi-factor authentication (TOTP plus single-use recovery codes, via django-otp).

Jail support, lawyers, coordinators and administrators (settings.MFA_REQUIRED_ROLES) must verify a code after
their password before anything else; on their first sign-in they enrol: an authenticator app
scans an SVG QR code, they confirm one code, and they are shown ten recovery codes once.
A new device can be enrolled only by an account that has none yet, so a stolen password alone
can never register the attacker's phone.

It stays in `cases`, not the infrastructure package: who must use a second factor is a question
of role (`cases.roles`), and every enrolment, verification and reset is written to the audit trail.
"""

from __future__ import annotations

import base64
import secrets
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from cases.audit import audit_record
from cases.models import Authenticator
from cases.roles import role_of
from cases.types import User, signed_in
from core.crypto import keyed_hash

RECOVERY_CODES = 10
RECOVERY_CODE_CHARS = 20  # base32: 100 bits of entropy each


def _recovery_digest(code: str) -> str:
    """What is stored for a recovery code: a keyed hash (16 hex characters fit django-otp's token
    column), never the code. With 100-bit codes and a key outside the database, a dump reveals nothing
    usable (ASVS v5.0.0-6.5.2)."""
    normalised = "".join(ch for ch in code.lower() if ch.isalnum())
    return keyed_hash(normalised, purpose="mfa-recovery")[:16]


def _looks_like_recovery_code(token: str) -> bool:
    return len("".join(ch for ch in token if ch.isalnum())) == RECOVERY_CODE_CHARS


def mfa_required_for(user: User) -> bool:
    role = role_of(user)
    return role is not None and role.value in settings.MFA_REQUIRED_ROLES


def mfa_has_device(user: User) -> bool:
    return user_has_device(user, confirmed=True)


def mfa_pending_totp(*, user: User) -> Authenticator:
    """The unconfirmed authenticator being enrolled (created once, reused on reload)."""
    if mfa_has_device(user):
        raise PermissionError("this account already has a device; enrolling another needs a coordinator reset")
    device = Authenticator.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = Authenticator.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def mfa_qr_svg(device: Authenticator) -> str:
    """The otpauth:// URL as an inline SVG (no external image, fits the strict CSP)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


@transaction.atomic
def mfa_confirm_enrolment(*, user: User, token: str, request: HttpRequest | None = None) -> list[str] | None:
    """Confirm the pending authenticator with one code; return the recovery codes (shown once)."""
    device = Authenticator.objects.select_for_update().filter(user=user, confirmed=False).order_by("id").first()
    if device is None or mfa_has_device(user) or not device.verify_token(token.strip()):
        audit_record(actor=user, action="mfa.enrol_failed", request=request)
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    Authenticator.objects.filter(user=user, confirmed=False).delete()
    codes = mfa_new_recovery_codes(user=user)
    if request is not None:
        otp_login(request, device)
        request.session.cycle_key()
    audit_record(actor=user, action="mfa.enrol", request=request, kind="totp")
    return codes


def mfa_new_recovery_codes(*, user: User) -> list[str]:
    """Replace the account's recovery codes with ten new single-use ones (shown once; only keyed
    hashes are stored)."""
    # The device stays and only its codes are replaced: deleting a confirmed device is a
    # second-factor reset, which ends every session of the account (cases.account_changes).
    device = StaticDevice.objects.filter(user=user).order_by("id").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    StaticToken.objects.filter(device=device).delete()
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = base64.b32encode(secrets.token_bytes(13)).decode().lower()[:RECOVERY_CODE_CHARS]
        codes.append("-".join(raw[i : i + 5] for i in range(0, RECOVERY_CODE_CHARS, 5)))
    StaticToken.objects.bulk_create([StaticToken(device=device, token=_recovery_digest(code)) for code in codes])
    return codes


def mfa_check(*, user: User, token: str) -> Any:
    """The confirmed device (authenticator or recovery code) that accepts `token`, or None.
    Each device throttles its own failures (django-otp backs off exponentially)."""
    token = (token or "").strip().replace(" ", "").lower()
    if not token or len(token) > 40:
        return None
    recovery = _looks_like_recovery_code(token)
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if isinstance(device, StaticDevice):
                if recovery and device.verify_token(_recovery_digest(token)):
                    return device
            elif not recovery and device.verify_token(token):
                return device
    return None


def mfa_verify(*, request: HttpRequest, token: str) -> bool:
    """Second step of a web sign-in: verify and bind the device to the session (new session key)."""
    user = signed_in(request.user)
    device = mfa_check(user=user, token=token)
    if device is None:
        audit_record(actor=user, action="mfa.failed", request=request)
        return False
    otp_login(request, device)
    request.session.cycle_key()
    request.session["tracker_mfa_at"] = _now_ts()
    audit_record(actor=user, action="mfa.verified", request=request, kind=type(device).__name__.lower())
    return True


@transaction.atomic
def mfa_reset(*, user: User, by: User | None, request: HttpRequest | None = None) -> None:
    """Remove every device of an account (after a lost phone): the account enrols again at its next
    sign-in, and every session and token of it ends (cases.account_changes). Call it through
    `cases.services.account_reset_mfa`, which checks who may."""
    for model in (Authenticator, StaticDevice):
        model.objects.filter(user=user).delete()
    audit_record(actor=by, action="mfa.reset", target=user, request=request)


def _now_ts() -> float:
    return timezone.now().timestamp()


def mfa_is_recent(request: HttpRequest, *, seconds: int | None = None) -> bool:
    """Whether the session verified a code within `seconds` (for dangerous actions like lockdown)."""
    seconds = seconds if seconds is not None else settings.MFA_RECENT_SECONDS
    at = request.session.get("tracker_mfa_at")
    verified = getattr(request.user, "is_verified", lambda: False)()
    return bool(verified and at and _now_ts() - float(at) <= seconds)
