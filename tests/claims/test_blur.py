"""Blurring bystanders' faces: the blurred copy differs from the photo inside each region and
matches it outside, the original stays sealed and byte-for-byte untouched, packets embed the
blurred copy, the face detector's plumbing, and the editor page (save, show, refuse)."""

import csv
import hashlib
import io
import random
import zipfile

import pytest
import skimage.data
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageChops, ImageStat

from cases.models import AuditEntry
from cases.services import evidence_add, evidence_bytes_for_render, evidence_open, evidence_shared_bytes
from claims import services as claims_services
from claims.evidence_export import evidence_export
from claims.models import BlurredCopy, BlurRegion, FaceProposals
from claims.selectors import blur_regions_of, blurred_bytes
from claims.services import blur_regions_set, face_proposals_for
from custody.services.merge import person_merge, person_merge_undo
from documents.models import PhotoDerivative
from documents.photos import DETECT_RECIPE, blurred_jpeg, face_proposals, jpeg_derivative, photo_derivative_make
from tests.api.conftest import client_with_token
from tests.factories import CaseFactory, EventFactory, IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db


def _noisy_photo(size: tuple[int, int] = (400, 300)) -> bytes:
    """A photo with detail everywhere (random 10-pixel tiles), so a blur shows wherever it is
    applied, yet JPEG keeps it closely (flat tiles)."""
    # Seeded, not Image.effect_noise: random noise now and then holds a face-like patch for the
    # cascade, and a test must not depend on the draw.
    draw = random.Random(2026)
    tiles = Image.merge(
        "RGB",
        [
            Image.frombytes("L", (size[0] // 10, size[1] // 10), draw.randbytes(size[0] * size[1] // 100))
            for _ in range(3)
        ],
    )
    image = tiles.resize(size, Image.Resampling.NEAREST)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def photo(lawyer, observer):
    event = EventFactory()
    case = CaseFactory(event=event, lawyers=[lawyer])
    incident = IncidentFactory(event=event, reporter=observer)
    incident.people_affected.add(case)
    return evidence_add(
        upload=ContentFile(_noisy_photo(), name="crowd.png"),
        kind="photo",
        content_type="image/png",
        by=observer,
        incident=incident,
    )


def _decode(data: bytes) -> Image.Image:
    return Image.open(io.BytesIO(data)).convert("RGB")


def _mean_diff(a: Image.Image, b: Image.Image, box: tuple[int, int, int, int]) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a.crop(box), b.crop(box))).mean) / 3


def test_the_blurred_copy_differs_inside_the_regions_and_matches_outside(photo, lawyer):
    before = _decode(evidence_bytes_for_render(evidence=photo))
    copy = blur_regions_set(evidence=photo, regions=[(0.25, 0.25, 0.25, 0.3)], by=lawyer)
    assert copy is not None and copy.regions == 1
    data = blurred_bytes(photo)
    assert data is not None and data.startswith(b"\xff\xd8")  # a JPEG
    after = _decode(data)
    assert after.size == before.size == (400, 300)
    inside = (104, 79, 196, 161)  # within x 100-200, y 75-165
    outside = [(0, 0, 400, 70), (0, 170, 400, 300), (0, 0, 95, 300), (205, 0, 400, 300)]
    assert _mean_diff(before, after, inside) > 30  # the noise is gone
    for box in outside:
        assert _mean_diff(before, after, box) < 12  # only JPEG's own loss
    # What is stored is sealed: no JPEG in the clear on disk.
    with copy.file.open("rb") as handle:
        assert b"JFIF" not in handle.read()
    assert blur_regions_of(evidence=photo) == [(0.25, 0.25, 0.25, 0.3)]
    entry = AuditEntry.objects.filter(action="evidence.blur").get()
    assert entry.details.get("count") == 1


