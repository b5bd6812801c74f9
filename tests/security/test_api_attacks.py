"""The REST API attacked by a lawyer after another lawyer's client, an organizer after anyone's
personal data, and anyone after fields the server owns. Every outcome is checked in the body and
in the database, not only by status."""

from __future__ import annotations

import json
import uuid

import pytest
from django.test import Client

from api.urls import router
from cases.models import Arrest, Case, Demonstrator, Evidence, ExcessiveForceComplaint, Incident, WitnessStatement
from tests.api.conftest import client_with_token, png_bytes
from tests.auth import mfa_verify_client
from tests.security.conftest import MARK, leaks, victim_ids

PERSONAL_AREAS = ["demonstrators", "cases", "arrests", "complaints", "witness-statements", "evidence", "incidents"]
PROBES = [
    "ordering=legal_name", "ordering=-date_of_birth", "ordering=demonstrator__legal_name", "ordering=narrative",
    "ordering=witness_name", "q=VICTIMX", "q=1977", "search=VICTIMX", "legal_name=VICTIMX-legal_name",
    "phone=VICTIMX-phone", "demonstrator__legal_name=VICTIMX-legal_name", "case__demonstrator__phone__startswith=V",
    "limit=1000", "offset=0", "format=csv", "fields=legal_name,phone",
]  # fmt: skip


def snapshot(w) -> str:
    """Everything of the victim's that a write could change, decrypted."""
    rows = [
        Demonstrator.objects.get(pk=w.case_b.demonstrator.pk),
        Case.objects.get(pk=w.case_b.pk),
        Arrest.objects.get(pk=w.arrest_b.pk),
        ExcessiveForceComplaint.objects.get(pk=w.complaint_b.pk),
        WitnessStatement.objects.get(pk=w.statement_b.pk),
        Evidence.objects.get(pk=w.evidence_b.pk),
        Incident.objects.get(pk=w.incident_p.pk),
    ]
    out = []
    for row in rows:
        out.append({f.name: str(getattr(row, f.attname)) for f in row._meta.concrete_fields if f.name != "updated_at"})
    out.append(sorted(Case.objects.get(pk=w.case_b.pk).lawyers.values_list("username", flat=True)))
    return json.dumps(out, sort_keys=True)


@pytest.mark.django_db
def test_a_lawyer_cannot_read_another_lawyers_client_through_any_api_route(victim, lawyer):
    w = victim
    api = client_with_token(lawyer)
    missing = {area: api.get(f"/api/v1/{area}/{uuid.uuid4()}/") for area in PERSONAL_AREAS}
    for area, public_id in victim_ids(w).items():
        response = api.get(f"/api/v1/{area}/{public_id}/")
        assert response.status_code == 404, area
        assert response.content == missing[area].content, f"{area}: forbidden and missing answer differently"
        assert not leaks(response.content, w), area
        listing = api.get(f"/api/v1/{area}/?limit=200")
        assert listing.status_code == 200 and not leaks(listing.content, w), area
        for probe in PROBES:
            probed = api.get(f"/api/v1/{area}/?{probe}")
            assert not leaks(probed.content, w), f"{area}?{probe}"
    download = api.get(f"/api/v1/evidence/{w.evidence_b.public_id}/download/")
    assert download.status_code == 404 and b"notes" not in download.content
    for body in [{"name": "VICTIMX-legal_name"}, {"phone": "VICTIMX-phone"}, {"email": "VICTIMX-email"},
                 {"name": "VICTIMX-legal_name", "date_of_birth": "1977-07-17"}]:  # fmt: skip
        found = api.post("/api/v1/demonstrators/search/", body, format="json")
        assert found.status_code == 200 and found.json() == [] and not leaks(found.content, w)


