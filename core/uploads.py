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
embedded images are walked over, and the media data of a motion photo's MP4 is skipped as a
video's is), or the whole file when its structure does not hold together.
Markup inside the image (comments, EXIF, text chunks) never reaches anyone: photos are decoded by
Pillow under a pixel cap and re-encoded into a new file without metadata (EXIF, GPS, XMP, ICC,
comments), and that copy is what people download, so a polyglot that fooled the sniffing still
comes out as plain pixels. Videos and PDFs are alike: their bulk is compressed media (an MP4's
`mdat` boxes, a PDF's streams), in which markup turns up by chance as often as in a photo (about
once in a billion bytes: a 50 MB video would be refused one time in fifteen). For MP4, QuickTime
and 3GPP files the scan skips the payload of the top-level `mdat` boxes and covers everything else
(headers, metadata, anything after the last box); when the boxes do not chain from the start to
the end of the file, the whole file is scanned. For a PDF it skips what lies between `stream` and
`endstream`. The PDF action check (JavaScript, launch and submit actions, embedded files, rich
media, XFA) is qpdf's (pikepdf): it opens the PDF (repairing it as readers do), and every object,
packed in object streams or not, and every stream of PDF syntax is walked; a PDF or part of one
that qpdf cannot read is refused, since it cannot be shown to be clean (`pdf_check`).
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
from dataclasses import dataclass

import pikepdf
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
# PDF names that run something or carry something (scripts, launch and submit actions, embedded
# files, rich media, XFA forms), looked for as keys and values in every object qpdf reads.
PDF_ACTIVE_NAMES = frozenset(
    {
        "/JavaScript", "/JS", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA", "/SubmitForm",
        "/ImportData",
    }
)  # fmt: skip
# The most any one stream read here may inflate to (qpdf's flate limit while checking a PDF): an
# inflate bomb is refused, not decoded.
PDF_OBJECT_STREAM_BUDGET = 64 * 1024 * 1024
# Streams whose data is not PDF syntax (pictures, fonts, XML, colour profiles): not tokenized.
PDF_DATA_SUBTYPES = frozenset({"/Image", "/Type1C", "/CIDFontType0C", "/OpenType", "/XML"})
PDF_DATA_TYPES = frozenset({"/XRef", "/Metadata"})


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


class _Tokens(pikepdf.TokenFilter):
    """What qpdf's tokenizer reads in a stream's data: its names (#xx escapes decoded), and whether
    anything that is not object syntax turns up (a keyword other than `R`, a bad token)."""

    def __init__(self, *, until_stream: bool = False) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.not_objects = False
        self.until_stream, self.done = until_stream, False

    def handle_token(self, token: pikepdf.Token) -> None:
        kind = token.type_
        if self.done:
            return
        if kind == pikepdf.TokenType.name_:
            self.names.add(str(token.value))
        elif kind == pikepdf.TokenType.bad or (kind == pikepdf.TokenType.word and bytes(token.raw_value) != b"R"):
            self.not_objects = True
            # an object's own bytes end at its `stream` or `endobj` keyword
            self.done = self.until_stream and bytes(token.raw_value) in (b"stream", b"endobj")


