"""Every account change goes through the account services, which refuse it to anyone but
coordinators and administrators, refuse administrators' accounts to coordinators, refuse one's
own role, and need a code confirmed in the last minutes from the person acting."""

from __future__ import annotations

import time

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from cases.models import AuditEntry
from cases.services import MFA_NOT_RECENT, account_set_role
from tests.auth import acting


@pytest.mark.django_db
def test_an_account_change_without_a_fresh_code_is_sent_to_confirm_one_first(client_for, coordinator, settings):
    client = client_for(coordinator)
    session = client.session
    session["tracker_mfa_at"] = time.time() - settings.MFA_RECENT_SECONDS - 60
    session.save()
    response = client.post(
        "/coordination/accounts/", {"username": "late_one", "role": "lawyer", "password": "a-long-enough-passphrase-42"}
    )
    assert response.status_code == 302 and response["Location"].startswith("/login/verify/?next=")
    assert not get_user_model().objects.filter(username="late_one").exists()
    assert not AuditEntry.objects.filter(action="account.create").exists()


@pytest.mark.django_db
def test_the_services_refuse_a_person_without_a_request_or_a_fresh_code(coordinator, lawyer):
    with pytest.raises(ValidationError) as refused:
        account_set_role(user=lawyer, role="organizer", by=coordinator)
    assert refused.value.code == MFA_NOT_RECENT
    request = acting(coordinator)
    request.session["tracker_mfa_at"] = time.time() - 3600
    with pytest.raises(ValidationError):
        account_set_role(user=lawyer, role="organizer", by=coordinator, request=request)
    assert list(lawyer.groups.values_list("name", flat=True)) == ["lawyer"]


@pytest.mark.django_db
def test_nobody_changes_their_own_role_and_coordinators_never_touch_administrators(coordinator, administrator, lawyer):
    with pytest.raises(ValidationError):
        account_set_role(user=coordinator, role="administrator", by=coordinator, request=acting(coordinator))
    with pytest.raises(ValidationError):
        account_set_role(user=lawyer, role="administrator", by=coordinator, request=acting(coordinator))
    with pytest.raises(ValidationError):
        account_set_role(user=administrator, role="observer", by=coordinator, request=acting(coordinator))
    with pytest.raises(ValidationError):
        account_set_role(user=administrator, role="observer", by=administrator, request=acting(administrator))
    assert not lawyer.is_superuser and administrator.groups.filter(name="administrator").exists()
    account_set_role(user=lawyer, role="coordinator", by=administrator, request=acting(administrator))
    assert list(lawyer.groups.values_list("name", flat=True)) == ["coordinator"]
