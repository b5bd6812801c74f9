"""What an uploaded evidence file really is, and the safe copy people download.

The type comes from the content (puremagic, then our own check that the signature sits at offset
zero, since a signature found elsewhere is how polyglots pass), never from the file name or the
client's Content-Type. Only photos (JPEG, PNG, WebP), videos (MP4, QuickTime, WebM, 3GPP), PDFs
and plain UTF-8 text are accepted. SVG, HTML, anything carrying active markup, PDFs with scripts,
launch actions or embedded files, and anything unidentified are refused.

Where the markup scan looks: a photo's compressed pixels (and the thumbnails in its EXIF) are
random bytes in which `<svg ` or `<html` turn up by chance, so scanning a whole photo refuses
honest pictures. For a JPEG, PNG or WebP the scan covers what a browser could read as a page:
anything after the image's end marker (where polyglots carry their HTML; a JPEG's further
embedded images are walked over), or the whole file when its structure does not hold together.
Markup inside the image (comments, EXIF, text chunks) never reaches anyone: photos are decoded by
Pillow under a pixel cap and re-encoded into a new file without metadata (EXIF, GPS, XMP, ICC,
comments), and that copy is what people download, so a polyglot that fooled the sniffing still
comes out as plain pixels. Videos and PDFs are alike: their bulk is compressed media (an MP4's
`mdat` boxes, a PDF's streams), in which markup turns up by chance as often as in a photo (about
once in a billion bytes: a 50 MB video would be refused one time in fifteen). For MP4, QuickTime
and 3GPP files the scan skips the payload of the top-level `mdat` boxes and covers everything else
(headers, metadata, anything after the last box); when the boxes do not chain from the start to
the end of the file, the whole file is scanned. For a PDF it skips what lies between `stream` and
`endstream`; the PDF action check (JavaScript, launch, embedded files) still reads the whole file.
For videos and PDFs this scan catches accidental or naive markup only: an uploader who means to
can place markup where it is skipped (a `stream ... endstream` pair anywhere, a last `mdat` box
that runs to the end of the file), so for them the control is how they are served (below).
WebM and text are scanned whole. Videos and PDFs cannot be re-encoded here: they are served as
attachments with `nosniff` and a sandboxing CSP, and their metadata is kept (documented in
docs/security.md).
"""

from __future__ import annotations

import io
import re
import warnings
import zlib
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
PDF_ACTIVE_NAMES = (
    b"JavaScript",
    b"JS",
    b"Launch",
    b"EmbeddedFile",
    b"RichMedia",
    b"XFA",
    b"SubmitForm",
    b"ImportData",
)
PDF_ACTIVE = re.compile(rb"/(?:" + b"|".join(PDF_ACTIVE_NAMES) + rb")\b")
# A name written with #xx escapes (`/J#61vaScript` is `/JavaScript`, PDF 1.2+): decoded, then compared.
PDF_ESCAPED_NAME = re.compile(rb"/[^\x00\t\n\f\r ()<>\[\]{}/%]*#[0-9A-Fa-f]{2}[^\x00\t\n\f\r ()<>\[\]{}/%]*")
PDF_HEX = re.compile(rb"#([0-9A-Fa-f]{2})")
# Objects packed in a compressed object stream (PDF 1.5+) are invisible to a scan of the file's
# bytes: such streams are inflated (up to a budget) and scanned too.
PDF_OBJECT_STREAM_BUDGET = 64 * 1024 * 1024


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


# A JPEG may carry further JPEGs after its end (MPF: previews, depth maps); walk at most this many.
JPEG_MAX_EMBEDDED = 8