class _PdfChecker:
    """Walks every object of one PDF that qpdf reads: the objects of its cross-reference table
    (those packed in object streams included), and the tokens of every stream whose data is PDF
    syntax: object streams (also unreferenced ones, which a repairing reader may find), page
    contents, forms, untyped streams. Pictures, fonts and XML are data and are not read."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.scratch = pikepdf.new()  # a page to run qpdf's tokenizer over a stream's data
        self.page = self.scratch.add_blank_page()

    def active(self) -> bool:
        return any(self._object_active(obj) for obj in self.pdf.objects)

    def lost(self, data: bytes) -> str:
        """The objects qpdf found but could not read (a stream without its end, a broken
        dictionary: qpdf makes them null), judged from their own bytes, tokenized by qpdf up to
        their `stream` or `endobj`: PDF_ACTIVE if they name an action, PDF_UNREADABLE if one was
        an object stream (whatever it packed is out of sight), else ""."""
        table = self.pdf.get_xref_table()
        # (Entries of type 1 are objects at a byte offset; the stubs allow None for the other types.)
        offsets = sorted(entry.offset for entry in table.values() if entry.type == 1 and entry.offset is not None)
        offsets.append(len(data))
        for objgen, entry in table.items():
            if entry.type != 1 or entry.offset is None or self.pdf.get_object(objgen) is not None:
                continue
            tokens = self._tokens(data[entry.offset : offsets[offsets.index(entry.offset) + 1]], until_stream=True)
            if tokens.names & PDF_ACTIVE_NAMES:
                return PDF_ACTIVE
            if "/ObjStm" in tokens.names:
                return PDF_UNREADABLE
        return ""

    def _tokens(self, data: bytes, *, until_stream: bool = False) -> _Tokens:
        """qpdf's tokenizer over `data`, run as the contents of a scratch page."""
        tokens = _Tokens(until_stream=until_stream)
        self.page.obj.Contents = self.scratch.make_stream(data)
        self.page.get_filtered_contents(tokens)
        return tokens

    def _object_active(self, obj: pikepdf.Object) -> bool:
        if isinstance(obj, pikepdf.Stream):
            return self._container_active(obj.stream_dict) or self._stream_data_active(obj)
        return self._container_active(obj)

    def _container_active(self, obj: pikepdf.Object) -> bool:
        """The active names among a direct object's keys and values; indirect objects are walked
        on their own (the walk over every object reaches them), so no cycle is followed."""
        if isinstance(obj, pikepdf.Name):
            return str(obj) in PDF_ACTIVE_NAMES
        if isinstance(obj, pikepdf.Dictionary):
            if any(key in PDF_ACTIVE_NAMES for key in obj):
                return True
            children = obj.values()
        elif isinstance(obj, pikepdf.Array):
            children = list(obj)
        else:
            return False
        return any(
            isinstance(child, pikepdf.Object) and not child.is_indirect and self._container_active(child)
            for child in children
        )

    def _stream_data_active(self, stream: pikepdf.Stream) -> bool:
        kind, subtype = str(stream.get("/Type", "")), str(stream.get("/Subtype", ""))
        if kind in PDF_DATA_TYPES or subtype in PDF_DATA_SUBTYPES or "/Length1" in stream:
            return False
        data = stream.read_bytes()  # qpdf decodes (a bomb past the flate limit raises)
        tokens = self._tokens(data)
        if kind == "/ObjStm":
            count, first = int(stream.get("/N", 0)), int(stream.get("/First", 0))
            header_ok = count > 0 and 0 < first <= len(data) and len(data[:first].split()) == 2 * count
            if tokens.not_objects or not header_ok:  # a wrong filter, broken or lost data
                raise ValueError("an object stream that does not hold the objects its dictionary announces")
        return bool(tokens.names & PDF_ACTIVE_NAMES)


PDF_ACTIVE, PDF_UNREADABLE = "active", "unreadable"
# What qpdf warns when it could not decode a stream (its repair warnings, "file is damaged",
# "Attempting to reconstruct...", are routine for hand-made or truncated PDFs).
PDF_LOST_WARNINGS = ("error decoding stream data", "limit exceeded")


def pdf_check(data: bytes) -> str:
    """ "" for a PDF without JavaScript, launch or submit actions, embedded files, rich media or
    XFA forms anywhere qpdf reads (see _PdfChecker); PDF_ACTIVE for one with; PDF_UNREADABLE for
    a PDF qpdf cannot open, or with a part it cannot read (a broken or over-large compressed
    stream, an object stream that holds no objects): it cannot be shown to be clean."""
    pikepdf.settings.set_qpdf_limits(flate_max_memory=PDF_OBJECT_STREAM_BUDGET)
    limits_hit = pikepdf.settings.qpdf_limit_errors()
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            checker = _PdfChecker(pdf)
            if checker.active():
                return PDF_ACTIVE
            if problem := checker.lost(data):
                return problem
            # qpdf warns, and reads a null, where it could not decode something: unread is not clean
            lost = any(m in w for w in pdf.get_warnings() for m in PDF_LOST_WARNINGS)
            if lost or pikepdf.settings.qpdf_limit_errors() > limits_hit:
                return PDF_UNREADABLE
            return ""
    except (pikepdf.PdfError, ValueError, TypeError):
        return PDF_UNREADABLE


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
        if end is None:
            return data
        after = data[end:]
        # A phone's motion photo carries its short video (an MP4) after the picture: its media data
        # is skipped like a video's, the rest of it scanned.
        spans = bmff_media_spans(after) if after[4:8] == b"ftyp" else None
        return after if spans is None else _without(after, spans)
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
    problem = pdf_check(data) if content_type == "application/pdf" else ""
    if problem == PDF_ACTIVE:
        raise refuse(_("PDFs with scripts, actions or embedded files are not accepted; print it to a new PDF first."))
    if problem == PDF_UNREADABLE:
        raise refuse(
            _(
                "This PDF could not be read completely, so it cannot be shown to be free of scripts, actions or "
                "embedded files; print it to a new PDF first."
            )
        )
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
                # Turned upright in place: no copy of the pixels when no turn is needed (a copy of
                # 36 MB, twice, was a third of a 12-megapixel photo's time).
                upright = ImageOps.exif_transpose(image, in_place=True) or image
                to_jpeg = fmt == "JPEG" or (fmt == "WEBP" and upright.mode not in ("RGBA", "LA"))
                mode = "RGB" if to_jpeg or upright.mode not in ("RGBA", "LA", "PA", "P") else "RGBA"
                # A brand-new image holding the pixels only (one copy, in C): nothing of the
                # original's `info` (EXIF, ICC, XMP, comments) comes along.
                pixels = upright if upright.mode == mode else upright.convert(mode)
                fresh = Image.new(mode, pixels.size)
                fresh.paste(pixels)
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
