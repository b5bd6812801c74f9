"""Scope (404 outside it, whatever the route), organizers see aggregates only, every read of
personal data is audited once per request with field names only, and the blind-index search."""

from __future__ import annotations

import json

import pytest

from cases.models import ArrestSeen, AuditEntry, CustodyEvent, Officer
from tests.factories import IncidentFactory

PERSONAL_LISTS = [
    "/api/v1/demonstrators/", "/api/v1/cases/", "/api/v1/arrests/", "/api/v1/incidents/", "/api/v1/complaints/",
    "/api/v1/witness-statements/", "/api/v1/evidence/",
]  # fmt: skip


def other_lawyers_objects(world):  # type: ignore[no-untyped-def]
    return {
        "demonstrators": world.case_b.demonstrator,
        "cases": world.case_b,
        "arrests": world.arrest_b,
        "incidents": world.incident_p,
        "complaints": world.complaint_b,
        "witness-statements": world.statement_b,
        "evidence": world.evidence_b,
    }


def test_a_lawyer_gets_404_for_everything_of_another_lawyers_client(world, clients):
    lawyer = clients["lawyer"]
    for area, obj in other_lawyers_objects(world).items():
        path = f"/api/v1/{area}/{obj.public_id}/"
        assert lawyer.get(path).status_code == 404, path
        if area not in ("evidence", "incidents"):  # no lawyer edits these at all (403, see the matrix)
            assert lawyer.patch(path, {}, format="json").status_code == 404, path
    assert lawyer.get(f"/api/v1/evidence/{world.evidence_b.public_id}/download/").status_code == 404
    assert lawyer.post(f"/api/v1/cases/{world.case_b.public_id}/close/", {}, format="json").status_code == 404
    listed = json.dumps([lawyer.get(p).json() for p in PERSONAL_LISTS])
    for obj in other_lawyers_objects(world).values():
        assert str(obj.public_id) not in listed
    assert "Bo Brown" not in listed


def test_a_lawyer_cannot_attach_records_to_another_lawyers_case(world, clients):
    lawyer = clients["lawyer"]
    for path, body in [
        ("/api/v1/arrests/", {"arrested_at": "2026-07-01T12:00:00Z"}),
        ("/api/v1/complaints/", {"narrative": "x"}),
        ("/api/v1/witness-statements/", {"statement": "x"}),
    ]:
        response = lawyer.post(path, {**body, "case": str(world.case_b.public_id)}, format="json")
        assert response.status_code == 400
        assert response.json()["errors"] == [{"field": "case", "message": "Not found.", "code": "does_not_exist"}]


@pytest.mark.parametrize("path", PERSONAL_LISTS)
@pytest.mark.parametrize(
    "query", ["", "?ordering=-created_at", "?q=Ana", "?lawyer=laura_lawyer", "?event={event}", "?limit=1&offset=0"]
)
def test_organizer_gets_403_on_personal_lists_whatever_the_query(world, clients, path, query):
    response = clients["organizer"].get(path + query.format(event=world.event.public_id))
    assert response.status_code == 403
    assert "Ana" not in response.content.decode()


def test_organizer_dashboard_has_no_personal_data(world, clients):
    for url in ("/api/v1/dashboard/", f"/api/v1/dashboard/?event={world.event.public_id}"):
        response = clients["organizer"].get(url)
        assert response.status_code == 200
        text = response.content.decode()
        for case in (world.case_a, world.case_b):
            assert case.demonstrator.legal_name not in text
            assert case.demonstrator.phone not in text
            assert str(case.public_id) not in text and case.number not in text
        assert "Line pushed forward." not in text


def test_dashboard_for_an_unknown_event_is_404_and_a_bad_id_400(world, clients):
    assert clients["organizer"].get("/api/v1/dashboard/?event=00000000-0000-0000-0000-000000000000").status_code == 404
    assert clients["organizer"].get("/api/v1/dashboard/?event=nope").status_code == 400


@pytest.mark.parametrize("path", PERSONAL_LISTS)
def test_each_personal_list_writes_one_audit_entry_with_field_names_only(world, clients, path):
    before = AuditEntry.objects.count()
    response = clients["coordinator"].get(path)
    assert response.status_code == 200
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert len(entries) == 1
    entry = entries[0]
    assert entry.action.startswith("api.") and entry.action.endswith(".list")
    assert entry.actor.username == "cora_coordinator"
    assert entry.details == {"count": response.json()["count"]}
    blob = json.dumps([entry.fields, entry.details, entry.target_id])
    assert "Ana" not in blob and "Alvarez" not in blob


