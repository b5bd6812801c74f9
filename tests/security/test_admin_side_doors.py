"""The admin is no side door: coordinators do not get into it at all (they work in their own
pages: intake, assignment, bulk actions, events, accounts), so a coordinator who signed in with
the second factor cannot make anyone an administrator or set anyone's password there (the
reproduction of the report); nobody can change an account there at all, every admin write that remains is audited,
and any account raised to administrator (by whatever path) is announced to every administrator,
listed on the lockdown page and suspended by a lockdown that someone else starts."""

from __future__ import annotations

import datetime
import io
import re

import pytest
import time_machine
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from api.tokens import token_issue
from cases.audit import audit_verify
from cases.lockdown import lockdown_activate, lockdown_lift, recent_administrators
from cases.models import AuditEntry, Event, User
from cases.services import account_set_role
from config.admin_site import AuditedWritesMixin
from tests.auth import acting, signed_in
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery-staple"


def _api(raw: str) -> int:
    return Client().get("/api/v1/events/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


@pytest.fixture
def observer2(db):
    return UserFactory(username="observer2", role="observer")


# --- The reproduction: a coordinator in /admin/ ----------------------------------------------------


@pytest.mark.django_db
def test_a_coordinator_cannot_make_an_administrator_or_reset_a_password_in_the_admin(
    coordinator, administrator, observer2
):
    client = signed_in(coordinator)
    admin_group = Group.objects.get(name="administrator")
    entries_before = AuditEntry.objects.count()
    page = client.get(f"/admin/cases/user/{observer2.pk}/change/")
    # kept out of the admin altogether: sent to the sign-in page, as any role but administrators
    assert page.status_code == 302 and page["Location"].startswith("/admin/login/")
    assert b'name="is_superuser"' not in page.content
    posted = client.post(
        f"/admin/cases/user/{observer2.pk}/change/",
        {"username": "observer2", "groups": [admin_group.pk], "is_superuser": "on", "is_staff": "on",
         "is_active": "on", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00"},
    )  # fmt: skip
    assert posted.status_code == 302 and posted["Location"].startswith("/admin/login/")
    observer2.refresh_from_db()
    assert not observer2.is_superuser and not observer2.groups.filter(name="administrator").exists()
    old_hash = administrator.password
    token, _ = token_issue(user=administrator, by=administrator)
    reset = client.post(
        f"/admin/cases/user/{administrator.pk}/password/",
        {"password1": "attacker-chosen-pass-1", "password2": "attacker-chosen-pass-1"},
    )
    assert reset.status_code == 302 and reset["Location"].startswith("/admin/login/")  # sent to sign in
    administrator.refresh_from_db()
    assert administrator.password == old_hash and _api(token) == 200
    for url in ("/admin/cases/user/add/", "/admin/auth/group/"):
        kept_out = client.get(url)
        assert kept_out.status_code == 302 and kept_out["Location"].startswith("/admin/login/")
    assert AuditEntry.objects.exclude(action="api.token.issue").count() == entries_before and audit_verify().ok


@pytest.mark.django_db
def test_coordinators_hold_no_permission_on_accounts_or_groups(coordinator, administrator):
    held = Group.objects.get(name="coordinator").permissions
    assert not held.filter(content_type__app_label="auth").exists()
    assert not held.filter(content_type__app_label="cases", content_type__model="user").exists()
    for perm in ["cases.add_user", "cases.change_user", "cases.delete_user", "cases.view_user", "auth.change_group"]:
        assert not coordinator.has_perm(perm), perm
    assert coordinator.has_perm("cases.change_event")  # a model permission; the admin site keeps them out


@pytest.mark.django_db
def test_the_migration_takes_the_account_permissions_from_coordinators(coordinator):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("cases.migrations.0019_coordinators_lose_account_permissions")
    group = Group.objects.get(name="coordinator")
    group.permissions.add(*Permission.objects.filter(content_type__app_label__in=["auth", "cases"]))
    migration.revoke(apps, None)
    assert not group.permissions.filter(content_type__app_label="auth").exists()
    assert not group.permissions.filter(content_type__model="user").exists()
    assert group.permissions.filter(codename="change_event").exists()


@pytest.mark.django_db
def test_the_user_pages_are_read_only_for_administrators_too(administrator, observer2):
    client = signed_in(administrator)
    page = client.get(f"/admin/cases/user/{observer2.pk}/change/")
    assert page.status_code == 200
    content = page.content.decode()
    for field in ["is_superuser", "groups", "password", "user_permissions", "is_active"]:
        assert not re.search(rf'name="{field}"', content), field
    assert client.post(f"/admin/cases/user/{observer2.pk}/change/", {"is_superuser": "on"}).status_code == 403
    assert client.get(f"/admin/cases/user/{observer2.pk}/password/").status_code in (302, 404)
    assert client.get("/admin/cases/user/add/").status_code == 403
    assert client.post(f"/admin/cases/user/{observer2.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.post(f"/admin/auth/group/{Group.objects.get(name='observer').pk}/change/", {}).status_code == 403
    for device in ["otp_totp/totpdevice", "otp_static/staticdevice"]:
        assert client.get(f"/admin/{device}/").status_code == 404, device
    observer2.refresh_from_db()
    assert User.objects.filter(pk=observer2.pk, is_superuser=False).exists()


# --- Every admin write that remains is audited ----------------------------------------------------


def test_every_admin_registration_audits_its_writes():
    unaudited = [model._meta.label for model, model_admin in admin.site._registry.items()
                 if not isinstance(model_admin, AuditedWritesMixin)]  # fmt: skip
    assert unaudited == []


@pytest.mark.django_db
def test_admin_adds_changes_and_deletes_are_audited(administrator):
    client = signed_in(administrator)
    data = {"name": "Admin-made event", "starts_at_0": "2026-06-01", "starts_at_1": "18:00:00",
            "time_zone": "America/New_York", "jurisdiction": "PA-PHL", "place": "City Hall"}  # fmt: skip
    assert client.post("/admin/cases/event/add/", data).status_code == 302
    event = Event.objects.get(name="Admin-made event")
    assert client.post(f"/admin/cases/event/{event.pk}/change/", {**data, "place": "Rittenhouse"}).status_code == 302
    assert client.post(f"/admin/cases/event/{event.pk}/delete/", {"post": "yes"}).status_code == 302
    actions = list(
        AuditEntry.objects.filter(action__startswith="admin.", target_id=str(event.public_id), actor=administrator)
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["admin.add", "admin.change", "admin.delete"]
    assert audit_verify().ok


# --- Elevation to administrator: announced, listed, suspended by a lockdown ------------------------


@pytest.mark.django_db
def test_a_promotion_to_administrator_is_announced_to_every_administrator(
    administrator, observer2, django_capture_on_commit_callbacks
):
    administrator.email = "ada@example.org"
    administrator.save()
    UserFactory(username="other_admin", role="administrator", email="other@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        account_set_role(user=observer2, role="administrator", by=administrator, request=acting(administrator))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert sorted(message.to) == ["ada@example.org", "other@example.org"]
    assert "observer2" in message.subject and "observer2" in message.body and "/security/lockdown/" in message.body
    assert administrator.username in message.body
    entry = AuditEntry.objects.get(action="account.elevated", target_id=str(observer2.pk))
    assert entry.actor == administrator


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["group_from_a_shell", "superuser_flag_from_a_shell", "createsuperuser"])
def test_an_elevation_outside_the_account_services_is_announced_too(
    path, administrator, observer2, django_capture_on_commit_callbacks, monkeypatch
):
    administrator.email = "ada@example.org"
    administrator.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        if path == "group_from_a_shell":
            observer2.groups.set([Group.objects.get(name="administrator")])
            elevated = observer2
        elif path == "superuser_flag_from_a_shell":
            observer2.groups.clear()
            observer2.is_superuser = True
            observer2.save()
            elevated = observer2
        else:
            monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-enough-passphrase-42")
            call_command(
                "createsuperuser", "--noinput", "--username", "root2", "--email", "r@example.org", stdout=io.StringIO()
            )
            elevated = User.objects.get(username="root2")
    assert [m.subject for m in mail.outbox] == [f"An account is now an administrator: {elevated.username}"]
    assert "ada@example.org" in mail.outbox[0].to
    entry = AuditEntry.objects.get(action="account.elevated", target_id=str(elevated.pk))
    assert entry.actor is None


@pytest.mark.django_db
def test_the_lockdown_page_lists_recent_administrators(client_for, administrator, observer2):
    account_set_role(user=observer2, role="administrator", by=administrator, request=acting(administrator))
    page = client_for(administrator).get("/security/lockdown/").content.decode()
    assert "observer2" in page and "Raised to administrator in the last 14 days" in page
    assert [row.username for row in recent_administrators()][0] == "observer2"


@pytest.mark.django_db
def test_a_lockdown_suspends_accounts_raised_to_administrator_recently_but_not_the_one_running_it(
    administrator, observer2, settings
):
    settings.LOCKDOWN_RECENT_ADMIN_DAYS = 14
    start = timezone.now()
    with time_machine.travel(start - datetime.timedelta(days=30), tick=False):
        veteran = UserFactory(username="veteran_admin", role="administrator")
    account_set_role(user=observer2, role="administrator", by=administrator, request=acting(administrator))
    promoted_token, _ = token_issue(user=observer2, by=observer2)
    report = lockdown_activate(by=administrator)
    for user in (observer2, administrator, veteran):
        user.refresh_from_db()
    assert not observer2.is_active and report.administrators_suspended == 1
    assert administrator.is_active  # running it, although raised minutes ago (the fixture)
    assert veteran.is_active  # raised a month ago, before the window
    assert _api(promoted_token) == 401
    refused = Client()
    refused.post("/login/", {"username": "observer2", "password": PASSWORD})
    assert "_auth_user_id" not in refused.session


@pytest.mark.django_db
def test_lifting_a_lockdown_keeps_a_recent_promotion_suspended(administrator, observer2, lawyer, settings):
    settings.LOCKDOWN_RECENT_ADMIN_DAYS = 14
    account_set_role(user=observer2, role="administrator", by=administrator, request=acting(administrator))
    lockdown_activate(by=administrator)
    assert lockdown_lift(by=administrator) == 1  # the lawyer only
    observer2.refresh_from_db()
    lawyer.refresh_from_db()
    assert lawyer.is_active and not observer2.is_active
    lifted = AuditEntry.objects.filter(action="lockdown.lift").latest("id")
    assert lifted.details.get("rows") == 1, lifted.details
    refused = Client()
    refused.post("/login/", {"username": "observer2", "password": PASSWORD})
    assert "_auth_user_id" not in refused.session


# --- One's own password in the admin goes through the account service ---------------------------------


@pytest.mark.django_db
def test_changing_ones_own_password_in_the_admin_ends_the_other_sessions_and_tokens(administrator):
    client = signed_in(administrator)
    laptop = signed_in(administrator)
    token, _ = token_issue(user=administrator, by=administrator)
    new = "a-brand-new-passphrase-9"
    response = client.post(
        "/admin/password_change/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302, response.content[:2000]
    administrator.refresh_from_db()
    assert administrator.check_password(new)
    assert client.get("/admin/").status_code == 200  # the session in use stays
    assert laptop.get("/").status_code == 302 and _api(token) == 401
    assert AuditEntry.objects.filter(
        action="account.password", actor=administrator, target_id=str(administrator.pk)
    ).exists()


@pytest.mark.django_db
def test_the_admins_password_change_needs_a_fresh_code(administrator, settings):
    import time

    client = signed_in(administrator)
    session = client.session
    session["tracker_mfa_at"] = time.time() - settings.MFA_RECENT_SECONDS - 60
    session.save()
    new = "a-brand-new-passphrase-9"
    response = client.post(
        "/admin/password_change/", {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 200
    administrator.refresh_from_db()
    assert administrator.check_password(PASSWORD)


@pytest.mark.django_db
def test_coordinators_are_kept_out_of_the_admin_and_no_longer_offered_it(coordinator, administrator):
    """No coordinator job needs the admin: the coordinators' home offers their own pages (events,
    intake, bulk actions) and no link to it; every admin page sends them to sign in."""
    coordinator_client, administrator_client = signed_in(coordinator), signed_in(administrator)
    for url in ("/admin/", "/admin/cases/event/", "/admin/cases/event/add/", "/admin/citations/citation/"):
        response = coordinator_client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url
        assert administrator_client.get(url).status_code == 200, url
    home = coordinator_client.get("/coordination/").content.decode()
    assert "/admin/" not in home and "/coordination/events/" in home and "/coordination/bulk/" in home
    assert "/admin/" in administrator_client.get("/coordination/").content.decode()