@pytest.mark.django_db
def test_a_lawyer_cannot_change_another_lawyers_client_through_any_api_route(victim, lawyer):
    w = victim
    api = client_with_token(lawyer)
    before = snapshot(w)
    ids = victim_ids(w)
    attempts = [
        ("patch", f"/api/v1/demonstrators/{ids['demonstrators']}/", {"phone": "215-555-6666"}),
        ("patch", f"/api/v1/cases/{ids['cases']}/", {"lawyer_notes": "hijacked"}),
        ("patch", f"/api/v1/arrests/{ids['arrests']}/", {"charges": "hijacked"}),
        ("patch", f"/api/v1/complaints/{ids['complaints']}/", {"narrative": "hijacked"}),
        ("patch", f"/api/v1/witness-statements/{ids['witness-statements']}/", {"statement": "hijacked"}),
        ("patch", f"/api/v1/incidents/{ids['incidents']}/", {"narrative": "hijacked"}),
        ("post", f"/api/v1/cases/{ids['cases']}/close/", {}),
        ("post", f"/api/v1/cases/{ids['cases']}/assign/", {"lawyers": [lawyer.username]}),
        ("delete", f"/api/v1/cases/{ids['cases']}/", None),
        ("put", f"/api/v1/demonstrators/{ids['demonstrators']}/", {"legal_name": "hijacked"}),
        # attaching new material to the victim's case is a write to their file too
        ("post", "/api/v1/complaints/", {"case": str(ids["cases"]), "narrative": "planted"}),
        ("post", "/api/v1/witness-statements/", {"case": str(ids["cases"]), "statement": "planted"}),
        ("post", "/api/v1/arrests/", {"case": str(ids["cases"]), "arrested_at": "2026-07-01T12:00:00Z"}),
    ]
    for method, url, body in attempts:
        response = getattr(api, method)(url, body, format="json") if body is not None else getattr(api, method)(url)
        assert response.status_code in (400, 403, 404, 405), (method, url, response.status_code)
        assert not leaks(response.content, w), (method, url)
    upload = api.post("/api/v1/evidence/", {"case": str(ids["cases"]), "kind": "photo",
                                            "file": _png_upload()}, format="multipart")  # fmt: skip
    assert upload.status_code in (400, 403, 404) and not leaks(upload.content, w)
    assert snapshot(w) == before
    assert not ExcessiveForceComplaint.objects.filter(case=w.case_b).exclude(pk=w.complaint_b.pk).exists()
    assert WitnessStatement.objects.filter(case=w.case_b).count() == 1
    assert Evidence.objects.filter(case=w.case_b).count() == 1


def _png_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("p.png", png_bytes(), content_type="image/png")


@pytest.mark.django_db
def test_an_organizer_reaches_no_personal_data_through_any_route_filter_ordering_search_or_error(victim, organizer):
    w = victim
    api = client_with_token(organizer)
    everyone = {**victim_ids(w), "cases_a": w.case_a.public_id}
    for prefix, _viewset, _basename in router.registry:
        for probe in ["", *PROBES]:
            response = api.get(f"/api/v1/{prefix}/?{probe}")
            assert not leaks(response.content, w), f"{prefix}?{probe}"
            assert b"Ana Alvarez" not in response.content and b"Line pushed forward" not in response.content
            if prefix in PERSONAL_AREAS:
                assert response.status_code in (403, 404), f"{prefix}?{probe}"
    for area, public_id in everyone.items():
        area = area.removesuffix("_a")
        response = api.get(f"/api/v1/{area}/{public_id}/")
        assert response.status_code in (403, 404) and not leaks(response.content, w)
    for body in [{"name": "VICTIMX-legal_name"}, {"phone": "VICTIMX-phone"}]:
        found = api.post("/api/v1/demonstrators/search/", body, format="json")
        assert found.status_code == 403 and not leaks(found.content, w)
    # Errors on malformed input say nothing about anyone.
    for url in ["/api/v1/cases/not-a-uuid/", "/api/v1/dashboard/?event=VICTIMX", "/api/v1/dashboard/?event=" + str(uuid.uuid4())]:  # fmt: skip
        response = api.get(url)
        assert not leaks(response.content, w) and b"Traceback" not in response.content
    dashboard = api.get("/api/v1/dashboard/")
    assert dashboard.status_code == 200 and not leaks(dashboard.content, w)
    assert b"Ana Alvarez" not in dashboard.content and b"Bo Brown" not in dashboard.content


