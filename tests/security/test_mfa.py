"""The second factor: required for lawyers, coordinators and administrators, impossible to skip."""

from __future__ import annotations

import importlib
import io
import re

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from cases.mfa import _recovery_digest, mfa_check, mfa_confirm_enrolment, mfa_pending_totp
from cases.models import AuditEntry, Authenticator
from tests.auth import current_code, totp_device_for

PASSWORD = "correct-horse-battery-staple"


def password_only(user) -> Client:
    client = Client()
    response = client.post("/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["lawyer", "coordinator", "administrator"])
def test_password_alone_reaches_nothing_for_privileged_roles(request, persona):
    user = request.getfixturevalue(persona)
    totp_device_for(user)
    client = password_only(user)
    for url in ["/", "/admin/", "/admin/cases/demonstrator/", "/account/security/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/verify/"), url
    api = client.get("/api/v1/")
    assert api.status_code == 403 and "Multi-factor" in api.json()["detail"]
    posted = client.post("/account/logout-everywhere/")
    assert posted.status_code == 302 and posted["Location"] == "/login/verify/"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["observer", "organizer"])
def test_roles_without_personal_data_need_no_second_factor(request, persona):
    client = password_only(request.getfixturevalue(persona))
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_first_sign_in_enrols_with_an_svg_qr_code_and_shows_recovery_codes_once(lawyer):
    client = password_only(lawyer)
    page = client.get("/", follow=True)
    assert page.redirect_chain[-1][0].startswith("/login/enrol/")
    html = page.content.decode()
    assert "<svg" in html and "<img" not in html and "otpauth" not in html  # the secret is in the QR only
    device = Authenticator.objects.get(user=lawyer, confirmed=False)
    assert client.post("/login/enrol/", {"token": "000000"}).status_code == 200
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # the wrong code started the back-off clock
    done = client.post("/login/enrol/", {"token": current_code(device)})
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10 and all(len(c.replace("-", "")) == 20 for c in codes)
    stored = set(StaticToken.objects.filter(device__user=lawyer).values_list("token", flat=True))
    assert stored == {_recovery_digest(c) for c in codes}  # only keyed hashes are kept
    assert not any(c.replace("-", "") in "".join(stored) for c in codes)
    assert done["Cache-Control"].startswith("max-age=0") or "no-store" in done["Cache-Control"]
    assert client.get("/").status_code == 200
    again = client.get("/login/enrol/")
    assert again.status_code == 302 and again["Location"] == "/login/verify/"  # shown once
    assert AuditEntry.objects.filter(action="mfa.enrol", actor=lawyer).exists()


@pytest.mark.django_db
def test_a_stolen_password_cannot_enrol_a_new_phone(lawyer):
    totp_device_for(lawyer)
    client = password_only(lawyer)
    assert client.get("/login/enrol/")["Location"] == "/login/verify/"
    assert client.post("/login/enrol/", {"token": "123456"})["Location"] == "/login/verify/"
    assert Authenticator.objects.filter(user=lawyer).count() == 1


