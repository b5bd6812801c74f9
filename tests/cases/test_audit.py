import pytest

from cases.audit import audit_record, audit_verify
from cases.models import AuditChainHead, AuditEntry
from tests.factories import DemonstratorFactory


@pytest.mark.django_db
def test_chain_verifies_and_detects_alteration(coordinator):
    person = DemonstratorFactory()
    for _ in range(3):
        audit_record(actor=coordinator, action="demonstrator.read", target=person, fields=["legal_name"])
    assert audit_verify().ok
    entry = AuditEntry.objects.order_by("id")[1]
    AuditEntry.objects.filter(pk=entry.pk).update(actor_label="someone-else")
    result = audit_verify()
    assert not result.ok and result.entry_id == entry.pk and "altered" in result.problem


@pytest.mark.django_db
def test_chain_detects_deletion_in_the_middle_and_at_the_end(coordinator):
    for _ in range(4):
        audit_record(actor=coordinator, action="x.read")
    AuditEntry.objects.order_by("-id").first().delete()
    assert not audit_verify().ok
    head = AuditChainHead.objects.get()
    last = AuditEntry.objects.order_by("-id").first()
    AuditChainHead.objects.filter(pk=head.pk).update(last_hash=last.entry_hash, entries=3)
    assert audit_verify().ok
    AuditEntry.objects.order_by("id")[1].delete()
    assert not audit_verify().ok


@pytest.mark.django_db
def test_audit_entries_refuse_free_form_details(coordinator):
    with pytest.raises(ValueError):
        audit_record(actor=coordinator, action="demonstrator.read", name="María García")


@pytest.mark.django_db
def test_audit_stores_a_keyed_hash_of_the_ip_never_the_ip(coordinator, rf):
    request = rf.get("/", REMOTE_ADDR="203.0.113.9")
    entry = audit_record(actor=coordinator, action="login", request=request)
    assert entry.ip_hash and "203.0.113.9" not in entry.ip_hash
