"""What an uploaded file is, judged from its content (never its name or the client's header).

Only the types the tracker needs are accepted: photos, videos, PDFs and plain text. SVG, HTML and
anything unidentified are refused. (cases.services.evidence_add stores the original unaltered
with its SHA-256; derivative copies for sharing are made there.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import puremagic

ALLOWED = {
    "image/jpeg": "photo",
    "image/png": "photo",
    "image/webp": "photo",
    "image/heic": "photo",
    "image/heif": "photo",
    "video/mp4": "video",
    "video/quicktime": "video",
    "video/webm": "video",
    "video/3gpp": "video",
    "application/pdf": "document",
}
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    kind: str


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        # a multi-byte character cut at the end of the sample is still text
        try:
            text = head[:-4].decode("utf-8")
        except UnicodeDecodeError:
            return False
    stripped = text.lstrip().lower()
    return not stripped.startswith(("<", "{\\rtf"))  # markup (HTML, SVG, XML) is refused


def sniff(upload: Any) -> Sniffed | None:
    """The content type and evidence kind of an upload, or None when it is not accepted."""
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not head:
        return None
    try:
        mime = puremagic.from_string(head, mime=True)
    except (puremagic.PureError, ValueError):
        mime = ""
    if mime in ALLOWED:
        return Sniffed(mime, ALLOWED[mime])
    if not mime and _looks_like_text(head):
        return Sniffed("text/plain", "document")
    return None