@pytest.mark.django_db
def test_wrong_code_refused_right_code_admits_and_codes_cannot_be_replayed(lawyer):
    device = totp_device_for(lawyer)
    client = password_only(lawyer)
    wrong = client.post("/login/verify/", {"token": "000000" if current_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200 and b"did not work" in wrong.content
    device.refresh_from_db()
    device.throttle_reset()
    code = current_code(device)
    assert client.post("/login/verify/", {"token": code, "next": "/account/security/"})["Location"] == (
        "/account/security/"
    )
    assert client.get("/").status_code == 200
    replay = password_only(lawyer)
    assert replay.post("/login/verify/", {"token": code}).status_code == 200  # same code, used
    assert replay.get("/").status_code == 302


@pytest.mark.django_db
def test_repeated_wrong_codes_are_throttled(lawyer):
    device = totp_device_for(lawyer)
    client = password_only(lawyer)
    for _ in range(3):
        client.post("/login/verify/", {"token": "99999x"})
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1  # attempts inside the back-off window are refused outright
    response = client.post("/login/verify/", {"token": current_code(device)})
    assert response.status_code == 200 and client.get("/").status_code == 302
    assert AuditEntry.objects.filter(action="mfa.failed", actor=lawyer).count() == 4


@pytest.mark.django_db
def test_a_recovery_code_works_once(lawyer):
    from cases.mfa import mfa_new_recovery_codes

    totp_device_for(lawyer)
    codes = mfa_new_recovery_codes(user=lawyer)
    client = password_only(lawyer)
    assert client.post("/login/verify/", {"token": codes[0].upper().replace("-", " ")}).status_code == 302
    assert client.get("/").status_code == 200
    again = password_only(lawyer)
    assert again.post("/login/verify/", {"token": codes[0]}).status_code == 200
    assert again.get("/").status_code == 302


@pytest.mark.django_db
def test_open_redirect_after_verification_is_refused(lawyer):
    device = totp_device_for(lawyer)
    client = password_only(lawyer)
    response = client.post("/login/verify/", {"token": current_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


@pytest.mark.django_db
def test_admin_login_page_is_the_one_sign_in_page(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/login/?next=/admin/")


@pytest.mark.django_db
def test_new_recovery_codes_need_a_recent_code(client_for, lawyer, settings):
    client = client_for(lawyer)
    old = set(StaticToken.objects.filter(device__user=lawyer).values_list("token", flat=True))
    settings.MFA_RECENT_SECONDS = 0
    assert client.post("/account/recovery-codes/")["Location"].startswith("/login/verify/")
    settings.MFA_RECENT_SECONDS = 600
    page = client.post("/account/recovery-codes/").content.decode()
    new = set(re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page))
    assert len(new) == 10 and not (new & old)


@pytest.mark.django_db
def test_a_lost_phone_is_reset_and_the_account_enrols_again(client_for, lawyer):
    from django.core.management import call_command

    client = client_for(lawyer)
    assert client.get("/").status_code == 200
    call_command("mfa_reset", lawyer.username)
    assert not Authenticator.objects.filter(user=lawyer).exists() and not StaticToken.objects.filter(
        device__user=lawyer
    )
    assert client.get("/").status_code == 302  # the old session ended
    fresh = password_only(lawyer)
    assert fresh.get("/")["Location"].startswith("/login/enrol/")
    assert AuditEntry.objects.filter(action="mfa.reset", target_id=str(lawyer.pk)).exists()


def raw_seed_column() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key FROM {connection.ops.quote_name(Authenticator._meta.db_table)}")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db
def test_the_authenticator_seed_is_sealed_in_the_database_and_codes_still_work(lawyer):
    device = mfa_pending_totp(user=lawyer)
    seed = Authenticator.objects.get(pk=device.pk).key
    assert len(seed) == 40 and bytes.fromhex(seed)  # the app gets the seed itself...
    (stored,) = raw_seed_column()
    assert seed not in stored and stored.startswith("v1:")  # ...the table only its sealed form
    assert TOTPDevice.objects.count() == 0  # django-otp's own table (seeds in clear) stays empty
    assert mfa_confirm_enrolment(user=lawyer, token=current_code(device)) is not None
    assert mfa_check(user=lawyer, token=current_code(device, offset_steps=1)) is not None


@pytest.mark.django_db
def test_the_migration_seals_seeds_stored_in_clear_and_their_codes_keep_working(lawyer):
    seal = importlib.import_module("cases.migrations.0014_seal_totp_seeds").seal
    clear = TOTPDevice.objects.create(user=lawyer, name="phone", confirmed=True, drift=1, last_t=7)
    seal(django_apps, None)
    assert not TOTPDevice.objects.exists()
    device = Authenticator.objects.get(user=lawyer)
    assert (device.key, device.name, device.confirmed, device.drift, device.last_t) == (clear.key, "phone", True, 1, 7)
    assert clear.key not in str(raw_seed_column())
    assert mfa_check(user=lawyer, token=current_code(device)) == device


@pytest.mark.django_db
def test_rotate_keys_reseals_the_seeds_under_the_newest_key(lawyer, settings):
    old_only = [settings.FIELD_ENCRYPTION_KEYS[1]]
    settings.FIELD_ENCRYPTION_KEYS = old_only
    device = totp_device_for(lawyer)
    assert raw_seed_column()[0].startswith("v1:test1:")
    new_key = "test2:" + "dGVzdC1maWVsZC1rZXktMi0tLS0tLS0tLS0tLS0tLS0="
    settings.FIELD_ENCRYPTION_KEYS = [new_key, *old_only]
    call_command("rotate_keys", stdout=io.StringIO())
    assert raw_seed_column()[0].startswith("v1:test2:")
    settings.FIELD_ENCRYPTION_KEYS = [new_key]  # the old key dropped: the code still checks
    assert mfa_check(user=lawyer, token=current_code(Authenticator.objects.get(pk=device.pk))) is not None
