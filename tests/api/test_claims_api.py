"""The claims app over the API: a photo's blur regions, face proposals and blurred copy; an
incident's preservation plans, letter PDFs and the record of their sending. Same services and
scopes as the pages (the role matrix holds every role; these check behaviour)."""

from __future__ import annotations

import datetime
import hashlib
import io
import uuid

import pytest
import skimage.data
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from cases.models import AuditEntry, CustodyEvent, IncidentOfficer
from cases.services import evidence_add
from claims.models import BlurredCopy, FaceProposals, PreservationLetter
from claims.selectors import blurred_bytes
from claims.services import preservation_letter_record
from tests.api.conftest import client_with_token
from tests.documents.conftest import pdf_text
from tests.factories import CaseFactory, EventFactory, IncidentFactory, OfficerFactory

pytestmark = pytest.mark.django_db
WHEN = datetime.datetime(2026, 7, 3, 22, 30, tzinfo=datetime.UTC)  # Friday 6:30 pm in Philadelphia


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


@pytest.fixture
def scene(lawyer, observer):
    case = CaseFactory(event=EventFactory(name="Encampment"), lawyers=[lawyer], demonstrator__legal_name="Ana Alvarez")
    incident = IncidentFactory(event=case.event, reporter=observer, occurred_at=WHEN, place="Broad & Arch")
    incident.people_affected.add(case)
    IncidentOfficer.objects.create(incident=incident, officer=OfficerFactory(name="Ofc. Stone", badge_number="4471"))
    noise = Image.merge("RGB", [Image.effect_noise((40, 30), 120).convert("L") for _ in range(3)])
    photo = evidence_add(
        upload=ContentFile(_jpeg(noise.resize((400, 300))), name="crowd.jpg"), kind="photo",
        content_type="image/jpeg", by=observer, incident=incident,
    )  # fmt: skip
    return {"case": case, "incident": incident, "photo": photo}


