"""The API and web interfaces for packets: PDFs or references, audited downloads, the complaint
confirmation, batches with progress, and the same 404 for another lawyer's case, packet or batch."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.test import TestCase

from cases.models import AuditEntry
from documents.models import PacketBatch, StoredPacket
from tests.api.conftest import client_with_token
from tests.documents.conftest import pdf_text
from tests.documents.fakes import FAKE_PDF, make_finished_batch, make_stored_packet
from tests.factories import CaseFactory, CitationFactory, ComplaintFactory, EventFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(lawyer):  # type: ignore[no-untyped-def]
    case = CaseFactory(lawyers=[lawyer], demonstrator__legal_name="Trần Văn Minh")
    CitationFactory(case=case, number="CVN-API-1")
    return case


def test_api_case_packet_returns_the_pdf_and_audits_it(case, lawyer):  # type: ignore[no-untyped-def]
    client = client_with_token(lawyer)
    response = client.post(f"/api/v1/cases/{case.public_id}/packet/", {"kind": "case"}, format="json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert response["X-Packet-SHA256"] == hashlib.sha256(body).hexdigest()
    assert response["X-Packet-Cached"] == "0"
    text = pdf_text(body)
    assert case.number in text and "Trần Văn Minh" in text and "CVN-API-1" in text
    entry = AuditEntry.objects.filter(action="packet.generate").get()
    assert (entry.actor, entry.target_id, entry.details["sha256"]) == (
        lawyer,
        str(case.public_id),
        response["X-Packet-SHA256"],
    )

    # The same request again: a reference to the stored file, then the download by that link.
    again = client.post(f"/api/v1/cases/{case.public_id}/packet/", {"deliver": "reference"}, format="json")
    assert again.status_code == 200 and again.json()["cached"] is True
    download = client.get(again.json()["download_url"])
    assert download.status_code == 200 and download.content == body
    audit = AuditEntry.objects.filter(action="packet.download").get()
    assert audit.details["sha256"] == hashlib.sha256(body).hexdigest() and audit.actor == lawyer


def test_complaint_packet_for_a_client_with_open_matters_needs_confirmation(case, lawyer):  # type: ignore[no-untyped-def]
    complaint = ComplaintFactory(case=case)
    client = client_with_token(lawyer)
    url = f"/api/v1/cases/{case.public_id}/packet/"
    refused = client.post(url, {"kind": "complaint"}, format="json")
    assert refused.status_code == 409
    assert refused["Content-Type"].startswith("application/problem+json")
    assert not StoredPacket.objects.exists()
    assert not AuditEntry.objects.filter(action="packet.complaint_confirmed").exists()

    confirmed = client.post(
        url, {"kind": "complaint", "complaint": str(complaint.public_id), "confirm": True}, format="json"
    )
    assert confirmed.status_code == 200
    entry = AuditEntry.objects.get(action="packet.complaint_confirmed")
    assert entry.actor == lawyer and entry.details["confirmed"] is True
    assert entry.target_id == str(complaint.public_id)
    text = pdf_text(confirmed.content)
    assert "Excessive-force complaint" in text and "A lawyer confirmed" in text


def test_plea_letter_is_prefilled_for_signature(case, lawyer, client_for):  # type: ignore[no-untyped-def]
    citation = CitationFactory(case=case, number="SC-PLEA-9", kind="pa_summary", fine="0.00")
    response = client_for(lawyer).post(
        f"/documents/cases/{case.public_id}/packet/", {"kind": "plea", "citation": str(citation.public_id)}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "Plea of not guilty" in text and "SC-PLEA-9" in text and "Trần Văn Minh" in text
    assert "Collateral of $50.00" in text and "413" in text  # no amount on the citation: $50 (Rule 413)
    assert "Signature of defendant" in text


def test_web_complaint_packet_shows_a_confirmation_form(case, lawyer, client_for):  # type: ignore[no-untyped-def]
    ComplaintFactory(case=case)
    response = client_for(lawyer).post(f"/documents/cases/{case.public_id}/packet/", {"kind": "complaint"})
    assert response.status_code == 409
    assert b'name="confirm"' in response.content and b"audit trail" in response.content


def test_docket_pdf_lists_only_the_callers_cases(lawyer, other_lawyer, client_for):  # type: ignore[no-untyped-def]
    import datetime

    from django.utils import timezone

    when = timezone.now().replace(hour=14, minute=0, second=0, microsecond=0) + datetime.timedelta(days=3)
    event = EventFactory()
    mine = CaseFactory(event=event, lawyers=[lawyer], demonstrator__legal_name="Mine Person")
    theirs = CaseFactory(event=event, lawyers=[other_lawyer], demonstrator__legal_name="Theirs Person")
    CitationFactory(case=mine, number="MC-D-1", kind="phl_summary_nta", hearing_at=when, courtroom="1104")
    CitationFactory(case=theirs, number="MC-D-2", kind="phl_summary_nta", hearing_at=when, courtroom="1104")
    day = when.astimezone(timezone.get_current_timezone()).date().isoformat()
    response = client_for(lawyer).post("/documents/docket/packet/", {"date": day, "courtroom": "1104"})
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "MC-D-1" in text and "Mine Person" in text
    assert "MC-D-2" not in text and "Theirs Person" not in text
    assert f"Hearing docket {day}, courtroom 1104" in text


def test_batch_start_progress_and_download_on_the_web(case, lawyer, client_for):  # type: ignore[no-untyped-def]
    client = client_for(lawyer)
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post("/documents/batches/", {"kind": "event", "event": str(case.event.public_id)})
    assert response.status_code == 302
    batch = PacketBatch.objects.get()
    assert response["Location"] == f"/documents/batches/{batch.public_id}/"
    status = client.get(f"/documents/batches/{batch.public_id}/status/").json()
    assert (status["status"], status["done"], status["total"], status["failed"]) == ("done", 1, 1, 0)
    page = client.get(response["Location"])
    assert page.status_code == 200 and b"<progress" in page.content
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert hashlib.sha256(archive.read("MANIFEST.txt")).hexdigest() == status["result_sha256"]
    assert AuditEntry.objects.filter(action="packet.batch_download", actor=lawyer).count() == 1


def test_api_batch_create_and_progress(case, lawyer):  # type: ignore[no-untyped-def]
    client = client_with_token(lawyer)
    with TestCase.captureOnCommitCallbacks(execute=True):
        created = client.post("/api/v1/packets/", {"kind": "event", "event": str(case.event.public_id)}, format="json")
    assert created.status_code == 202
    progress = client.get(f"/api/v1/packets/{created.json()['id']}/").json()
    assert (progress["status"], progress["done"], progress["total"]) == ("done", 1, 1)
    zipped = client.get(progress["download_url"])
    assert zipped.status_code == 200 and zipped.streaming
    assert b"".join(zipped.streaming_content)[:2] == b"PK"


# --- Another lawyer: the same 404 as for something that does not exist -------------------------


def test_idor_other_lawyer_gets_404_for_packet_batch_and_download(case, lawyer, other_lawyer, client_for):  # type: ignore[no-untyped-def]
    packet = make_stored_packet(case=case, by=lawyer)
    batch = make_finished_batch(case=case, by=lawyer)
    api = client_with_token(other_lawyer)
    web = client_for(other_lawyer)
    assert api.post(f"/api/v1/cases/{case.public_id}/packet/", {}, format="json").status_code == 404
    assert api.get(f"/api/v1/packets/files/{packet.public_id}/").status_code == 404
    assert api.get(f"/api/v1/packets/{batch.public_id}/").status_code == 404
    assert api.get(f"/api/v1/packets/{batch.public_id}/download/").status_code == 404
    assert [b["id"] for b in api.get("/api/v1/packets/").json()] == []
    assert web.post(f"/documents/cases/{case.public_id}/packet/", {"kind": "case"}).status_code == 404
    assert web.get(f"/documents/packets/{packet.public_id}/").status_code == 404
    assert web.get(f"/documents/batches/{batch.public_id}/").status_code == 404
    assert web.get(f"/documents/batches/{batch.public_id}/status/").status_code == 404
    assert web.get(f"/documents/batches/{batch.public_id}/download/").status_code == 404
    assert not AuditEntry.objects.filter(action__startswith="packet.", actor=other_lawyer).exists()
    # The owner still gets them.
    mine = client_with_token(lawyer)
    assert mine.get(f"/api/v1/packets/files/{packet.public_id}/").content == FAKE_PDF


def test_packets_leave_scope_when_the_lawyer_is_unassigned(case, lawyer, other_lawyer):  # type: ignore[no-untyped-def]
    packet = make_stored_packet(case=case, by=lawyer)
    batch = make_finished_batch(case=case, by=lawyer)
    case.lawyers.set([other_lawyer])
    client = client_with_token(lawyer)
    assert client.get(f"/api/v1/packets/files/{packet.public_id}/").status_code == 404
    assert client.get(f"/api/v1/packets/{batch.public_id}/download/").status_code == 404
    # The new lawyer may fetch the packet of the case now theirs, but not the old lawyer's batch.
    theirs = client_with_token(other_lawyer)
    assert theirs.get(f"/api/v1/packets/files/{packet.public_id}/").status_code == 200
    assert theirs.get(f"/api/v1/packets/{batch.public_id}/").status_code == 404


@pytest.mark.parametrize("role", ["observer", "organizer"])
def test_roles_without_client_files_cannot_make_packets(role, case, request, client_for):  # type: ignore[no-untyped-def]
    user = request.getfixturevalue(role)
    assert client_with_token(user).post(f"/api/v1/cases/{case.public_id}/packet/", {}, format="json").status_code == 403
    web = client_for(user)
    assert web.post(f"/documents/cases/{case.public_id}/packet/", {}).status_code == 403
    assert web.post("/documents/batches/", {"kind": "event", "event": str(case.event.public_id)}).status_code == 403
    assert not StoredPacket.objects.exists() and not PacketBatch.objects.exists()
