"""Token sign-in, expiry, revocation, the issue_token command, lockdown, CSRF on session writes."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiToken
from api.tokens import hash_token, token_issue
from cases.models import AuditEntry
from cases.signals import lockdown_activated
from tests.auth import current_code, totp_device_for

PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - the factories' test password
URL = "/api/v1/auth/token/"


def bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_observer_gets_a_token_that_works_and_only_its_hash_is_stored(observer):
    response = APIClient().post(URL, {"username": observer.username, "password": PASSWORD, "label": "phone"})
    assert response.status_code == 201
    body = response.json()
    assert body["token"].startswith("trk_") and body["role"] == "observer"
    stored = ApiToken.objects.get(public_id=body["token_id"])
    assert stored.key_hash == hash_token(body["token"]) and stored.label == "phone"
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        assert body["token"] not in repr(cursor.fetchall())
    assert bearer(body["token"]).get("/api/v1/events/").status_code == 200


@pytest.mark.parametrize(
    "credentials",
    [
        {"username": "olive_observer", "password": "wrong-password-123"},
        {"username": "no_such_person", "password": PASSWORD},
    ],
    ids=["wrong password", "unknown user"],
)
def test_failures_look_alike(observer, credentials):
    response = APIClient().post(URL, credentials)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Unable to sign in with these credentials."


def test_a_role_that_needs_a_second_factor_must_send_its_code(lawyer):
    device = totp_device_for(lawyer)
    no_code = APIClient().post(URL, {"username": lawyer.username, "password": PASSWORD})
    assert no_code.status_code == 401
    good = APIClient().post(URL, {"username": lawyer.username, "password": PASSWORD, "otp_token": current_code(device)})
    assert good.status_code == 201
    bad_code = APIClient().post(URL, {"username": lawyer.username, "password": PASSWORD, "otp_token": "000000"})
    assert bad_code.status_code == 401
    assert no_code.json()["detail"] == bad_code.json()["detail"] == "Unable to sign in with these credentials."
    assert AuditEntry.objects.filter(action="api.token.otp_failed").count() == 2


def test_a_role_that_needs_a_second_factor_but_has_none_gets_no_token(lawyer):
    response = APIClient().post(URL, {"username": lawyer.username, "password": PASSWORD})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()


def test_an_account_without_a_role_gets_no_token(outsider):
    assert APIClient().post(URL, {"username": outsider.username, "password": PASSWORD}).status_code == 401


def test_repeated_failures_lock_the_account_out(observer, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = APIClient()
    for _ in range(3):
        assert client.post(URL, {"username": observer.username, "password": "wrong-password-123"}).status_code == 401
    # even the right password is now refused, with the same answer
    locked = client.post(URL, {"username": observer.username, "password": PASSWORD})
    assert locked.status_code == 401
    assert not ApiToken.objects.exists()


def test_the_token_endpoint_is_throttled(observer):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "auth": "3/min"}
    original = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = rates
    try:
        client = APIClient()
        codes = [client.post(URL, {"username": "x", "password": "wrong-password-123"}).status_code for _ in range(4)]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = original
    assert codes == [401, 401, 401, 429]


@pytest.mark.parametrize("state", ["expired", "revoked", "inactive user", "unknown", "malformed"])
def test_unusable_tokens_get_401(observer, state):
    raw, token = token_issue(user=observer, by=observer)
    if state == "expired":
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    elif state == "revoked":
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    elif state == "inactive user":
        type(observer).objects.filter(pk=observer.pk).update(is_active=False)
    elif state == "unknown":
        raw = "trk_" + "A" * 43
    else:
        raw = "not a token at all"
    response = bearer(raw).get("/api/v1/events/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response["Content-Type"] == "application/problem+json"


def test_delete_revokes_the_token_in_use(observer):
    raw, token = token_issue(user=observer, by=observer)
    client = bearer(raw)
    assert client.delete(URL).status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/api/v1/events/").status_code == 401


def test_delete_with_a_session_says_to_send_the_token(observer, client_for):
    client = client_for(observer)
    assert client.delete(URL).status_code == 400


def test_issue_token_command_prints_a_working_token(observer):
    out, err = io.StringIO(), io.StringIO()
    call_command("issue_token", observer.username, "--hours", "2", stdout=out, stderr=err)
    raw = out.getvalue().strip()
    assert raw.startswith("trk_")
    token = ApiToken.objects.get(key_hash=hash_token(raw))
    assert datetime.timedelta(hours=1, minutes=59) < token.expires_at - timezone.now() <= datetime.timedelta(hours=2)
    assert bearer(raw).get("/api/v1/events/").status_code == 200


def test_issue_token_command_refuses_unknown_users(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("issue_token", "nobody-here")


def test_lockdown_revokes_every_token(observer, coordinator):
    tokens = [token_issue(user=u, by=u)[0] for u in (observer, coordinator)]
    lockdown_activated.send(sender=None, by=coordinator, destroy_keys=False)
    assert not ApiToken.objects.filter(revoked_at__isnull=True).exists()
    for raw in tokens:
        assert bearer(raw).get("/api/v1/events/").status_code == 401


def test_log_out_everywhere_revokes_that_persons_tokens(observer, other_observer):
    from cases.sessions import user_end_all_sessions

    mine, _ = token_issue(user=observer, by=observer)
    theirs, _ = token_issue(user=other_observer, by=other_observer)
    user_end_all_sessions(user=observer, by=observer)
    assert bearer(mine).get("/api/v1/events/").status_code == 401
    assert bearer(theirs).get("/api/v1/events/").status_code == 200


def test_session_writes_need_the_csrf_token(coordinator, settings):
    from tests.auth import mfa_verify_client

    client = Client(enforce_csrf_checks=True)
    client.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")
    mfa_verify_client(client, coordinator)
    body = {"name": "Vigil", "starts_at": "2026-07-01T12:00:00Z"}
    refused = client.post("/api/v1/events/", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert client.get("/api/v1/events/").status_code == 200  # reads need no token
    token = "a" * 32  # a CSRF secret as the cookie would carry it; the header must repeat it
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    wrong = client.post("/api/v1/events/", body, content_type="application/json", HTTP_X_CSRFTOKEN="b" * 32)
    assert wrong.status_code == 403
    accepted = client.post("/api/v1/events/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 201
