"""HTML to PDF: the only module that imports WeasyPrint.

Everything WeasyPrint may load goes through `AssetFetcher`, a deny-all URL fetcher that serves
an in-memory map of our own assets (the packet stylesheet, the bundled fonts) and image bytes
handed in explicitly by the caller (JPEG derivatives of evidence photos). Every other URL,
http, https, ftp, file, or a data: URL longer than a few kilobytes, is refused, so neither a
template nor a hostile value that slipped into the HTML can read a server file or reach the
network (SSRF). Each fetcher keeps the list of URLs it was asked for and what it served, so
tests can assert that nothing outside the map was ever loaded.

Output is PDF/A-3a (`documents.archival.PDF_VARIANT`): archival (PDF/A-3) at the accessible conformance level "a",
which WeasyPrint produces with its tagging on (structure tree with headings, tables and figures
with their alternative text, `/Lang`, `/MarkInfo`), with title, author, subject and keywords taken
from the HTML head.
"""

from __future__ import annotations

import base64
import binascii
import gc
import hashlib
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_to_bytes

import pydyf
from django.conf import settings
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from documents.archival import PDF_TAGGED, PDF_VARIANT
from documents.assets import ASSET_FILES, ASSET_PREFIX, asset_url, image_url

logger = logging.getLogger(__name__)

MAX_DATA_URL_BYTES = 4096

MIME_TYPES = {
    ".css": "text/css",
    ".ttf": "font/ttf",
    ".ttc": "font/collection",
    ".jpg": "image/jpeg",
    ".png": "image/png",
}


class FetchRefused(Exception):
    """The URL is not one of ours; WeasyPrint logs it and carries on without the resource."""


class AssetFetcher(URLFetcher):
    """Deny-all fetcher: serves our assets and the given images, refuses everything else.

    `requested` lists every URL WeasyPrint asked for, `served` those it got; nothing here ever
    opens a socket or a path derived from a URL.
    """

    def __init__(self, images: Mapping[str, bytes] | None = None) -> None:
        # No handlers are used (fetch is replaced wholesale); fail_on_errors=False lets a refused
        # resource be skipped, which keeps hostile input from stopping a render.
        super().__init__(timeout=1, allowed_protocols=(), allow_redirects=False, fail_on_errors=False)
        self.images = {image_url(key): data for key, data in (images or {}).items()}
        self.requested: list[str] = []
        self.served: list[str] = []
        self._lock = threading.Lock()

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        with self._lock:
            self.requested.append(url)
        body, mime = self._resolve(url)
        with self._lock:
            self.served.append(url)
        return URLFetcherResponse(url, body=body, headers={"Content-Type": mime})

    def open(self, url: Any, data: Any = None, timeout: Any = None) -> URLFetcherResponse:
        return self.fetch(getattr(url, "full_url", url))

    def _resolve(self, url: str) -> tuple[bytes, str]:
        if url in self.images:
            return self.images[url], "image/jpeg"
        if url.startswith(ASSET_PREFIX):
            name = url[len(ASSET_PREFIX) :]
            path = ASSET_FILES.get(name)
            if path is not None:
                return _read_asset(path), MIME_TYPES.get(path.suffix, "application/octet-stream")
        if url[:5].lower() == "data:" and len(url) <= MAX_DATA_URL_BYTES:
            return _decode_data_url(url)
        # The URL is not repeated: it could carry whatever a hostile value put there.
        raise FetchRefused("refused: not one of the packet's assets")


def _read_asset(path: Any) -> bytes:
    return path.read_bytes()


def _decode_data_url(url: str) -> tuple[bytes, str]:
    """A small data: URL, decoded here (never by urllib)."""
    header, sep, payload = url[5:].partition(",")
    if not sep:
        raise FetchRefused("malformed data URL")
    parts = header.split(";")
    mime = parts[0] or "text/plain"
    try:
        if "base64" in parts[1:]:
            return base64.b64decode(payload, validate=False), mime
        return unquote_to_bytes(payload), mime
    except (binascii.Error, ValueError):
        raise FetchRefused("malformed data URL") from None


# --- Fonts: one configuration per process. WeasyPrint copies each @font-face file once into
# its own temporary folder and registers it with Fontconfig; later renders reuse it.
_font_lock = threading.Lock()
_font_config: FontConfiguration | None = None
_stylesheet: CSS | None = None


def _fonts_and_stylesheet() -> tuple[FontConfiguration, CSS]:
    global _font_config, _stylesheet
    with _font_lock:
        if _font_config is None or _stylesheet is None:
            font_config = FontConfiguration()
            fetcher = AssetFetcher()
            css = CSS(url=asset_url("css/packet.css"), url_fetcher=fetcher, font_config=font_config)
            refused = [url for url in fetcher.requested if url not in fetcher.served]
            if refused:
                logger.error("packet stylesheet asked for %d URL(s) outside its assets", len(refused))
            _font_config, _stylesheet = font_config, css
            _freeze_startup_objects()
        return _font_config, _stylesheet


def _freeze_startup_objects() -> None:
    """Once per process, when WeasyPrint, its fonts and the stylesheet are loaded: move every
    object alive then (Django, WeasyPrint, fontconfig's data) out of the garbage collector's
    reach (`gc.freeze`). They live as long as the process anyway, and each full collection,
    which a render's millions of allocations trigger about once a packet, no longer walks them:
    measured on a worker rendering 60 packets in a row, 255 ms a packet instead of 280
    (docs/performance.md). Objects freed by reference counting still are; only cyclic garbage
    among the frozen objects would stay, and there is none to speak of at this point.
    `PACKET_GC_FREEZE = False` turns it off."""
    if getattr(settings, "PACKET_GC_FREEZE", True):
        gc.collect()
        gc.freeze()


@dataclass
class RenderResult:
    pdf: bytes
    pages: int
    fetcher: AssetFetcher = field(repr=False)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.pdf).hexdigest()


def _finisher(document: Any, pdf: pydyf.PDF) -> None:
    # Screen readers announce the title rather than the file name (PDF/UA asks for this).
    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"DisplayDocTitle": "true"})


def render_pdf(
    html: str,
    *,
    images: Mapping[str, bytes] | None = None,
    fetcher: AssetFetcher | None = None,
    attachments: list[tuple[str, bytes, str]] | None = None,
    variant: str | None = PDF_VARIANT,
    tagged: bool = PDF_TAGGED,
) -> RenderResult:
    """Render trusted template output to an archival PDF.

    `images` maps keys to JPEG bytes; the HTML refers to them as `image_url(key)`.
    `attachments` are (file name, bytes, description) embedded as PDF/A-3 supplements.
    The HTML has no base URL: a relative URL cannot resolve to anything.
    """
    if fetcher is None:
        fetcher = AssetFetcher(images)
    elif images:
        fetcher.images.update({image_url(key): data for key, data in images.items()})
    font_config, stylesheet = _fonts_and_stylesheet()
    document = HTML(string=html, base_url=None, url_fetcher=fetcher).render(
        font_config=font_config,
        stylesheets=[stylesheet],
        pdf_variant=variant,
        pdf_tags=tagged,
    )
    files = [
        Attachment(string=data, name=name, description=description, url_fetcher=fetcher, relationship="Supplement")
        for name, data, description in attachments or []
    ]
    pdf = document.write_pdf(pdf_variant=variant, pdf_tags=tagged, finisher=_finisher, attachments=files)
    return RenderResult(pdf=pdf, pages=len(document.pages), fetcher=fetcher)
