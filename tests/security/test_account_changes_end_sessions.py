"""Sessions and tokens end on every account change that should end them, whatever path made it:
the account services, the `mfa_reset` command, Django's `changepassword`, a shell's
`set_password()` and `save()`, group membership changed from either side, a device deleted.
Changes that should not end them (a new account, new recovery codes, the password hash upgraded
at sign-in, a reactivation) do not."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.test import Client

from api.tokens import token_issue
from cases.models import AuditEntry, User
from cases.services import account_create, account_reset_mfa, account_set_active, account_set_password, account_set_role
from tests.auth import acting, signed_in, totp_device_for

PASSWORD = "correct-horse-battery-staple"


class Footholds:
    """A signed-in browser and an API token of one account, and a colleague's of both."""

    def __init__(self, user: Any, colleague: Any) -> None:
        self.user, self.colleague = user, colleague
        self.browser = signed_in(user)
        self.token, _ = token_issue(user=user, by=user)
        self.colleague_browser = signed_in(colleague)
        self.colleague_token, _ = token_issue(user=colleague, by=colleague)
        assert self.alive() == (True, True)

    def alive(self) -> tuple[bool, bool]:
        """(the session works, the token works) for the account."""
        return self.browser.get("/").status_code == 200, _api(self.token) == 200

    def colleague_alive(self) -> bool:
        return self.colleague_browser.get("/").status_code == 200 and _api(self.colleague_token) == 200