def test_the_original_stays_sealed_and_untouched(photo, lawyer):
    with photo.file.open("rb") as handle:
        sealed_before = handle.read()
    sha_before = photo.sha256
    blur_regions_set(evidence=photo, regions=[(0.0, 0.0, 0.5, 0.5), (0.5, 0.5, 0.5, 0.5)], by=lawyer)
    photo.refresh_from_db()
    with photo.file.open("rb") as handle:
        assert handle.read() == sealed_before
    assert photo.sha256 == sha_before
    coordinator = UserFactory(role="coordinator")
    original = evidence_open(evidence=photo, by=coordinator, original=True).data
    assert hashlib.sha256(original).hexdigest() == sha_before


def test_packets_embed_the_blurred_copy_and_no_regions_brings_the_photo_back(photo, lawyer):
    plain = photo_derivative_make(evidence=photo)
    assert PhotoDerivative.objects.filter(evidence=photo).count() == 1
    blur_regions_set(evidence=photo, regions=[(0.1, 0.1, 0.4, 0.4)], by=lawyer)
    assert not PhotoDerivative.objects.filter(evidence=photo).exists()  # made again from the blurred copy
    blurred = blurred_bytes(photo)
    assert blurred is not None
    assert evidence_shared_bytes(evidence=photo) == blurred
    embedded = photo_derivative_make(evidence=photo)
    assert embedded == jpeg_derivative(blurred, stripped=True)
    assert embedded != plain
    # Clearing the regions removes the blurred copy: shared copies are the photo again.
    assert blur_regions_set(evidence=photo, regions=[], by=lawyer) is None
    assert not BlurredCopy.objects.filter(evidence=photo).exists()
    assert not BlurRegion.objects.filter(evidence=photo).exists()
    assert evidence_shared_bytes(evidence=photo) == evidence_bytes_for_render(evidence=photo)


@pytest.mark.parametrize(
    "regions", [[(0.8, 0.1, 0.4, 0.2)], [(-0.1, 0.1, 0.2, 0.2)], [(0.1, 0.1, 0.0, 0.2)], [(0.1, 0.1, 1.5, 0.2)]]
)
def test_regions_outside_the_photo_are_refused(photo, lawyer, regions):
    with pytest.raises(ValidationError):
        blur_regions_set(evidence=photo, regions=regions, by=lawyer)
    assert not BlurRegion.objects.filter(evidence=photo).exists()


def test_the_detector_proposes_nothing_on_a_blank_photo_or_noise():
    # The plumbing (decode, scale down, the bundled cascade loads and runs) on images with no face.
    blank = io.BytesIO()
    Image.new("RGB", (4000, 3000), (200, 200, 200)).save(blank, "JPEG")
    assert face_proposals(blank.getvalue()) == []
    assert face_proposals(_noisy_photo()) == []


def _astronaut(size: tuple[int, int] | None = None) -> bytes:
    """scikit-image's public-domain portrait (NASA, Eileen Collins; shipped in its wheel) as a JPEG."""
    image = Image.fromarray(skimage.data.astronaut())
    if size is not None:
        image = image.resize(size, Image.Resampling.BICUBIC)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


# Where the face is in the portrait, as fractions of its width and height (from the image: the
# face spans about x 175-270 and y 65-165 of 512 x 512, with a margin for the detector's box).
FACE_BOX = (0.30, 0.08, 0.58, 0.38)


@pytest.mark.parametrize("size", [None, (3464, 3464)], ids=["512px", "12-megapixel"])
def test_the_detector_proposes_the_face_of_a_real_portrait(size):
    proposals = face_proposals(_astronaut(size))
    assert len(proposals) == 1, proposals
    ((x, y, w, h),) = proposals
    left, top, right, bottom = FACE_BOX
    assert left <= x and x + w <= right and top <= y and y + h <= bottom, proposals
    assert w > 0.12 and h > 0.12  # the face, not a patch of it
    # The same rectangle blurred: the face is gone from the copy.
    before = _decode(_astronaut())
    after = _decode(blurred_jpeg(_astronaut(), proposals))
    box = (int((x + 0.03) * 512), int((y + 0.03) * 512), int((x + w - 0.03) * 512), int((y + h - 0.03) * 512))
    assert _mean_diff(before, after, box) > 8


