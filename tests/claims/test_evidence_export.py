"""The signed evidence export: originals with their SHA-256, a chain-of-custody PDF per item that
records this export, witness statements, a manifest whose Ed25519 signature checks with the
published key, scope, audit, and the stream never holding more than a piece."""

import csv
import hashlib
import io
import zipfile

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from pypdf import PdfReader

from cases.models import AuditEntry, CustodyEvent
from cases.services import evidence_add
from claims.evidence_export import evidence_export
from tests.factories import (
    CaseFactory,
    ComplaintFactory,
    EventFactory,
    IncidentFactory,
    WitnessStatementFactory,
    png_bytes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_files(coordinator, observer, lawyer):
    event = EventFactory()
    case = CaseFactory(event=event, lawyers=[lawyer])
    other = CaseFactory(event=event)
    incident = IncidentFactory(event=event, reporter=observer)
    incident.people_affected.add(case)
    photo = png_bytes((40, 30))
    on_incident = evidence_add(
        upload=ContentFile(photo, name="p.png"), kind="photo", content_type="image/png", by=observer, incident=incident
    )
    on_case = evidence_add(
        upload=ContentFile(b"ER discharge\n", name="n.txt"),
        kind="document",
        content_type="text/plain",
        by=lawyer,
        case=case,
    )
    elsewhere = evidence_add(
        upload=ContentFile(b"other client\n", name="o.txt"),
        kind="document",
        content_type="text/plain",
        by=coordinator,
        case=other,
    )
    WitnessStatementFactory(case=None, complaint=ComplaintFactory(case=case), statement="Saw the baton strike.")
    return {"event": event, "case": case, "photo": photo, "items": [on_incident, on_case], "elsewhere": elsewhere}


def _unzip(export):
    return zipfile.ZipFile(io.BytesIO(b"".join(export.chunks)))


def test_the_case_export_holds_originals_custody_statements_and_a_signed_manifest(case_files, coordinator, client_for):
    archive = _unzip(evidence_export(by=coordinator, case=case_files["case"]))
    names = archive.namelist()
    originals = [n for n in names if n.startswith("evidence/")]
    assert len(originals) == 2 and len([n for n in names if n.startswith("custody/")]) == 2
    assert [n for n in names if n.startswith("statements/")] and "VERIFY.txt" in names
    assert case_files["photo"] in [archive.read(n) for n in originals]  # the original, metadata and all
    assert str(case_files["elsewhere"].public_id) not in " ".join(names)
    manifest = archive.read("manifest.csv")
    rows = list(csv.DictReader(io.StringIO(manifest.decode())))
    assert {r["path"] for r in rows} == {n for n in names if n.split("/")[0] in ("evidence", "custody", "statements")}
    for row in rows:
        assert hashlib.sha256(archive.read(row["path"])).hexdigest() == row["sha256"]
    by_id = {str(e.public_id): e.sha256 for e in case_files["items"]}
    for row in rows:
        if row["path"].startswith("evidence/"):
            assert row["sha256"] == by_id[row["evidence id"]]
    statement = next(n for n in names if n.startswith("statements/"))
    assert "Saw the baton strike." in archive.read(statement).decode()
    # the signature checks with the key the app publishes, and fails on any change
    published = client_for(coordinator).get("/claims/evidence-signing-key.pem").content
    assert published == archive.read("signing-key.pem")
    key = load_pem_public_key(published)
    key.verify(archive.read("manifest.csv.sig"), manifest)
    with pytest.raises(InvalidSignature):
        key.verify(archive.read("manifest.csv.sig"), manifest.replace(b"evidence/", b"evidencE/", 1))


def test_each_item_s_custody_pdf_records_this_export(case_files, coordinator):
    archive = _unzip(evidence_export(by=coordinator, case=case_files["case"]))
    for item in case_files["items"]:
        assert CustodyEvent.objects.filter(evidence=item, action="exported", actor=coordinator).count() == 1
        pdf = next(n for n in archive.namelist() if n.startswith("custody/") and str(item.public_id) in n)
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(archive.read(pdf))).pages)
        assert item.sha256[:16] in text.replace("\n", "") and "Exported" in text and coordinator.username in text
    assert AuditEntry.objects.filter(action="evidence.export_zip", actor=coordinator).count() == 1


def test_the_event_export_covers_the_event_and_the_stream_comes_in_pieces(case_files, coordinator):
    export = evidence_export(by=coordinator, event=case_files["event"])
    chunks = list(export.chunks)
    assert len(chunks) > 5 and max(len(c) for c in chunks) <= 300 * 1024
    names = zipfile.ZipFile(io.BytesIO(b"".join(chunks))).namelist()
    assert len([n for n in names if n.startswith("evidence/")]) == 3


def test_only_coordinators_export_and_anyone_signed_in_fetches_the_key(
    case_files, client_for, lawyer, observer, coordinator
):
    url = f"/claims/cases/{case_files['case'].public_id}/evidence.zip"
    assert client_for(lawyer).get(url).status_code == 403
    response = client_for(coordinator).get(url)
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].startswith("attachment")
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).testzip() is None
    key = client_for(observer).get("/claims/evidence-signing-key.pem")
    assert key.status_code == 200 and key.content.startswith(b"-----BEGIN PUBLIC KEY-----")


def test_no_export_without_a_signing_key(case_files, coordinator, settings):
    settings.EVIDENCE_SIGNING_KEY = ""
    settings.DEV_KEYS_FILE = ""
    with pytest.raises(ImproperlyConfigured):
        evidence_export(by=coordinator, case=case_files["case"])
    assert not CustodyEvent.objects.filter(action="exported").exists()