@pytest.mark.django_db
def test_an_organizer_session_cannot_reach_personal_data_either(victim, organizer, client_for):
    w = victim
    web = client_for(organizer)
    for area, public_id in victim_ids(w).items():
        for url in [f"/api/v1/{area}/", f"/api/v1/{area}/{public_id}/"]:
            response = web.get(url)
            assert response.status_code in (403, 404) and not leaks(response.content, w), url
    # refused by role before any lookup, as the API refuses it (evidence.download, docs/security.md)
    download = web.get(f"/evidence/{w.evidence_b.public_id}/download/")
    assert download.status_code == 403 and not leaks(download.content, w)


@pytest.mark.django_db
def test_server_owned_fields_cannot_be_mass_assigned(
    victim, lawyer, other_lawyer, coordinator, observer, other_observer
):
    w = victim
    mine = client_with_token(lawyer)
    case = w.case_a
    response = mine.patch(f"/api/v1/cases/{case.public_id}/", {
        "lawyers": [lawyer.username, other_lawyer.username], "status": "closed", "number": "9999-0001",
        "demonstrator": str(w.case_b.demonstrator.public_id), "retention_until": "2000-01-01",
        "purged_at": "2000-01-01T00:00:00Z", "id": str(uuid.uuid4()), "lawyer_notes": "ok",
    }, format="json")  # fmt: skip
    case.refresh_from_db()
    assert list(case.lawyers.values_list("username", flat=True)) == [lawyer.username]
    assert case.status == "active" and case.number != "9999-0001" and case.demonstrator_id != w.case_b.demonstrator_id
    assert case.retention_until is None and case.purged_at is None
    assert response.status_code in (200, 400)
    person = w.case_a.demonstrator
    for field, value in [("purged_at", "2000-01-01T00:00:00Z"), ("legal_name_index", "0" * 64), ("is_staff", True),
                         ("groups", ["coordinator"]), ("role", "coordinator"), ("id", str(uuid.uuid4()))]:  # fmt: skip
        response = mine.patch(f"/api/v1/demonstrators/{person.public_id}/", {field: value}, format="json")
        fresh = Demonstrator.objects.get(pk=person.pk)
        assert fresh.purged_at is None and fresh.public_id == person.public_id, field
        assert fresh.legal_name_index != "0" * 64, field
    lawyer.refresh_from_db()
    assert not lawyer.is_staff and list(lawyer.groups.values_list("name", flat=True)) == ["lawyer"]
    # Reporter, uploader and taker are always the caller.
    reporter = client_with_token(observer)
    created = reporter.post("/api/v1/incidents/", {
        "event": str(w.event.public_id), "occurred_at": "2026-07-01T12:00:00Z", "narrative": "n",
        "reporter": other_observer.username, "client_uuid": str(uuid.uuid4()),
    }, format="json")  # fmt: skip
    if created.status_code == 201:
        assert Incident.objects.get(public_id=created.json()["id"]).reporter == observer
    else:
        assert created.status_code == 400 and Incident.objects.filter(reporter=observer).count() == 1
    upload = reporter.post("/api/v1/evidence/", {"incident": str(w.incident_o.public_id), "kind": "photo",
                                                 "file": _png_upload(), "uploaded_by": other_observer.username,
                                                 "sha256": "0" * 64, "size": 1}, format="multipart")  # fmt: skip
    if upload.status_code == 201:
        evidence = Evidence.objects.get(public_id=upload.json()["id"])
        assert evidence.uploaded_by == observer and evidence.sha256 != "0" * 64 and evidence.size > 1
    statement = mine.post("/api/v1/witness-statements/", {"case": str(case.public_id), "statement": "s",
                                                          "taken_by": other_lawyer.username}, format="json")  # fmt: skip
    if statement.status_code == 201:
        assert WitnessStatement.objects.get(public_id=statement.json()["id"]).taken_by == lawyer