def test_faces_are_detected_once_and_the_stored_proposals_reused(lawyer, observer, monkeypatch, client_for):
    event = EventFactory()
    case = CaseFactory(event=event, lawyers=[lawyer])
    portrait = evidence_add(
        upload=ContentFile(_astronaut(), name="portrait.jpg"), kind="photo", content_type="image/jpeg",
        by=observer, case=case,
    )  # fmt: skip
    calls = []

    def counting(data: bytes) -> list:  # type: ignore[type-arg]
        calls.append(len(data))
        return face_proposals(data)

    monkeypatch.setattr(claims_services, "face_proposals", counting)
    client = client_for(lawyer)
    url = f"/claims/evidence/{portrait.public_id}/blur/"
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert len(calls) == 1  # the second view read what the first stored
    assert first.context["proposed"] and first.context["regions"] == second.context["regions"]
    (stored,) = FaceProposals.objects.filter(evidence=portrait)
    assert stored.source_sha256 == portrait.sha256 and stored.detector == DETECT_RECIPE
    assert [tuple(r) for r in stored.regions] == face_proposals_for(evidence=portrait)
    assert len(calls) == 1
    # Other detector settings: detected again, once.
    FaceProposals.objects.filter(pk=stored.pk).update(detector="older-settings")
    face_proposals_for(evidence=portrait)
    face_proposals_for(evidence=portrait)
    assert len(calls) == 2


def test_a_photo_that_cannot_be_decoded_gets_no_proposal_and_nothing_stored(photo, monkeypatch):
    def broken(data: bytes) -> list:  # type: ignore[type-arg]
        raise OSError("cannot identify image file")

    monkeypatch.setattr(claims_services, "face_proposals", broken)
    assert face_proposals_for(evidence=photo) == []
    assert not FaceProposals.objects.exists()


def test_downloads_of_a_photo_give_the_blurred_copy_and_coordinators_still_the_original(
    photo, lawyer, coordinator, client_for
):
    """`/evidence/<id>/download/` and the API's download hand out the blurred copy once there is
    one (one home: cases.services.evidence_open, which claims registers its copy with); the
    original stays for the `evidence.original` row, byte for byte."""
    page_url = f"/evidence/{photo.public_id}/download/"
    api_url = f"/api/v1/evidence/{photo.public_id}/download/"
    plain = client_for(lawyer).get(page_url)
    assert plain.status_code == 200
    copy_before = evidence_bytes_for_render(evidence=photo)
    assert _body(plain) == copy_before  # no regions yet: the copy without metadata
    blur_regions_set(evidence=photo, regions=[(0.2, 0.2, 0.4, 0.4)], by=lawyer)
    blurred = blurred_bytes(photo)
    assert blurred is not None
    for response in (client_for(lawyer).get(page_url), client_with_token(lawyer).get(api_url)):
        assert response.status_code == 200
        assert _body(response) == blurred
        assert response["Content-Type"] == "image/jpeg"
        assert "-blurred.jpg" in response["Content-Disposition"]
    for response in (
        client_for(coordinator).get(page_url + "?original=1"),
        client_with_token(coordinator).get(api_url + "?original=true"),
    ):
        assert response.status_code == 200
        assert hashlib.sha256(_body(response)).hexdigest() == photo.sha256
    assert client_for(lawyer).get(page_url + "?original=1").status_code == 403
    downloads = photo.custody_log.filter(action="downloaded").count()
    assert downloads == 3  # each download is in the chain of custody


def _body(response) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_editor_saves_rectangles_and_shows_the_blurred_copy(photo, client_for, lawyer):
    client = client_for(lawyer)
    url = f"/claims/evidence/{photo.public_id}/blur/"
    page = client.get(url)
    assert page.status_code == 200
    assert 'id="blur-regions"' in page.content.decode() and "blurred.jpg" not in page.content.decode()
    assert client.get(url + "blurred.jpg").status_code == 404  # none yet
    assert client.get(url + "copy.img").status_code == 200
    response = client.post(url, {"regions": "[[0.1, 0.2, 0.3, 0.4]]"})
    assert response.status_code == 302
    assert blur_regions_of(evidence=photo) == [(0.1, 0.2, 0.3, 0.4)]
    page = client.get(url).content.decode()
    assert "blurred.jpg" in page and "[[0.1, 0.2, 0.3, 0.4]]" in page
    image = client.get(url + "blurred.jpg")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert image.content == blurred_bytes(photo)
    for bad in ("", "{}", "[[1, 2]]", '[["a", 0, 0, 0]]', "[[0.9, 0.9, 0.5, 0.5]]"):
        assert client.post(url, {"regions": bad}).status_code == 400
    assert blur_regions_of(evidence=photo) == [(0.1, 0.2, 0.3, 0.4)]  # a refused save changes nothing


