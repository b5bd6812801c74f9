"""The JPEG a packet embeds for a photo is made once per photo and stored sealed: by a task when
the photo is uploaded, or by the first packet that needs it; later packets (any worker) reuse it."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from cases import datakeys
from cases.models import CustodyAction, CustodyEvent
from cases.services import evidence_add
from documents import photos
from documents.models import PhotoDerivative, StoredPacket
from documents.services import packet_for_case
from tests.documents.scenario import build_case, photo_bytes
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case():  # type: ignore[no-untyped-def]
    return CaseFactory()


@pytest.fixture
def decodes(monkeypatch):  # type: ignore[no-untyped-def]
    """Each call of the expensive decode and re-encode."""
    calls: list[int] = []
    real = photos.jpeg_derivative

    def counting(data, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(len(data))
        return real(data, **kwargs)

    monkeypatch.setattr(photos, "jpeg_derivative", counting)
    return calls


def _unsealed(derivative: PhotoDerivative) -> bytes:
    with derivative.file.open("rb") as fh:
        blob = fh.read()
    return datakeys.unseal(
        scope=datakeys.scope_of_evidence(derivative.evidence), blob=blob, context=derivative.crypto_context
    )


def test_uploading_a_photo_stores_one_sealed_derivative_after_commit(
    observer, case, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        photo = evidence_add(
            upload=ContentFile(photo_bytes(), name="p.png"), kind="photo", content_type="image/png", by=observer,
            case=case,
        )  # fmt: skip
        assert not PhotoDerivative.objects.exists()  # made after the upload commits, not inside it
    derivative = PhotoDerivative.objects.get()
    assert derivative.evidence == photo and derivative.source_sha256 == photo.sha256
    with derivative.file.open("rb") as fh:
        blob = fh.read()
    assert blob.startswith(datakeys.PREFIX) and b"JFIF" not in blob  # never written in clear
    jpeg = _unsealed(derivative)
    assert len(jpeg) == derivative.size
    with Image.open(io.BytesIO(jpeg)) as image:
        assert image.format == "JPEG"
    # Making it is no access by a person: the chain of custody holds the upload only.
    assert list(CustodyEvent.objects.filter(evidence=photo).values_list("action", flat=True)) == ["uploaded"]


def test_a_document_gets_no_derivative(lawyer, case, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        evidence_add(upload=ContentFile(b"notes\n", name="n.txt"), kind="document", content_type="text/plain",
                     by=lawyer, case=case)  # fmt: skip
    assert not PhotoDerivative.objects.exists()


def test_a_packet_embeds_the_stored_derivative_without_decoding_the_photo(
    lawyer, decodes, django_capture_on_commit_callbacks
):  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        s = build_case(lawyer=lawyer, with_complaint=False)
    assert len(decodes) == 1  # once, by the upload task
    derivative = PhotoDerivative.objects.get(evidence=s["photo"])
    images = photos.load_images({"images": [s["photo"].public_id.hex]}, lawyer)
    assert images == {s["photo"].public_id.hex: _unsealed(derivative)}
    packet_for_case(case=s["case"], by=lawyer)
    assert len(decodes) == 1
    assert CustodyEvent.objects.filter(evidence=s["photo"], action=CustodyAction.EXPORTED).count() == 1


def test_a_missing_derivative_is_made_by_the_first_packet_and_reused_by_the_next(lawyer, decodes):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer, with_complaint=False)  # upload tasks never ran (nothing committed)
    assert not PhotoDerivative.objects.exists()
    packet_for_case(case=s["case"], by=lawyer)
    assert len(decodes) == 1 and PhotoDerivative.objects.filter(evidence=s["photo"]).count() == 1
    StoredPacket.objects.all().delete()  # as after an edit: the packet renders again
    again = packet_for_case(case=s["case"], by=lawyer)
    assert not again.cached and len(decodes) == 1


def test_an_unreadable_or_outdated_derivative_is_made_again(lawyer, decodes, monkeypatch):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer, with_complaint=False)
    key = s["photo"].public_id.hex
    photos.load_images({"images": [key]}, lawyer)
    first = PhotoDerivative.objects.get()
    first.file.storage.delete(first.file.name)
    photos.load_images({"images": [key]}, lawyer)
    second = PhotoDerivative.objects.get()
    assert second.pk != first.pk and len(decodes) == 2
    monkeypatch.setattr(photos, "PHOTO_RECIPE", "jpeg/another-size")
    photos.load_images({"images": [key]}, lawyer)
    third = PhotoDerivative.objects.get()  # the old recipe's row and file are gone
    assert third.recipe == "jpeg/another-size" and len(decodes) == 3


def test_the_upload_task_skips_a_photo_that_is_gone_or_already_derived(lawyer, decodes):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer, with_complaint=False)
    photos.photo_derivative_ensure(evidence_id=s["photo"].pk)
    photos.photo_derivative_ensure(evidence_id=s["photo"].pk)
    photos.photo_derivative_ensure(evidence_id=s["document"].pk)
    photos.photo_derivative_ensure(evidence_id=10**9)
    assert len(decodes) == 1 and PhotoDerivative.objects.count() == 1


def test_two_workers_making_the_same_derivative_leave_one_row_and_one_file(lawyer, settings):  # type: ignore[no-untyped-def]
    s = build_case(lawyer=lawyer, with_complaint=False)
    first = photos.photo_derivative_make(evidence=s["photo"])
    second = photos.photo_derivative_make(evidence=s["photo"])  # the unique constraint refuses its row
    assert first == second and PhotoDerivative.objects.count() == 1
    files = [p for p in Path(settings.MEDIA_ROOT, "packet-photos").rglob("*") if p.is_file()]
    assert [str(p.relative_to(settings.MEDIA_ROOT)) for p in files] == [PhotoDerivative.objects.get().file.name]
