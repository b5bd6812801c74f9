"""After a lockdown nothing works for anyone but administrators: no session, no password, no API
token, no calendar link; with key destruction, a copy of the server reads as ciphertext."""

from __future__ import annotations

import base64
import json
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from cases.lockdown import lockdown_activate, lockdown_is_active, lockdown_lift
from cases.models import AuditEntry, Demonstrator, LockdownState
from core import crypto
from tests.auth import current_code, totp_device_for
from tests.factories import DemonstratorFactory

PASSWORD = "correct-horse-battery-staple"
OTHER_KEY = "test2:" + "dGVzdC1maWVsZC1rZXktMi0tLS0tLS0tLS0tLS0tLS0="


def api_token_for(user) -> str:
    from api.tokens import token_issue

    raw, _ = token_issue(user=user, by=user)
    return raw


def calendar_token_for(user) -> str:
    from citations.calendar import calendar_feed_issue

    return calendar_feed_issue(user=user, by=user)


@pytest.fixture
def everyone(client_for, lawyer, coordinator, observer, organizer, administrator):
    people = {"lawyer": lawyer, "coordinator": coordinator, "observer": observer, "organizer": organizer}
    clients = {name: client_for(user) for name, user in people.items()}
    tokens = {name: api_token_for(user) for name, user in people.items()}
    feed = calendar_token_for(lawyer)
    for name, client in clients.items():
        assert client.get("/").status_code == 200, name
    assert Client().get("/api/v1/events/", HTTP_AUTHORIZATION=f"Bearer {tokens['lawyer']}").status_code == 200
    assert Client().get(f"/citations/calendar/{feed}.ics").status_code == 200
    return people, clients, tokens, feed


@pytest.mark.django_db
def test_no_login_session_token_or_feed_works_after_a_lockdown(everyone, administrator, client_for):
    people, clients, tokens, feed = everyone
    admin_client = client_for(administrator)
    admin_token = api_token_for(administrator)

    report = lockdown_activate(by=administrator)

    assert report.accounts_suspended == 4 and lockdown_is_active()
    for name, client in clients.items():
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/login/"), name
    assert admin_client.get("/").status_code == 302  # every session ends, the administrator's too
    for name, raw in [*tokens.items(), ("administrator", admin_token)]:
        response = Client().get("/api/v1/events/", HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 401 and "results" not in response.json(), name
    assert Client().get(f"/citations/calendar/{feed}.ics").status_code == 404
    for name, user in people.items():
        web = Client().post("/login/", {"username": user.username, "password": PASSWORD})
        assert web.status_code == 200 and "_auth_user_id" not in Client().session, name
        api = Client().post("/api/v1/auth/token/", {"username": user.username, "password": PASSWORD},
                            content_type="application/json")  # fmt: skip
        assert api.status_code == 401 and "token" not in api.json(), name
    # The administrator can still come in (password, then the second factor) to run the recovery.
    device = totp_device_for(administrator)
    client = Client()
    assert client.post("/login/", {"username": administrator.username, "password": PASSWORD}).status_code == 302
    client.post("/login/verify/", {"token": current_code(device)})
    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="lockdown.activate", actor=administrator).exists()


@pytest.mark.django_db
def test_a_lockdown_blocks_non_admin_sign_in_even_for_an_account_reactivated_by_hand(lawyer, administrator):
    lockdown_activate(by=administrator)
    type(lawyer).objects.filter(pk=lawyer.pk).update(is_active=True)
    response = Client().post("/login/", {"username": lawyer.username, "password": PASSWORD})
    assert response.status_code == 200 and b"did not work" in response.content