def _jpeg_end(data: bytes, start: int = 0) -> int | None:
    """The offset just past the EOI marker of the JPEG that begins at `start`, or None if its
    markers do not chain to one. Bytes between segments are skipped the way libjpeg skips them;
    entropy-coded data is crossed to the next marker (0xFF00 is a stuffed byte, RSTn a restart)."""
    n = len(data)
    if data[start : start + 2] != b"\xff\xd8":
        return None
    i = start + 2
    while True:
        i = data.find(b"\xff", i)
        while 0 <= i < n and data[i] == 0xFF:  # fill bytes before a marker
            i += 1
        if i < 0 or i >= n:
            return None
        marker = data[i]
        i += 1
        if marker == 0xD9:  # EOI
            return i
        if marker == 0x00 or 0xD0 <= marker <= 0xD7 or marker == 0x01:  # no length follows
            continue
        if i + 2 > n:
            return None
        length = int.from_bytes(data[i : i + 2], "big")
        if length < 2 or i + length > n:
            return None
        i += length
        if marker == 0xDA:  # SOS: compressed data up to the next real marker
            while True:
                j = data.find(b"\xff", i)
                if j < 0 or j + 1 >= n:
                    return None
                following = data[j + 1]
                if following == 0x00 or 0xD0 <= following <= 0xD7:
                    i = j + 2
                    continue
                i = j
                break


def _png_end(data: bytes) -> int | None:
    """The offset just past the IEND chunk, or None if the chunks do not chain to one."""
    i, n = 8, len(data)
    while i + 12 <= n:
        length = int.from_bytes(data[i : i + 4], "big")
        kind = data[i + 4 : i + 8]
        i += 12 + length
        if i > n:
            return None
        if kind == b"IEND":
            return i
    return None


def _webp_end(data: bytes) -> int | None:
    end = 8 + int.from_bytes(data[4:8], "little")
    return end if end <= len(data) else None


def image_end(data: bytes, content_type: str) -> int | None:
    """Where the image (for a JPEG, with the JPEGs embedded after it) ends, or None if its
    structure does not hold together."""
    if content_type == "image/png":
        return _png_end(data)
    if content_type == "image/webp":
        return _webp_end(data)
    end = _jpeg_end(data)
    for _embedded in range(JPEG_MAX_EMBEDDED):
        if end is None or not data.startswith(b"\xff\xd8\xff", end):
            break
        following = _jpeg_end(data, end)
        if following is None:
            break
        end = following
    return end


BMFF_TYPES = ("video/mp4", "video/quicktime", "video/3gpp")
# Between the keyword and its end, a PDF stream's bytes are data (compressed, images, fonts).
PDF_STREAM_START = re.compile(rb"stream\r?\n")
PDF_STREAM_END = b"endstream"


def pdf_stream_spans(data: bytes) -> list[tuple[int, int]]:
    """(start, end) of each `stream ... endstream` run of a PDF, in one pass over the file: a
    `stream` with no `endstream` after it ends the search (the rest is scanned). A lazy regex
    across the file rescanned the tail from every unclosed `stream`, quadratic in the file's
    size: 280 KB of them held a worker for 27 s."""
    spans: list[tuple[int, int]] = []
    at = 0
    while (start := PDF_STREAM_START.search(data, at)) is not None:
        end = data.find(PDF_STREAM_END, start.end())
        if end < 0:
            break
        at = end + len(PDF_STREAM_END)
        spans.append((start.start(), at))
    return spans


def _unescape_names(data: bytes) -> bytes:
    """PDF names with their #xx escapes decoded (`/J#61vaScript` reads `/JavaScript`)."""
    return PDF_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), data)


def _pdf_names_active(data: bytes) -> bool:
    """An action or embedded-file name, written plainly or with #xx escapes."""
    if PDF_ACTIVE.search(data):
        return True
    return any(PDF_ACTIVE.fullmatch(_unescape_names(match.group(0))) for match in PDF_ESCAPED_NAME.finditer(data))


