"""The upload check against real files: sample photographs a package ships (scikit-image's
`skimage.data`: camera JPEGs and photos), the same photos as phone-style JPEGs with EXIF, random
noise and large 12-megapixel JPEGs: none refused. PDFs written by real tools (qpdf, WeasyPrint)
are read by qpdf: the clean ones pass, and every way of carrying an action or an embedded file
is found, packed in object streams or not, names escaped or not."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pikepdf
import pytest
import skimage
from django.core.exceptions import ValidationError
from django.utils import translation
from PIL import Image

from core import uploads

SAMPLES = Path(skimage.__file__).parent / "data"
# The photographs among the samples (the others are drawings, charts, masks or scans of text).
PHOTOS = [
    "astronaut.png", "brick.png", "camera.png", "cell.png", "chelsea.png", "coffee.png", "coins.png", "grass.png",
    "gravel.png", "hubble_deep_field.jpg", "ihc.png", "microaneurysms.png", "moon.png", "motorcycle_left.png",
    "motorcycle_right.png", "retina.jpg", "rocket.jpg",
]  # fmt: skip


@pytest.fixture(autouse=True)
def english():  # type: ignore[no-untyped-def]
    with translation.override("en"):
        yield


def phone_jpeg(image: Image.Image, *, quality: int, orientation: int = 1) -> bytes:
    """What a phone writes: EXIF with make, model, GPS and orientation, and a thumbnail-sized
    second JPEG after the first (MPF-style)."""
    exif = Image.Exif()
    exif[0x010F], exif[0x0110], exif[0x0112] = "PhoneMaker", "Model 7", orientation
    exif[0x8825] = {1: "N", 2: (39.0, 57.0, 7.0), 3: "W", 4: (75.0, 9.0, 49.0)}
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=quality, exif=exif.tobytes())
    preview = io.BytesIO()
    image.convert("RGB").resize((160, 120)).save(preview, format="JPEG", quality=70)
    return out.getvalue() + preview.getvalue()


def accepted(data: bytes) -> uploads.Inspected:
    inspected = uploads.inspect(data, declared_kind="photo")
    assert inspected.served and inspected.kind == "photo"
    return inspected


@pytest.mark.parametrize("name", PHOTOS)
def test_every_sample_photograph_is_accepted_as_shipped_and_as_a_phone_jpeg(name):
    data = (SAMPLES / name).read_bytes()
    original = Image.open(io.BytesIO(data))
    copy = Image.open(io.BytesIO(accepted(data).served))
    assert copy.size == original.size
    for quality in (75, 92, 98):
        phone = phone_jpeg(original, quality=quality, orientation=6)
        served = Image.open(io.BytesIO(accepted(phone).served))
        assert served.size == original.size[::-1]  # turned upright
        assert not served.getexif()


def test_random_noise_jpegs_of_many_sizes_and_qualities_are_accepted():
    """The packet benchmark's noise photos (noise blended with a tint, quality 88) and pure noise:
    random bytes through the whole entropy-coded data, the worst case for a markup scan."""
    rng = random.Random(2026)
    for n in range(120):
        size = (rng.randint(64, 900), rng.randint(64, 700))
        noise = Image.effect_noise(size, rng.choice([20, 40, 64, 128])).convert("RGB")
        if n % 2:
            noise = Image.blend(noise, Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3))), 0.6)
        out = io.BytesIO()
        noise.save(out, format="JPEG", quality=rng.choice([75, 88, 90, 95, 100]), progressive=n % 3 == 0)
        assert accepted(out.getvalue()).content_type == "image/jpeg", n


@pytest.mark.parametrize("name", ["chelsea.png", "rocket.jpg"])
def test_a_twelve_megapixel_phone_jpeg_is_accepted(name):
    big = Image.open(SAMPLES / name).convert("RGB").resize((4000, 3000))
    data = phone_jpeg(big, quality=92)
    assert len(data) > 500_000  # upscaled, so smoother than a real 12 MP photo
    assert Image.open(io.BytesIO(accepted(data).served)).size == (4000, 3000)


def test_a_twelve_megapixel_noise_jpeg_is_accepted():
    noise = Image.effect_noise((4000, 3000), 64).convert("RGB")
    out = io.BytesIO()
    noise.save(out, format="JPEG", quality=90)
    assert accepted(out.getvalue()).content_type == "image/jpeg"


def test_markup_after_a_real_photo_is_still_refused():
    for name in ("rocket.jpg", "chelsea.png"):
        data = (SAMPLES / name).read_bytes() + b"<html><script>alert(1)</script></html>"
        with pytest.raises(ValidationError, match="script content"):
            uploads.inspect(data, declared_kind="photo")


# --- PDFs -----------------------------------------------------------------------------------


def pdf_bytes(pdf: pikepdf.Pdf, *, packed: bool) -> bytes:
    out = io.BytesIO()
    mode = pikepdf.ObjectStreamMode.generate if packed else pikepdf.ObjectStreamMode.disable
    pdf.save(out, object_stream_mode=mode, compress_streams=True)
    return out.getvalue()


def one_page() -> pikepdf.Pdf:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    return pdf


def launch_on_open(pdf: pikepdf.Pdf) -> None:
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("calc.exe"))


def script_on_page_open(pdf: pikepdf.Pdf) -> None:
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")))
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=action)


def embedded_file(pdf: pikepdf.Pdf) -> None:
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ payload", filename="payload.exe")


def rich_media(pdf: pikepdf.Pdf) -> None:
    annotation = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.RichMedia, Rect=[0, 0, 10, 10])
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annotation)]))


def xfa_form(pdf: pikepdf.Pdf) -> None:
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=[], XFA=pdf.make_stream(b"<xdp:xdp/>"))


def submit_form(pdf: pikepdf.Pdf) -> None:
    action = pikepdf.Dictionary(S=pikepdf.Name.SubmitForm, F=pikepdf.String("https://example.invalid/"))
    pdf.pages[0].obj.AA = pikepdf.Dictionary(C=action)


@pytest.mark.parametrize("packed", [False, True], ids=["plain", "object-streams"])
@pytest.mark.parametrize(
    "attack", [launch_on_open, script_on_page_open, embedded_file, rich_media, xfa_form, submit_form]
)
def test_every_kind_of_pdf_action_or_attachment_is_found(attack, packed):
    pdf = one_page()
    attack(pdf)
    data = pdf_bytes(pdf, packed=packed)
    assert uploads.pdf_check(data) == uploads.PDF_ACTIVE
    with pytest.raises(ValidationError, match="scripts, actions or embedded files are not accepted"):
        uploads.inspect(data, declared_kind="document")
    assert uploads.pdf_check(pdf_bytes(one_page(), packed=packed)) == ""


def damaged_pdf_with_object_stream(packed: bytes) -> bytes:
    import zlib

    stream = zlib.compress(packed)
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 9 9]>>endobj\n"
        + (b"8 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length %d>>stream\n" % len(stream)) + stream
        + b"\nendstream\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )  # fmt: skip


def test_a_script_in_an_object_stream_of_a_damaged_pdf_is_found():
    """A damaged PDF (no cross-reference table) is rebuilt by readers from the objects they find:
    an object stream no table points to is read too, its action name escaped."""
    assert uploads.pdf_check(damaged_pdf_with_object_stream(b"7 0 <</S/J#61vaScript/JS(app.alert(1))>>")) == "active"
    assert uploads.pdf_check(damaged_pdf_with_object_stream(b"7 0 <</Title/My#20Report/JSON 1>>")) == ""


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + bytes(random.Random(1).randbytes(4000)),  # no object at all
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF",  # no pages: nothing to show
    ],
    ids=["garbage", "no-pages"],
)
def test_a_pdf_qpdf_cannot_open_is_refused_as_unreadable(data):
    assert uploads.pdf_check(data) == uploads.PDF_UNREADABLE
    with pytest.raises(ValidationError, match="could not be read completely"):
        uploads.inspect(data, declared_kind="document")


def test_a_pdf_written_by_weasyprint_with_text_and_a_photo_is_accepted():
    """The kind of PDF people upload: fonts, text, an embedded JPEG (the packets' own renderer)."""
    from documents.pdf import image_url, render_pdf

    photo = io.BytesIO()
    Image.open(SAMPLES / "chelsea.png").convert("RGB").save(photo, format="JPEG", quality=85)
    html = f"<h1>Receipt</h1><p>Paid $50 on 2026-03-02.</p><img src='{image_url('cat')}'>"
    data = render_pdf(html, images={"cat": photo.getvalue()}).pdf
    assert data.startswith(b"%PDF-") and uploads.pdf_check(data) == ""
    assert uploads.inspect(data, declared_kind="document").content_type == "application/pdf"


def motion_photo(video_media: bytes, *, metadata: bytes = b"\x00" * 16) -> bytes:
    """A phone's motion photo: the JPEG, then its short video as an MP4 (ftyp, moov, mdat)."""

    def box(kind: bytes, payload: bytes) -> bytes:
        return (8 + len(payload)).to_bytes(4, "big") + kind + payload

    mp4 = box(b"ftyp", b"mp42\x00\x00\x00\x00mp42isom") + box(b"moov", metadata) + box(b"mdat", video_media)
    return phone_jpeg(Image.open(SAMPLES / "rocket.jpg"), quality=90) + mp4


def test_a_motion_photo_whose_video_holds_markup_by_chance_is_accepted():
    """Compressed video is random bytes: `<svg ` or `<html` turn up in it by chance. A photo with
    its video after it (as phones write motion photos) is a photo, not a page."""
    rng = random.Random(11)
    for _ in range(20):
        media = rng.randbytes(rng.randint(0, 50_000)) + b"<html><svg onload=x> javascript:y" + rng.randbytes(999)
        assert accepted(motion_photo(media)).content_type == "image/jpeg"


def test_markup_in_a_motion_photo_s_video_metadata_or_after_it_is_refused():
    for data in (
        motion_photo(b"\x00" * 64, metadata=b"<html><script>alert(1)</script>"),
        motion_photo(b"\x00" * 64) + b"<script>alert(1)</script>",
    ):
        with pytest.raises(ValidationError, match="script content"):
            uploads.inspect(data, declared_kind="photo")
