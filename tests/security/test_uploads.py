"""Malicious uploads: disguised, polyglot, oversized, bombs, traversal; metadata stripped; files sealed
at rest outside the web root and handed out only through the scoped download."""

from __future__ import annotations

import hashlib
import io
import random
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from cases.models import AuditEntry, CustodyEvent, Evidence
from cases.services import evidence_add
from core import uploads
from tests.factories import CaseFactory, IncidentFactory
from tests.security import uploads as u


@pytest.fixture(autouse=True)
def english():  # type: ignore[no-untyped-def]
    """Refusals are asserted in English, whatever language an earlier test's request left active."""
    with translation.override("en"):
        yield


def add(data: bytes, *, kind: str, by, name="photo.jpg", declared="image/jpeg", **links):
    return evidence_add(upload=SimpleUploadedFile(name, data, content_type=declared), kind=kind,
                        content_type=declared, by=by, **links)  # fmt: skip


def media_bytes(settings) -> bytes:
    root = Path(settings.MEDIA_ROOT)
    return b"".join(p.read_bytes() for p in root.rglob("*") if p.is_file()) if root.exists() else b""


@pytest.mark.django_db
def test_photo_copy_has_no_exif_or_gps_and_the_original_is_kept_sealed_with_its_hash(coordinator, settings):
    case = CaseFactory()
    original = u.jpeg_with_gps()
    evidence = add(original, kind="photo", by=coordinator, case=case)
    assert evidence.sha256 == hashlib.sha256(original).hexdigest() and evidence.size == len(original)
    assert evidence.metadata_stripped and evidence.content_type == "image/jpeg"
    on_disk = media_bytes(settings)
    assert original not in on_disk and b"Hidden Lane" not in on_disk and b"PhoneMaker" not in on_disk
    from cases.services import evidence_open

    copy = evidence_open(evidence=evidence, by=coordinator)
    image = Image.open(io.BytesIO(copy.data))
    assert not image.getexif() and b"Exif" not in copy.data and b"Hidden Lane" not in copy.data
    assert image.size == (64, 48) and copy.content_type == "image/jpeg"
    kept = evidence_open(evidence=evidence, by=coordinator, original=True)
    assert kept.data == original  # bit for bit, hash-verified
    assert CustodyEvent.objects.filter(evidence=evidence).count() == 3


@pytest.mark.django_db
def test_exif_rotation_is_applied_before_metadata_is_dropped(coordinator):
    evidence = add(u.jpeg_with_gps(size=(40, 20), orientation=6), kind="photo", by=coordinator, case=CaseFactory())
    from cases.services import evidence_open

    assert Image.open(io.BytesIO(evidence_open(evidence=evidence, by=coordinator).data)).size == (20, 40)


@pytest.mark.django_db
def test_png_text_chunks_are_dropped(coordinator):
    from cases.services import evidence_open

    evidence = add(u.png(text={"Location": "39.95,-75.16 Hidden Lane"}), kind="photo", by=coordinator,
                   case=CaseFactory(), name="a.png", declared="image/png")  # fmt: skip
    assert b"Hidden Lane" not in evidence_open(evidence=evidence, by=coordinator).data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "data", "kind", "message"),
    [
        ("drawing.svg", u.SVG, "photo", "not accepted"),
        ("page.html", u.HTML, "document", "not accepted"),
        ("photo.jpg", u.HTML, "photo", "not accepted"),  # markup with a photo's name and type
        ("photo.jpg", u.HTML_WITH_JPEG_MAGIC, "photo", "script"),
        ("photo.jpg", u.POLYGLOT_JPEG_HTML, "photo", "script"),
        ("notes.txt", b"meeting at <script>alert(1)</script>", "document", "script"),
        ("form.pdf", u.PDF_WITH_JS, "document", "scripts"),
        ("photo.heic", u.HEIC, "photo", "JPEG"),
        ("binary.bin", b"\x00\x01\x02\x03garbage" * 10, "document", "not accepted"),
        ("empty.jpg", b"", "photo", "empty"),
        ("video.mp4", u.jpeg_with_gps(), "video", "is a photo"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200, "photo", "could not be read"),
    ],
    ids=[
        "svg",
        "html",
        "html-named-jpg",
        "html-with-jpeg-magic",
        "jpeg-html-polyglot",
        "text-with-script",
        "pdf-with-javascript",
        "heic",
        "unknown-binary",
        "empty",
        "kind-mismatch",
        "truncated-jpeg",
    ],  # fmt: skip
)
def test_disguised_and_active_files_are_refused_and_leave_nothing(coordinator, settings, name, data, kind, message):
    case = CaseFactory()
    with pytest.raises(ValidationError) as refused:
        add(data, kind=kind, by=coordinator, case=case, name=name)
    assert message in str(refused.value)
    assert not Evidence.objects.exists() and media_bytes(settings) == b""