def _api(raw: str) -> int:
    return Client().get("/api/v1/events/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code


@pytest.fixture
def footholds(lawyer, other_lawyer) -> Footholds:
    return Footholds(lawyer, other_lawyer)


def ended_for(user: Any, reason: str) -> bool:
    return AuditEntry.objects.filter(
        action="auth.sessions_ended", target_id=str(user.pk), details__reason=reason
    ).exists()


# --- The account services -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_password_set_by_a_coordinator_ends_the_accounts_sessions_and_tokens(footholds, coordinator):
    account_set_password(
        user=footholds.user, password="another-long-passphrase-7", by=coordinator, request=acting(coordinator)
    )
    assert footholds.alive() == (False, False)
    assert footholds.colleague_alive()
    assert AuditEntry.objects.filter(action="account.password", actor=coordinator).exists()
    assert ended_for(footholds.user, "password")


@pytest.mark.django_db
def test_a_role_change_ends_the_accounts_sessions_and_tokens_once(footholds, coordinator):
    account_set_role(user=footholds.user, role="organizer", by=coordinator, request=acting(coordinator))
    assert footholds.alive() == (False, False)
    assert footholds.colleague_alive()
    entry = AuditEntry.objects.get(action="auth.sessions_ended", target_id=str(footholds.user.pk))
    assert entry.actor == coordinator and entry.details["reason"] == "role"


@pytest.mark.django_db
def test_deactivation_ends_the_accounts_sessions_and_tokens_and_reactivation_brings_none_back(footholds, coordinator):
    request = acting(coordinator)
    account_set_active(user=footholds.user, active=False, by=coordinator, request=request)
    account_set_active(user=footholds.user, active=True, by=coordinator, request=request)
    assert footholds.alive() == (False, False)
    assert footholds.colleague_alive()
    assert ended_for(footholds.user, "deactivated")


@pytest.mark.django_db
def test_a_second_factor_reset_by_a_coordinator_ends_the_accounts_sessions_and_tokens(footholds, coordinator):
    account_reset_mfa(user=footholds.user, by=coordinator, request=acting(coordinator))
    assert footholds.alive() == (False, False)
    assert footholds.colleague_alive()
    assert ended_for(footholds.user, "mfa_reset")


@pytest.mark.django_db
def test_a_new_account_ends_nobodys_sessions(footholds, coordinator):
    request = acting(coordinator)
    before = Session.objects.count()
    account_create(username="newcomer", role="lawyer", password="a-long-enough-passphrase-42", by=coordinator,
                   request=request)  # fmt: skip
    assert Session.objects.count() == before and footholds.alive() == (True, True)
    assert not AuditEntry.objects.filter(action="auth.sessions_ended").exists()


# --- Other paths: commands, a shell, group membership from the group's side, device rows ----------


@pytest.mark.django_db
def test_the_mfa_reset_command_ends_the_accounts_sessions_and_tokens(footholds):
    call_command("mfa_reset", footholds.user.username, stdout=io.StringIO())
    assert footholds.alive() == (False, False)
    assert footholds.colleague_alive()


@pytest.mark.django_db
def test_djangos_changepassword_command_ends_the_accounts_sessions_and_tokens(footholds, monkeypatch):
    monkeypatch.setattr("getpass.getpass", lambda prompt="": "a-brand-new-passphrase-9")
    call_command("changepassword", footholds.user.username, stdout=io.StringIO())
    assert footholds.alive() == (False, False)
    assert footholds.colleague_alive()


@pytest.mark.django_db
def test_set_password_and_save_from_a_shell_ends_the_accounts_sessions_and_tokens(footholds):
    user = User.objects.get(pk=footholds.user.pk)
    user.set_password("typed-in-a-shell-passphrase")
    user.save()
    assert footholds.alive() == (False, False)
    assert footholds.colleague_alive()
    user.first_name = "Laura"
    user.save()  # a later save of the same object keeps the raised epoch
    assert User.objects.get(pk=user.pk).session_epoch == user.session_epoch >= 1
    entry = AuditEntry.objects.get(action="account.password", target_id=str(user.pk))
    assert entry.actor is None  # audited although no account service made it


@pytest.mark.django_db
def test_deactivating_from_a_shell_ends_the_accounts_sessions_and_tokens(footholds):
    user = User.objects.get(pk=footholds.user.pk)
    user.is_active = False
    user.save(update_fields=["is_active"])
    user.is_active = True
    user.save(update_fields=["is_active"])
    assert footholds.alive() == (False, False)
    assert footholds.colleague_alive()
    actions = AuditEntry.objects.filter(target_id=str(user.pk), actor=None).values_list("action", flat=True)
    assert {"account.deactivate", "account.reactivate"} <= set(actions)


@pytest.mark.django_db
def test_a_role_changed_through_the_groups_side_ends_the_accounts_sessions_and_tokens(footholds):
    Group.objects.get(name="lawyer").user_set.remove(footholds.user)
    assert footholds.alive() == (False, False)
    assert AuditEntry.objects.get(action="account.role", target_id=str(footholds.user.pk)).details["role"] == "none"
    # The colleague is still a lawyer: nothing of theirs ended.
    assert footholds.colleague_alive()


@pytest.mark.django_db
def test_clearing_a_group_ends_the_sessions_and_tokens_of_everyone_in_it(footholds):
    Group.objects.get(name="lawyer").user_set.clear()
    assert footholds.alive() == (False, False)
    assert not footholds.colleague_alive()


@pytest.mark.django_db
def test_a_superuser_flag_set_from_a_shell_on_an_account_without_group_ends_its_sessions(coordinator):
    plain = User.objects.create_user(username="plain", password=PASSWORD)
    plain.is_superuser = True
    plain.save()  # no role -> administrator: nothing held before had any power, nothing ends
    raw, _ = token_issue(user=plain, by=plain)
    plain.is_superuser = False
    plain.save()  # administrator -> no role
    assert _api(raw) == 401


@pytest.mark.django_db
def test_deleting_the_authenticator_row_ends_the_accounts_sessions_and_tokens(footholds):
    totp_device_for(footholds.user).delete()
    assert footholds.alive() == (False, False)
    assert footholds.colleague_alive()


# --- What must not end them -------------------------------------------------------------------


@pytest.mark.django_db
def test_new_recovery_codes_end_no_session(footholds):
    from cases.mfa import mfa_new_recovery_codes

    first = mfa_new_recovery_codes(user=footholds.user)
    second = mfa_new_recovery_codes(user=footholds.user)
    assert set(first).isdisjoint(second)
    assert footholds.alive() == (True, True)


@pytest.mark.django_db
def test_the_password_hash_upgraded_at_sign_in_ends_no_session(footholds, settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    user = User.objects.get(pk=footholds.user.pk)
    old_hash = user.password
    assert user.check_password(PASSWORD)  # rehashed with the preferred hasher and saved
    assert User.objects.get(pk=user.pk).password != old_hash
    assert _api(footholds.token) == 200
