"""What an uploaded evidence file really is, and the safe copy people download.

The type comes from the content (puremagic, then our own check that the signature sits at offset
zero, since a signature found elsewhere is how polyglots pass), never from the file name or the
client's Content-Type. Only photos (JPEG, PNG, WebP), videos (MP4, QuickTime, WebM, 3GPP), PDFs
and plain UTF-8 text are accepted. SVG, HTML, anything carrying active markup, PDFs with scripts,
launch actions or embedded files, and anything unidentified are refused.

Photos are decoded by Pillow under a pixel cap and re-encoded into a new file without metadata
(EXIF, GPS, XMP, ICC, comments): that copy is what people download, so a polyglot that fooled the
sniffing still comes out as plain pixels. Videos and PDFs cannot be re-encoded here: they are
served as attachments with `nosniff` and a sandboxing CSP, and their metadata is kept (documented
in docs/security.md).
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO, VIDEO, DOCUMENT = "photo", "video", "document"

ALLOWED = {
    "image/jpeg": PHOTO,
    "image/png": PHOTO,
    "image/webp": PHOTO,
    "video/mp4": VIDEO,
    "video/quicktime": VIDEO,
    "video/webm": VIDEO,
    "video/3gpp": VIDEO,
    "application/pdf": DOCUMENT,
    "text/plain": DOCUMENT,
}
PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}

# Markup a browser (or a PDF reader) would run, anywhere in the file.
# Matched against the lower-cased bytes (much faster than a case-insensitive search on large files).
ACTIVE_MARKUP = re.compile(
    rb"<\s*(?:script|html|svg|iframe|object|embed|body|math|xml-stylesheet|!doctype\s+html|meta\s+http-equiv)\b"
    rb"|javascript\s*:"
)
PDF_ACTIVE = re.compile(rb"/(?:JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA|SubmitForm|ImportData)\b")


@dataclass(frozen=True)
class Inspected:
    content_type: str
    kind: str
    served: bytes | None  # the re-encoded copy (photos), else None
    served_content_type: str


def refuse(message: str) -> ValidationError:
    return ValidationError({"file": message}, code="invalid_upload")


def _signature_at_start(data: bytes) -> str:
    """The type whose signature starts the file, or ''."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\x1a\x45\xdf\xa3") and b"webm" in data[:64]:
        return "video/webm"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"heic", b"heix", b"hevc", b"mif1", b"msf1", b"heim", b"heis"):
            return "image/heic"
        if brand == b"qt  ":
            return "video/quicktime"
        if brand.startswith(b"3g"):
            return "video/3gpp"
        return "video/mp4"
    return ""


def _is_plain_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def sniff(data: bytes) -> str:
    """The accepted content type of `data`, or a ValidationError saying why not."""
    if not data:
        raise refuse(_("The file is empty."))
    start = _signature_at_start(data)
    if start == "image/heic":
        raise refuse(_("HEIC photos are not accepted: send the photo as JPEG (most phones convert when sharing)."))
    try:
        guessed = puremagic.from_string(data[:8192], mime=True)
    except (puremagic.PureError, ValueError):
        guessed = ""
    if start:
        # puremagic can name a related type (e.g. video/mp4 vs quicktime); the families must agree.
        if guessed and guessed.split("/")[0] != start.split("/")[0] and guessed != start:
            raise refuse(_("The file's content does not match one type (a disguised or polyglot file)."))
        content_type = start
    elif not guessed and _is_plain_text(data):
        content_type = "text/plain"
    else:
        raise refuse(_("This kind of file is not accepted (photos, videos, PDF or plain text only)."))
    if ACTIVE_MARKUP.search(data.lower()):
        raise refuse(_("The file carries web page or script content and was refused."))
    if content_type == "application/pdf" and PDF_ACTIVE.search(data):
        raise refuse(_("PDFs with scripts, actions or embedded files are not accepted; print it to a new PDF first."))
    return content_type


def reencode_image(data: bytes, content_type: str) -> tuple[bytes, str]:
    """Decode under the pixel cap and write fresh pixels only: no EXIF, GPS, XMP, ICC or comments.
    The picture keeps its visible orientation (EXIF rotation is applied before dropping EXIF)."""
    limit = settings.EVIDENCE_MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = limit
    fmt = PILLOW_FORMATS[content_type]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as probe:
                probe.verify()
            with Image.open(io.BytesIO(data), formats=[fmt]) as image:
                if image.width * image.height > limit:
                    raise refuse(_("The image is too large (at most %(n)s pixels).") % {"n": limit})
                image.load()
                upright = ImageOps.exif_transpose(image)
                to_jpeg = fmt == "JPEG" or (fmt == "WEBP" and upright.mode not in ("RGBA", "LA"))
                mode = "RGB" if to_jpeg or upright.mode not in ("RGBA", "LA", "PA", "P") else "RGBA"
                # A brand-new image from the raw pixels: nothing of the original's `info` comes along.
                pixels = upright if upright.mode == mode else upright.convert(mode)
                fresh = Image.frombytes(mode, pixels.size, pixels.tobytes())
                out = io.BytesIO()
                if to_jpeg:
                    fresh.save(out, format="JPEG", quality=90)
                    return out.getvalue(), "image/jpeg"
                fresh.save(out, format="PNG", compress_level=6)
                return out.getvalue(), "image/png"
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise refuse(_("The image is too large (at most %(n)s pixels).") % {"n": limit}) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise refuse(_("The image could not be read (damaged or disguised).")) from None


def inspect(data: bytes, *, declared_kind: str) -> Inspected:
    content_type = sniff(data)
    kind = ALLOWED[content_type]
    if declared_kind and declared_kind != kind:
        raise refuse(_("The file is a %(kind)s, not a %(declared)s.") % {"kind": kind, "declared": declared_kind})
    if kind == PHOTO:
        served, served_type = reencode_image(data, content_type)
        return Inspected(content_type, kind, served, served_type)
    return Inspected(content_type, kind, None, content_type)