def test_a_retrieve_is_audited_against_its_object(world, clients):
    before = AuditEntry.objects.count()
    clients["lawyer"].get(f"/api/v1/demonstrators/{world.case_a.demonstrator.public_id}/")
    (entry,) = AuditEntry.objects.order_by("id")[before:]
    assert entry.action == "api.demonstrators.retrieve"
    assert entry.target_id == str(world.case_a.demonstrator.public_id)
    assert "legal_name" in entry.fields and "phone" in entry.fields


def test_non_personal_reads_are_not_audited(world, clients):
    before = AuditEntry.objects.count()
    clients["observer"].get("/api/v1/events/")
    clients["observer"].get("/api/v1/officers/")
    clients["organizer"].get("/api/v1/dashboard/")
    assert AuditEntry.objects.count() == before


def test_exact_name_search_through_the_blind_index_is_audited(world, clients):
    lawyer, other = clients["lawyer"], clients["other_lawyer"]
    before = AuditEntry.objects.count()
    found = lawyer.post("/api/v1/demonstrators/search/", {"name": "  ana   ALVAREZ "}, format="json")
    assert found.status_code == 200
    assert [p["id"] for p in found.json()] == [str(world.case_a.demonstrator.public_id)]
    assert other.post("/api/v1/demonstrators/search/", {"name": "Ana Alvarez"}, format="json").json() == []
    entries = list(AuditEntry.objects.order_by("id")[before:])
    assert [e.action for e in entries] == ["api.demonstrators.search", "api.demonstrators.search"]
    assert entries[0].details == {"query_kind": "name", "count": 1}
    assert "Ana" not in json.dumps([e.details for e in entries] + [e.fields for e in entries])


def test_phone_search_normalises_the_number(world, clients):
    phone = world.case_a.demonstrator.phone  # e.g. 215-555-0001
    digits = "".join(ch for ch in phone if ch.isdigit())
    formatted = f"({digits[:3]}) {digits[3:6]} {digits[6:]}"
    response = clients["lawyer"].post("/api/v1/demonstrators/search/", {"phone": formatted}, format="json")
    assert [p["id"] for p in response.json()] == [str(world.case_a.demonstrator.public_id)]


def test_search_terms_never_go_in_the_url(world, clients):
    assert clients["lawyer"].get("/api/v1/demonstrators/search/?name=Ana").status_code == 405
    assert clients["lawyer"].post("/api/v1/demonstrators/search/", {}, format="json").status_code == 400


def test_filters_narrow_lists(world, clients):
    coordinator = clients["coordinator"]
    assert coordinator.get("/api/v1/incidents/?force_type=baton").json()["count"] == 1
    assert coordinator.get("/api/v1/incidents/?officer_badge=4242").json()["count"] == 1
    assert coordinator.get("/api/v1/incidents/?officer_badge=0000").json()["count"] == 0
    assert coordinator.get(f"/api/v1/cases/?event={world.event.public_id}").json()["count"] == 2
    assert coordinator.get("/api/v1/cases/?lawyer=laura_lawyer").json()["count"] == 1
    assert clients["lawyer"].get("/api/v1/cases/?lawyer=me").json()["count"] == 1
    assert coordinator.get(f"/api/v1/cases/?q={world.case_b.number}").json()["count"] == 1
    assert coordinator.get("/api/v1/events/?q=encamp").json()["count"] == 1
    assert coordinator.get("/api/v1/officers/?q=Known").json()["count"] == 1
    # a filter on another lawyer's case simply matches nothing (no error that would reveal it exists)
    response = clients["lawyer"].get(f"/api/v1/arrests/?case={world.case_b.public_id}")
    assert response.status_code == 200 and response.json()["count"] == 0


def test_incidents_filter_by_the_case_they_concern(world, clients):  # type: ignore[no-untyped-def]
    """`?case=` lists the incidents concerning a case however they are linked (the desk's and the
    packets' rule), and only for a case the caller may see."""
    seen = IncidentFactory(reporter=world.users["other_observer"], event=world.event)
    ArrestSeen.objects.create(incident=seen, case=world.case_a, person_description="Green scarf")
    cited = IncidentFactory(reporter=world.users["other_observer"], event=world.event)
    world.complaint_a.incidents.add(cited)

    def ids(who: str, case) -> set[str]:  # type: ignore[no-untyped-def]
        response = clients[who].get(f"/api/v1/incidents/?case={case.public_id}")
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    expected = {str(world.incident_o.public_id), str(seen.public_id), str(cited.public_id)}
    assert ids("lawyer", world.case_a) == ids("coordinator", world.case_a) == expected
    assert ids("coordinator", world.case_b) == {str(world.incident_p.public_id)}
    assert ids("lawyer", world.case_b) == set()  # another lawyer's case matches nothing


