"""Test helpers for signing in with the second factor."""

from __future__ import annotations

from typing import Any

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from cases.models import Authenticator


def totp_device_for(user: Any) -> Authenticator:
    device = Authenticator.objects.filter(user=user, confirmed=True).first()
    return device or Authenticator.objects.create(user=user, name="test phone", confirmed=True)


def current_code(device: Authenticator, *, offset_steps: int = 0) -> str:
    """The code the phone shows now (offset_steps=1: the next one, to avoid the anti-replay check)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = totp.time + offset_steps * device.step
    return f"{totp.token():0{device.digits}d}"


def mfa_verify_client(client: Any, user: Any) -> None:
    """Mark a force-logged-in test client's session as verified with a second factor, as if the
    person had entered a code (no-op for roles that need no second factor)."""
    from cases.mfa import mfa_required_for

    if not mfa_required_for(user):
        return
    import time

    device = totp_device_for(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session["tracker_mfa_at"] = time.time()
    session.save()


def acting(user: Any) -> Any:
    """A request of `user`, signed in with a code confirmed just now: what the account services
    (cases.services.account_*) ask of a person changing accounts."""
    from django.test.client import RequestFactory

    client = signed_in(user)
    request = RequestFactory().post("/coordination/accounts/")
    request.user = user
    request.session = client.session
    user.is_verified = lambda: True  # what django-otp's middleware sets for a verified session
    return request


def signed_in(user: Any) -> Any:
    """A test client signed in as `user`, with the second factor verified where the role needs it."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    mfa_verify_client(client, user)
    return client
