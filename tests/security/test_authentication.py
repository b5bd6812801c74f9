"""Attacks on sign-in: brute force, account probing, session fixation, idle and stolen sessions."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from cases.models import AuditEntry

PASSWORD = "correct-horse-battery-staple"
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


def login(client, username, password, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def comparable(response, username):
    """The page without what legitimately differs: the CSRF token and the echoed username."""
    return CSRF.sub(b"", response.content).replace(username.encode(), b"<user>")


@pytest.mark.django_db
def test_brute_force_is_locked_out_and_the_right_password_then_fails_too(client, observer, settings):
    settings.AXES_FAILURE_LIMIT = 5
    for _ in range(5):
        response = login(client, observer.username, "wrong-password-guess")
        assert response.status_code == 200 and b"did not work" in response.content
    locked = login(client, observer.username, PASSWORD)
    assert locked.status_code == 200 and b"did not work" in locked.content
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still signed out
    assert AuditEntry.objects.filter(action="auth.locked_out").exists()
    # Another address is not locked (username + IP), so an attacker cannot lock a victim out everywhere.
    elsewhere = Client(REMOTE_ADDR="198.51.100.20")
    assert login(elsewhere, observer.username, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_locked_unknown_and_wrong_password_answers_are_identical(observer, settings):
    settings.AXES_FAILURE_LIMIT = 2
    attacker = Client(REMOTE_ADDR="203.0.113.50")
    wrong = login(attacker, observer.username, "wrong-password-guess")
    unknown = login(attacker, "nobody-by-this-name", "wrong-password-guess")
    login(attacker, observer.username, "wrong-password-guess")
    locked = login(attacker, observer.username, PASSWORD)
    observer.is_active = False
    observer.save()
    suspended = login(Client(REMOTE_ADDR="203.0.113.51"), observer.username, PASSWORD)
    assert wrong.status_code == unknown.status_code == locked.status_code == suspended.status_code == 200
    pages = {
        comparable(wrong, observer.username),
        comparable(unknown, "nobody-by-this-name"),
        comparable(locked, observer.username),
        comparable(suspended, observer.username),
    }
    assert len(pages) == 1, "the sign-in page tells a locked, unknown or suspended account apart"


@pytest.mark.django_db
def test_session_key_rotates_on_login_and_on_second_factor(client, lawyer):
    from tests.auth import current_code, totp_device_for

    client.get("/login/")
    client.cookies["sessionid"] = "attacker-planted-session-key"
    login(client, lawyer.username, PASSWORD)
    after_password = client.cookies["sessionid"].value
    assert after_password != "attacker-planted-session-key"
    device = totp_device_for(lawyer)
    client.post("/login/verify/", {"token": current_code(device)})
    after_code = client.cookies["sessionid"].value
    assert after_code != after_password
    assert not Session.objects.filter(session_key=after_password).exists()
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_login_and_failures_are_audited_with_hashed_ip_and_no_username(observer):
    client = Client(REMOTE_ADDR="192.0.2.77")
    login(client, "maria.garcia.typo", "wrong-password-guess")
    login(client, observer.username, PASSWORD)
    failed = AuditEntry.objects.get(action="auth.login_failed")
    ok = AuditEntry.objects.get(action="auth.login")
    assert ok.actor == observer and ok.ip_hash and failed.ip_hash == ok.ip_hash
    stored = f"{failed.actor_label}{failed.details}{failed.ip_hash}{ok.details}"
    assert "maria" not in stored and "192.0.2.77" not in stored
    assert failed.details["subject"] and len(failed.details["subject"]) == 24


@pytest.mark.django_db
def test_axes_stores_a_pseudonym_of_the_address_never_the_address(observer):
    from axes.models import AccessAttempt

    login(Client(REMOTE_ADDR="192.0.2.88"), observer.username, "wrong-password-guess")
    attempt = AccessAttempt.objects.get()
    assert attempt.ip_address != "192.0.2.88" and attempt.ip_address.startswith("fd00:")
    assert "192.0.2.88" not in str(attempt.__dict__)


@pytest.mark.django_db
def test_axes_stores_and_locks_on_a_keyed_hash_of_the_typed_name_never_the_name(observer, settings):
    from axes.models import AccessAttempt

    from core.authn import subject_hash

    settings.AXES_FAILURE_LIMIT = 5
    attacker = Client(REMOTE_ADDR="192.0.2.89")
    login(attacker, "Zyxwvutsrq Qwertyzxc", "wrong-password-guess")  # a person's name in the box
    for _ in range(5):
        login(attacker, observer.username, "wrong-password-guess")
    stored = {a.username: a.failures_since_start for a in AccessAttempt.objects.all()}
    assert stored == {subject_hash("Zyxwvutsrq Qwertyzxc"): 1, subject_hash(observer.username): 5}
    dump = str([a.__dict__ for a in AccessAttempt.objects.all()])
    assert "Zyxwvutsrq" not in dump and observer.username not in dump
    # five failures still lock that name: the right password is refused from there
    assert login(attacker, observer.username, PASSWORD).status_code == 200
    assert "_auth_user_id" not in attacker.session
    subjects = {entry.details["subject"] for entry in AuditEntry.objects.filter(action="auth.locked_out")}
    assert subjects == {subject_hash(observer.username)}  # the same pseudonym as axes'


@pytest.mark.django_db
def test_forwarded_for_is_trusted_only_as_far_as_configured_proxies(rf, settings):
    from core.authn import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "198.51.100.7"  # the client-written 6.6.6.6 is ignored


@pytest.mark.django_db
def test_privileged_session_expires_after_idle_minutes(client_for, lawyer, observer, settings):
    settings.SESSION_IDLE_SECONDS = 30 * 60
    settings.SESSION_IDLE_SECONDS_LOW_RISK = 4 * 60 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        lawyer_client, observer_client = client_for(lawyer), client_for(observer)
        assert lawyer_client.get("/").status_code == 200
        assert observer_client.get("/").status_code == 200
        clock.shift(29 * 60)
        assert lawyer_client.get("/").status_code == 200  # activity restarts the clock
        clock.shift(31 * 60)
        assert lawyer_client.get("/").status_code == 302
        assert observer_client.get("/").status_code == 200  # the observer's idle limit is longer
        clock.shift(4 * 60 * 60 + 60)
        assert observer_client.get("/").status_code == 302


@pytest.mark.django_db
def test_sessions_end_after_the_absolute_lifetime_even_when_active(client, observer, settings):
    settings.SESSION_ABSOLUTE_SECONDS = 60 * 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        login(client, observer.username, PASSWORD)
        for _ in range(3):
            clock.shift(20 * 60)
            assert client.get("/").status_code == 200
        clock.shift(5 * 60)
        assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_log_out_everywhere_ends_every_session_of_the_account_only(client_for, lawyer, other_lawyer):
    from django.test import Client as PlainClient

    from api.tokens import token_issue
    from citations.calendar import calendar_feed_issue

    phone, laptop, colleague = client_for(lawyer), client_for(lawyer), client_for(other_lawyer)
    assert phone.get("/").status_code == laptop.get("/").status_code == 200
    raw_token, _ = token_issue(user=lawyer, by=lawyer)
    colleague_token, _ = token_issue(user=other_lawyer, by=other_lawyer)
    feed = calendar_feed_issue(user=lawyer, by=lawyer)
    assert PlainClient().get(f"/citations/calendar/{feed}.ics").status_code == 200
    csrf_client = PlainClient(enforce_csrf_checks=True)
    csrf_client.cookies = phone.cookies
    assert csrf_client.post("/account/logout-everywhere/").status_code == 403  # CSRF enforced
    assert phone.post("/account/logout-everywhere/").status_code == 302
    assert laptop.get("/").status_code == 302 and phone.get("/").status_code == 302
    assert colleague.get("/").status_code == 200
    api = PlainClient().get("/api/v1/events/", HTTP_AUTHORIZATION=f"Bearer {raw_token}")
    assert api.status_code == 401 and "results" not in api.json()
    assert PlainClient().get("/api/v1/events/", HTTP_AUTHORIZATION=f"Bearer {colleague_token}").status_code == 200
    assert PlainClient().get(f"/citations/calendar/{feed}.ics").status_code == 404
    remaining = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(lawyer.pk) not in remaining
    assert AuditEntry.objects.filter(action="auth.logout_everywhere", actor=lawyer).exists()


@pytest.mark.django_db
def test_password_validators_refuse_short_and_common_passwords(lawyer):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ["short1!", "password1234", "123456789012", "laura_lawyer1"]:
        with pytest.raises(ValidationError):
            validate_password(weak, user=lawyer)
    validate_password("plum tractor velvet 93", user=lawyer)


@pytest.mark.django_db
def test_login_view_hides_the_password_from_error_reports(rf):
    from django.views.debug import SafeExceptionReporterFilter

    from web.views.account import TrackerLoginView

    request = rf.post("/login/", {"username": "x", "password": "hunter2-secret-value"})
    TrackerLoginView.as_view()(request)  # the decorator marks the request as it passes through
    cleansed = SafeExceptionReporterFilter().get_post_parameters(request)
    assert cleansed["password"] != "hunter2-secret-value"