@pytest.mark.django_db
def test_lifting_restores_the_suspended_accounts_but_not_their_tokens(lawyer, administrator):
    raw = api_token_for(lawyer)
    already_off = type(lawyer).objects.create(username="left_last_year", is_active=False)
    lockdown_activate(by=administrator)
    assert lockdown_lift(by=administrator) == 1
    lawyer.refresh_from_db()
    already_off.refresh_from_db()
    assert lawyer.is_active and not already_off.is_active and not lockdown_is_active()
    assert Client().post("/login/", {"username": lawyer.username, "password": PASSWORD}).status_code == 302
    assert Client().get("/api/v1/events/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.mark.django_db
def test_destroying_the_keys_leaves_a_seized_copy_unreadable(tmp_path, settings, administrator):
    key_file = tmp_path / "field-keys"
    index_file = tmp_path / "index-key"
    key_file.write_text("file1:" + base64.urlsafe_b64encode(os.urandom(32)).decode() + "\n")
    index_file.write_text(base64.urlsafe_b64encode(os.urandom(32)).decode() + "\n")
    settings.FIELD_ENCRYPTION_KEYS_FILE = str(key_file)
    settings.BLIND_INDEX_KEY_FILE = str(index_file)
    settings.FIELD_ENCRYPTION_KEYS = []
    person = DemonstratorFactory(legal_name="Seized Person")
    with connection.cursor() as cursor:
        cursor.execute("SELECT legal_name FROM cases_demonstrator WHERE id = %s", [person.pk])
        assert cursor.fetchone()[0].startswith("v1:file1:")  # sealed under the key from the file
    assert Demonstrator.objects.get(pk=person.pk).legal_name == "Seized Person"

    report = lockdown_activate(by=administrator, destroy_keys=True)

    assert report.key_files_destroyed == ["FIELD_ENCRYPTION_KEYS_FILE", "BLIND_INDEX_KEY_FILE"]
    assert not key_file.exists() and not index_file.exists()
    assert report.environment_keys_remaining == 0
    with pytest.raises((crypto.DecryptionError, ImproperlyConfigured)):
        Demonstrator.objects.get(pk=person.pk)
    with pytest.raises(Exception, match="BLIND_INDEX_KEY"):
        Demonstrator._meta.get_field("legal_name_index").index_for("Seized Person")
    assert LockdownState.objects.get().keys_destroyed_at is not None
    assert AuditEntry.objects.filter(action="lockdown.keys_destroyed").exists()


@pytest.mark.django_db
def test_environment_keys_are_reported_as_left_for_the_operator(administrator, settings):
    settings.FIELD_ENCRYPTION_KEYS = [OTHER_KEY]
    settings.FIELD_ENCRYPTION_KEYS_FILE = ""
    settings.BLIND_INDEX_KEY_FILE = ""
    report = lockdown_activate(by=administrator, destroy_keys=True)
    assert report.key_files_destroyed == [] and report.environment_keys_remaining == 2


@pytest.mark.django_db
def test_only_an_administrator_can_lock_down(coordinator, lawyer):
    for user in (coordinator, lawyer):
        with pytest.raises(PermissionError):
            lockdown_activate(by=user)
    assert not lockdown_is_active()


@pytest.mark.django_db
def test_the_lockdown_page_is_administrators_only_with_recent_mfa_csrf_and_two_confirmations(
    client_for, administrator, coordinator, lawyer, settings
):
    for user in (coordinator, lawyer):
        assert client_for(user).post("/security/lockdown/", {"confirm": "LOCK DOWN"}).status_code == 404
    assert not lockdown_is_active()
    page = client_for(administrator)
    assert b"LOCK DOWN" in page.get("/security/lockdown/").content
    # CSRF: a forged cross-site POST with the administrator's cookie does nothing.
    forged = Client(enforce_csrf_checks=True)
    forged.cookies = page.cookies
    assert forged.post("/security/lockdown/", {"confirm": "LOCK DOWN"}).status_code == 403
    # A stale second factor is asked again.
    settings.MFA_RECENT_SECONDS = 0
    assert page.post("/security/lockdown/", {"confirm": "LOCK DOWN"})["Location"].startswith("/login/verify/")
    settings.MFA_RECENT_SECONDS = 600
    assert b"exactly" in page.post("/security/lockdown/", {"confirm": "lock down"}).content
    wants_keys = page.post("/security/lockdown/", {"confirm": "LOCK DOWN", "destroy_keys": "on"})
    assert b"DESTROY KEYS" in wants_keys.content and not lockdown_is_active()
    done = page.post("/security/lockdown/", {"confirm": "LOCK DOWN"})
    assert done.status_code == 200 and b"Lockdown in force" in done.content and lockdown_is_active()
    assert LockdownState.objects.get().keys_destroyed_at is None
    assert page.get("/security/lockdown/").status_code == 302  # the page's own session ended


@pytest.mark.django_db
def test_the_command_needs_a_second_confirmation_to_destroy_keys(lawyer, capsys):
    with pytest.raises(CommandError, match="--yes-really"):
        call_command("lockdown", "--destroy-keys")
    assert not lockdown_is_active()
    call_command("lockdown")
    assert lockdown_is_active() and "Accounts suspended: 1" in capsys.readouterr().out
    call_command("lockdown", "--lift")
    assert not lockdown_is_active()


@pytest.fixture
def development_keys(tmp_path, settings):
    """The development setup: no key in the environment, the keys in a generated `.dev-keys.json`."""
    from config.keys import load_or_create_dev_keys

    path = tmp_path / ".dev-keys.json"
    load_or_create_dev_keys(path)
    settings.DEV_KEYS_FILE = str(path)
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.BLIND_INDEX_KEY = ""
    settings.FIELD_ENCRYPTION_KEYS_FILE = settings.BLIND_INDEX_KEY_FILE = ""
    return path


@pytest.mark.django_db
def test_a_lockdown_in_the_development_setup_destroys_the_development_key_file(development_keys, administrator):
    person = DemonstratorFactory(legal_name="Demo Person")
    with connection.cursor() as cursor:
        cursor.execute("SELECT legal_name FROM cases_demonstrator WHERE id = %s", [person.pk])
        assert cursor.fetchone()[0].startswith("v1:dev1:")  # sealed under the development key
    assert Demonstrator.objects.get(pk=person.pk).legal_name == "Demo Person"

    report = lockdown_activate(by=administrator, destroy_keys=True)

    assert report.key_files_destroyed == ["DEV_KEYS_FILE"] and report.environment_keys_remaining == 0
    assert not development_keys.exists()
    with pytest.raises((crypto.DecryptionError, ImproperlyConfigured)):
        Demonstrator.objects.get(pk=person.pk)
    with pytest.raises(Exception, match="BLIND_INDEX_KEY"):
        Demonstrator._meta.get_field("legal_name_index").index_for("Demo Person")
    # A restart makes new development keys: they open nothing sealed before.
    from config.keys import load_or_create_dev_keys

    load_or_create_dev_keys(development_keys)
    with pytest.raises(crypto.DecryptionError):
        Demonstrator.objects.get(pk=person.pk)


@pytest.mark.django_db
def test_the_lockdown_page_and_command_say_which_key_files_go_or_why_none_can(
    development_keys, settings, client_for, administrator, capsys
):
    page = client_for(administrator)
    assert b"Key files that will be destroyed: DEV_KEYS_FILE" in page.get("/security/lockdown/").content
    # The same keys moved into the environment: no file left that the application could destroy.
    keys = json.loads(development_keys.read_text())
    settings.FIELD_ENCRYPTION_KEYS, settings.BLIND_INDEX_KEY = [keys["field_key"]], keys["blind_index_key"]
    settings.DEV_KEYS_FILE = ""
    refused = page.get("/security/lockdown/").content
    assert b"No key file is configured" in refused and b"FIELD_ENCRYPTION_KEYS_FILE" in refused
    call_command("lockdown", "--destroy-keys", "--yes-really")
    out = capsys.readouterr().out
    assert "No key file was destroyed" in out and "Remove them from it and restart every process" in out
    assert "2 key(s) come from the environment" in out