@pytest.mark.django_db
def test_oversized_uploads_are_refused_even_when_the_declared_size_lies(coordinator, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    big = u.PLAIN_PDF + b"%" * 2000
    with pytest.raises(ValidationError, match="at most 1000 bytes"):
        add(big, kind="document", by=coordinator, case=CaseFactory(), name="a.pdf")
    lying = ContentFile(big, name="a.pdf")
    lying.size = 10  # the declared size is not trusted
    with pytest.raises(ValidationError, match="at most 1000 bytes"):
        evidence_add(upload=lying, kind="document", content_type="application/pdf", by=coordinator,
                     case=CaseFactory())  # fmt: skip
    assert media_bytes(settings) == b""


@pytest.mark.django_db
def test_decompression_bombs_are_refused(coordinator, settings):
    settings.EVIDENCE_MAX_IMAGE_PIXELS = 1_000_000
    bomb = u.bomb_png(2_000)  # 4 MP in a few kilobytes
    assert len(bomb) < 50_000
    with pytest.raises(ValidationError, match="too large"):
        add(bomb, kind="photo", by=coordinator, case=CaseFactory(), name="b.png", declared="image/png")


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["../../../../etc/passwd", "..\\..\\config\\settings.py", "/tmp/x.jpg",
                                  "photo.jpg\x00.html", "a" * 500 + ".jpg"])  # fmt: skip
def test_uploaded_file_names_never_reach_the_filesystem(coordinator, settings, name):
    evidence = add(u.jpeg_with_gps(), kind="photo", by=coordinator, case=CaseFactory(), name=name)
    for stored in (evidence.file.name, evidence.served_file.name):
        assert stored.startswith(f"evidence/{evidence.public_id.hex[:2]}/{evidence.public_id.hex}")
        assert ".." not in stored and "\\" not in stored and "passwd" not in stored
        path = Path(evidence.file.storage.path(stored)).resolve()
        assert path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    assert not Path(settings.STATIC_ROOT).joinpath("evidence").exists()


@pytest.mark.django_db
def test_videos_pdfs_and_text_are_accepted_sealed_and_served_as_attachments(client_for, coordinator, settings):
    case = CaseFactory()
    client = client_for(coordinator)
    for data, kind, expected in [(u.MP4, "video", "video/mp4"), (u.PLAIN_PDF, "document", "application/pdf"),
                                 (b"Notes: officer 4410 was there.", "document", "text/plain")]:  # fmt: skip
        evidence = add(data, kind=kind, by=coordinator, case=case, name="x", declared="application/octet-stream")
        assert evidence.content_type == expected and not evidence.metadata_stripped
        assert data not in media_bytes(settings)
        response = client.get(f"/evidence/{evidence.public_id}/download/")
        assert response.status_code == 200 and response.content == data
        assert response["Content-Type"] == expected and response["Content-Disposition"].startswith("attachment;")
        assert "sandbox" in response["Content-Security-Policy"] and response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_evidence_download_is_scoped_logged_and_originals_are_for_coordinators_only(
    client_for, lawyer, other_lawyer, observer, organizer, coordinator
):
    case = CaseFactory(lawyers=[lawyer])
    original = u.jpeg_with_gps()
    evidence = add(original, kind="photo", by=coordinator, case=case)
    url = f"/evidence/{evidence.public_id}/download/"
    for outsider in (other_lawyer, observer):
        response = client_for(outsider).get(url)
        assert response.status_code == 404 and original not in response.content
    # organizers see no evidence at all: refused by role (403, as from the API) before any lookup
    response = client_for(organizer).get(url)
    assert response.status_code == 403 and original not in response.content
    mine = client_for(lawyer)
    # A lawyer asking for the original is refused (403, as from the API: docs/security.md), and
    # gets the clean copy without asking.
    refused = mine.get(url + "?original=1")
    assert refused.status_code == 403 and original not in refused.content
    copy = mine.get(url)
    assert copy.status_code == 200 and b"Exif" not in copy.content and copy.content != original
    assert client_for(coordinator).get(url + "?original=1").content == original
    actions = list(AuditEntry.objects.filter(target_id=str(evidence.public_id)).values_list("action", "actor"))
    assert ("evidence.downloaded", lawyer.pk) in actions and ("evidence.exported", coordinator.pk) in actions
    assert CustodyEvent.objects.filter(evidence=evidence, actor=lawyer, action="downloaded").count() == 1