def _object_stream_active(head: bytes, body: bytes, budget: int) -> tuple[bool, int]:
    """Whether an object stream (`head`: the bytes before its `stream` keyword, its dictionary
    among them; `body`: its data) names an action, or cannot be read here: another filter than
    plain Flate, a predictor (which can split names across rows), broken data, or more than
    `budget` bytes inflated. And what is left of the budget."""
    if b"/Filter" not in head:  # stored uncompressed: its bytes were scanned with the file's
        return False, budget
    if re.findall(rb"/(\w+Decode)\b", head) != [b"FlateDecode"] or b"/Predictor" in head or budget <= 0:
        return True, budget
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(body, budget)
    except zlib.error:
        return True, budget
    if inflater.unconsumed_tail:  # past the budget: a bomb, or too big to check
        return True, budget
    return _pdf_names_active(text), budget - len(text)


def pdf_has_active_content(data: bytes) -> bool:
    """Whether a PDF names JavaScript, launch or submit actions, embedded files, rich media or XFA
    forms: in its bytes (names decoded from #xx escapes) or inside a compressed object stream,
    where a whole catalog can hide. An object stream that cannot be read (another filter, broken,
    without its end, or past the inflate budget) counts as active: it cannot be shown not to be.

    A stream is taken for an object stream when `/ObjStm` appears anywhere between the previous
    stream's end and its `stream` keyword: its dictionary lies there, however it is padded or
    commented, and each byte of the file is looked at once."""
    if _pdf_names_active(data):
        return True
    budget = PDF_OBJECT_STREAM_BUDGET
    after_previous = 0
    for start, end in pdf_stream_spans(data):
        head = _unescape_names(data[after_previous:start])
        after_previous = end
        if b"/ObjStm" not in head:
            continue
        body = data[PDF_STREAM_START.match(data, start).end() : end - len(PDF_STREAM_END)]
        active, budget = _object_stream_active(head, body, budget)
        if active:
            return True
    unclosed = PDF_STREAM_START.search(data, after_previous)
    return unclosed is not None and b"/ObjStm" in _unescape_names(data[after_previous : unclosed.start()])


def bmff_media_spans(data: bytes) -> list[tuple[int, int]] | None:
    """(start, end) of the payload of each top-level `mdat` box of an MP4/QuickTime/3GPP file,
    or None when the top-level boxes do not chain from the first byte to the last."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(data)
    while i < n:
        if i + 8 > n:
            return None
        size, kind, header = int.from_bytes(data[i : i + 4], "big"), data[i + 4 : i + 8], 8
        if size == 1:  # a 64-bit size follows the type
            if i + 16 > n:
                return None
            size, header = int.from_bytes(data[i + 8 : i + 16], "big"), 16
        elif size == 0:  # the box runs to the end of the file
            size = n - i
        if size < header or i + size > n:
            return None
        if kind == b"mdat":
            spans.append((i + header, i + size))
        i += size
    return spans


def _without(data: bytes, spans: list[tuple[int, int]]) -> bytes:
    """`data` with the spans left out; a NUL stands in each gap, which no markup pattern crosses
    (a newline would: `<\\s*script` allows whitespace)."""
    pieces, at = [], 0
    for start, end in spans:
        pieces.append(data[at:start])
        at = end
    pieces.append(data[at:])
    return b"\x00".join(pieces)


def markup_scan_region(data: bytes, content_type: str) -> bytes:
    """The bytes where active markup means something (see the module's docstring)."""
    if content_type in PILLOW_FORMATS:
        end = image_end(data, content_type)
        return data if end is None else data[end:]
    if content_type in BMFF_TYPES:
        spans = bmff_media_spans(data)
        return data if spans is None else _without(data, spans)
    if content_type == "application/pdf":
        return _without(data, pdf_stream_spans(data))
    return data


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
    if ACTIVE_MARKUP.search(markup_scan_region(data, content_type).lower()):
        raise refuse(_("The file carries web page or script content and was refused."))
    if content_type == "application/pdf" and pdf_has_active_content(data):
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