def test_search_text_ignores_personal_fields(world, clients):
    assert clients["coordinator"].get("/api/v1/cases/?q=Alvarez").json()["count"] == 0
    assert clients["coordinator"].get("/api/v1/incidents/?q=pushed").json()["count"] == 0  # narrative is encrypted


def test_ordering_uses_an_allow_list(world, clients):
    ordered = clients["coordinator"].get("/api/v1/cases/?ordering=number").json()["results"]
    assert [c["number"] for c in ordered] == sorted(c["number"] for c in ordered)
    assert clients["coordinator"].get("/api/v1/cases/?ordering=demonstrator__legal_name_index").status_code == 400


def test_incident_officers_by_badge_known_linked_unknown_created_once(world, clients):
    observer = clients["observer"]
    body = {
        "event": str(world.event.public_id),
        "occurred_at": "2026-07-01T21:15:00Z",
        "officers": [
            {"badge_number": "4242"},
            {"badge_number": "5151", "name": "Ofc. New", "unit": "SWAT"},
            {"features": "Tall, helmet B-17, badge taped over", "badge_status": "covered"},
        ],
    }
    first = observer.post("/api/v1/incidents/", body, format="json")
    second = observer.post("/api/v1/incidents/", body, format="json")
    assert first.status_code == second.status_code == 201
    sightings = {s["badge_number"]: s for s in first.json()["officers"]}
    assert set(sightings) == {"4242", "5151", ""}
    assert sightings["4242"]["officer"] == str(world.officer.public_id)  # the known officer, linked
    assert sightings[""]["badge_status"] == "covered"
    assert Officer.objects.filter(badge_number="4242").count() == 1
    assert Officer.objects.filter(badge_number="5151").count() == 1  # created once, linked the second time
    new = Officer.objects.get(badge_number="5151")
    assert (new.name, new.unit) == ("Ofc. New", "SWAT")


def test_evidence_download_is_an_attachment_and_logs_custody(world, clients):
    import hashlib
    import io

    from PIL import Image

    before = CustodyEvent.objects.filter(evidence=world.evidence_o).count()
    response = clients["lawyer"].get(f"/api/v1/evidence/{world.evidence_o.public_id}/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert str(world.evidence_o.public_id) in response["Content-Disposition"]
    assert response["Content-Type"].startswith("image/") and response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert Image.open(io.BytesIO(response.content)).size == (8, 8)  # the metadata-free copy
    log = CustodyEvent.objects.filter(evidence=world.evidence_o).order_by("id")
    assert log.count() == before + 1 and log.last().action == "downloaded"
    assert AuditEntry.objects.filter(action="evidence.downloaded", target_id=str(world.evidence_o.public_id)).exists()
    # the original exactly as uploaded: coordinators only
    path = f"/api/v1/evidence/{world.evidence_o.public_id}/download/?original=true"
    assert clients["lawyer"].get(path).status_code == 403
    original = clients["coordinator"].get(path)
    assert original.status_code == 200
    assert hashlib.sha256(original.content).hexdigest() == world.evidence_o.sha256
    # The original is never re-encoded: only the headers keep a browser from rendering it.
    assert original["Content-Disposition"].startswith("attachment;")
    assert (original["X-Content-Type-Options"], original["Content-Security-Policy"]) == (
        "nosniff", "default-src 'none'; sandbox",
    )  # fmt: skip
    assert CustodyEvent.objects.filter(evidence=world.evidence_o).order_by("id").last().action == "exported"


def test_upload_records_the_hash_of_the_original(world, clients):
    import hashlib

    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.api.conftest import png_bytes

    content = png_bytes((5, 5))
    response = clients["observer"].post(
        "/api/v1/evidence/",
        {
            "file": SimpleUploadedFile("x.png", content),
            "incident": str(world.incident_o.public_id),
            "description": "arm",
        },
        format="multipart",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    assert body["uploaded_by"] == "olive_observer" and body["incident"] == str(world.incident_o.public_id)


def test_a_coordinator_corrects_a_witness_statements_text(world, clients):
    path = f"/api/v1/witness-statements/{world.statement_a.public_id}/"
    response = clients["coordinator"].patch(path, {"statement": "Corrected account."}, format="json")
    assert response.status_code == 200, response.content
    world.statement_a.refresh_from_db()
    assert world.statement_a.statement == "Corrected account."


def test_a_coordinator_replaces_a_complaints_incidents(world, clients):
    path = f"/api/v1/complaints/{world.complaint_a.public_id}/"
    body = {"incidents": [str(world.incident_o.public_id)], "reference_number": "IAD-1"}
    response = clients["coordinator"].patch(path, body, format="json")
    assert response.status_code == 200, response.content
    assert [i.pk for i in world.complaint_a.incidents.all()] == [world.incident_o.pk]