@pytest.mark.django_db
def test_incident_evidence_is_sealed_under_the_incident_key(observer, settings):
    from cases.models import DataKey

    incident = IncidentFactory(reporter=observer)
    evidence = add(u.jpeg_with_gps(), kind="photo", by=observer, incident=incident)
    assert DataKey.objects.filter(scope=f"incident:{incident.public_id}").exists()
    assert evidence.file.name and b"PhoneMaker" not in media_bytes(settings)


@pytest.mark.django_db
def test_a_tampered_original_is_detected(coordinator):
    from cases import datakeys
    from cases.services import _evidence_context, evidence_open

    evidence = add(u.PLAIN_PDF, kind="document", by=coordinator, case=CaseFactory(), name="a.pdf")
    scope = datakeys.scope_of_evidence(evidence)
    forged = datakeys.seal(scope=scope, data=u.PLAIN_PDF + b"%forged", context=_evidence_context(evidence))
    with evidence.file.open("wb") as handle:
        handle.write(forged)
    with pytest.raises(ValidationError, match="SHA-256"):
        evidence_open(evidence=evidence, by=coordinator, original=True)


# --- Where the markup scan looks: not inside a photo's compressed pixels or metadata ------------


def noise(fmt: str, seed: int) -> bytes:
    rng = random.Random(seed)
    size = (rng.randint(16, 160), rng.randint(16, 160))
    image = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    out = io.BytesIO()
    image.save(out, format=fmt, **({"quality": rng.choice([75, 90, 100])} if fmt == "JPEG" else {}))
    return out.getvalue()


@pytest.mark.parametrize(("fmt", "content_type"), [("JPEG", "image/jpeg"), ("PNG", "image/png")])
def test_two_hundred_random_noise_photos_are_all_accepted(fmt, content_type):
    for seed in range(200):
        data = noise(fmt, seed)
        inspected = uploads.inspect(data, declared_kind="photo")
        assert inspected.content_type == content_type and inspected.served, seed
        assert Image.open(io.BytesIO(inspected.served)).size == Image.open(io.BytesIO(data)).size


def test_pixels_whose_bytes_spell_markup_are_still_a_photo():
    """An uncompressed palette PNG stores its pixel bytes verbatim (palette rows are not filtered):
    these read `<svg onload=...>` and `javascript:`, as a camera's random data can by chance.
    They are pixels, not a page."""
    row = b"<svg onload=alert(1)> javascript:alert(2) <html><script>"
    picture = Image.frombytes("P", (len(row), 16), row * 16)
    picture.putpalette(bytes(range(256)) * 3)
    out = io.BytesIO()
    picture.save(out, format="PNG", compress_level=0)
    data = out.getvalue()
    assert b"<svg onload" in data and b"javascript:" in data
    served = uploads.inspect(data, declared_kind="photo").served
    assert Image.open(io.BytesIO(served)).convert("RGB").tobytes() == picture.convert("RGB").tobytes()


@pytest.mark.django_db
def test_markup_in_a_jpeg_comment_or_exif_is_accepted_but_never_served(client_for, coordinator):
    from cases.services import evidence_open

    exif = Image.Exif()
    exif[0x010E] = "<script>alert('exif')</script>"  # ImageDescription
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (10, 200, 10)).save(
        out, format="JPEG", exif=exif.tobytes(), comment=b"<html><script>alert('comment')</script>"
    )
    original = out.getvalue()
    assert original.count(b"<script>") == 2
    evidence = add(original, kind="photo", by=coordinator, case=CaseFactory())
    served = evidence_open(evidence=evidence, by=coordinator).data
    downloaded = client_for(coordinator).get(f"/evidence/{evidence.public_id}/download/").content
    for copy in (served, downloaded):
        assert b"<script" not in copy and b"alert(" not in copy and b"<html" not in copy
        assert Image.open(io.BytesIO(copy)).size == (32, 24)
    assert evidence_open(evidence=evidence, by=coordinator, original=True).data == original  # sealed as given


