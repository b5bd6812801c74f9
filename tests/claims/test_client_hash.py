"""The observer's phone hashes each file before upload (Web Crypto); the server records whether
the file it received matched: through the observer page, the API and evidence_add itself."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Evidence
from cases.services import evidence_add
from tests.cases.test_pages_observer import JSON, _png, _report
from tests.factories import CaseFactory, EventFactory, png_bytes

pytestmark = pytest.mark.django_db


def test_evidence_add_records_whether_the_phone_s_hash_matched(lawyer):
    case = CaseFactory(lawyers=[lawyer])
    data = b"ER discharge summary\n"
    good = evidence_add(upload=ContentFile(data, name="a.txt"), kind="document", content_type="", by=lawyer, case=case,
                        client_sha256=hashlib.sha256(data).hexdigest().upper())  # fmt: skip
    bad = evidence_add(upload=ContentFile(data, name="b.txt"), kind="document", content_type="", by=lawyer, case=case,
                       client_sha256="0" * 64)  # fmt: skip
    none = evidence_add(upload=ContentFile(data, name="c.txt"), kind="document", content_type="", by=lawyer, case=case)
    assert (good.client_hash_matched, bad.client_hash_matched, none.client_hash_matched) == (True, False, None)
    assert good.client_sha256 == good.sha256 and none.client_sha256 == ""


def test_the_observer_page_keeps_the_phone_s_hashes_in_the_files_order(client_for, observer):
    event = EventFactory()
    first, second = _png(), SimpleUploadedFile("p2.png", png_bytes((6, 6)), content_type="image/png")
    first_hash = hashlib.sha256(first.read()).hexdigest()
    first.seek(0)
    response = client_for(observer).post(
        "/observe/", _report(event, files=[first, second], files_sha256=[first_hash, "not-a-hash"]), **JSON
    )
    assert response.status_code in (200, 201), response.content
    by_hash = {e.sha256: e for e in Evidence.objects.all()}
    assert by_hash[first_hash].client_hash_matched is True
    other = next(e for h, e in by_hash.items() if h != first_hash)
    assert other.client_hash_matched is None and other.client_sha256 == ""


def test_the_api_takes_the_hash_and_answers_whether_it_matched(lawyer):
    from tests.api.conftest import client_with_token

    case = CaseFactory(lawyers=[lawyer])
    data = png_bytes((5, 5))
    client = client_with_token(lawyer)
    ok = client.post(
        "/api/v1/evidence/",
        {
            "file": SimpleUploadedFile("p.png", data),
            "case": str(case.public_id),
            "client_sha256": hashlib.sha256(data).hexdigest(),
        },
        format="multipart",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["client_hash_matched"] is True
    wrong = client.post(
        "/api/v1/evidence/",
        {"file": SimpleUploadedFile("p.png", data), "case": str(case.public_id), "client_sha256": "f" * 64},
        format="multipart",
    )
    assert wrong.json()["client_hash_matched"] is False
    refused = client.post(
        "/api/v1/evidence/",
        {"file": SimpleUploadedFile("p.png", data), "case": str(case.public_id), "client_sha256": "xyz"},
        format="multipart",
    )
    assert refused.status_code == 400