def unsafe_routes(w) -> list[tuple[str, str, dict]]:
    """Every write the API offers, aimed at objects the coordinator may change."""
    routes = []
    ids = {"demonstrators": w.case_a.demonstrator.public_id, "cases": w.case_a.public_id,
           "arrests": w.arrest_a.public_id, "complaints": w.complaint_a.public_id,
           "witness-statements": w.statement_a.public_id, "incidents": w.incident_o.public_id,
           "events": w.event.public_id, "officers": w.officer.public_id, "evidence": w.evidence_o.public_id}  # fmt: skip
    for prefix, viewset, _basename in router.registry:
        if hasattr(viewset, "create"):
            routes.append(("post", f"/api/v1/{prefix}/", {}))
        if hasattr(viewset, "partial_update") and prefix in ids:
            routes.append(("patch", f"/api/v1/{prefix}/{ids[prefix]}/", {}))
        for extra in viewset.get_extra_actions():
            if "post" in extra.mapping and prefix in ids:
                path = extra.url_path
                target = f"/api/v1/{prefix}/{path}/" if not extra.detail else f"/api/v1/{prefix}/{ids[prefix]}/{path}/"
                routes.append(("post", target, {}))
    routes.append(("delete", "/api/v1/auth/token/", {}))
    # Routes outside the router (packets).
    routes += [
        ("post", f"/api/v1/cases/{w.case_a.public_id}/packet/", {}),
        ("post", "/api/v1/packets/", {}),
        ("post", "/api/v1/packets/docket/", {}),
    ]
    return routes


@pytest.mark.django_db
def test_every_session_authenticated_api_write_needs_a_csrf_token(victim, coordinator):
    w = victim
    session = Client(enforce_csrf_checks=True)
    session.force_login(coordinator, backend="django.contrib.auth.backends.ModelBackend")
    mfa_verify_client(session, coordinator)
    before = snapshot(w)
    counts = [m.objects.count() for m in (Demonstrator, Case, Incident, Evidence, WitnessStatement)]
    routes = unsafe_routes(w)
    assert len(routes) >= 15, routes
    for method, url, body in routes:
        response = getattr(session, method)(url, json.dumps(body), content_type="application/json")
        assert response.status_code == 403, (method, url, response.status_code)
        assert "CSRF" in response.content.decode(), (method, url)
    assert snapshot(w) == before
    assert counts == [m.objects.count() for m in (Demonstrator, Case, Incident, Evidence, WitnessStatement)]
    # With the token, the same session may write (so the 403s above were CSRF, not permissions).
    session.get("/")
    token = session.cookies["csrftoken"].value
    ok = session.patch(f"/api/v1/cases/{w.case_a.public_id}/", json.dumps({"lawyer_notes": "fine"}),
                       content_type="application/json", HTTP_X_CSRFTOKEN=token)  # fmt: skip
    assert ok.status_code == 200


@pytest.mark.django_db
def test_bearer_tokens_do_not_need_csrf_and_are_not_accepted_from_a_cookie_or_the_url(victim, lawyer):
    from api.tokens import token_issue

    raw, _ = token_issue(user=lawyer, by=lawyer)
    assert Client().get(f"/api/v1/cases/?token={raw}").status_code == 401
    cookie = Client()
    cookie.cookies["Authorization"] = f"Bearer {raw}"
    assert cookie.get("/api/v1/cases/").status_code == 401
    assert MARK not in Client().get("/api/v1/cases/", HTTP_AUTHORIZATION=f"Bearer {raw}").content.decode()