def two_jpegs() -> bytes:
    """A camera-style JPEG carrying a second JPEG after its end (MPF preview)."""
    return u.jpeg_with_gps() + noise("JPEG", 7)


@pytest.mark.parametrize(
    "data",
    [
        u.jpeg_with_gps() + b"<script>alert(1)</script>",
        noise("JPEG", 3) + b"\n\n<!DOCTYPE html><body onload=alert(1)>",
        noise("PNG", 3) + b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        u.png() + b"<html><script>alert(1)</script></html>",
        two_jpegs() + b"<html><script>alert(1)</script></html>",
        u.jpeg_with_gps() + b"\xff\xd8\xff<html><script>alert(1)</script></html>",  # a fake embedded JPEG
        b"\x89PNG\r\n\x1a\n" + u.SVG,  # SVG wearing a PNG signature
    ],
    ids=[
        "jpeg+script",
        "noise-jpeg+html",
        "noise-png+svg",
        "png+html",
        "mpf-jpeg+html",
        "fake-embedded",
        "svg-with-png-magic",
    ],  # fmt: skip
)
def test_markup_after_the_image_or_around_a_broken_one_is_refused(data):
    with pytest.raises(ValidationError, match="script content"):
        uploads.inspect(data, declared_kind="photo")


def test_a_webp_with_a_page_after_its_riff_chunk_is_refused():
    out = io.BytesIO()
    Image.new("RGB", (16, 16), (1, 2, 3)).save(out, format="WEBP")
    assert uploads.inspect(out.getvalue(), declared_kind="photo").served
    with pytest.raises(ValidationError, match="script content"):
        uploads.inspect(out.getvalue() + b"<html><script>alert(1)</script>", declared_kind="photo")


def test_a_jpeg_with_embedded_jpegs_and_nothing_after_them_is_accepted():
    data = two_jpegs()
    assert uploads.image_end(data, "image/jpeg") == len(data)
    assert uploads.inspect(data, declared_kind="photo").content_type == "image/jpeg"


def box(kind: bytes, payload: bytes) -> bytes:
    return (8 + len(payload)).to_bytes(4, "big") + kind + payload


def mp4(media: bytes, *, moov: bytes = b"\x00" * 32, after: bytes = b"") -> bytes:
    return box(b"ftyp", b"mp42\x00\x00\x00\x00mp42isom") + box(b"moov", moov) + box(b"mdat", media) + after


MARKUP = b"<html><script>alert(1)</script> <svg onload=x> javascript:y"


def test_markup_by_chance_in_a_video_s_media_data_is_accepted():
    """Compressed video is random bytes: markup turns up by chance (about once a billion bytes),
    and it is media, not a page. 64-bit sizes and a last box running to the end count too."""
    rng = random.Random(5)
    for _ in range(50):
        media = rng.randbytes(rng.randint(0, 4096)) + MARKUP + rng.randbytes(rng.randint(0, 4096))
        assert uploads.inspect(mp4(media), declared_kind="video").content_type == "video/mp4"
    large = box(b"ftyp", b"mp42\x00\x00\x00\x00mp42isom") + (1).to_bytes(4, "big") + b"mdat"
    large += (16 + len(MARKUP)).to_bytes(8, "big") + MARKUP
    assert uploads.sniff(large) == "video/mp4"
    open_ended = box(b"ftyp", b"mp42\x00\x00\x00\x00mp42isom") + (0).to_bytes(4, "big") + b"mdat" + MARKUP
    assert uploads.sniff(open_ended) == "video/mp4"


@pytest.mark.parametrize(
    "data",
    [
        mp4(b"\x00" * 64, moov=box(b"udta", MARKUP)),  # in the metadata, which is served as it is
        mp4(b"\x00" * 64, after=b"\n" + MARKUP),  # a page after the last box (a polyglot)
        mp4(b"\x00" * 64)[:-10] + MARKUP,  # boxes that do not chain to the end: the whole file counts
    ],
    ids=["in-metadata", "after-the-boxes", "broken-chain"],
)
def test_markup_outside_a_video_s_media_data_is_refused(data):
    with pytest.raises(ValidationError, match="script"):
        uploads.inspect(data, declared_kind="video")


