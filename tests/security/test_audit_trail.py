"""Attacks on the audit trail: reading it without the role, altering or deleting entries unnoticed,
and personal data slipping into it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cases.audit import audit_record
from cases.models import AuditChainHead, AuditEntry
from tests.factories import CaseFactory


@pytest.fixture
def trail(coordinator):
    case = CaseFactory()
    for action in ["case.read", "case.update", "demonstrator.read", "export.csv"]:
        audit_record(actor=coordinator, action=action, target=case, fields=["status"])
    return case


@pytest.mark.django_db
def test_verify_command_passes_on_an_intact_trail(trail, capsys):
    call_command("audit_verify")
    assert "intact: 4 entries" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    "tamper",
    [
        lambda: AuditEntry.objects.filter(pk=AuditEntry.objects.order_by("id")[1].pk).update(action="case.list"),
        lambda: AuditEntry.objects.filter(pk=AuditEntry.objects.order_by("id")[2].pk).update(fields=[]),
        lambda: AuditEntry.objects.order_by("id")[1].delete(),
        lambda: AuditEntry.objects.order_by("id").last().delete(),
        lambda: AuditChainHead.objects.update(entries=99),
    ],
    ids=["altered-action", "altered-fields", "deleted-middle", "deleted-last", "head-tampered"],
)
def test_any_alteration_or_deletion_fails_the_verify_command(trail, tamper):
    tamper()
    with pytest.raises(CommandError, match="AUDIT TRAIL BROKEN"):
        call_command("audit_verify")


@pytest.mark.django_db
def test_rewriting_the_whole_chain_without_the_head_is_detected(trail):
    """An attacker who deletes an entry and re-links the next one still leaves the count wrong."""
    entries = list(AuditEntry.objects.order_by("id"))
    entries[1].delete()
    AuditEntry.objects.filter(pk=entries[2].pk).update(prev_hash=entries[0].entry_hash)
    with pytest.raises(CommandError):
        call_command("audit_verify")


@pytest.mark.django_db
def test_audit_trail_is_read_only_in_the_admin(client_for, administrator, trail):
    client = client_for(administrator)
    entry = AuditEntry.objects.first()
    assert client.get("/admin/cases/auditentry/").status_code == 200
    assert client.get("/admin/cases/auditentry/add/").status_code == 403
    assert client.post(f"/admin/cases/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    change = client.post(f"/admin/cases/auditentry/{entry.pk}/change/", {"action": "nothing"})
    assert change.status_code in (403, 200)
    assert AuditEntry.objects.get(pk=entry.pk).action == entry.action
    call_command("audit_verify")


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["lawyer", "organizer", "observer"])
def test_other_roles_cannot_read_the_audit_trail_in_the_admin(request, client_for, trail, persona):
    response = client_for(request.getfixturevalue(persona)).get("/admin/cases/auditentry/")
    assert response.status_code == 302 and "auditentry" not in response.get("Location", "").split("next=")[0]