@pytest.mark.django_db
def test_a_lawyer_cannot_get_another_lawyers_packet_through_the_api(victim, lawyer, other_lawyer):
    from documents.services import packet_for_case

    w = victim
    theirs = packet_for_case(case=w.case_b, by=other_lawyer).packet
    api = client_with_token(lawyer)
    made = api.post(f"/api/v1/cases/{w.case_b.public_id}/packet/", {}, format="json")
    assert made.status_code == 404 and not made.content.startswith(b"%PDF") and not leaks(made.content, w)
    fetched = api.get(f"/api/v1/packets/files/{theirs.public_id}/")
    assert fetched.status_code == 404 and not fetched.content.startswith(b"%PDF")
    assert client_with_token(other_lawyer).get(f"/api/v1/packets/files/{theirs.public_id}/").content.startswith(b"%PDF")


@pytest.mark.django_db
def test_the_token_endpoint_locks_out_brute_force_without_telling_accounts_apart(lawyer, observer, settings):
    from rest_framework.test import APIClient

    settings.AXES_FAILURE_LIMIT = 5
    attacker = APIClient(REMOTE_ADDR="203.0.113.77")
    url = "/api/v1/auth/token/"
    answers = [attacker.post(url, {"username": observer.username, "password": f"guess-{n}-wrong"}, format="json")
               for n in range(5)]  # fmt: skip
    unknown = attacker.post(url, {"username": "no-such-account", "password": "guess-wrong-1"}, format="json")
    locked = attacker.post(url, {"username": observer.username, "password": "correct-horse-battery-staple"},
                           format="json")  # fmt: skip
    bodies = {(a.status_code, a.content) for a in [*answers, unknown, locked]}
    assert len(bodies) == 1 and next(iter(bodies))[0] == 401, bodies
    assert b"token" not in locked.content.lower().replace(b"tokens", b"")
    from cases.models import AuditEntry

    assert AuditEntry.objects.filter(action="auth.locked_out").exists()
    elsewhere = APIClient(REMOTE_ADDR="198.51.100.78")
    ok = elsewhere.post(url, {"username": observer.username, "password": "correct-horse-battery-staple"}, format="json")
    assert ok.status_code == 201 and ok.json()["token"]


@pytest.mark.django_db
def test_a_lawyer_cannot_read_or_move_another_lawyers_citation_through_the_api(victim, lawyer, coordinator):
    from decimal import Decimal

    from citations.models import Citation, Payment
    from tests.factories import CitationFactory

    w = victim
    citation = CitationFactory(case=w.case_b, number="VICTIM-CIT-1", kind="pa_summary", fine=Decimal("50.00"))
    before = (citation.status, citation.response, citation.disposition)
    api = client_with_token(lawyer)
    missing = api.get(f"/api/v1/citations/{uuid.uuid4()}/")
    forbidden = api.get(f"/api/v1/citations/{citation.public_id}/")
    assert forbidden.status_code == 404 and forbidden.content == missing.content
    for url in ["/api/v1/citations/?limit=200", "/api/v1/deadlines/?limit=200", "/api/v1/citations/?q=VICTIM-CIT-1"]:
        listing = api.get(url)
        assert listing.status_code == 200 and b"VICTIM-CIT-1" not in listing.content
        assert str(citation.public_id).encode() not in listing.content and not leaks(listing.content, w)
    writes = [
        ("plea", {"response": "not_guilty"}),
        ("response", {"response": "not_guilty"}),
        ("disposition", {"disposition": "dismissed", "decided_on": "2026-11-01"}),
        ("payments", {"amount": "50.00", "payer": "self", "paid_on": "2026-11-01"}),
    ]
    staff = client_with_token(coordinator)
    for action, body in writes:
        response = api.post(f"/api/v1/citations/{citation.public_id}/{action}/", body, format="json")
        assert response.status_code == 404, action
        # The route exists: someone allowed to reach the citation gets past the lookup (the empty
        # body is refused as invalid), so the 404 above is the scope at work.
        assert staff.post(f"/api/v1/citations/{citation.public_id}/{action}/", {}, format="json").status_code == 400
    citation = Citation.objects.get(pk=citation.pk)
    assert (citation.status, citation.response, citation.disposition) == before
    assert not Payment.objects.filter(citation=citation).exists()