def pdf_with_stream(content: bytes, outside: bytes = b"") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" + u.PAGES +
        b"3 0 obj<</Length " + str(len(content)).encode() + b">>stream\n" + content + b"endstream\nendobj\n"
        + outside + b"trailer<</Root 1 0 R>>\n%%EOF"
    )  # fmt: skip


def test_markup_by_chance_in_a_pdf_stream_is_accepted_but_not_outside_one():
    assert uploads.inspect(pdf_with_stream(b"\x78\x9c" + MARKUP + b"\x00\x01"), declared_kind="document")
    with pytest.raises(ValidationError, match="script"):
        uploads.inspect(pdf_with_stream(b"\x78\x9c\x00", outside=MARKUP + b"\n"), declared_kind="document")
    with pytest.raises(ValidationError, match="scripts, actions"):  # PDF actions are looked for everywhere
        uploads.inspect(pdf_with_stream(b"<</S/JavaScript/JS(app.alert(1))>>"), declared_kind="document")


def test_a_pdf_full_of_unclosed_streams_is_scanned_in_one_pass():
    """Each `stream` without an `endstream` used to send a lazy regex to the end of the file
    again: quadratic, 27 s of one worker for 280 KB, days for an upload at the size limit. The
    span search is one pass: 5 MB of them take milliseconds (a generous 30 s bound, so only the
    quadratic search can miss it), and everything after the last `endstream` is scanned."""
    import threading

    data = b"%PDF-1.4\n" + b"stream\n" * 700_000 + b"<script>alert(1)</script>\n%%EOF\n"
    outcome: list[object] = []

    def scan() -> None:
        try:
            uploads.inspect(data, declared_kind="document")
            outcome.append("accepted")
        except ValidationError as exc:
            outcome.append(exc)

    worker = threading.Thread(target=scan, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the PDF stream scan did not finish: quadratic again"
    assert isinstance(outcome[0], ValidationError) and "script" in str(outcome[0])
    assert uploads.pdf_stream_spans(b"a stream\nX endstream b stream\nY") == [(2, 20)]


def test_markup_is_not_pieced_together_across_a_skipped_stream():
    """A skipped span leaves a NUL behind, which `<\\s*script` cannot cross (a newline could)."""
    region = uploads.markup_scan_region(b"a<stream\nzz endstreamscript", "application/pdf")
    assert region == b"a<\x00script"
    assert not uploads.ACTIVE_MARKUP.search(region)
    assert uploads.ACTIVE_MARKUP.search(b"a<\nscript")  # what the newline filler let through


# --- PDF actions written to dodge a plain byte search ----------------------------------------


def _pikepdf(*, javascript: bool, object_streams: bool) -> bytes:
    """A one-page PDF saved by qpdf (pikepdf), optionally with an OpenAction script, optionally
    with its objects packed into compressed object streams (as many PDF writers do)."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    if javascript:
        pdf.Root.OpenAction = pdf.make_indirect(
            pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
        )
    out = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if object_streams else pikepdf.ObjectStreamMode.disable
    pdf.save(out, object_stream_mode=mode, compress_streams=True)
    return out.getvalue()


def test_an_action_hidden_in_a_compressed_object_stream_is_found():
    hidden = _pikepdf(javascript=True, object_streams=True)
    assert b"/JavaScript" not in hidden and b"/ObjStm" in hidden  # invisible to a byte search
    with pytest.raises(ValidationError, match="scripts, actions"):
        uploads.inspect(hidden, declared_kind="document")
    with pytest.raises(ValidationError, match="scripts, actions"):
        uploads.inspect(_pikepdf(javascript=True, object_streams=False), declared_kind="document")
    # The same PDFs without the script are accepted, packed or not.
    assert uploads.inspect(_pikepdf(javascript=False, object_streams=True), declared_kind="document")
    assert uploads.inspect(_pikepdf(javascript=False, object_streams=False), declared_kind="document")


@pytest.mark.parametrize(
    "name",
    [b"/J#61vaScript", b"/#4A#53", b"/#4a#53", b"/L#61unch", b"/Embedded#46ile", b"/#58#46#41", b"/Submit#46orm"],
)
def test_action_names_written_with_hex_escapes_are_found(name):  # type: ignore[no-untyped-def]
    data = pdf_with_stream(b"q Q\n", outside=b"4 0 obj<</S" + name + b"(app.alert(1))>>endobj\n")
    with pytest.raises(ValidationError, match="scripts, actions"):
        uploads.inspect(data, declared_kind="document")


def test_escaped_names_that_are_not_actions_are_accepted():
    data = pdf_with_stream(b"q Q\n", outside=b"4 0 obj<</Title/My#20Report/JSON#20x 1>>endobj\n")
    assert uploads.inspect(data, declared_kind="document")


def _object_stream(payload: bytes, dictionary: bytes) -> bytes:
    return pdf_with_stream(b"q Q\n", outside=b"5 0 obj<<" + dictionary + b"/Length " + str(len(payload)).encode()
                           + b">>stream\n" + payload + b"\nendstream\nendobj\n")  # fmt: skip


def test_object_streams_that_cannot_be_read_here_are_refused(monkeypatch):  # type: ignore[no-untyped-def]
    import zlib

    script = b"1 0 <</S/JavaScript/JS(app.alert(1))>>"
    benign = b"1 0 <</Type/Annot/Subtype/Text>>"
    packed = zlib.compress(benign)
    assert uploads.inspect(
        _object_stream(packed, b"/Type/ObjStm/N 1/First 4/Filter/FlateDecode"), declared_kind="document"
    )
    assert uploads.inspect(_object_stream(benign, b"/Type/ObjStm/N 1/First 4"), declared_kind="document")  # plain
    with pytest.raises(ValidationError, match="scripts, actions"):  # escaped /Type too
        uploads.inspect(
            _object_stream(zlib.compress(script), b"/Type/Obj#53tm/N 1/First 4/Filter/FlateDecode"),
            declared_kind="document",
        )
    unreadable = [
        _object_stream(packed.hex().encode(), b"/Type/ObjStm/N 1/First 4/Filter/ASCIIHexDecode"),  # another filter
        _object_stream(packed, b"/Type/ObjStm/N 1/First 4/Filter/FlateDecode/DecodeParms<</Predictor 12/Columns 4>>"),
        _object_stream(b"not deflate at all", b"/Type/ObjStm/N 1/First 4/Filter/FlateDecode"),  # broken
    ]
    for data in unreadable:
        with pytest.raises(ValidationError, match="scripts, actions"):
            uploads.inspect(data, declared_kind="document")
    monkeypatch.setattr(uploads, "PDF_OBJECT_STREAM_BUDGET", 64 * 1024)
    bomb = zlib.compress(b"\0" * (256 * 1024))  # inflates past the budget
    with pytest.raises(ValidationError, match="scripts, actions"):
        uploads.inspect(_object_stream(bomb, b"/Type/ObjStm/N 1/First 4/Filter/FlateDecode"), declared_kind="document")


def test_an_object_stream_is_recognised_however_its_dictionary_is_written():
    """Its dictionary padded past any look-back window, `/Type` and `/ObjStm` split by a comment,
    or the stream left without its `endstream`: a reader still finds the catalog inside."""
    import zlib

    packed = zlib.compress(b"1 0 <</S/JavaScript/JS(app.alert(1))>>")
    padded = b"/Type/ObjStm" + b" " * 4096 + b"/N 1/First 4/Filter/FlateDecode"
    commented = b"/Type %a comment\n/ObjStm/N 1/First 4/Filter/FlateDecode"
    for dictionary in (padded, commented):
        with pytest.raises(ValidationError, match="scripts, actions"):
            uploads.inspect(_object_stream(packed, dictionary), declared_kind="document")
    unclosed = pdf_with_stream(
        b"q Q\n", outside=b"5 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode>>stream\n" + packed
    )
    with pytest.raises(ValidationError, match="scripts, actions"):
        uploads.inspect(unclosed, declared_kind="document")
    # An unclosed stream that is not an object stream (a truncated content stream) is no reason to refuse.
    assert uploads.inspect(
        pdf_with_stream(b"q Q\n", outside=b"6 0 obj<</Length 9>>stream\nq 1 0 0 1"), declared_kind="document"
    )
