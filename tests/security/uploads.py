"""Files for upload attacks: photos with GPS, polyglots, disguised markup, bombs."""

from __future__ import annotations

import io

from PIL import Image


def jpeg_with_gps(size=(64, 48), orientation: int | None = None) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0131] = "SecretApp 1.0"  # Software
    gps = {1: "N", 2: (39.0, 57.0, 7.0), 3: "W", 4: (75.0, 9.0, 49.0)}
    exif[0x8825] = gps
    if orientation:
        exif[0x0112] = orientation
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes(), comment=b"taken at 1234 Hidden Lane")
    return out.getvalue()


def png(size=(8, 8), text: dict[str, str] | None = None) -> bytes:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    for k, v in (text or {}).items():
        info.add_text(k, v)
    out = io.BytesIO()
    Image.new("RGBA", size, (0, 0, 255, 128)).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/demonstrators/')</script></body></html>"
# A GIFAR-style polyglot: valid JPEG bytes with an HTML payload after the image data.
POLYGLOT_JPEG_HTML = jpeg_with_gps() + b"<html><script>alert(1)</script></html>"
# HTML wearing a JPEG signature.
HTML_WITH_JPEG_MAGIC = b"\xff\xd8\xff\xe0" + HTML
# Hand-written PDFs without a cross-reference table (a reader rebuilds it by scanning for objects),
# with one blank page: a PDF without any page is one no reader can show, and is refused.
PAGES = b"2 0 obj<</Type/Pages/Kids[9 0 R]/Count 1>>endobj\n9 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
PDF_WITH_JS = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction<</S/JavaScript/JS(app.alert(1))>>>>endobj\n"
               + PAGES + b"trailer<</Root 1 0 R>>\n%%EOF")  # fmt: skip
PLAIN_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n" + PAGES + b"trailer<</Root 1 0 R>>\n%%EOF"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00\x00\x00\x08free" + b"\x00" * 64
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64


def bomb_png(side: int = 12_000) -> bytes:
    """A tiny PNG that decodes to side x side pixels (144 MP by default)."""
    out = io.BytesIO()
    Image.new("1", (side, side)).save(out, format="PNG", optimize=True)
    return out.getvalue()