def test_a_lawyer_reads_sets_and_clears_a_photo_s_blur_regions(scene, lawyer):
    photo = scene["photo"]
    api = client_with_token(lawyer)
    url = f"/api/v1/evidence/{photo.public_id}/blur/"
    assert api.get(url).json() == {"evidence": str(photo.public_id), "regions": [], "blurred_copy": None}
    assert api.get(url + "blurred.jpg").status_code == 404

    saved = api.put(url, {"regions": [[0.1, 0.2, 0.3, 0.4]]}, format="json")
    assert saved.status_code == 200, saved.content
    body = saved.json()
    assert body["regions"] == [[0.1, 0.2, 0.3, 0.4]]
    copy = BlurredCopy.objects.get(evidence=photo)
    assert body["blurred_copy"]["id"] == str(copy.public_id) and body["blurred_copy"]["regions"] == 1
    assert api.get(url).json() == body

    image = api.get(url + "blurred.jpg")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert b"".join(image.streaming_content if image.streaming else [image.content]) == blurred_bytes(photo)
    assert CustodyEvent.objects.filter(evidence=photo, action="viewed").count() == 1
    assert AuditEntry.objects.filter(action="evidence.blur", details__count=1).exists()

    cleared = api.put(url, {"regions": []}, format="json").json()
    assert cleared["regions"] == [] and cleared["blurred_copy"] is None
    assert not BlurredCopy.objects.filter(evidence=photo).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"regions": [[0.9, 0.9, 0.5, 0.5]]},  # past the photo's edge
        {"regions": [[0.1, 0.1, 0.2]]},  # three numbers
        {"regions": [[0.1, 0.1, 0.2, 1.5]]},  # above 1
        {"regions": [["a", 0.1, 0.2, 0.2]]},
        {"regions": "[[0.1, 0.1, 0.2, 0.2]]"},  # not a list
        {"regions": [[0.1, 0.1, 0.2, 0.2]], "marked_by": 1},  # an unknown field
        {"regions": [[0.01, 0.01, 0.01, 0.01]] * 201},  # too many
    ],
)
def test_bad_regions_are_a_400_problem_and_change_nothing(scene, lawyer, body):
    photo = scene["photo"]
    api = client_with_token(lawyer)
    api.put(f"/api/v1/evidence/{photo.public_id}/blur/", {"regions": [[0.1, 0.1, 0.2, 0.2]]}, format="json")
    response = api.put(f"/api/v1/evidence/{photo.public_id}/blur/", body, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")
    assert api.get(f"/api/v1/evidence/{photo.public_id}/blur/").json()["regions"] == [[0.1, 0.1, 0.2, 0.2]]


def test_blur_is_for_photos_in_scope_only(scene, lawyer, other_lawyer, observer, coordinator):
    photo = scene["photo"]
    url = f"/api/v1/evidence/{photo.public_id}/blur/"
    assert client_with_token(other_lawyer).get(url).status_code == 404
    assert client_with_token(other_lawyer).put(url, {"regions": []}, format="json").status_code == 404
    assert client_with_token(observer).get(url).status_code == 403  # the uploader, but not a blur role
    note = evidence_add(
        upload=ContentFile(b"notes\n", name="n.txt"), kind="document", content_type="text/plain", by=lawyer,
        case=scene["case"],
    )  # fmt: skip
    assert client_with_token(coordinator).get(f"/api/v1/evidence/{note.public_id}/blur/").status_code == 404
    assert client_with_token(coordinator).get(f"/api/v1/evidence/{uuid.uuid4()}/blur/").status_code == 404


def test_face_proposals_find_the_portrait_s_face_once(scene, lawyer, observer):
    portrait = evidence_add(
        upload=ContentFile(_jpeg(Image.fromarray(skimage.data.astronaut())), name="portrait.jpg"), kind="photo",
        content_type="image/jpeg", by=observer, case=scene["case"],
    )  # fmt: skip
    api = client_with_token(lawyer)
    url = f"/api/v1/evidence/{portrait.public_id}/blur/proposals/"
    first = api.get(url).json()
    assert first["evidence"] == str(portrait.public_id)
    ((x, y, w, h),) = first["regions"]
    assert x >= 0.30 and x + w <= 0.58 and y >= 0.08 and y + h <= 0.38  # the face, as the page test finds it
    assert FaceProposals.objects.filter(evidence=portrait).count() == 1
    assert api.get(url).json() == first


def test_a_lawyer_gets_the_plans_and_the_letter_and_records_it_sent(scene, lawyer):
    incident = scene["incident"]
    api = client_with_token(lawyer)
    base = f"/api/v1/incidents/{incident.public_id}/preservation/"
    plans = {p["recipient"]: p for p in api.get(base).json()}
    assert set(plans) == {"police", "city"}
    police = plans["police"]
    assert {k["code"] for k in police["kinds"]} >= {"bwc-video", "radio"}
    assert all(k["verified"] is False and k["source"] for k in police["kinds"])
    assert police["send_by"] < police["deletion"] and police["letters"] == []

    pdf = api.get(base + "police.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]))
    assert "Broad & Arch" in text and "4471" in text and "Ana Alvarez" not in text
    assert api.get(base + "nobody.pdf").status_code == 404

    key = {"HTTP_IDEMPOTENCY_KEY": "letter-police-1"}
    body = {"recipient": "police", "sent_at": "2026-07-06T14:00:00Z", "sent_how": "mail", "reference": "7019 0700"}
    sent = api.post(base + "letters/", body, format="json", **key)
    assert sent.status_code == 201, sent.content
    letter = sent.json()
    assert letter["recipient"] == "police" and letter["sent_how"] == "mail" and letter["reference"] == "7019 0700"
    assert letter["send_by"] == police["send_by"] and letter["sent_in_time"] is True
    assert set(letter["record_kinds"]) == {k["code"] for k in police["kinds"]}
    again = api.post(base + "letters/", body, format="json", **key)
    assert again.status_code == 201 and again.json()["id"] == letter["id"]  # a retry replays, no second letter
    assert PreservationLetter.objects.filter(incident=incident).count() == 1
    assert api.get(base + "letters/").json() == [letter]
    assert api.get(base).json()[0]["letters"] == [letter]


def test_a_letter_sent_after_the_send_by_day_says_so(scene, lawyer):
    incident = scene["incident"]
    api = client_with_token(lawyer)
    late = api.post(
        f"/api/v1/incidents/{incident.public_id}/preservation/letters/",
        {"recipient": "city", "sent_at": "2027-07-06T14:00:00Z", "sent_how": "email"},
        format="json",
    )
    assert late.status_code == 201 and late.json()["sent_in_time"] is False


@pytest.mark.parametrize(
    "body",
    [
        {"recipient": "mayor", "sent_at": "2026-07-06T14:00:00Z", "sent_how": "mail"},
        {"recipient": "police", "sent_at": "not a time", "sent_how": "mail"},
        {"recipient": "police", "sent_at": "2026-07-06T14:00:00Z", "sent_how": "pigeon"},
        {"recipient": "police", "sent_at": "2026-07-06T14:00:00Z", "sent_how": "mail", "send_by": "2099-01-01"},
    ],
)
def test_a_bad_sending_record_is_a_400(scene, lawyer, body):
    response = client_with_token(lawyer).post(
        f"/api/v1/incidents/{scene['incident'].public_id}/preservation/letters/", body, format="json"
    )
    assert response.status_code == 400
    assert not PreservationLetter.objects.exists()


def test_the_letters_list_takes_the_same_queries_for_1_and_20_letters(scene, lawyer):
    incident = scene["incident"]
    api = client_with_token(lawyer)
    url = f"/api/v1/incidents/{incident.public_id}/preservation/letters/"
    plans_url = f"/api/v1/incidents/{incident.public_id}/preservation/"
    counts = []
    for n in (1, 19):
        for i in range(n):
            preservation_letter_record(
                incident=incident, recipient=("police", "city")[i % 2], by=lawyer,
                sent_at=WHEN + datetime.timedelta(days=1, minutes=i), sent_how="email",
            )  # fmt: skip
        api.get(url)  # the token's first use is written once
        with CaptureQueriesContext(connection) as letters:
            assert len(api.get(url).json()) == PreservationLetter.objects.count()
        with CaptureQueriesContext(connection) as plans:
            assert api.get(plans_url).status_code == 200
        counts.append((len(letters), len(plans)))
    assert counts[0] == counts[1], counts
    # token, role, incident, letters, their record kinds, the audit entry (a few statements)
    assert counts[1][0] <= 9 and counts[1][1] <= 11, counts


def test_reads_are_audited_without_values(scene, lawyer):
    incident = scene["incident"]
    client_with_token(lawyer).get(f"/api/v1/incidents/{incident.public_id}/preservation/")
    entry = AuditEntry.objects.filter(action="api.preservation.read").get()
    assert "Broad" not in str(entry.details)


def test_the_api_download_of_a_blurred_photo_is_the_blurred_copy(scene, lawyer, coordinator):
    photo = scene["photo"]
    api = client_with_token(lawyer)
    api.put(f"/api/v1/evidence/{photo.public_id}/blur/", {"regions": [[0.1, 0.1, 0.5, 0.5]]}, format="json")
    got = api.get(f"/api/v1/evidence/{photo.public_id}/download/")
    assert b"".join(got.streaming_content if got.streaming else [got.content]) == blurred_bytes(photo)
    original = client_with_token(coordinator).get(f"/api/v1/evidence/{photo.public_id}/download/?original=true")
    data = b"".join(original.streaming_content if original.streaming else [original.content])
    assert hashlib.sha256(data).hexdigest() == photo.sha256