def test_out_of_scope_photos_are_404_and_organizers_403(photo, client_for, other_lawyer, organizer):
    url = f"/claims/evidence/{photo.public_id}/blur/"
    assert client_for(other_lawyer).get(url).status_code == 404
    assert client_for(other_lawyer).post(url, {"regions": "[[0.1, 0.1, 0.2, 0.2]]"}).status_code == 404
    assert client_for(organizer).get(url).status_code == 403
    assert not BlurRegion.objects.exists()


def test_the_blurred_copy_s_file_goes_with_its_row(photo, lawyer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = blur_regions_set(evidence=photo, regions=[(0.1, 0.1, 0.2, 0.2)], by=lawyer)
    assert first is not None
    storage, name = first.file.storage, first.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        blur_regions_set(evidence=photo, regions=[(0.3, 0.3, 0.2, 0.2)], by=lawyer)
    assert not storage.exists(name)


def test_the_evidence_export_carries_the_blurred_copy_beside_the_original(photo, lawyer, coordinator):
    blur_regions_set(evidence=photo, regions=[(0.2, 0.2, 0.3, 0.3)], by=lawyer)
    case = photo.incident.people_affected.get()
    export = evidence_export(by=coordinator, case=case)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(export.chunks)))
    names = archive.namelist()
    (original,) = [n for n in names if n.startswith("evidence/")]
    (blurred,) = [n for n in names if n.startswith("blurred/")]
    assert hashlib.sha256(archive.read(original)).hexdigest() == photo.sha256  # still the original
    assert archive.read(blurred) == blurred_bytes(photo)
    rows = {r["path"]: r for r in csv.DictReader(io.StringIO(archive.read("manifest.csv").decode()))}
    assert rows[blurred]["sha256"] == hashlib.sha256(archive.read(blurred)).hexdigest()
    assert rows[blurred]["what"] == "blurred copy to share"


def test_a_person_merge_keeps_the_blurred_copy_readable_and_undo_too(lawyer, coordinator):
    """A merge folds the photo's case into the kept one: the photo is sealed again under the kept
    case's key, and its blurred copy with it (else packets could not embed it and its page would
    fail); undoing the merge moves both back."""
    event = EventFactory()
    kept = CaseFactory(event=event, lawyers=[lawyer])
    folded = CaseFactory(event=event, lawyers=[lawyer])
    photo = evidence_add(
        upload=ContentFile(_noisy_photo(), name="crowd.png"), kind="photo", content_type="image/png",
        by=coordinator, case=folded,
    )  # fmt: skip
    blur_regions_set(evidence=photo, regions=[(0.1, 0.1, 0.3, 0.3)], by=lawyer)
    blurred = blurred_bytes(photo)
    assert blurred is not None

    merge = person_merge(source=folded.demonstrator, target=kept.demonstrator, by=coordinator)
    photo.refresh_from_db()
    assert photo.case_id == kept.pk
    assert blurred_bytes(photo) == blurred  # readable under the kept case's key
    assert evidence_shared_bytes(evidence=photo) == blurred  # what packets embed

    person_merge_undo(merge=merge, by=coordinator)
    photo.refresh_from_db()
    assert photo.case_id == folded.pk
    assert blurred_bytes(photo) == blurred


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_a_region_that_is_not_a_number_is_refused(photo, lawyer, bad):
    with pytest.raises(ValidationError):
        blur_regions_set(evidence=photo, regions=[(0.1, 0.1, bad, 0.2)], by=lawyer)
    assert not BlurRegion.objects.exists() and blurred_bytes(photo) is None
