"""Every read of a demonstrator's or witness's personal data leaves an audit entry naming who,
what and which record (page, API list and retrieve, search, packet, export, evidence download,
admin), and the trail never holds the data itself."""

from __future__ import annotations

import json

import pytest

from cases.audit import audit_verify
from cases.models import AuditEntry
from tests.api.conftest import client_with_token
from tests.factories import CitationFactory


def entries_since(mark: int):
    return list(AuditEntry.objects.filter(pk__gt=mark).order_by("id"))


def last_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


@pytest.mark.django_db
def test_every_read_path_is_audited_without_holding_the_data(victim, lawyer, coordinator, administrator, client_for):
    w = victim
    CitationFactory(case=w.case_b, number="C-AUD-1")
    person = w.case_b.demonstrator
    api = client_with_token(coordinator)
    web = client_for(coordinator)
    admin_web = client_for(administrator)  # the admin is the administrators' only

    reads = [
        ("api retrieve", lambda: api.get(f"/api/v1/demonstrators/{person.public_id}/"), str(person.public_id)),
        ("api list", lambda: api.get("/api/v1/witness-statements/"), None),
        ("api statement", lambda: api.get(f"/api/v1/witness-statements/{w.statement_b.public_id}/"),
         str(w.statement_b.public_id)),
        ("api search", lambda: api.post("/api/v1/demonstrators/search/", {"name": "VICTIMX-legal_name"},
                                        format="json"), None),
        ("desk page", lambda: web.get(f"/desk/cases/{w.case_b.public_id}/"), str(w.case_b.public_id)),
        ("evidence", lambda: web.get(f"/evidence/{w.evidence_b.public_id}/download/"), str(w.evidence_b.public_id)),
        ("api evidence", lambda: api.get(f"/api/v1/evidence/{w.evidence_b.public_id}/download/"),
         str(w.evidence_b.public_id)),
        ("admin", lambda: admin_web.get(f"/admin/cases/witnessstatement/{w.statement_b.pk}/change/"),
         str(w.statement_b.public_id)),
        ("export", lambda: web.get("/citations/export.csv"), None),
    ]  # fmt: skip
    for label, read, target in reads:
        mark = last_id()
        response = read()
        assert response.status_code == 200, (label, response.status_code)
        new = [e for e in entries_since(mark) if e.actor_id in (coordinator.pk, administrator.pk)]
        assert new, f"{label}: no audit entry"
        if target:
            assert any(e.target_id == target for e in new), f"{label}: the entry does not name the record"
    from documents.services import packet_for_case

    mark = last_id()
    packet_for_case(case=w.case_b, by=coordinator)
    assert any(e.target_id == str(w.case_b.public_id) for e in entries_since(mark)), "packet: not audited"

    trail = json.dumps(list(AuditEntry.objects.values()), default=str)
    for secret in ["VICTIMX", "1977-07-17", "Bo Brown", "Ana Alvarez", "127.0.0.1"]:
        assert secret not in trail, f"the audit trail holds {secret!r}"
    assert audit_verify().ok


@pytest.mark.django_db
def test_changes_are_audited_by_field_name_never_value(victim, coordinator):
    w = victim
    api = client_with_token(coordinator)
    mark = last_id()
    response = api.patch(f"/api/v1/demonstrators/{w.case_a.demonstrator.public_id}/",
                         {"phone": "215-555-4321", "postal_address": "9 Secret Row"}, format="json")  # fmt: skip
    assert response.status_code == 200
    change = [e for e in entries_since(mark) if e.action.endswith("update")]
    assert change and set(change[0].fields) == {"phone", "postal_address"}
    trail = json.dumps(list(AuditEntry.objects.values()), default=str)
    assert "215-555-4321" not in trail and "Secret Row" not in trail


@pytest.mark.django_db
def test_refused_reads_of_existing_records_are_audited_as_denials(victim, lawyer, client_for):
    w = victim
    import uuid as _uuid

    mark = last_id()
    client_with_token(lawyer).get(f"/api/v1/cases/{w.case_b.public_id}/")
    client_for(lawyer).get(f"/desk/cases/{w.case_b.public_id}/")
    client_for(lawyer).get(f"/evidence/{w.evidence_b.public_id}/download/")
    client_with_token(lawyer).get(f"/api/v1/cases/{_uuid.uuid4()}/")  # missing: nothing to deny
    denied = [e for e in entries_since(mark) if e.action == "access.denied"]
    assert [(e.actor_id, e.target_id) for e in denied] == [
        (lawyer.pk, str(w.case_b.public_id)),
        (lawyer.pk, str(w.case_b.public_id)),
        (lawyer.pk, str(w.evidence_b.public_id)),
    ]
